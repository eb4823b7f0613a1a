package models_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"khuyencong/models"
)

// completedCourse is a finished class with n trainees who all attended and passed, and one more who
// attended too little; sessions are on day d of March 2026, so classes on different days never clash.
func (w *courseWorld) completedCourse(t *testing.T, n, d int, venue int64) (models.Course, []int64) {
	t.Helper()
	c := w.course(t, models.KindVocational)
	start := at(2026, 3, d, 7, 30)
	var sids []int64
	for i := 0; i < 2; i++ {
		s, err := w.s.AddSession(ctx, w.actor(), c.ID, models.SessionInput{VenueID: venue, InstructorID: mustID(t, w.db,
			`INSERT INTO instructors (kind, full_name) VALUES ('trainer', 'Giảng Viên') RETURNING id`),
			StartsAt: start.Add(time.Duration(i) * 5 * time.Hour), EndsAt: start.Add(time.Duration(i)*5*time.Hour + 4*time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, s.ID)
	}
	for _, a := range []string{models.ActionSubmit, models.ActionApprove} {
		if _, err := w.s.TransitionCourse(ctx, w.actor(), c.ID, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	ids := w.trainees(t, n+1)
	var es []int64
	for _, id := range ids {
		e, err := w.s.Enrol(ctx, w.actor(), c.ID, id, models.EnrolOptions{AllowOverlap: true})
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e.ID)
	}
	w.db.MustExec(`UPDATE enrolments SET enrolled_at = '2026-02-01' WHERE course_id = $1`, c.ID)
	score := 8.0
	for i, e := range es {
		marks := sids
		if i == n { // the last one came to one session of two: 50% < 80%
			marks = sids[:1]
		}
		for _, sid := range marks {
			w.db.MustExec(`INSERT INTO attendance (session_id, enrolment_id, course_id, status) VALUES ($1, $2, $3, 'present')`, sid, e, c.ID)
		}
		if err := w.s.SetResult(ctx, w.actor(), e, models.ResultInput{Score: &score, Passed: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []string{models.ActionStart, models.ActionComplete} {
		if _, err := w.s.TransitionCourse(ctx, w.actor(), c.ID, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	return c, es
}

func TestIssueCertificatesOnceWithSnapshots(t *testing.T) {
	w := newCourseWorld(t)
	c, es := w.completedCourse(t, 3, 2, w.venue)
	issued := day(2026, 4, 15)
	res, err := w.s.IssueCertificates(ctx, w.actor(), c.ID, issued)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Issued) != 3 || len(res.Skipped) != 1 || res.Skipped[0].Reasons[0] != "not_enough_hours" {
		t.Fatalf("issued %d, skipped %+v", len(res.Issued), res.Skipped)
	}
	first := res.Issued[0]
	if first.Serial != "KC-2026-000001" || first.RegisterLabel != "0001/2026" || first.Snapshot.Result != "Giỏi" || first.Snapshot.Hours != "8" {
		t.Fatalf("first certificate %+v", first)
	}
	again, err := w.s.IssueCertificates(ctx, w.actor(), c.ID, issued)
	if err != nil || len(again.Issued) != 0 || len(again.Skipped) != 4 {
		t.Fatalf("issuing again: %v %+v", err, again)
	}
	// Renaming the trainee never changes the issued snapshot.
	w.db.MustExec(`UPDATE trainees SET given_name = 'Đổi Tên' WHERE id = (SELECT trainee_id FROM enrolments WHERE id = $1)`, first.EnrolmentID)
	got, _ := w.s.GetCertificate(ctx, first.ID)
	if got.Snapshot.Holder != first.Snapshot.Holder {
		t.Fatalf("snapshot changed to %q", got.Snapshot.Holder)
	}
	// The token finds it; a random one does not.
	byTok, err := w.s.GetCertificateByToken(ctx, w.s.CertificateToken(first.Serial))
	if err != nil || byTok.ID != first.ID {
		t.Fatalf("by token: %v", err)
	}
	if _, err := w.s.GetCertificateByToken(ctx, "nope"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	_ = es
}

// Twenty classes of one year issuing at the same time: register numbers 1..n, no gap, no duplicate.
func TestConcurrentIssuingIsGapFree(t *testing.T) {
	w := newCourseWorld(t)
	var courses []int64
	for i := 0; i < 20; i++ {
		venue := mustID(t, w.db, `INSERT INTO venues (name, seats) VALUES ('Phòng '||$1::text, 40) RETURNING id`, i)
		c, _ := w.completedCourse(t, 2, 2+i%20, venue)
		courses = append(courses, c.ID)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(courses))
	start := make(chan struct{})
	for i, id := range courses {
		wg.Add(1)
		go func(i int, id int64) {
			defer wg.Done()
			<-start
			_, errs[i] = w.s.IssueCertificates(ctx, w.actor(), id, day(2026, 5, 20))
		}(i, id)
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var r struct {
		N, Min, Max, Distinct, SerialMax int
	}
	if err := w.db.QueryRow(`SELECT count(*), min(register_no), max(register_no), count(DISTINCT register_no), max(serial_no)
		FROM certificates WHERE register_year = 2026`).Scan(&r.N, &r.Min, &r.Max, &r.Distinct, &r.SerialMax); err != nil {
		t.Fatal(err)
	}
	if r.N != 40 || r.Min != 1 || r.Max != 40 || r.Distinct != 40 || r.SerialMax != 40 {
		t.Fatalf("register numbers %+v, want 40 numbers 1..40", r)
	}
}

func TestRevokeAndCorrect(t *testing.T) {
	w := newCourseWorld(t)
	c, _ := w.completedCourse(t, 2, 3, w.venue)
	res, err := w.s.IssueCertificates(ctx, w.actor(), c.ID, day(2026, 4, 15))
	if err != nil {
		t.Fatal(err)
	}
	a, b := res.Issued[0], res.Issued[1]
	if _, err := w.s.RevokeCertificate(ctx, w.actor(), a.Serial, models.RevokeInput{}); !isField(err, "reason", "required") {
		t.Fatalf("revoke without reason: %v", err)
	}
	rv, err := w.s.RevokeCertificate(ctx, w.actor(), a.Serial, models.RevokeInput{Decision: "12/QĐ-TTKC", Date: day(2026, 5, 2), Reason: "Cấp nhầm người"})
	if err != nil || rv.Status != models.CertRevoked || *rv.RevocationReason != "Cấp nhầm người" {
		t.Fatalf("revoke: %v %+v", err, rv)
	}
	if _, err := w.s.RevokeCertificate(ctx, w.actor(), a.Serial, models.RevokeInput{Decision: "x", Date: day(2026, 5, 2), Reason: "y"}); !isField(err, "status", "cert_not_valid") {
		t.Fatalf("revoking twice: %v", err)
	}
	w.db.MustExec(`UPDATE trainees SET given_name = 'Tên Đúng' WHERE id = $1`, b.TraineeID)
	nb, err := w.s.CorrectCertificate(ctx, w.actor(), b.Serial, "Sai tên", day(2026, 5, 3))
	if err != nil {
		t.Fatal(err)
	}
	old, _ := w.s.GetCertificate(ctx, b.ID)
	if old.Status != models.CertSuperseded || old.SupersededBy == nil || *old.SupersededBy != nb.Serial || nb.Replaces == nil || *nb.Replaces != b.Serial {
		t.Fatalf("old %+v new %+v", old, nb)
	}
	if nb.Status != models.CertValid || nb.Snapshot.Holder == b.Snapshot.Holder || nb.Serial == b.Serial || nb.RegisterLabel != "0003/2026" {
		t.Fatalf("new version %+v", nb)
	}
	var n int
	w.db.Get(&n, `SELECT count(*) FROM certificates`)
	if n != 3 {
		t.Fatalf("%d certificates kept, want 3 (nothing deleted)", n)
	}
}
