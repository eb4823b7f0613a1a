package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"khuyencong/internal/browsertest"
	"khuyencong/models"
)

// browserLogin logs the browser in through the login form.
func browserLogin(t *testing.T, ctx contextT, base, email string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
	); err != nil {
		t.Fatalf("log in as %s: %v", email, err)
	}
	// Wait until the redirect after login has landed, so the next navigation does not abort it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && !strings.Contains(loc, "/login") {
			if _, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1"))); err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("log in as %s: still at %s", email, loc)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func text(t *testing.T, ctx contextT, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// The journey of DESIGN.md §1.1: a trainer registers a class with recurring sessions, meets a clash with
// a master's other class, fixes it and submits; staff approve.
func TestJourneyRegisterClassWithRecurringSessions(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	trainer := e.user(models.RoleTrainer)
	staff := e.user(models.RoleStaff)
	// The master already teaches another class on Wednesday 4 March 2026, 08:00–10:00.
	sc, _ := e.as(models.RoleStaff)
	other := registerClass(t, sc, f, "vocational", "Lớp gốm Thổ Hà")
	sc.get(other)
	if r := sc.post(other+"/sessions", valuesOf("date", "04/03/2026", "start_time", "08:00", "end_time", "10:00",
		"venue_id", f.venue2, "instructor_id", f.master)); r.Status != 303 {
		t.Fatalf("the other class's session: %d", r.Status)
	}

	base := browsertest.Serve(t, e.app)
	ctx := browsertest.New(t, 1280, 900)
	browserLogin(t, ctx, base, trainer.Email)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/courses/new"),
		chromedp.WaitVisible(chromedp.CSS("#title")),
		chromedp.SendKeys(chromedp.CSS("#title"), "Đan lát mây tre xuất khẩu"),
		chromedp.SetValue(chromedp.CSS("#kind"), "vocational"),
		chromedp.SetValue(chromedp.CSS("#craft_id"), f.craft),
		chromedp.SetValue(chromedp.CSS("#venue_id"), f.venue),
		chromedp.SetValue(chromedp.CSS("#capacity"), "30"),
		chromedp.SendKeys(chromedp.CSS("#start_date"), "02/03/2026"),
		chromedp.SendKeys(chromedp.CSS("#end_date"), "10/04/2026"),
		chromedp.SendKeys(chromedp.CSS("#budget"), "85.000.000"),
		chromedp.Submit(chromedp.CSS("#title")),
		chromedp.WaitVisible(chromedp.CSS("#generate-form")),
	); err != nil {
		t.Fatalf("register the class: %v", err)
	}
	if s := text(t, ctx, "#course-status"); !strings.Contains(s, "Nháp") {
		t.Fatalf("status %q, want draft", s)
	}
	// Mon, Wed, Fri mornings for six weeks, taught by the master: one Wednesday clashes.
	generate := func(start, end string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#generate-form input[name=weekdays][value="1"]`)),
			chromedp.Click(chromedp.CSS(`#generate-form input[name=weekdays][value="3"]`)),
			chromedp.Click(chromedp.CSS(`#generate-form input[name=weekdays][value="5"]`)),
			chromedp.SetValue(chromedp.CSS("#g-start"), start),
			chromedp.SetValue(chromedp.CSS("#g-end"), end),
			chromedp.SetValue(chromedp.CSS("#g-from"), "02/03/2026"),
			chromedp.SetValue(chromedp.CSS("#g-until"), "10/04/2026"),
			chromedp.SetValue(chromedp.CSS("#g-venue"), f.venue),
			chromedp.SetValue(chromedp.CSS("#g-instructor"), f.master),
			chromedp.Submit(chromedp.CSS("#g-start")),
			chromedp.WaitVisible(chromedp.CSS("main h1")),
		); err != nil {
			t.Fatalf("generate sessions: %v", err)
		}
	}
	generate("07:30", "11:30")
	clash := text(t, ctx, "#clashes")
	if !strings.Contains(clash, "Lớp gốm Thổ Hà") || !strings.Contains(clash, "04/03/2026") || !strings.Contains(clash, "cùng người dạy") {
		t.Fatalf("the clash does not say which class and when: %q", clash)
	}
	// Fix it from a fresh page of the class (the re-rendered form keeps the ticked weekdays).
	if err := chromedp.Do(ctx, chromedp.Navigate(strings.TrimSuffix(mustLocation(t, ctx), "/sessions/generate"))); err != nil {
		t.Fatal(err)
	}
	generate("13:30", "16:30")
	if s := text(t, ctx, "#generated"); !strings.Contains(s, "Đã tạo 18 buổi học") {
		t.Fatalf("after the fix: %q", s)
	}
	if s := text(t, ctx, "#total-hours"); !strings.HasPrefix(s, "54") {
		t.Fatalf("total hours %q, want 54", s)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#action-submit"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#course-status", "Chờ duyệt")
	classURL := mustLocation(t, ctx)

	// Staff approve in a browser of their own.
	sctx := browsertest.New(t, 1280, 900)
	browserLogin(t, sctx, base, staff.Email)
	if err := chromedp.Do(sctx,
		chromedp.Navigate(classURL),
		chromedp.WaitVisible(chromedp.CSS("#action-approve")),
		chromedp.Click(chromedp.CSS("#action-approve")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, sctx, "#course-status", "Đã duyệt")
}

// waitText waits (up to 10 s) until the element's text contains want: after a click the old page
// may still be showing for a moment.
func waitText(t *testing.T, ctx contextT, sel, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err == nil && strings.Contains(s, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never said %q (last %q, %v)", sel, want, s, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func mustLocation(t *testing.T, ctx contextT) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
