package handlers_test

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"khuyencong/handlers"
	"khuyencong/internal/pdftest"
	"khuyencong/internal/vi"
	"khuyencong/models"
)

// tlinkWorld is an approved class with a trainee who has a seat in it: a session held two days ago (marked
// present), one in three days at 07:30 (the next), one in four days (cancelled) and one in six days.
type tlinkWorld struct {
	staff              *client
	f                  fixtures
	course, trainee    int64
	past, next, cancel int64
	nextAt             time.Time
}

// tlinkDay is midnight of today in Vietnam plus n days.
func tlinkDay(n int) time.Time {
	y, m, d := time.Now().In(models.Zone).Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, models.Zone)
}

func tlinkSetUp(t *testing.T, e *env) tlinkWorld {
	t.Helper()
	ctx, sys := context.Background(), models.SystemActor("test")
	e.places()
	w := tlinkWorld{f: e.fixtures()}
	w.staff, _ = e.as(models.RoleStaff)
	if _, err := e.store.DB().Exec(`UPDATE venues SET address = 'Thôn Đồng Rì', commune_code = '22001' WHERE id = $1`, w.f.venue); err != nil {
		t.Fatal(err)
	}
	w.course = calClass(t, w.staff, w.f, "vocational", "Đan lát mây tre xuất khẩu")
	four := 4 * time.Hour
	w.past = calSession(t, e, w.course, w.f.venue, w.f.master, tlinkDay(-2).Add(7*time.Hour+30*time.Minute), four)
	w.nextAt = tlinkDay(3).Add(7*time.Hour + 30*time.Minute)
	w.next = calSession(t, e, w.course, w.f.venue, w.f.master, w.nextAt, four)
	w.cancel = calSession(t, e, w.course, w.f.venue, w.f.master, tlinkDay(4).Add(7*time.Hour+30*time.Minute), four)
	calSession(t, e, w.course, w.f.venue, w.f.master, tlinkDay(6).Add(13*time.Hour+30*time.Minute), 3*time.Hour)
	calStatus(t, e, w.course, "submitted", "approved")
	tr, _, err := e.store.CreateTrainee(ctx, sys, models.TraineeInput{FullName: "Nông Thị Thủy", Gender: "female",
		BirthDate: "1990-07-05", IDNumber: "024190000555", Phone: "0987654321", CommuneCode: "22001"})
	if err != nil {
		t.Fatal(err)
	}
	w.trainee = tr.ID
	en, err := e.store.Enrol(ctx, sys, w.course, tr.ID, models.EnrolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The trainee enrolled a week ago, before the first session.
	if _, err := e.store.DB().Exec(`UPDATE enrolments SET enrolled_at = now() - interval '7 days', confirmed_at = now() - interval '7 days' WHERE id = $1`, en.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.MarkAttendance(ctx, sys, w.past, models.MarkInput{EnrolmentID: en.ID, Status: "present"}, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CancelSession(ctx, sys, w.course, w.cancel, "Nghệ nhân ốm"); err != nil {
		t.Fatal(err)
	}
	return w
}

var tlinkURL = regexp.MustCompile(`http://localhost:8080/t/[A-Za-z0-9_-]{43}`)

// tlinkPrint prints the trainee's slip as staff and returns the PDF and the link printed on it.
func tlinkPrint(t *testing.T, w tlinkWorld, form ...string) ([]byte, string) {
	t.Helper()
	w.staff.get("/trainees/" + itoa(w.trainee))
	r := w.staff.post("/trainees/"+itoa(w.trainee)+"/link", valuesOf(form...))
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("print the slip: %d %s %.300s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	text := pdftest.Text(t, []byte(r.Body))
	link := tlinkURL.FindString(text)
	if link == "" {
		t.Fatalf("no link on the slip:\n%s", text)
	}
	return []byte(r.Body), link
}

func tlinkPath(link string) string { return strings.TrimPrefix(link, "http://localhost:8080") }

func TestTraineePageByLinkWithoutLogin(t *testing.T) {
	e := newEnv(t)
	w := tlinkSetUp(t, e)
	slip, link := tlinkPrint(t, w)
	if codes := pdftest.QRCodes(t, slip); len(codes) != 1 || codes[0] != link {
		t.Fatalf("QR %q, want %q", codes, link)
	}
	text := pdftest.Text(t, slip)
	for _, want := range []string{"PHIẾU GHI DANH", "Nông Thị Thủy", "Đan lát mây tre xuất khẩu", "Quét mã QR để xem lịch học", vi.Date(w.nextAt)} {
		if !strings.Contains(text, want) {
			t.Errorf("the slip lacks %q", want)
		}
	}

	// A certificate issued for the class (the certificates area makes these; here by SQL).
	db := e.store.DB()
	for _, q := range []string{
		`INSERT INTO issuers (code, name, place_name) VALUES ('TTKC-BG', 'Trung tâm Khuyến công Bắc Giang', 'Bắc Giang')`,
		`INSERT INTO certificates (issuer_id, enrolment_id, kind, serial_no, serial, register_year, register_no, register_label,
			token_hash, snapshot, template_version, issued_on)
		 SELECT i.id, e.id, 'chung_chi', 7, 'TTKC-BG-2026-000007', 2026, 7, '0007/2026', sha256('x'), '{}', 'v1', '2026-04-15'
		 FROM issuers i, enrolments e WHERE i.code = 'TTKC-BG' AND e.trainee_id = ` + itoa(w.trainee),
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	anon := e.client()
	r := anon.get(tlinkPath(link))
	if r.Status != 200 {
		t.Fatalf("the link without login: %d", r.Status)
	}
	if cert := regexpFind(t, `(?s)(<ul class="tlink-certs".*?</ul>)`, r.Body); !strings.Contains(cert, "TTKC-BG-2026-000007") ||
		!strings.Contains(cert, "Còn hiệu lực") || !strings.Contains(cert, "15/04/2026") {
		t.Errorf("the certificate is not listed with its number and status: %s", cert)
	}
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers: Cache-Control %q, Referrer-Policy %q", r.Header.Get("Cache-Control"), r.Header.Get("Referrer-Policy"))
	}
	next := regexpFind(t, `(?s)<article class="tlink-next[^"]*" id="next-session" data-session="(\d+)"`, r.Body)
	if next != itoa(w.next) {
		t.Fatalf("next session %s, want %d", next, w.next)
	}
	card := regexpFind(t, `(?s)(<article class="tlink-next.*?</article>)`, r.Body)
	weekdays := []string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}
	for _, want := range []string{weekdays[w.nextAt.Weekday()] + ", " + w.nextAt.Format("02/01/2006"), "07:30 – 11:30",
		"Nhà văn hóa xã Tăng Tiến", "Thôn Đồng Rì", "An Lập", "Huyện Sơn Động", "Nghệ nhân", "Nguyễn Văn Mây"} {
		if !strings.Contains(card, want) {
			t.Errorf("the next session lacks %q:\n%s", want, card)
		}
	}
	for _, want := range []string{"Nông Thị Thủy", `data-session="` + itoa(w.cancel) + `"`, "Đã hủy", "Nghệ nhân ốm", "Có mặt", "calendar.ics"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`Đã học 4 giờ trong 4 giờ đã diễn ra \(cả khóa 11 giờ\)`).MatchString(r.Body) {
		t.Errorf("attendance hours are not shown as 4 of 4 (11 in all)")
	}
	for _, secret := range []string{"024190000555", "190000555", "0987654321", "987654321", "1990-07-05", "05/07/1990", "1990"} {
		if strings.Contains(r.Body, secret) {
			t.Errorf("the page shows %q", secret)
		}
	}
	anon.cookies["lang"] = "en"
	if r := anon.get(tlinkPath(link)); !strings.Contains(r.Body, "Next session") || !strings.Contains(r.Body, "Add to calendar") {
		t.Error("the English page does not say Next session")
	}
	// The rotation is audited, and neither the token nor its hash is in the audit log.
	token := strings.TrimPrefix(tlinkPath(link), "/t/")
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'trainee.link_rotate' AND entity_id = $1`, itoa(w.trainee)); n != 1 {
		t.Errorf("%d audit rows, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE coalesce(new_values::text, '') || coalesce(old_values::text, '') LIKE '%' || $1 || '%'`, token); n != 0 {
		t.Error("the token is in the audit log")
	}
	// The staff page says the trainee has a link.
	if r := w.staff.get("/trainees/" + itoa(w.trainee)); !strings.Contains(r.Body, "Đã có đường link riêng") || !strings.Contains(r.Body, `action="/trainees/`+itoa(w.trainee)+`/link"`) {
		t.Error("the trainee's staff page does not show the link status and the print button")
	}
}

// syncBuffer is a log destination that the race detector accepts.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A new slip makes a new link: the old page and the old feed answer 404 like any unknown page.
func TestTraineeLinkRotation(t *testing.T) {
	e := newEnv(t)
	w := tlinkSetUp(t, e)
	_, old := tlinkPrint(t, w)
	_, fresh := tlinkPrint(t, w, "course_id", itoa(w.course))
	if old == fresh {
		t.Fatal("printing again gave the same link")
	}
	anon := e.client()
	unknown := anon.get("/no/such/page")
	// The page's language switch names the path it returns to; the rest of the page is the same.
	next := regexp.MustCompile(`next=[^"]*"`)
	same := func(b string) string { return next.ReplaceAllString(reqID.ReplaceAllString(b, ""), "") }
	for _, p := range []string{tlinkPath(old), tlinkPath(old) + "/calendar.ics", "/t/" + strings.Repeat("A", 43), "/t/x", "/t/x/calendar.ics"} {
		r := anon.get(p)
		if r.Status != 404 || same(r.Body) != same(unknown.Body) {
			t.Errorf("%s: %d, want the 404 page of any unknown path", p, r.Status)
		}
		if strings.Contains(strings.ToLower(r.Body), "token") {
			t.Errorf("%s: the 404 speaks of tokens", p)
		}
	}
	if r := anon.get(tlinkPath(fresh)); r.Status != 200 || !strings.Contains(r.Body, "Nông Thị Thủy") {
		t.Fatalf("the new link: %d", r.Status)
	}
	if r := anon.get(tlinkPath(fresh) + "/calendar.ics"); r.Status != 200 {
		t.Fatalf("the new feed: %d", r.Status)
	}
	// A class the trainee is not in cannot be put on their slip.
	w.staff.get("/trainees/" + itoa(w.trainee))
	if r := w.staff.post("/trainees/"+itoa(w.trainee)+"/link", valuesOf("course_id", "999999")); r.Status != 404 {
		t.Errorf("a slip for another class: %d", r.Status)
	}
	if r := anon.get(tlinkPath(fresh)); r.Status != 200 {
		t.Error("a refused print retired the link")
	}
	// Whoever reads the logs cannot open a trainee's page: the token is left out of logged paths.
	var logs syncBuffer
	h := handlers.New(e.store, handlers.Config{BaseURL: "http://localhost:8080"}, slog.New(slog.NewTextHandler(&logs, nil)))
	app, err := handlers.NewApp(h)
	if err != nil {
		t.Fatal(err)
	}
	logged := (&env{t: t, app: app, h: h, store: e.store}).client()
	for _, p := range []string{tlinkPath(fresh), tlinkPath(fresh) + "/calendar.ics", tlinkPath(old)} {
		logged.get(p)
	}
	for _, l := range []string{fresh, old} {
		if out := logs.String(); strings.Contains(out, strings.TrimPrefix(tlinkPath(l), "/t/")) || !strings.Contains(out, "path=/t/[token]/calendar.ics") {
			t.Fatalf("a token is in the log:\n%s", out)
		}
	}
	// Only staff print slips.
	trainer, _ := e.as(models.RoleTrainer)
	trainer.get("/app")
	if r := trainer.post("/trainees/"+itoa(w.trainee)+"/link", nil); r.Status != 404 {
		t.Errorf("a trainer printing a slip: %d", r.Status)
	}
}

func TestTraineeLinkRateLimit(t *testing.T) {
	// The test server sees every request come from one socket address; a trusted proxy's
	// X-Forwarded-For tells the clients apart, as behind the real load balancer.
	e := newEnv(t, func(c *handlers.Config) {
		c.LookupLimitPerIP, c.LookupWindow, c.TrustedProxies = 3, time.Hour, []string{"0.0.0.0"}
	})
	w := tlinkSetUp(t, e)
	_, link := tlinkPrint(t, w)
	anon := e.client()
	from := func(ip, path string) resp {
		return anon.do("GET", path, nil, map[string]string{"Accept": "text/html", "X-Forwarded-For": ip})
	}
	for i, p := range []string{tlinkPath(link), "/t/" + strings.Repeat("B", 43), tlinkPath(link) + "/calendar.ics"} {
		if r := from("203.0.113.5", p); r.Status != 200 && r.Status != 404 {
			t.Fatalf("hit %d: %d", i+1, r.Status)
		}
	}
	r := from("203.0.113.5", tlinkPath(link))
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("hit 4: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	if r := from("203.0.113.6", tlinkPath(link)); r.Status != 200 {
		t.Fatalf("another address: %d", r.Status)
	}
}

func TestTraineeScheduleAPI(t *testing.T) {
	e := newEnv(t)
	w := tlinkSetUp(t, e)
	api := e.apiAs(models.RoleStaff)
	r := api.api("GET", "/api/v1/trainees/"+itoa(w.trainee)+"/schedule", nil)
	if r.Status != 200 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	var got struct {
		FullName string `json:"full_name"`
		Link     struct {
			Has bool `json:"has_link"`
		} `json:"link"`
		Classes []struct {
			CourseID      int64   `json:"course_id"`
			Present       int     `json:"present"`
			AttendedHours float64 `json:"attended_hours"`
		} `json:"classes"`
		Sessions []struct {
			SessionID  int64     `json:"session_id"`
			Status     string    `json:"status"`
			Attendance *string   `json:"attendance"`
			StartsAt   time.Time `json:"starts_at"`
			Instructor string    `json:"instructor_name"`
			Venue      string    `json:"venue_name"`
		} `json:"sessions"`
	}
	r.json(t, &got)
	if got.FullName != "Nông Thị Thủy" || got.Link.Has || len(got.Classes) != 1 || got.Classes[0].Present != 1 || got.Classes[0].AttendedHours != 4 {
		t.Fatalf("schedule %+v", got)
	}
	if len(got.Sessions) != 4 || got.Sessions[0].SessionID != w.past || got.Sessions[0].Attendance == nil || *got.Sessions[0].Attendance != "present" ||
		got.Sessions[1].SessionID != w.next || !got.Sessions[1].StartsAt.Equal(w.nextAt) || got.Sessions[1].Instructor != "Nguyễn Văn Mây" ||
		got.Sessions[2].Status != "cancelled" {
		t.Fatalf("sessions %+v", got.Sessions)
	}
	if strings.Contains(r.Body, "024190000555") || strings.Contains(r.Body, "0987654321") {
		t.Error("the schedule carries the national ID or phone")
	}
	if r := api.api("GET", "/api/v1/trainees/999999/schedule", nil); r.Status != 404 {
		t.Errorf("unknown trainee: %d", r.Status)
	}
	if r := e.apiAs(models.RoleTrainer).api("GET", "/api/v1/trainees/"+itoa(w.trainee)+"/schedule", nil); r.Status != 404 {
		t.Errorf("a trainer: %d", r.Status)
	}
}

// Staff print the whole class: one page per trainee, each QR code a working link of its own.
func TestClassSlips(t *testing.T) {
	e := newEnv(t)
	w := tlinkSetUp(t, e)
	other := e.traineeIDs(1, "Lan")[0]
	if _, err := e.store.Enrol(context.Background(), models.SystemActor("test"), w.course, other, models.EnrolOptions{}); err != nil {
		t.Fatal(err)
	}
	path := "/courses/" + itoa(w.course)
	page := w.staff.get(path + "/trainees")
	if !strings.Contains(page.Body, `action="/courses/`+itoa(w.course)+`/slips"`) || !strings.Contains(page.Body, `data-slip="`+itoa(w.trainee)+`"`) {
		t.Fatal("the class's trainee list has no slip buttons")
	}
	if r := w.staff.post(path+"/slips", nil); r.Status != 422 {
		t.Fatalf("without confirming: %d", r.Status)
	}
	r := w.staff.post(path+"/slips", valuesOf("confirm", "1"))
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("class slips: %d %.200s", r.Status, r.Body)
	}
	codes := pdftest.QRCodes(t, []byte(r.Body))
	if len(codes) != 2 || codes[0] == codes[1] {
		t.Fatalf("QR codes %q", codes)
	}
	names := map[string]bool{}
	anon := e.client()
	for _, link := range codes {
		res := anon.get(tlinkPath(link))
		if res.Status != 200 {
			t.Fatalf("%s: %d", link, res.Status)
		}
		names[regexpFind(t, `<h1 id="trainee-name">([^<]+)</h1>`, res.Body)] = true
	}
	if !names["Nông Thị Thủy"] || !names["Nguyễn Thị Lan 1"] {
		t.Fatalf("the slips open the pages of %v", names)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'trainee.link_rotate'`); n != 2 {
		t.Errorf("%d audit rows, want 2", n)
	}
}
