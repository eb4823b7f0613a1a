package models_test

import (
	"errors"
	"testing"

	"khuyencong/models"
)

func catalogueCodes(l models.List[models.CatalogueEntry]) []string {
	var out []string
	for _, c := range l.Items {
		out = append(out, c.Code)
	}
	return out
}

func TestCatalogueShowsOnlyOpenClasses(t *testing.T) {
	w := newCalWorld(t)
	mk := func(kind, title string, statuses ...string) models.Course {
		c := w.course(t, kind)
		mustExec(t, w.db, `UPDATE courses SET title = $2 WHERE id = $1`, c.ID, title)
		w.setStatus(t, c.ID, statuses...)
		c.Title = title
		return c
	}
	approved := mk(models.KindCraftTransmission, "Mây tre đan xuất khẩu", models.StatusSubmitted, models.StatusApproved)
	running := mk(models.KindVocational, "Mộc dân dụng", models.StatusSubmitted, models.StatusApproved, models.StatusRunning)
	hidden := []models.Course{
		mk(models.KindVocational, "Lớp nháp"),
		mk(models.KindVocational, "Lớp chờ duyệt", models.StatusSubmitted),
		mk(models.KindVocational, "Lớp đã hủy", models.StatusCancelled),
		mk(models.KindVocational, "Lớp đã xong", models.StatusSubmitted, models.StatusApproved, models.StatusRunning, models.StatusCompleted),
	}
	// The running class is at the far venue, in Lục Nam; it started earlier, so it comes first.
	mustExec(t, w.db, `UPDATE courses SET venue_id = $2, craft_id = $3, start_date = '2026-02-02', end_date = '2026-03-20' WHERE id = $1`, running.ID, w.farVenue, w.otherCraft)
	if err := w.s.AssignStaff(ctx, w.actor(), approved.ID, w.master, "lead"); err != nil {
		t.Fatal(err)
	}
	// Two confirmed trainees and one on the waitlist: 28 seats left of 30.
	for i, st := range []string{"confirmed", "confirmed", "waitlisted"} {
		tr := mustID(t, w.db, `INSERT INTO trainees (family_name, given_name, gender, phone) VALUES ('Nguyễn', 'Học Viên', 'female', $1) RETURNING id`,
			"09120000"+string(rune('0'+i))+"0")
		pos := map[bool]any{true: 1, false: nil}[st == "waitlisted"]
		mustExec(t, w.db, `INSERT INTO enrolments (course_id, trainee_id, status, waitlist_position, confirmed_at)
			VALUES ($1, $2, $3, $4, CASE WHEN $3 = 'confirmed' THEN now() END)`, approved.ID, tr, st, pos)
	}

	all, err := w.s.ListCatalogue(ctx, models.CatalogueFilter{}, day(2026, 1, 15))
	if err != nil {
		t.Fatal(err)
	}
	if got := catalogueCodes(all); len(got) != 2 || got[0] != running.Code || got[1] != approved.Code || all.Total != 2 {
		t.Fatalf("catalogue %v (total %d), want [%s %s]", got, all.Total, running.Code, approved.Code)
	}
	a := all.Items[1]
	if a.SeatsLeft != 28 || a.LeadName == nil || *a.LeadName != "Nguyễn Văn Mây" || a.LeadTitle == nil || *a.LeadTitle != "nghe_nhan_uu_tu" ||
		a.DistrictName == nil || *a.DistrictName != "Lục Ngạn" || a.VenueAddress == nil || *a.VenueAddress != "Thôn Đồng Mương" {
		t.Errorf("entry %+v", a)
	}
	cases := []struct {
		name string
		f    models.CatalogueFilter
		want string
	}{
		{"search without diacritics", models.CatalogueFilter{ListParams: models.ListParams{Q: "may tre"}}, approved.Code},
		{"search by craft", models.CatalogueFilter{ListParams: models.ListParams{Q: "MAY TRE DAN"}}, approved.Code},
		{"search by venue", models.CatalogueFilter{ListParams: models.ListParams{Q: "tam di"}}, running.Code},
		{"kind", models.CatalogueFilter{Kind: models.KindVocational}, running.Code},
		{"district", models.CatalogueFilter{District: "218"}, approved.Code},
	}
	for _, tc := range cases {
		l, err := w.s.ListCatalogue(ctx, tc.f, day(2026, 1, 15))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := catalogueCodes(l); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: %v, want [%s]", tc.name, got, tc.want)
		}
	}
	// Once their last day has passed, running classes go after the ones still to come.
	late, err := w.s.ListCatalogue(ctx, models.CatalogueFilter{}, day(2026, 3, 25))
	if got := catalogueCodes(late); err != nil || len(got) != 2 || got[0] != approved.Code {
		t.Errorf("on 25 March: %v (%v), want %s first", got, err, approved.Code)
	}

	if c, err := w.s.GetCatalogueCourse(ctx, approved.ID); err != nil || c.Title != "Mây tre đan xuất khẩu" {
		t.Fatalf("open class: %+v %v", c, err)
	}
	for _, h := range hidden {
		if _, err := w.s.GetCatalogueCourse(ctx, h.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s (%s) is not hidden: %v", h.Title, h.Status, err)
		}
		if ss, err := w.s.ListPublicSessions(ctx, h.ID); err != nil || len(ss) != 0 {
			t.Errorf("sessions of %s: %d, %v", h.Title, len(ss), err)
		}
	}
}
