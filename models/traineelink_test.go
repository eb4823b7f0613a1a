package models_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"khuyencong/models"
)

// Only the SHA-256 of a link's token is stored; a new link retires the old one; a batch is all or nothing.
func TestTraineeLinksAreHashedRotatedAndAllOrNothing(t *testing.T) {
	w := newCourseWorld(t)
	ids := w.trainees(t, 2)
	a, b := models.NewTraineeLinkToken(), models.NewTraineeLinkToken()
	if len(a) < 43 || a == b {
		t.Fatalf("tokens %q %q: want 256 random bits each", a, b)
	}
	if err := w.s.SetTraineeLinks(ctx, w.actor(), []models.TraineeLink{{TraineeID: ids[0], Token: a}}); err != nil {
		t.Fatal(err)
	}
	var stored []byte
	if err := w.db.Get(&stored, `SELECT link_token_hash FROM trainees WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(a)); !bytes.Equal(stored, sum[:]) {
		t.Fatal("the stored value is not the token's SHA-256")
	}
	if id, err := w.s.TraineeByLink(ctx, a); err != nil || id != ids[0] {
		t.Fatalf("by link: %d %v", id, err)
	}
	if err := w.s.SetTraineeLinks(ctx, w.actor(), []models.TraineeLink{{TraineeID: ids[0], Token: b}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.TraineeByLink(ctx, a); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("the old link: %v, want not found", err)
	}
	for _, bad := range []string{"", "short", "has spaces and is long enough to pass", "ÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁ"} {
		if err := w.s.SetTraineeLinks(ctx, w.actor(), []models.TraineeLink{{TraineeID: ids[1], Token: bad}}); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("token %q: %v, want invalid", bad, err)
		}
	}
	// A batch naming an unknown trainee changes nobody's link.
	c := models.NewTraineeLinkToken()
	err := w.s.SetTraineeLinks(ctx, w.actor(), []models.TraineeLink{{TraineeID: ids[1], Token: c}, {TraineeID: 99999999, Token: models.NewTraineeLinkToken()}})
	if !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("batch with an unknown trainee: %v", err)
	}
	if _, err := w.s.TraineeByLink(ctx, c); !errors.Is(err, models.ErrNotFound) {
		t.Fatal("a failed batch kept a link")
	}
	st, err := w.s.TraineeLinkStatus(ctx, ids[0])
	if err != nil || !st.Has || st.MadeAt == nil {
		t.Fatalf("link status %+v %v", st, err)
	}
	if st, _ := w.s.TraineeLinkStatus(ctx, ids[1]); st.Has {
		t.Fatal("a trainee without a slip has a link")
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'trainee.link_rotate'`); err != nil || n != 2 {
		t.Fatalf("%d audit rows (%v), want 2", n, err)
	}
}

// A waitlisted trainee sees the class but none of its sessions; a withdrawn one keeps the sessions they
// were marked in and loses the rest; certificates are listed with their status.
func TestTraineeScheduleByEnrolmentStatus(t *testing.T) {
	w := newCourseWorld(t)
	now := time.Now()
	start := time.Date(2026, 3, 2, 7, 30, 0, 0, models.Zone)
	c := w.openCourse(t, 1, start)
	later, err := w.s.AddSession(ctx, w.actor(), c.ID, models.SessionInput{VenueID: w.venue, InstructorID: w.trainer,
		StartsAt: now.Add(48 * time.Hour), EndsAt: now.Add(51 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ids := w.trainees(t, 2)
	seat, err := w.s.Enrol(ctx, w.actor(), c.ID, ids[0], models.EnrolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Enrol(ctx, w.actor(), c.ID, ids[1], models.EnrolOptions{}); err != nil {
		t.Fatal(err)
	}
	mustExec(t, w.db, `UPDATE enrolments SET enrolled_at = '2026-02-20', confirmed_at = '2026-02-20' WHERE id = $1`, seat.ID)
	var first int64
	if err := w.db.Get(&first, `SELECT id FROM course_sessions WHERE course_id = $1 ORDER BY starts_at LIMIT 1`, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.MarkAttendance(ctx, w.actor(), first, models.MarkInput{EnrolmentID: seat.ID, Status: "late"}, true, now); err != nil {
		t.Fatal(err)
	}
	waiting, err := w.s.GetTraineeSchedule(ctx, ids[1], now)
	if err != nil {
		t.Fatal(err)
	}
	if len(waiting.Classes) != 1 || waiting.Classes[0].EnrolmentStatus != models.EnrolWaitlisted || waiting.Classes[0].Position() != 1 || len(waiting.Sessions) != 0 {
		t.Fatalf("waitlisted: %+v", waiting)
	}
	mine, err := w.s.GetTraineeSchedule(ctx, ids[0], now)
	if err != nil {
		t.Fatal(err)
	}
	cl := mine.Classes[0]
	if len(mine.Sessions) != 2 || cl.Late != 1 || cl.AttendedHours != 4 || cl.HeldHours != 4 || cl.ScheduledHours != 7 {
		t.Fatalf("seated: %+v %+v", cl, mine.Sessions)
	}
	if next := mine.Next(now); next == nil || next.SessionID != later.ID {
		t.Fatalf("next %+v, want the session in two days", next)
	}
	mustExec(t, w.db, `INSERT INTO issuers (code, name, place_name) VALUES ('TTKC-BG', 'Trung tâm Khuyến công Bắc Giang', 'Bắc Giang')`)
	mustExec(t, w.db, `INSERT INTO certificates (issuer_id, enrolment_id, kind, serial_no, serial, register_year, register_no, register_label,
		token_hash, snapshot, template_version, issued_on)
		SELECT id, $1, 'chung_chi', 1, 'TTKC-BG-2026-000001', 2026, 1, '0001/2026', sha256('x'), '{}', 'v1', '2026-04-15' FROM issuers WHERE code = 'TTKC-BG'`, seat.ID)
	if _, err := w.s.Withdraw(ctx, w.actor(), seat.ID, "illness", ""); err != nil {
		t.Fatal(err)
	}
	gone, err := w.s.GetTraineeSchedule(ctx, ids[0], now)
	if err != nil {
		t.Fatal(err)
	}
	if len(gone.Sessions) != 1 || gone.Sessions[0].SessionID != first || gone.Sessions[0].Mark() != "late" || gone.Classes[0].Current() {
		t.Fatalf("withdrawn: %+v", gone)
	}
	if len(gone.Certificates) != 1 || gone.Certificates[0].Serial != "TTKC-BG-2026-000001" || gone.Certificates[0].Status != "valid" {
		t.Fatalf("certificates %+v", gone.Certificates)
	}
}
