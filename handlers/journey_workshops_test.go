package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"khuyencong/internal/browsertest"
	"khuyencong/internal/pdftest"
	"khuyencong/models"
)

// The journey of a workshop day in headless Chromium, on a phone-sized screen: staff register an
// establishment with two participants on the registration form; the first participant's invitation is
// printed, its QR code read back from the PDF, and its URL opened in the staff's browser (as a phone
// camera would); one press on the button checks the person in, and the list says so.
func TestJourneyRegisterAnEstablishmentAndCheckInByQR(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	wsPlaces(t, e)
	id := wsApproved(t, e, f, 40, wsNow())
	staff := e.user(models.RoleStaff)

	base := browsertest.Serve(t, e.app)
	ctx := browsertest.New(t, 412, 915)
	browserLogin(t, ctx, base, staff.Email)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/workshops/%d/registrations", base, id)),
		chromedp.WaitVisible(chromedp.CSS("#est-name")),
		chromedp.SendKeys(chromedp.CSS("#est-name"), "HTX Mỳ Chũ Thủ Dương"),
		chromedp.SetValue(chromedp.CSS("#est-kind"), "cooperative"),
		chromedp.SendKeys(chromedp.CSS("#est-registration"), "2400123456"),
		chromedp.SetValue(chromedp.CSS("#est-commune"), "21901"),
		chromedp.SendKeys(chromedp.CSS("#p0-name"), "Nguyễn Thị Ngọc Ánh"),
		chromedp.SetValue(chromedp.CSS("#p0-gender"), "female"),
		chromedp.SendKeys(chromedp.CSS("#p0-job"), "Chủ nhiệm hợp tác xã"),
		chromedp.SendKeys(chromedp.CSS("#p0-phone"), "0912 345 678"),
		chromedp.SendKeys(chromedp.CSS("#p1-name"), "Lục Văn Bình"),
		chromedp.SetValue(chromedp.CSS("#p1-gender"), "male"),
		chromedp.SendKeys(chromedp.CSS("#p1-job"), "Kế toán"),
		chromedp.SendKeys(chromedp.CSS("#p1-phone"), "0987 654 321"),
		chromedp.Click(chromedp.CSS("#register-submit")),
	); err != nil {
		t.Fatalf("register: %v", err)
	}
	waitText(t, ctx, "#registered", "Lục Văn Bình")
	if s := text(t, ctx, "#registered"); !strings.Contains(s, "HTX Mỳ Chũ Thủ Dương") || !strings.Contains(s, "Nguyễn Thị Ngọc Ánh (Chủ nhiệm hợp tác xã) — có chỗ") {
		t.Fatalf("registered: %q", s)
	}

	// The invitations, printed by the same staff member; pages follow the list (Ánh before Bình).
	c := e.client()
	if r := c.login(staff.Email, testPassword); r.Status != 303 {
		t.Fatalf("login: %d", r.Status)
	}
	c.get(fmt.Sprintf("/workshops/%d", id))
	inv := c.post(fmt.Sprintf("/workshops/%d/invitations.pdf", id), valuesOf("only_new", "1"))
	codes := pdftest.QRCodes(t, []byte(inv.Body))
	if len(codes) != 2 || !strings.HasPrefix(codes[0], "http://localhost:8080/checkin/") {
		t.Fatalf("QR codes %v", codes)
	}
	// The app's BASE_URL is printed; the test server listens elsewhere, so only the path is kept.
	scanned := base + strings.TrimPrefix(codes[0], "http://localhost:8080")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(scanned),
		chromedp.WaitVisible(chromedp.CSS("#checkin-confirm")),
	); err != nil {
		t.Fatalf("open the QR's URL: %v", err)
	}
	if s := text(t, ctx, "#checkin-name"); s != "Nguyễn Thị Ngọc Ánh" {
		t.Fatalf("the QR opened %q", s)
	}
	if n := e.count(`SELECT count(*) FROM attendance`); n != 0 {
		t.Fatal("opening the page checked the person in")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#checkin-confirm"))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#checkin-result", "Đã điểm danh Nguyễn Thị Ngọc Ánh lúc")
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/workshops/%d/checkin", base, id))); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#checked-count", "Đã đến 1/2 người")
	if n := e.count(`SELECT count(*) FROM attendance a JOIN enrolments en ON en.id = a.enrolment_id JOIN trainees tr ON tr.id = en.trainee_id
		WHERE tr.full_name = 'Nguyễn Thị Ngọc Ánh' AND a.status = 'present' AND a.checked_in_at IS NOT NULL`); n != 1 {
		t.Fatalf("%d check-ins of Ánh", n)
	}
}
