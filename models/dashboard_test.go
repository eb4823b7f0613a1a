package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"khuyencong/internal/testdb"
	"khuyencong/models"
)

func TestDashboard(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	s := models.NewStore(db)
	db.MustExec(`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
		('24', 'province', 'tinh', 'Tỉnh Bắc Giang', NULL), ('219', 'district', 'huyen', 'Huyện Lục Ngạn', '24'),
		('21901', 'commune', 'xa', 'Xã Sa Lý', '219'); INSERT INTO crafts (name) VALUES ('Mây tre đan')`)
	var craft int64
	_ = db.Get(&craft, `SELECT id FROM crafts`)
	f := newRepFixture(t, db, "21901")
	people := func(course int64, n int) {
		for i := range n {
			f.enrol(course, person{name: fmt.Sprintf("Người %d", i)}, false, nil)
		}
	}
	// Wednesday 25/11/2026 in Vietnam; the week is Monday 23/11 to Sunday 29/11.
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, models.Zone)

	running := f.course("KC1-2026-01", models.KindVocational, models.StatusRunning, craft, rday(2026, 11, 24), 50*trieu)
	people(running, 3)
	for i := range 2 {
		var tr int64
		f.scan(&tr, `INSERT INTO trainees (family_name, given_name, gender) VALUES ('Lê', 'Chờ', 'male') RETURNING id`)
		db.MustExec(`INSERT INTO enrolments (course_id, trainee_id, status, waitlist_position) VALUES ($1, $2, 'waitlisted', $3)`, running, tr, i+1)
	}
	risky := f.course("KC1-2026-02", models.KindVocational, models.StatusApproved, craft, rday(2026, 11, 28), 50*trieu)
	people(risky, 14) // 14 of 30: below the minimum of 15
	enough := f.course("KC1-2026-03", models.KindVocational, models.StatusApproved, craft, rday(2026, 12, 2), 50*trieu)
	people(enough, 15)
	f.course("KC1-2026-04", models.KindVocational, models.StatusApproved, craft, rday(2026, 12, 10), 50*trieu) // beyond 7 days
	f.course("KC1-2026-05", models.KindVocational, models.StatusDraft, craft, rday(2026, 11, 26), 50*trieu)    // a draft
	done := f.course("KC1-2026-06", models.KindVocational, models.StatusCompleted, craft, rday(2026, 10, 5), 50*trieu)
	certified := f.enrol(done, person{name: "Có"}, true, yes())
	revoked := f.enrol(done, person{name: "Thu hồi"}, true, yes())
	f.enrol(done, person{name: "Chờ cấp"}, true, yes())
	f.enrol(done, person{name: "Trượt"}, true, no())
	f.certify(certified, "chung_chi", rday(2026, 10, 10), nil)
	r := rday(2026, 10, 20)
	f.certify(revoked, "chung_chi", rday(2026, 10, 10), &r)

	d, err := s.GetDashboard(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if !d.WeekStart.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, models.Zone)) || !d.WeekEnd.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, models.Zone)) {
		t.Errorf("week %s – %s", d.WeekStart, d.WeekEnd)
	}
	if len(d.ThisWeek) != 2 || d.ThisWeek[0].ID != running || d.ThisWeek[1].ID != risky || d.ThisWeek[0].Sessions != 2 {
		t.Errorf("this week: %+v", d.ThisWeek)
	}
	if d.OpenClasses != 4 || d.Capacity != 120 || d.Confirmed != 32 || d.Waitlisted != 2 || d.WaitlistClasses != 1 {
		t.Errorf("open classes %d, seats %d/%d, waitlist %d in %d classes", d.OpenClasses, d.Confirmed, d.Capacity, d.Waitlisted, d.WaitlistClasses)
	}
	if len(d.AtRisk) != 1 || d.AtRisk[0].ID != risky || d.AtRisk[0].Confirmed != 14 || d.AtRisk[0].Minimum() != 15 {
		t.Errorf("at risk: %+v", d.AtRisk)
	}
	// Eligible without a valid certificate: the one never certified and the one whose certificate was revoked.
	if d.CertWaiting != 2 || d.CertClasses != 1 || len(d.CertCourses) != 1 || d.CertCourses[0].Waiting != 2 {
		t.Errorf("certificates waiting %d in %d classes: %+v", d.CertWaiting, d.CertClasses, d.CertCourses)
	}
	if models.MinimumSeats(31) != 16 || models.MinimumSeats(30) != 15 {
		t.Error("the minimum is half the capacity, rounded up")
	}
}
