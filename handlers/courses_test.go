package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khuyencong/internal/pdftest"
	"khuyencong/models"
)

// fixtures are the rows a class needs, made straight in SQL (registries have their own tests).
type fixtures struct {
	craft, venue, venue2, master, trainer string
}

func (e *env) fixtures() fixtures {
	e.t.Helper()
	db := e.store.DB()
	id := func(q string, args ...any) string {
		var n int64
		if err := db.Get(&n, q, args...); err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		return itoa(n)
	}
	f := fixtures{
		craft:   id(`INSERT INTO crafts (name) VALUES ('Mây tre đan') RETURNING id`),
		venue:   id(`INSERT INTO venues (name, seats) VALUES ('Nhà văn hóa xã Tăng Tiến', 40) RETURNING id`),
		venue2:  id(`INSERT INTO venues (name, seats) VALUES ('Phòng đào tạo Trung tâm', 30) RETURNING id`),
		master:  id(`INSERT INTO instructors (kind, full_name) VALUES ('master', 'Nguyễn Văn Mây') RETURNING id`),
		trainer: id(`INSERT INTO instructors (kind, full_name) VALUES ('trainer', 'Phạm Thị Dạy') RETURNING id`),
	}
	if _, err := db.Exec(`INSERT INTO master_titles (instructor_id, title, craft_id, awarding_body, decision_no, decision_date)
		VALUES ($1, 'nghe_nhan_uu_tu', $2, 'Chủ tịch nước', '123/QĐ-CTN', '2019-01-15')`, f.master, f.craft); err != nil {
		e.t.Fatal(err)
	}
	return f
}

// registerClass fills the registration form as the client and returns the new class's path.
func registerClass(t *testing.T, c *client, f fixtures, kind, title string) string {
	t.Helper()
	c.get("/courses/new")
	r := c.post("/courses", url.Values{"kind": {kind}, "craft_id": {f.craft}, "title": {title}, "venue_id": {f.venue},
		"capacity": {"30"}, "start_date": {"02/03/2026"}, "end_date": {"10/04/2026"}, "budget": {"85.000.000"}, "min_attendance_pct": {"80"}})
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/courses/") {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	return r.Header.Get("Location")
}

func TestTrainersSeeAndChangeOnlyTheirOwnClasses(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	a, _ := e.as(models.RoleTrainer)
	b, bu := e.as(models.RoleTrainer)
	staff, _ := e.as(models.RoleStaff)
	path := registerClass(t, a, f, "vocational", "Đan lát mây tre xuất khẩu")
	id := strings.TrimPrefix(path, "/courses/")

	if r := a.get(path); r.Status != 200 || !strings.Contains(r.Body, "Đan lát mây tre xuất khẩu") {
		t.Fatalf("owner reads: %d", r.Status)
	}
	form := a.get(path + "/edit")
	if form.Status != 200 {
		t.Fatalf("owner edit form: %d", form.Status)
	}
	// Another trainer: every way in answers 404, and nothing changes.
	for _, p := range []string{path, path + "/edit", path + "/sessions/1/signin.pdf"} {
		if r := b.get(p); r.Status != 404 {
			t.Errorf("another trainer GET %s: %d, want 404", p, r.Status)
		}
	}
	b.get("/courses") // a page with b's own CSRF token
	replay := url.Values{"kind": {"vocational"}, "craft_id": {f.craft}, "title": {"Bị sửa trộm"}, "venue_id": {f.venue},
		"capacity": {"30"}, "start_date": {"02/03/2026"}, "end_date": {"10/04/2026"}}
	if r := b.post(path, replay); r.Status != 404 {
		t.Errorf("another trainer replays the edit form: %d, want 404", r.Status)
	}
	if r := b.post(path+"/transition", url.Values{"action": {"cancel"}, "reason": {"phá"}}); r.Status != 404 {
		t.Errorf("another trainer cancels: %d, want 404", r.Status)
	}
	if r := b.get("/courses"); strings.Contains(r.Body, "Đan lát mây tre xuất khẩu") {
		t.Error("another trainer's list shows the class")
	}
	// And by API with a bearer token.
	tok := b.api(http.MethodPost, "/api/v1/auth/token", map[string]string{"email": bu.Email, "password": testPassword})
	var tk struct{ Token string }
	tok.json(t, &tk)
	api := e.client()
	api.bearer = tk.Token
	if r := api.api(http.MethodGet, "/api/v1/courses/"+id, nil); r.Status != 404 {
		t.Errorf("another trainer GET by API: %d, want 404", r.Status)
	}
	if r := api.api(http.MethodPatch, "/api/v1/courses/"+id, map[string]any{"title": "Bị sửa trộm"}); r.Status != 404 {
		t.Errorf("another trainer PATCH by API: %d, want 404", r.Status)
	}
	var list struct{ Total int }
	api.api(http.MethodGet, "/api/v1/courses", nil).json(t, &list)
	if list.Total != 0 {
		t.Errorf("another trainer's API list has %d classes", list.Total)
	}
	// Staff can read and change it.
	if r := staff.get(path); r.Status != 200 {
		t.Fatalf("staff reads: %d", r.Status)
	}
	staff.get(path + "/edit")
	replay.Del("_csrf")
	replay.Set("title", "Đan lát mây tre (sửa bởi cán bộ)")
	if r := staff.post(path, replay); r.Status != 303 {
		t.Fatalf("staff edits: %d %s", r.Status, r.Body)
	}
	var title string
	if err := e.store.DB().Get(&title, `SELECT title FROM courses WHERE id = $1`, id); err != nil || title != "Đan lát mây tre (sửa bởi cán bộ)" {
		t.Fatalf("title %q (%v)", title, err)
	}
	if r := e.client().get(path); r.Status != 303 {
		t.Errorf("anonymous: %d", r.Status)
	}
}

func TestRegisterScheduleClashFixSubmitApprove(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	trainer, _ := e.as(models.RoleTrainer)
	staff, _ := e.as(models.RoleStaff)
	// The master already teaches another class on Wednesday 4 March 2026, 08:00–10:00.
	other := registerClass(t, staff, f, "vocational", "Lớp khác của nghệ nhân")
	staff.get(other)
	if r := staff.post(other+"/sessions", url.Values{"date": {"04/03/2026"}, "start_time": {"08:00"}, "end_time": {"10:00"},
		"venue_id": {f.venue2}, "instructor_id": {f.master}}); r.Status != 303 {
		t.Fatalf("other class's session: %d %s", r.Status, r.Body)
	}

	path := registerClass(t, trainer, f, "craft_transmission", "Truyền nghề mây tre đan Tăng Tiến")
	trainer.get(path)
	rule := url.Values{"weekdays": {"1", "3", "5"}, "start_time": {"07:30"}, "end_time": {"11:30"}, "from": {"02/03/2026"},
		"count": {"18"}, "venue_id": {f.venue}, "instructor_id": {f.master}, "topic": {"Thực hành đan"}}
	r := trainer.post(path+"/sessions/generate", rule)
	if r.Status != 409 || !strings.Contains(r.Body, "Trùng lịch") || !strings.Contains(r.Body, "Lớp khác của nghệ nhân") ||
		!strings.Contains(r.Body, "04/03/2026 08:00") {
		t.Fatalf("the clash is not shown: %d %s", r.Status, r.Body)
	}
	var n int
	e.store.DB().Get(&n, `SELECT count(*) FROM course_sessions s JOIN courses c ON c.id = s.course_id WHERE c.title LIKE 'Truyền nghề%'`)
	if n != 0 {
		t.Fatalf("%d sessions saved despite the clash", n)
	}
	// Fix: the afternoon instead.
	rule.Set("start_time", "13:30")
	rule.Set("end_time", "16:30")
	if r := trainer.post(path+"/sessions/generate", rule); r.Status != 200 || !strings.Contains(r.Body, "Đã tạo 18 buổi học") {
		t.Fatalf("generate after the fix: %d", r.Status)
	}
	if r := trainer.get(path); !strings.Contains(r.Body, "54 (18") {
		t.Errorf("total hours not shown as 54 for 18 sessions")
	}
	if r := trainer.post(path+"/transition", url.Values{"action": {"submit"}}); r.Status != 303 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	if r := trainer.post(path+"/transition", url.Values{"action": {"approve"}}); r.Status != 403 {
		t.Fatalf("a trainer approving their own class: %d, want 403", r.Status)
	}
	staff.get(path)
	if r := staff.post(path+"/transition", url.Values{"action": {"approve"}}); r.Status != 422 || !strings.Contains(r.Body, "chưa có danh hiệu") {
		t.Fatalf("approval without a titled lead master: %d", r.Status)
	}
	if r := staff.post(path+"/staff", url.Values{"instructor_id": {f.master}, "role": {"lead"}}); r.Status != 303 {
		t.Fatalf("assign the master: %d %s", r.Status, r.Body)
	}
	if r := staff.post(path+"/transition", url.Values{"action": {"approve"}}); r.Status != 303 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if r := staff.get(path); !strings.Contains(r.Body, "Đã duyệt") {
		t.Fatal("the class does not show as approved")
	}
}

func TestSessionClashByAPI(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	p1 := registerClass(t, staff, f, "vocational", "Lớp một")
	p2 := registerClass(t, staff, f, "vocational", "Lớp hai")
	body := map[string]any{"venue_id": atoi(f.venue), "instructor_id": atoi(f.master), "starts_at": "2026-03-02T07:30:00+07:00", "ends_at": "2026-03-02T11:30:00+07:00"}
	staff.get(p1)
	c := staff.withHeader("X-CSRF-Token", staff.csrf)
	if r := c.api(http.MethodPost, "/api/v1"+p1+"/sessions", body); r.Status != 201 {
		t.Fatalf("first: %d %s", r.Status, r.Body)
	}
	body["instructor_id"] = atoi(f.trainer)
	r := c.api(http.MethodPost, "/api/v1"+p2+"/sessions", body)
	if r.Status != 409 || !strings.Contains(r.Body, `"resource":"venue"`) || !strings.Contains(r.Body, `"title":"Lớp một"`) {
		t.Fatalf("clash by API: %d %s", r.Status, r.Body)
	}
	body["starts_at"], body["ends_at"] = "2026-03-02T11:30:00+07:00", "2026-03-02T12:30:00+07:00"
	if r := c.api(http.MethodPost, "/api/v1"+p2+"/sessions", body); r.Status != 201 {
		t.Fatalf("back to back by API: %d %s", r.Status, r.Body)
	}
	if r := c.api(http.MethodPost, "/api/v1"+p2+"/sessions", map[string]any{"venue_id": 0, "starts_at": "2026-03-02T11:30:00+07:00", "ends_at": "2026-03-02T10:30:00+07:00"}); r.Status != 422 ||
		!strings.Contains(r.Body, `"venue_id"`) || !strings.Contains(r.Body, `"ends_at"`) {
		t.Fatalf("bad session by API: %d %s", r.Status, r.Body)
	}
}

func TestSignInSheetListsEveryTraineeExactly(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	path := registerClass(t, staff, f, "vocational", "Đan lát mây tre")
	id := strings.TrimPrefix(path, "/courses/")
	staff.get(path)
	staff.post(path+"/sessions", url.Values{"date": {"02/03/2026"}, "start_time": {"07:30"}, "end_time": {"11:30"}, "venue_id": {f.venue}, "instructor_id": {f.master}})
	names := [][3]string{{"Nguyễn", "Thị Ngọc", "Ánh"}, {"Đặng", "Văn", "Lưỡng"}, {"Hồ", "Thị", "Ẩn"}, {"Lê", "Hữu", "Phước"}, {"Nông", "Thị", "Thủy"}, {"Triệu", "Văn", "Quế"}}
	for _, n := range names {
		var tid int64
		if err := e.store.DB().Get(&tid, `INSERT INTO trainees (family_name, middle_name, given_name, gender) VALUES ($1, $2, $3, 'female') RETURNING id`, n[0], n[1], n[2]); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.DB().Exec(`INSERT INTO enrolments (course_id, trainee_id, status, confirmed_at, enrolled_at) VALUES ($1, $2, 'confirmed', now(), '2026-02-01')`, id, tid); err != nil {
			t.Fatal(err)
		}
	}
	var sid string
	e.store.DB().Get(&sid, `SELECT id::text FROM course_sessions WHERE course_id = $1`, id)
	r := staff.get(path + "/sessions/" + sid + "/signin.pdf")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("sheet: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	text := pdftest.Text(t, []byte(r.Body))
	for _, n := range names {
		full := n[0] + " " + n[1] + " " + n[2]
		if !strings.Contains(text, full) {
			t.Errorf("%q is not on the sheet:\n%s", full, text)
		}
	}
	// Sorted by given name the Vietnamese way: Ánh, Ẩn, Lưỡng, Phước, Quế, Thủy.
	order := []string{"Ánh", "Ẩn", "Lưỡng", "Phước", "Quế", "Thủy"}
	last := -1
	for _, g := range order {
		i := strings.Index(text, g)
		if i < last {
			t.Errorf("%s is out of Vietnamese order", g)
		}
		last = i
	}
	for _, s := range []string{"DANH SÁCH KÝ NHẬN", "TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI", "02/03/2026", "07:30 – 11:30", "Trang 1/1"} {
		if !strings.Contains(text, s) {
			t.Errorf("the sheet lacks %q", s)
		}
	}
}

func TestMoveAndCancelSessionFromTheClassPage(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	a := registerClass(t, staff, f, "vocational", "Lớp A")
	b := registerClass(t, staff, f, "vocational", "Lớp B")
	for _, p := range []string{a, b} {
		staff.get(p)
	}
	staff.post(a+"/sessions", valuesOf("date", "02/03/2026", "start_time", "07:30", "end_time", "11:30", "venue_id", f.venue, "instructor_id", f.master))
	staff.post(b+"/sessions", valuesOf("date", "03/03/2026", "start_time", "07:30", "end_time", "11:30", "venue_id", f.venue, "instructor_id", f.trainer))
	var sid string
	e.store.DB().Get(&sid, `SELECT s.id::text FROM course_sessions s JOIN courses c ON c.id = s.course_id WHERE c.title = 'Lớp A'`)
	page := staff.get(a)
	if !strings.Contains(page.Body, "/sessions/"+sid+"/move") {
		t.Fatal("no move form on the class page")
	}
	// Moving onto Lớp B's slot at the same venue clashes; moving to the afternoon works.
	move := valuesOf("date", "03/03/2026", "start_time", "08:00", "end_time", "10:00", "venue_id", f.venue, "instructor_id", f.master, "reason", "Trùng lịch họp")
	if r := staff.post(a+"/sessions/"+sid+"/move", move); r.Status != 409 || !strings.Contains(r.Body, "Lớp B") {
		t.Fatalf("move onto another class: %d", r.Status)
	}
	move.Set("start_time", "13:30")
	move.Set("end_time", "16:30")
	move.Del("_csrf")
	if r := staff.post(a+"/sessions/"+sid+"/move", move); r.Status != 303 {
		t.Fatalf("move: %d %s", r.Status, r.Body)
	}
	if r := staff.get(a); !strings.Contains(r.Body, "03/03/2026") || !strings.Contains(r.Body, "13:30–16:30") {
		t.Fatal("the moved session is not shown at its new time")
	}
	if r := staff.post(a+"/sessions/"+sid+"/cancel", valuesOf("reason", "")); r.Status != 422 {
		t.Fatalf("cancel without a reason: %d", r.Status)
	}
	if r := staff.post(a+"/sessions/"+sid+"/cancel", valuesOf("reason", "Mưa bão")); r.Status != 303 {
		t.Fatalf("cancel: %d", r.Status)
	}
	if r := staff.get(a); !strings.Contains(r.Body, "Đã hủy") || !strings.Contains(r.Body, "Mưa bão") {
		t.Fatal("the cancelled session is not marked with its reason")
	}
	var audits int
	e.store.DB().Get(&audits, `SELECT count(*) FROM audit_log WHERE action IN ('session.move', 'session.cancel')`)
	if audits != 2 {
		t.Fatalf("%d session changes audited, want 2", audits)
	}
}
