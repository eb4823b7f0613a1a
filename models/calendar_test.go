package models_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"khuyencong/models"
)

// calWorld is a courseWorld with places: the first venue is in Lục Ngạn (218), farVenue in Lục Nam (217).
type calWorld struct {
	*courseWorld
	farVenue int64
}

func newCalWorld(t *testing.T) *calWorld {
	t.Helper()
	w := &calWorld{courseWorld: newCourseWorld(t)}
	mustExec(t, w.db, `INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
		('24', 'province', 'tinh', 'Bắc Giang', NULL),
		('218', 'district', 'huyen', 'Lục Ngạn', '24'), ('217', 'district', 'huyen', 'Lục Nam', '24'),
		('07000', 'commune', 'xa', 'Tân Hoa', '218'), ('07100', 'commune', 'xa', 'Tam Dị', '217')`)
	mustExec(t, w.db, `UPDATE venues SET commune_code = '07000', address = 'Thôn Đồng Mương' WHERE id = $1`, w.venue)
	w.farVenue = mustID(t, w.db, `INSERT INTO venues (name, seats, commune_code) VALUES ('Nhà văn hóa xã Tam Dị', 25, '07100') RETURNING id`)
	return w
}

// setStatus walks a course through statuses with SQL, as the life-cycle trigger allows.
func (w *calWorld) setStatus(t *testing.T, id int64, statuses ...string) {
	t.Helper()
	for _, s := range statuses {
		mustExec(t, w.db, `UPDATE courses SET status = $2, approved_at = coalesce(approved_at, CASE WHEN $2 <> 'submitted' THEN now() END),
			cancel_reason = CASE WHEN $2 = 'cancelled' THEN 'Không đủ học viên' END WHERE id = $1`, id, s)
	}
}

func (w *calWorld) session(t *testing.T, courseID, venue, instructor int64, from, to time.Time) models.CourseSession {
	t.Helper()
	s, err := w.s.AddSession(ctx, w.actor(), courseID, models.SessionInput{VenueID: venue, InstructorID: instructor, StartsAt: from, EndsAt: to})
	if err != nil {
		t.Fatalf("add session %v: %v", from, err)
	}
	return s
}

func sessionIDs(es []models.CalendarEntry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.SessionID)
	}
	return out
}

func TestCalendarShowsExactlyTheSessionsInRange(t *testing.T) {
	w := newCalWorld(t)
	c := w.course(t, models.KindVocational)
	monday := w.session(t, c.ID, w.venue, w.trainer, at(2026, 3, 2, 7, 30), at(2026, 3, 2, 11, 30))
	// Starts on Sunday evening, ends on Monday morning: it overlaps the week that begins on Monday.
	overnight := w.session(t, c.ID, w.venue2, w.trainer, at(2026, 3, 1, 22, 0), at(2026, 3, 2, 1, 0))
	// Ends exactly when the week begins: half-open ranges do not overlap.
	before := w.session(t, c.ID, w.farVenue, w.master, at(2026, 3, 1, 20, 0), at(2026, 3, 2, 0, 0))
	// 23:30 UTC on Sunday 8 March is 06:30 on Monday 9 March in Vietnam: next week, not this one.
	lateUTC := time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC)
	nextMonday := w.session(t, c.ID, w.venue, w.trainer, lateUTC, lateUTC.Add(2*time.Hour))
	cancelled := w.session(t, c.ID, w.venue, w.trainer, at(2026, 3, 4, 7, 30), at(2026, 3, 4, 11, 30))
	if err := w.s.CancelSession(ctx, w.actor(), c.ID, cancelled.ID, "Mưa bão"); err != nil {
		t.Fatal(err)
	}

	week, err := w.s.ListCalendar(ctx, models.CalendarFilter{From: day(2026, 3, 2), To: day(2026, 3, 9)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sessionIDs(week), []int64{overnight.ID, monday.ID, cancelled.ID}; !slices.Equal(got, want) {
		t.Fatalf("week of 2 March: sessions %v, want %v (not %d ending at midnight, not %d of next Monday)", got, want, before.ID, nextMonday.ID)
	}
	if !week[2].Cancelled() || week[2].CancelReason == nil || week[1].Cancelled() {
		t.Errorf("cancelled flags: %+v", week)
	}
	if week[1].CourseCode != c.Code || week[1].VenueName != "Nhà văn hóa xã Tăng Tiến" || week[1].InstructorName != "Lê Thị Giảng" ||
		week[1].DistrictName == nil || *week[1].DistrictName != "Lục Ngạn" {
		t.Errorf("entry %+v", week[1])
	}
	next, err := w.s.ListCalendar(ctx, models.CalendarFilter{From: day(2026, 3, 9), To: day(2026, 3, 16)})
	if err != nil {
		t.Fatal(err)
	}
	if got := sessionIDs(next); !slices.Equal(got, []int64{nextMonday.ID}) {
		t.Fatalf("week of 9 March: %v, want only %d", got, nextMonday.ID)
	}
	if d := next[0].StartsAt.In(models.Zone); d.Day() != 9 || d.Weekday() != time.Monday || d.Hour() != 6 {
		t.Errorf("the late-UTC session is on %v in Vietnam", d)
	}

	var ve *models.ValidationError
	if _, err := w.s.ListCalendar(ctx, models.CalendarFilter{From: day(2026, 3, 9), To: day(2026, 3, 2)}); !errors.As(err, &ve) {
		t.Errorf("reversed range: %v", err)
	}
	if _, err := w.s.ListCalendar(ctx, models.CalendarFilter{From: day(2026, 1, 1), To: day(2028, 1, 1)}); !errors.As(err, &ve) {
		t.Errorf("two years at once: %v", err)
	}
}

func TestCalendarFilters(t *testing.T) {
	w := newCalWorld(t)
	a := w.course(t, models.KindVocational)        // trainer: Lê Thị Giảng; master assigned below
	b := w.course(t, models.KindCraftTransmission) // taught by the master at the far venue
	other := mustID(t, w.db, `INSERT INTO instructors (kind, full_name) VALUES ('trainer', 'Đỗ Văn Khác') RETURNING id`)
	mustExec(t, w.db, `UPDATE courses SET trainer_id = $2, created_by = $3 WHERE id = $1`, b.ID, other, w.staff.ID)
	a1 := w.session(t, a.ID, w.venue, w.trainer, at(2026, 3, 2, 7, 30), at(2026, 3, 2, 11, 30))
	a2 := w.session(t, a.ID, w.venue2, w.trainer, at(2026, 3, 3, 7, 30), at(2026, 3, 3, 11, 30))
	b1 := w.session(t, b.ID, w.farVenue, w.master, at(2026, 3, 2, 13, 30), at(2026, 3, 2, 16, 30))
	b2 := w.session(t, b.ID, w.venue, w.untitled, at(2026, 3, 4, 13, 30), at(2026, 3, 4, 16, 30))
	if err := w.s.AssignStaff(ctx, w.actor(), a.ID, w.untitled, "assistant"); err != nil {
		t.Fatal(err)
	}
	base := models.CalendarFilter{From: day(2026, 3, 2), To: day(2026, 3, 9)}
	cases := []struct {
		name string
		f    func(*models.CalendarFilter)
		want []int64
	}{
		{"no filter", func(*models.CalendarFilter) {}, []int64{a1.ID, b1.ID, a2.ID, b2.ID}},
		{"venue", func(f *models.CalendarFilter) { f.VenueID = w.venue }, []int64{a1.ID, b2.ID}},
		{"trainer teaches", func(f *models.CalendarFilter) { f.TrainerID = w.trainer }, []int64{a1.ID, a2.ID}},
		{"trainer of the class", func(f *models.CalendarFilter) { f.TrainerID = other }, []int64{b1.ID, b2.ID}},
		{"master teaches", func(f *models.CalendarFilter) { f.MasterID = w.master }, []int64{b1.ID}},
		// The untitled master teaches b2 and is assigned to class a: all of a's sessions count.
		{"master assigned", func(f *models.CalendarFilter) { f.MasterID = w.untitled }, []int64{a1.ID, a2.ID, b2.ID}},
		{"district Lục Ngạn", func(f *models.CalendarFilter) { f.District = "218" }, []int64{a1.ID, b2.ID}},
		{"district Lục Nam", func(f *models.CalendarFilter) { f.District = "217" }, []int64{b1.ID}},
		{"district and master", func(f *models.CalendarFilter) { f.District = "218"; f.MasterID = w.untitled }, []int64{a1.ID, b2.ID}},
		{"owner: the trainer's user", func(f *models.CalendarFilter) { f.OwnerUserID = w.trainerUser.ID }, []int64{a1.ID, a2.ID}},
		{"owner: who registered the class", func(f *models.CalendarFilter) { f.OwnerUserID = w.staff.ID }, []int64{b1.ID, b2.ID}},
	}
	for _, tc := range cases {
		f := base
		tc.f(&f)
		got, err := w.s.ListCalendar(ctx, f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(sessionIDs(got), tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, sessionIDs(got), tc.want)
		}
	}
}

func TestTeachingScheduleIsTheMastersOwn(t *testing.T) {
	w := newCalWorld(t)
	mu, err := w.s.CreateUser(ctx, models.SystemActor("test"), models.NewUser{Email: "may@example.vn", FullName: "Nguyễn Văn Mây", Role: models.RoleMaster, Password: "mat-khau-dai-2026"})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, w.db, `UPDATE instructors SET user_id = $2 WHERE id = $1`, w.master, mu.ID)
	a, b := w.course(t, models.KindCraftTransmission), w.course(t, models.KindVocational)
	past := w.session(t, a.ID, w.venue, w.master, at(2026, 3, 2, 7, 30), at(2026, 3, 2, 11, 30))
	soon := w.session(t, a.ID, w.venue, w.master, at(2026, 3, 9, 7, 30), at(2026, 3, 9, 11, 30))
	later := w.session(t, a.ID, w.venue, w.master, at(2026, 3, 16, 7, 30), at(2026, 3, 16, 11, 30))
	w.session(t, b.ID, w.venue2, w.trainer, at(2026, 3, 9, 7, 30), at(2026, 3, 9, 11, 30)) // someone else's
	if err := w.s.AssignStaff(ctx, w.actor(), a.ID, w.master, "lead"); err != nil {
		t.Fatal(err)
	}
	sch, err := w.s.GetTeachingSchedule(ctx, mu.ID, at(2026, 3, 5, 12, 0))
	if err != nil {
		t.Fatal(err)
	}
	if sch.Instructor == nil || sch.Instructor.ID != w.master {
		t.Fatalf("instructor %+v", sch.Instructor)
	}
	if got, want := sessionIDs(sch.Sessions), []int64{soon.ID, later.ID, past.ID}; !slices.Equal(got, want) || sch.Upcoming != 2 {
		t.Fatalf("sessions %v (upcoming %d), want %v with 2 upcoming", got, sch.Upcoming, want)
	}
	if len(sch.Classes) != 1 || sch.Classes[0].CourseID != a.ID || sch.Classes[0].Role != "lead" {
		t.Fatalf("classes %+v", sch.Classes)
	}
	// The trainer is the registered trainer of both classes and teaches one session.
	tr, err := w.s.GetTeachingSchedule(ctx, w.trainerUser.ID, at(2026, 3, 5, 12, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Sessions) != 1 || len(tr.Classes) != 2 || tr.Classes[0].Role != "trainer" {
		t.Fatalf("trainer's schedule: %d sessions, classes %+v", len(tr.Sessions), tr.Classes)
	}
	none, err := w.s.GetTeachingSchedule(ctx, w.staff.ID, time.Now())
	if err != nil || none.Instructor != nil || len(none.Sessions) != 0 || len(none.Classes) != 0 {
		t.Fatalf("a user with no instructor record: %+v, %v", none, err)
	}
}

func TestMasterHoursPerMonth(t *testing.T) {
	w := newCalWorld(t)
	c := w.course(t, models.KindCraftTransmission)
	// 18 sessions of 3 hours in March, Monday to Saturday from the 2nd: 54 hours.
	r := models.Rule{Weekdays: []time.Weekday{1, 2, 3, 4, 5, 6}, StartClock: 13*time.Hour + 30*time.Minute, EndClock: 16*time.Hour + 30*time.Minute,
		From: day(2026, 3, 2), Count: 18, VenueID: w.venue, InstructorID: w.master}
	if res, err := w.s.GenerateSessions(ctx, w.actor(), c.ID, r, false); err != nil || len(res.Created) != 18 {
		t.Fatalf("generate: %v", err)
	}
	// 1 h 30 min at 23:30 on 31 March in Vietnam (16:30 UTC): still March.
	w.session(t, c.ID, w.venue, w.master, at(2026, 3, 31, 22, 0), at(2026, 3, 31, 23, 30))
	// 20:00 UTC on 30 April is 03:00 on 1 May in Vietnam: May.
	mayStart := time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC)
	w.session(t, c.ID, w.venue, w.master, mayStart, mayStart.Add(90*time.Minute))
	gone := w.session(t, c.ID, w.venue, w.master, at(2026, 4, 6, 7, 30), at(2026, 4, 6, 11, 30))
	if err := w.s.CancelSession(ctx, w.actor(), c.ID, gone.ID, "Nghệ nhân bận"); err != nil {
		t.Fatal(err)
	}
	w.session(t, c.ID, w.venue, w.trainer, at(2026, 4, 7, 7, 30), at(2026, 4, 7, 11, 30)) // a trainer, not a master
	// The untitled master teaches a class that is still a draft: not counted until approved.
	draft := w.course(t, models.KindVocational)
	w.session(t, draft.ID, w.venue2, w.untitled, at(2026, 2, 2, 7, 30), at(2026, 2, 2, 9, 30))
	w.setStatus(t, c.ID, models.StatusSubmitted, models.StatusApproved)

	rows, err := w.s.MasterHours(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].InstructorID != w.master {
		t.Fatalf("rows %+v", rows)
	}
	h := rows[0].Hours()
	if h[2] != 55.5 || h[4] != 1.5 || h[3] != 0 || h[1] != 0 || rows[0].Total != 57*60 {
		t.Fatalf("hours %v, total %d min", h, rows[0].Total)
	}
	w.setStatus(t, draft.ID, models.StatusSubmitted, models.StatusApproved)
	rows, _ = w.s.MasterHours(ctx, 2026)
	months, total := models.MasterHoursTotals(rows)
	if len(rows) != 2 || months[1] != 120 || months[2] != 55*60+30 || total != 59*60 {
		t.Fatalf("after approving the draft: %d rows, months %v, total %d", len(rows), months, total)
	}
	if other, _ := w.s.MasterHours(ctx, 2025); len(other) != 0 {
		t.Errorf("2025 has %d rows", len(other))
	}
}

// A class registered by staff without a trainer: the master assigned to it reads it, a stranger gets
// nothing (not an error from a NULL ownership test).
func TestCourseAccessWithoutATrainer(t *testing.T) {
	w := newCalWorld(t)
	c := w.course(t, models.KindCraftTransmission)
	mustExec(t, w.db, `UPDATE courses SET trainer_id = NULL, created_by = $2 WHERE id = $1`, c.ID, w.staff.ID)
	mu, err := w.s.CreateUser(ctx, models.SystemActor("test"), models.NewUser{Email: "may@example.vn", FullName: "Nguyễn Văn Mây", Role: models.RoleMaster, Password: "mat-khau-dai-2026"})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, w.db, `UPDATE instructors SET user_id = $2 WHERE id = $1`, w.master, mu.ID)
	if role, err := w.s.CourseAccess(ctx, mu, c.ID); err != nil || role != models.CourseNone {
		t.Fatalf("before the assignment: %v %v", role, err)
	}
	if err := w.s.AssignStaff(ctx, w.actor(), c.ID, w.master, "lead"); err != nil {
		t.Fatal(err)
	}
	if role, err := w.s.CourseAccess(ctx, mu, c.ID); err != nil || role != models.CourseReader {
		t.Fatalf("the assigned master: %v %v", role, err)
	}
}
