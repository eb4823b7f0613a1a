package handlers_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/pdftest"
	"khuyencong/models"
)

// Invitations: one page per confirmed participant with every name intact, and a QR that decodes to
// the check-in URL; the URL shows a confirmation page to staff (changing nothing) and 404 to others;
// printing one invitation again retires its old QR.
func TestWorkshopInvitationsCarryACheckinQR(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	wsPlaces(t, e)
	id := wsApproved(t, e, f, 3, wsDay(2026, 3, 12), wsDay(2026, 3, 13))
	api := e.apiAs(models.RoleStaff)
	names := []string{"Nguyễn Thị Ngọc Ánh", "Đặng Văn Lưỡng", "Hồ Thị Ẩn", "Triệu Văn Quế"}
	var ids []int64
	for i, est := range []string{"HTX Mỳ Chũ Thủ Dương", "Tổ hợp tác mây tre đan Tăng Tiến"} {
		commune := []string{"21901", "22202"}[i]
		r := api.api(http.MethodPost, fmt.Sprintf("/api/v1/workshops/%d/registrations", id), wsRegistration(map[string]string{
			"name": est, "kind": "cooperative", "commune_code": commune}, wsP(names[2*i]), wsP(names[2*i+1])))
		var d wsDone
		r.json(t, &d)
		for _, p := range d.Participants {
			ids = append(ids, p.EnrolmentID)
		}
	}
	staff := e.browserAs(models.RoleStaff)
	staff.get(fmt.Sprintf("/workshops/%d", id))
	r := staff.post(fmt.Sprintf("/workshops/%d/invitations.pdf", id), valuesOf("only_new", "1"))
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("invitations: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	text := pdftest.Text(t, []byte(r.Body))
	// Three seats: the fourth person waits and gets no invitation.
	for _, want := range []string{"GIẤY MỜI", "Bà " + names[0], "Bà " + names[1], "Bà " + names[2], "HTX Mỳ Chũ Thủ Dương", "Tổ hợp tác mây tre đan Tăng Tiến",
		"Nam Dương, Huyện Lục Ngạn", "Nâng cao năng lực quản lý cho cơ sở CNNT", "Thứ Năm, 12/03/2026: 08:00 – 16:30 (đón đại biểu từ 07:30)", "Thứ Sáu, 13/03/2026", "Nhà văn hóa xã Tăng Tiến"} {
		if !strings.Contains(text, want) {
			t.Errorf("the invitations lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, names[3]) {
		t.Error("a waitlisted person got an invitation")
	}
	codes := pdftest.QRCodes(t, []byte(r.Body))
	if len(codes) != 3 {
		t.Fatalf("%d pages with codes %v, want 3", len(codes), codes)
	}
	for _, code := range codes {
		if !regexp.MustCompile(`^http://localhost:8080/checkin/[A-Za-z0-9_-]{43}$`).MatchString(code) {
			t.Fatalf("QR reads %q", code)
		}
	}
	path := strings.TrimPrefix(codes[0], "http://localhost:8080")
	confirm := staff.get(path)
	if confirm.Status != 200 || !strings.Contains(confirm.Body, names[0]) || !strings.Contains(confirm.Body, `id="checkin-confirm"`) {
		t.Fatalf("the QR's page: %d %.1000s", confirm.Status, confirm.Body)
	}
	if n := e.count(`SELECT count(*) FROM attendance`); n != 0 {
		t.Fatalf("opening the QR's page checked someone in")
	}
	other, _ := e.as(models.RoleTrainer)
	if r := other.get(path); r.Status != 404 {
		t.Fatalf("another trainer opens the QR: %d", r.Status)
	}
	if r := e.client().get(path); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous opens the QR: %d", r.Status)
	}
	// The day is not today: the button answers why not.
	res := staff.post(path, nil)
	if res.Status != 422 || !strings.Contains(res.Body, "Hôm nay không phải ngày tổ chức hội thảo này.") {
		t.Fatalf("check-in on another day: %d %.1000s", res.Status, res.Body)
	}
	// Only new ones: nobody is left. One person again: a new QR, the old one retired.
	if r := staff.post(fmt.Sprintf("/workshops/%d/invitations.pdf", id), valuesOf("only_new", "1")); !strings.Contains(pdftest.Text(t, []byte(r.Body)), "Chưa có người tham dự nào") {
		t.Fatal("only new invitations printed someone again")
	}
	one := staff.post(fmt.Sprintf("/workshops/%d/registrations/%d/invitation.pdf", id, ids[0]), nil)
	newCodes := pdftest.QRCodes(t, []byte(one.Body))
	if len(newCodes) != 1 || newCodes[0] == codes[0] || !strings.Contains(pdftest.Text(t, []byte(one.Body)), names[0]) {
		t.Fatalf("one invitation again: %v", newCodes)
	}
	if r := staff.get(path); r.Status != 404 {
		t.Fatalf("the retired QR still opens: %d", r.Status)
	}
	if r := staff.post(fmt.Sprintf("/workshops/%d/registrations/%d/invitation.pdf", id, ids[3]), nil); r.Status != 422 {
		t.Fatalf("invitation of a waitlisted person: %d", r.Status)
	}
}

// wsStarted forges the signed time a public form was shown, as the server signs it.
func wsStarted(t *testing.T, e *env, courseID int64, at time.Time) string {
	t.Helper()
	key, err := e.store.SigningKey(context.Background(), "workshop-register")
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "ws-register|%d|%d", courseID, at.Unix())
	return fmt.Sprintf("%d.%s", at.Unix(), base64.RawURLEncoding.EncodeToString(m.Sum(nil)))
}

func TestPublicRegistrationTurnsAwayAutomation(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	wsPlaces(t, e)
	id := wsApproved(t, e, f, 40, wsDay(2026, 3, 12))
	path := fmt.Sprintf("/workshops/%d/register", id)
	c := e.client()
	page := c.get(path)
	if page.Status != 200 || !strings.Contains(page.Body, `name="started"`) || !strings.Contains(page.Body, `name="website"`) || !strings.Contains(page.Body, "Mỗi cơ sở được cử tối đa 2 người.") {
		t.Fatalf("public page: %d %.800s", page.Status, page.Body)
	}
	form := valuesOf("establishment.name", "Hộ kinh doanh bánh đa Kế", "establishment.kind", "household_business", "establishment.commune_code", "22201",
		"participants.0.full_name", "Ngô Thị Lụa", "participants.0.gender", "female", "participants.0.job_title", "Chủ hộ", "participants.0.phone", "0912 345 001",
		"establishment_id", "999")
	// Sent at once: refused, nothing saved, the typed values kept.
	form.Set("started", regexpFind(t, `name="started" value="([^"]+)"`, page.Body))
	fast := c.post(path, form)
	if fast.Status != 422 || !strings.Contains(fast.Body, "quá nhanh") || !strings.Contains(fast.Body, `value="Ngô Thị Lụa"`) {
		t.Fatalf("too fast: %d %.800s", fast.Status, fast.Body)
	}
	// A forged or foreign time, or a filled honeypot: refused too.
	for name, mod := range map[string]func(url.Values){
		"forged": func(v url.Values) { v.Set("started", fmt.Sprintf("%d.AAAA", time.Now().Add(-time.Minute).Unix())) },
		"other":  func(v url.Values) { v.Set("started", wsStarted(t, e, id+1, time.Now().Add(-time.Minute))) },
		"old":    func(v url.Values) { v.Set("started", wsStarted(t, e, id, time.Now().Add(-13*time.Hour))) },
		"honeypot": func(v url.Values) {
			v.Set("started", wsStarted(t, e, id, time.Now().Add(-time.Minute)))
			v.Set("website", "http://spam")
		},
	} {
		v := url.Values{}
		for k, vs := range form {
			v[k] = vs
		}
		mod(v)
		if r := c.post(path, v); r.Status != 422 {
			t.Errorf("%s: %d", name, r.Status)
		}
	}
	if n := e.count(`SELECT count(*) FROM enrolments`); n != 0 {
		t.Fatalf("%d enrolments after refused posts", n)
	}
	// A person's pace: registered, the establishment typed (establishment_id ignored) and created.
	form.Set("started", wsStarted(t, e, id, time.Now().Add(-2*time.Minute)))
	ok := c.post(path, form)
	if ok.Status != 201 || !strings.Contains(ok.Body, `id="thanks"`) || !strings.Contains(ok.Body, "Ngô Thị Lụa") {
		t.Fatalf("registration: %d %.1500s", ok.Status, ok.Body)
	}
	if n := e.count(`SELECT count(*) FROM establishments WHERE name = 'Hộ kinh doanh bánh đa Kế' AND commune_code = '22201'`); n != 1 {
		t.Fatalf("%d establishments", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'workshop.register' AND actor = 'public-registration'`); n != 1 {
		t.Fatalf("%d public registrations audited", n)
	}
	// Too many posts from one address: 429.
	c.ip = "198.51.100.7"
	var last int
	for i := 0; i < 11; i++ {
		last = c.post(path, form).Status
	}
	if last != 429 {
		t.Fatalf("the 11th post in ten minutes: %d", last)
	}
	// Only approved workshops have a public page.
	draft := registerClass(t, e.browserAs(models.RoleStaff), f, "vocational", "Đan lát")
	if r := e.client().get(strings.Replace(draft, "/courses/", "/workshops/", 1) + "/register"); r.Status != 404 {
		t.Fatalf("a class's public page: %d", r.Status)
	}
}
