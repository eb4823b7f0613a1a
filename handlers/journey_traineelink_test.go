package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"khuyencong/internal/browsertest"
	"khuyencong/internal/pdftest"
	"khuyencong/internal/vi"
)

// The journey of DESIGN.md §1.3: a trainee scans the QR code of their enrolment slip with a cheap
// Android phone (360 × 740 CSS pixels), sees the next session, the venue and the master without any
// account, and takes the calendar feed. The page must not scroll sideways.
func TestJourneyTraineeOpensTheLinkOfTheSlip(t *testing.T) {
	e := newEnv(t)
	w := tlinkSetUp(t, e)
	slip, printed := tlinkPrint(t, w)
	codes := pdftest.QRCodes(t, slip)
	if len(codes) != 1 || codes[0] != printed {
		t.Fatalf("the QR code reads %q, the slip prints %q", codes, printed)
	}
	base := browsertest.Serve(t, e.app)
	ctx := browsertest.New(t, 360, 740)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile),
		chromedp.Navigate(base+tlinkPath(codes[0])),
		chromedp.WaitVisible(chromedp.CSS("#next-session")),
	); err != nil {
		t.Fatalf("open the link: %v", err)
	}
	if name := text(t, ctx, "#trainee-name"); name != "Nông Thị Thủy" {
		t.Fatalf("name %q", name)
	}
	next := text(t, ctx, "#next-session")
	for _, want := range []string{vi.Date(w.nextAt), "07:30 – 11:30", "Nhà văn hóa xã Tăng Tiến", "Thôn Đồng Rì", "Huyện Sơn Động", "Nguyễn Văn Mây"} {
		if !strings.Contains(next, want) {
			t.Errorf("the next session does not show %q: %q", want, next)
		}
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	inner, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if width > 360 || inner != 360 {
		t.Errorf("the page is %d px wide in a %d px window: it scrolls sideways", width, inner)
	}
	// "Thêm vào lịch" leads to the feed, which the phone downloads as a calendar file.
	if s := text(t, ctx, "#ics-link"); s != "Thêm vào lịch" {
		t.Fatalf("calendar link says %q", s)
	}
	type answer struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Body   string `json:"body"`
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[answer](`fetch(document.querySelector("#ics-link").href)
		.then(async r => ({status: r.status, type: r.headers.get("content-type"), body: await r.text()}))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != 200 || got.Type != "text/calendar; charset=utf-8" || !strings.HasPrefix(got.Body, "BEGIN:VCALENDAR\r\n") {
		t.Fatalf("the calendar link answers %d %q %.80q", got.Status, got.Type, got.Body)
	}
	if events := tlinkParseICS(t, []byte(got.Body)); len(events) != 4 {
		t.Fatalf("the downloaded feed has %d events, want 4", len(events))
	}
}
