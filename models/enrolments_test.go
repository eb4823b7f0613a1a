package models_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"khuyencong/internal/testdb"
	"khuyencong/models"
)

// openCourse is an approved class of the given capacity with one session, ready for enrolment.
func (w *courseWorld) openCourse(t *testing.T, capacity int, start time.Time) models.Course {
	t.Helper()
	c := w.course(t, models.KindVocational)
	if err := w.s.SetCapacity(ctx, w.actor(), c.ID, capacity); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.AddSession(ctx, w.actor(), c.ID, models.SessionInput{VenueID: w.venue, InstructorID: w.trainer,
		StartsAt: start, EndsAt: start.Add(4 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{models.ActionSubmit, models.ActionApprove} {
		if _, err := w.s.TransitionCourse(ctx, w.actor(), c.ID, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func (w *courseWorld) trainees(t *testing.T, n int) []int64 {
	t.Helper()
	var ids []int64
	err := w.db.Select(&ids, `INSERT INTO trainees (family_name, middle_name, given_name, gender, id_kind, id_number)
		SELECT 'Nguyễn', 'Thị', 'Học Viên ' || g, 'female', 'cccd', lpad((24300000000 + g + (SELECT count(*) FROM trainees) * 1000)::text, 12, '0')
		FROM generate_series(1, $1) g RETURNING id`, n)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestWaitlistIsFirstComeFirstServed(t *testing.T) {
	w := newCourseWorld(t)
	c := w.openCourse(t, 30, at(2026, 3, 2, 7, 30))
	ids := w.trainees(t, 33)
	var es []models.Enrolment
	for _, id := range ids {
		e, err := w.s.Enrol(ctx, w.actor(), c.ID, id, models.EnrolOptions{})
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	if es[29].Status != models.EnrolConfirmed || es[30].Status != models.EnrolWaitlisted || *es[30].WaitlistPosition != 1 || *es[32].WaitlistPosition != 3 {
		t.Fatalf("30th %s, 31st %s", es[29].Status, es[30].Status)
	}
	if _, err := w.s.Enrol(ctx, w.actor(), c.ID, ids[0], models.EnrolOptions{}); !isField(err, "trainee_id", "already_enrolled") {
		t.Fatalf("enrolling twice: %v", err)
	}
	// A withdrawal confirms the head of the queue at once; the queue moves up.
	if _, err := w.s.Withdraw(ctx, w.actor(), es[5].ID, "illness", "Ốm dài ngày"); err != nil {
		t.Fatal(err)
	}
	got, _ := w.s.GetEnrolment(ctx, es[30].ID)
	if got.Status != models.EnrolConfirmed {
		t.Fatalf("head of the queue after a withdrawal: %s", got.Status)
	}
	// A newcomer right after the withdrawal waits behind the queue.
	late := w.trainees(t, 1)[0]
	e, err := w.s.Enrol(ctx, w.actor(), c.ID, late, models.EnrolOptions{})
	if err != nil || e.Status != models.EnrolWaitlisted || *e.WaitlistPosition != 3 {
		t.Fatalf("newcomer: %v %s %v", err, e.Status, e.WaitlistPosition)
	}
	// A waitlisted trainee leaving closes the gap.
	if _, err := w.s.Withdraw(ctx, w.actor(), es[31].ID, "found_work", ""); err != nil {
		t.Fatal(err)
	}
	assertQueue(t, w.db, c.ID, 30, 2)
	// Raising the capacity promotes in registration order; lowering removes nobody.
	if err := w.s.SetCapacity(ctx, w.actor(), c.ID, 31); err != nil {
		t.Fatal(err)
	}
	got, _ = w.s.GetEnrolment(ctx, es[32].ID)
	if got.Status != models.EnrolConfirmed {
		t.Fatalf("first in the queue after raising capacity: %s", got.Status)
	}
	if err := w.s.SetCapacity(ctx, w.actor(), c.ID, 20); err != nil {
		t.Fatal(err)
	}
	assertQueue(t, w.db, c.ID, 31, 1)
	// Re-enrolling after a withdrawal restores the same record.
	again, err := w.s.Enrol(ctx, w.actor(), c.ID, ids[5], models.EnrolOptions{})
	if err != nil || again.ID != es[5].ID || again.Status != models.EnrolWaitlisted || *again.WaitlistPosition != 2 {
		t.Fatalf("re-enrol: %v %+v", err, again)
	}
	var promotions int
	w.db.Get(&promotions, `SELECT count(*) FROM audit_log WHERE action = 'enrolment.promote'`)
	if promotions != 2 {
		t.Fatalf("%d promotions audited, want 2", promotions)
	}
}

func isField(err error, field, msg string) bool {
	var ve *models.ValidationError
	return errors.As(err, &ve) && ve.Fields[field] == msg
}

// assertQueue checks the confirmed count and that waitlist positions are exactly 1..n.
func assertQueue(t *testing.T, db *sqlx.DB, courseID int64, confirmed, waiting int) {
	t.Helper()
	var r struct {
		Confirmed int  `db:"confirmed"`
		Waiting   int  `db:"waiting"`
		Gapless   bool `db:"gapless"`
	}
	err := db.Get(&r, `SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed, count(*) FILTER (WHERE status = 'waitlisted') AS waiting,
		coalesce(array_agg(waitlist_position ORDER BY waitlist_position) FILTER (WHERE status = 'waitlisted') =
		         array(SELECT generate_series(1, count(*) FILTER (WHERE status = 'waitlisted')::int)), true) AS gapless
		FROM enrolments WHERE course_id = $1`, courseID)
	if err != nil || r.Confirmed != confirmed || r.Waiting != waiting || !r.Gapless {
		t.Fatalf("queue: %+v (%v), want %d confirmed and %d waiting, positions 1..n", r, err, confirmed, waiting)
	}
}

// Many simultaneous enrolments through two pools (two app instances): never more than capacity,
// and the queue is exactly 1..n.
func TestConcurrentEnrolmentsNeverOverbook(t *testing.T) {
	url := testdb.NewURL(t)
	db1, db2 := sqlx.MustOpen("postgres", url), sqlx.MustOpen("postgres", url)
	defer db1.Close()
	defer db2.Close()
	db1.SetMaxOpenConns(8)
	db2.SetMaxOpenConns(8)
	w := &courseWorld{s: models.NewStore(db1), db: db1}
	seedWorld(t, w)
	c := w.openCourse(t, 30, at(2026, 3, 2, 7, 30))
	ids := w.trainees(t, 200)
	stores := []*models.Store{models.NewStore(db1), models.NewStore(db2)}
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	start := make(chan struct{})
	for i, id := range ids {
		wg.Add(1)
		go func(i int, id int64) {
			defer wg.Done()
			<-start
			if _, err := stores[i%2].Enrol(ctx, w.actor(), c.ID, id, models.EnrolOptions{}); err != nil {
				errs <- err
			}
		}(i, id)
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("enrol: %v", err)
	}
	assertQueue(t, db1, c.ID, 30, 170)
}

func TestEligibility(t *testing.T) {
	w := newCourseWorld(t)
	c := w.course(t, models.KindVocational)
	// 60 scheduled hours: twelve 4-hour sessions, one of 3.5, one of 4, one of 4.5; and one cancelled.
	lengths := []time.Duration{}
	for i := 0; i < 12; i++ {
		lengths = append(lengths, 4*time.Hour)
	}
	lengths = append(lengths, 210*time.Minute, 4*time.Hour, 270*time.Minute, 4*time.Hour)
	var sessions []int64
	for i, l := range lengths {
		start := at(2026, 3, 2+i, 7, 30)
		s, err := w.s.AddSession(ctx, w.actor(), c.ID, models.SessionInput{VenueID: w.venue, InstructorID: w.trainer, StartsAt: start, EndsAt: start.Add(l)})
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, s.ID)
	}
	if err := w.s.CancelSession(ctx, w.actor(), c.ID, sessions[15], "Mưa lũ"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{models.ActionSubmit, models.ActionApprove} {
		if _, err := w.s.TransitionCourse(ctx, w.actor(), c.ID, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	ids := w.trainees(t, 3)
	var es []int64
	for _, id := range ids {
		e, err := w.s.Enrol(ctx, w.actor(), c.ID, id, models.EnrolOptions{})
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e.ID)
	}
	// Enrolment dates are "now"; date them back so that every session counts.
	w.db.MustExec(`UPDATE enrolments SET enrolled_at = '2026-02-01' WHERE course_id = $1`, c.ID)
	mark := func(e int64, idx []int) {
		for _, i := range idx {
			w.db.MustExec(`INSERT INTO attendance (session_id, enrolment_id, course_id, status) VALUES ($1, $2, $3, 'present')`, sessions[i], e, c.ID)
		}
	}
	seq := func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	mark(es[0], seq(12))             // 48 h
	mark(es[1], append(seq(11), 12)) // 44 + 3.5 = 47.5 h
	mark(es[2], seq(15))             // all 60 h
	score := 7.5
	low := 4.0
	for i, r := range []models.ResultInput{{Score: &score, Passed: true}, {Score: &score, Passed: true}, {Score: &low, Passed: false}} {
		if err := w.s.SetResult(ctx, w.actor(), es[i], r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := w.s.CourseEligibility(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	by := map[int64]models.Eligibility{}
	for _, g := range got {
		by[g.EnrolmentID] = g
	}
	cases := []struct {
		e        int64
		attended float64
		eligible bool
		reason   string
	}{
		{es[0], 48, true, ""},
		{es[1], 47.5, false, "not_enough_hours"},
		{es[2], 60, false, "not_passed"},
	}
	for _, c := range cases {
		g := by[c.e]
		if g.ScheduledHours != 60 || g.AttendedHours != c.attended || g.Eligible != c.eligible || (c.reason != "" && (len(g.Reasons) != 1 || g.Reasons[0] != c.reason)) {
			t.Errorf("enrolment %d: %+v, want %v hours, eligible %v %s", c.e, g, c.attended, c.eligible, c.reason)
		}
	}
	// Hours count from the enrolment date: enrolled on the day of the 13th session, 3 sessions remain.
	w.db.MustExec(`UPDATE enrolments SET enrolled_at = $2 WHERE id = $1`, es[0], at(2026, 3, 14, 12, 0))
	got, _ = w.s.CourseEligibility(ctx, c.ID)
	for _, g := range got {
		if g.EnrolmentID == es[0] && g.ScheduledHours != 12 {
			t.Errorf("hours from the enrolment date: %v, want 12 (3.5 + 4 + 4.5)", g.ScheduledHours)
		}
	}
}

func TestAttendanceWindowAndConcurrentCells(t *testing.T) {
	w := newCourseWorld(t)
	start := at(2026, 3, 2, 7, 30)
	c := w.openCourse(t, 30, start)
	sessions, _ := w.s.ListSessions(ctx, c.ID)
	sid := sessions[0].ID
	ids := w.trainees(t, 2)
	a, _ := w.s.Enrol(ctx, w.actor(), c.ID, ids[0], models.EnrolOptions{})
	b, _ := w.s.Enrol(ctx, w.actor(), c.ID, ids[1], models.EnrolOptions{})
	trainer := models.Actor{UserID: w.trainerUser.ID}
	if _, err := w.s.MarkAttendance(ctx, trainer, sid, models.MarkInput{EnrolmentID: a.ID, Status: "present"}, false, start.Add(-31*time.Minute)); !isField(err, "session", "marking_closed") {
		t.Fatalf("too early: %v", err)
	}
	if _, err := w.s.MarkAttendance(ctx, trainer, sid, models.MarkInput{EnrolmentID: a.ID, Status: "present"}, false, start.Add(-29*time.Minute)); err != nil {
		t.Fatalf("29 minutes before: %v", err)
	}
	// Two people mark two different trainees: both marks stay.
	blank, present := "", "present"
	if _, err := w.s.MarkAttendance(ctx, w.actor(), sid, models.MarkInput{EnrolmentID: b.ID, Status: "late", Expected: &blank}, true, start); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.MarkAttendance(ctx, trainer, sid, models.MarkInput{EnrolmentID: a.ID, Status: "absent", Expected: &blank}, false, start); !isField(err, "status", "changed_meanwhile") {
		t.Fatalf("a stale cell overwrote a newer mark: %v", err)
	}
	if _, err := w.s.MarkAttendance(ctx, trainer, sid, models.MarkInput{EnrolmentID: a.ID, Status: "absent", Expected: &present}, false, start); err != nil {
		t.Fatal(err)
	}
	after := sessions[0].EndsAt.Add(49 * time.Hour)
	if _, err := w.s.MarkAttendance(ctx, trainer, sid, models.MarkInput{EnrolmentID: a.ID, Status: "present"}, false, after); !isField(err, "session", "marking_closed") {
		t.Fatalf("a trainer 49 hours after: %v", err)
	}
	if _, err := w.s.MarkAttendance(ctx, w.actor(), sid, models.MarkInput{EnrolmentID: a.ID, Status: "excused"}, true, after); err != nil {
		t.Fatalf("staff 49 hours after: %v", err)
	}
	_, rows, err := w.s.SessionAttendance(ctx, sid)
	if err != nil || len(rows) != 2 {
		t.Fatal(err)
	}
	marks := map[int64]string{}
	for _, r := range rows {
		marks[r.EnrolmentID] = r.Status
	}
	if marks[a.ID] != "excused" || marks[b.ID] != "late" {
		t.Fatalf("marks %v", marks)
	}
	var audits int
	w.db.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = 'attendance.mark'`)
	if audits != 2 { // the change present → absent, and the late change by staff
		t.Fatalf("%d attendance changes audited, want 2", audits)
	}
}

func TestOverlapWarningAndEstablishmentLimit(t *testing.T) {
	w := newCourseWorld(t)
	c1 := w.openCourse(t, 30, at(2026, 3, 2, 7, 30))
	c2 := w.course(t, models.KindVocational)
	if _, err := w.s.AddSession(ctx, w.actor(), c2.ID, models.SessionInput{VenueID: w.venue2, InstructorID: w.master,
		StartsAt: at(2026, 3, 2, 9, 0), EndsAt: at(2026, 3, 2, 10, 0)}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{models.ActionSubmit, models.ActionApprove} {
		w.s.TransitionCourse(ctx, w.actor(), c2.ID, a, "")
	}
	id := w.trainees(t, 1)[0]
	if _, err := w.s.Enrol(ctx, w.actor(), c1.ID, id, models.EnrolOptions{}); err != nil {
		t.Fatal(err)
	}
	var oe *models.OverlapError
	if _, err := w.s.Enrol(ctx, w.actor(), c2.ID, id, models.EnrolOptions{}); !errors.As(err, &oe) || oe.Overlaps[0].CourseCode != c1.Code {
		t.Fatalf("overlap: %v", err)
	}
	if e, err := w.s.Enrol(ctx, w.actor(), c2.ID, id, models.EnrolOptions{AllowOverlap: true}); err != nil || e.Status != models.EnrolConfirmed {
		t.Fatalf("going ahead: %v", err)
	}
}

func seedWorld(t *testing.T, w *courseWorld) {
	t.Helper()
	fresh := newCourseWorldOn(t, w.db)
	*w = *fresh
}
