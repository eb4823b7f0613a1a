package models_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"khuyencong/models"
)

func refusal(t *testing.T, err error) *models.CheckinRefusal {
	t.Helper()
	var r *models.CheckinRefusal
	if !errors.As(err, &r) {
		t.Fatalf("want a check-in refusal, got %v", err)
	}
	return r
}

func TestCheckingInTwiceKeepsTheFirstTime(t *testing.T) {
	w := newWsWorld(t)
	c := w.workshop(t, 1, day(2026, 3, 12), day(2026, 3, 13))
	r := w.register(t, c.ID, w.est(t, "HTX Mỳ Chũ Thủ Dương", "21901"), w.person("Nguyễn Thị Ánh"), w.person("Lục Văn Bình"))
	seat, waiting := r.Participants[0], r.Participants[1]
	if waiting.Status != models.EnrolWaitlisted {
		t.Fatalf("second of one seat: %+v", waiting)
	}

	// Invitations go to confirmed people only; the token finds the participant.
	inv, err := w.s.IssueInvitations(ctx, w.actor(), c.ID, 0, false)
	if err != nil || len(inv) != 1 || inv[0].EnrolmentID != seat.EnrolmentID || len(inv[0].Token) < 43 || inv[0].EstablishmentName != "HTX Mỳ Chũ Thủ Dương" {
		t.Fatalf("invitations %+v %v", inv, err)
	}
	if _, err := w.s.IssueInvitations(ctx, w.actor(), c.ID, waiting.EnrolmentID, false); fieldsOf(t, err)["enrolment_id"] != "ws_not_confirmed" {
		t.Fatalf("invitation of a waitlisted person: %v", err)
	}
	target, err := w.s.CheckinByToken(ctx, inv[0].Token)
	if err != nil || target.EnrolmentID != seat.EnrolmentID || target.FullName != "Nguyễn Thị Ánh" {
		t.Fatalf("by token: %+v %v", target, err)
	}
	for _, bad := range []string{"", "short", inv[0].Token + "x", "../../etc/passwd"} {
		if _, err := w.s.CheckinByToken(ctx, bad); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	// Only new ones: nobody lacks a token now. Reprinting one invitation replaces its token.
	if again, err := w.s.IssueInvitations(ctx, w.actor(), c.ID, 0, true); err != nil || len(again) != 0 {
		t.Fatalf("only new: %v %v", again, err)
	}
	re, err := w.s.IssueInvitations(ctx, w.actor(), c.ID, seat.EnrolmentID, false)
	if err != nil || len(re) != 1 {
		t.Fatal(err)
	}
	if _, err := w.s.CheckinByToken(ctx, inv[0].Token); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("the replaced token still works: %v", err)
	}

	// Before the doors open (07:30 by default) it is refused, saying when they open.
	_, err = w.s.CheckIn(ctx, w.actor(), seat.EnrolmentID, at(2026, 3, 12, 7, 0), "qr")
	if rf := refusal(t, err); rf.Reason != "ws_doors_not_open" || !rf.DoorsOpenAt.Equal(at(2026, 3, 12, 7, 30)) {
		t.Fatalf("before the doors open: %+v", rf)
	}
	if rf := refusal(t, mustFail(w.s.CheckIn(ctx, w.actor(), seat.EnrolmentID, at(2026, 3, 11, 9, 0), "qr"))); rf.Reason != "ws_no_day_today" {
		t.Fatalf("the day before: %+v", rf)
	}
	if rf := refusal(t, mustFail(w.s.CheckIn(ctx, w.actor(), seat.EnrolmentID, at(2026, 3, 12, 17, 0), "qr"))); rf.Reason != "ws_day_over" {
		t.Fatalf("after the day: %+v", rf)
	}
	if rf := refusal(t, mustFail(w.s.CheckIn(ctx, w.actor(), waiting.EnrolmentID, at(2026, 3, 12, 8, 0), "list"))); rf.Reason != "ws_not_confirmed" {
		t.Fatalf("waitlisted: %+v", rf)
	}

	first, second := at(2026, 3, 12, 7, 42), at(2026, 3, 12, 9, 5)
	ci, err := w.s.CheckIn(ctx, w.actor(), seat.EnrolmentID, first, "qr")
	if err != nil || ci.Already || !ci.CheckedInAt.Equal(first) {
		t.Fatalf("first check-in: %+v %v", ci, err)
	}
	ci2, err := w.s.CheckIn(ctx, w.actor(), seat.EnrolmentID, second, "list")
	if err != nil || !ci2.Already || !ci2.CheckedInAt.Equal(first) || ci2.SessionID != ci.SessionID {
		t.Fatalf("second check-in: %+v %v", ci2, err)
	}
	var rows []struct {
		Status string    `db:"status"`
		At     time.Time `db:"checked_in_at"`
	}
	if err := w.db.Select(&rows, `SELECT status, checked_in_at FROM attendance WHERE enrolment_id = $1`, seat.EnrolmentID); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Status != "present" || !rows[0].At.Equal(first) {
		t.Fatalf("attendance rows %+v", rows)
	}
	var audits int
	_ = w.db.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = 'workshop.checkin' AND entity_id = $1`, fmt.Sprint(seat.EnrolmentID))
	if audits != 1 {
		t.Fatalf("%d check-in audit rows, want 1", audits)
	}
	// Doors set earlier on day two let people in earlier; an "absent" mark made by hand before is
	// turned into the check-in.
	days, _ := w.s.WorkshopDays(ctx, c.ID)
	if err := w.s.SetDoorsOpen(ctx, w.actor(), c.ID, days[1].Session.ID, at(2026, 3, 13, 6, 45)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.MarkAttendance(ctx, w.actor(), days[1].Session.ID, models.MarkInput{EnrolmentID: seat.EnrolmentID, Status: "absent"}, true, at(2026, 3, 13, 7, 40)); err != nil {
		t.Fatal(err)
	}
	if ci, err := w.s.CheckIn(ctx, w.actor(), seat.EnrolmentID, at(2026, 3, 13, 6, 50), "qr"); err != nil || ci.Already || ci.SessionID != days[1].Session.ID {
		t.Fatalf("day two: %+v %v", ci, err)
	}
	// Present both days: eligible, workshops need attendance only (here all of it). Hours count from
	// the registration, which the test makes today, after these March days: move it before them.
	mustExec(t, w.db, `UPDATE enrolments SET enrolled_at = '2026-03-01 09:00+07' WHERE course_id = $1`, c.ID)
	el, err := w.s.CourseEligibility(ctx, c.ID)
	if err != nil || len(el) != 1 || !el[0].Eligible {
		t.Fatalf("eligibility %+v %v", el, err)
	}
}

func TestConcurrentCheckInsRecordOne(t *testing.T) {
	w := newWsWorld(t)
	c := w.workshop(t, 10, day(2026, 3, 12))
	r := w.register(t, c.ID, w.est(t, "HTX Mỳ Chũ Thủ Dương", "21901"), w.person("Nguyễn Thị Ánh"))
	id := r.Participants[0].EnrolmentID
	var wg sync.WaitGroup
	times := make([]time.Time, 8)
	for i := range times {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ci, err := w.s.CheckIn(ctx, w.actor(), id, at(2026, 3, 12, 8, i), "qr")
			if err != nil {
				t.Error(err)
			}
			times[i] = ci.CheckedInAt
		}()
	}
	wg.Wait()
	for _, tm := range times[1:] {
		if !tm.Equal(times[0]) {
			t.Fatalf("check-ins disagree on the first time: %v", times)
		}
	}
	var n int
	_ = w.db.Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'workshop.checkin'`)
	if n != 1 {
		t.Fatalf("%d check-ins recorded, want 1", n)
	}
}

// The reach of a workshop attended by 12 establishments, 5 of them in difficult communes of Lục Ngạn
// and Sơn Động: 12 reached, 5 difficult, split by district; absent and unclassified ones do not count.
func TestWorkshopReachCountsEstablishmentsOnceByDistrictAndArea(t *testing.T) {
	w := newWsWorld(t)
	c := w.workshop(t, 60, day(2026, 3, 12), day(2026, 3, 13))
	days, _ := w.s.WorkshopDays(ctx, c.ID)
	places := []string{
		"21901", "21901", "21901", // Lục Ngạn, Nam Dương: difficult
		"22001", "22001", // Sơn Động, An Lập: especially difficult
		"21902", "21903", // Lục Ngạn, not difficult (Tân Sơn's class ended in 2021)
		"22002",                            // Sơn Động, Thanh Sơn: not difficult
		"22201", "22201", "22202", "22202", // Việt Yên
	}
	for i, commune := range places {
		r := w.register(t, c.ID, w.est(t, fmt.Sprintf("Cơ sở số %d", i+1), commune), w.person(fmt.Sprintf("Người A %d", i)), w.person(fmt.Sprintf("Người B %d", i)))
		// Two people present on both days: still one establishment.
		for _, p := range r.Participants {
			for _, d := range days {
				if _, err := w.s.CheckIn(ctx, w.actor(), p.EnrolmentID, d.Session.StartsAt, "list"); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// Registered but absent: not reached.
	w.register(t, c.ID, w.est(t, "Cơ sở vắng mặt", "21901"), w.person("Người Vắng"))

	reach, err := w.s.WorkshopReach(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if reach.Establishments != 12 || reach.Difficult != 5 || reach.EspeciallyDifficult != 2 || reach.Registered != 13 {
		t.Fatalf("reach %+v", reach)
	}
	want := []models.DistrictReach{
		{DistrictCode: "219", DistrictName: "Huyện Lục Ngạn", Establishments: 5, Difficult: 3},
		{DistrictCode: "220", DistrictName: "Huyện Sơn Động", Establishments: 3, Difficult: 2, EspeciallyDifficult: 2},
		{DistrictCode: "222", DistrictName: "Thị xã Việt Yên", Establishments: 4},
	}
	if fmt.Sprint(reach.Districts) != fmt.Sprint(want) {
		t.Fatalf("districts\n got %+v\nwant %+v", reach.Districts, want)
	}
}
