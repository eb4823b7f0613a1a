package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"khuyencong/models"
)

// instrBearer returns a client of a new user of the role that calls the API with a bearer token.
func instrBearer(t *testing.T, e *env, role string) (*client, models.User) {
	t.Helper()
	u := e.user(role)
	c := e.client()
	r := c.api(http.MethodPost, "/api/v1/auth/token", map[string]string{"email": u.Email, "password": testPassword})
	var tok struct {
		Token string `json:"token"`
	}
	r.json(t, &tok)
	if tok.Token == "" {
		t.Fatalf("token: %d %s", r.Status, r.Body)
	}
	c.bearer = tok.Token
	return c, u
}

func wantProblem(t *testing.T, r resp, status int, field string) {
	t.Helper()
	var p problem
	if r.Status != status || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
		t.Fatalf("want %d problem+json, got %d %s: %s", status, r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	r.json(t, &p)
	if field != "" && p.Errors[field] == "" {
		t.Fatalf("want an error on %s, got %v", field, p.Errors)
	}
}

func TestInstructorAPI(t *testing.T) {
	e := newEnv(t)
	c, _ := instrBearer(t, e, models.RoleStaff)
	may := instrCraft(t, e, "Mây tre đan")
	login := e.user(models.RoleMaster)
	r := c.api(http.MethodPost, "/api/v1/masters", map[string]any{"full_name": "Nguyễn Văn Mây", "phone": "84912345678",
		"craft_ids": []int64{may.ID}, "user_id": login.ID, "id": 999, "kind": "trainer"})
	if r.Status != 201 || !strings.HasPrefix(r.Header.Get("Location"), "/api/v1/masters/") {
		t.Fatalf("create: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	var m models.Instructor
	r.json(t, &m)
	if m.Kind != "master" || m.ID == 999 || m.Phone != "0912345678" || !m.HasAccount || !m.Active || len(m.Crafts) != 1 {
		t.Fatalf("created %+v", m)
	}
	loc := r.Header.Get("Location")
	r = c.api(http.MethodPost, loc+"/titles", map[string]any{"title": "nghe_nhan_cap_tinh", "craft_id": may.ID,
		"awarding_body": "Chủ tịch UBND tỉnh Bắc Giang", "decision_no": "15/QĐ-UBND", "decision_date": "2021-03-05"})
	if r.Status != 201 || !strings.Contains(r.Body, `"decision_date":"2021-03-05"`) {
		t.Fatalf("add title: %d %s", r.Status, r.Body)
	}
	var title models.MasterTitle
	r.json(t, &title)
	wantProblem(t, c.api(http.MethodPost, loc+"/titles", map[string]any{"title": "nghe_nhan_cap_tinh", "craft_id": may.ID,
		"awarding_body": "UBND", "decision_no": "15", "decision_date": "05/03/2021"}), 422, "title")
	r = c.api(http.MethodGet, loc, nil)
	if r.Status != 200 || !strings.Contains(r.Body, `"nghe_nhan_cap_tinh"`) || !strings.Contains(r.Body, `"crafts":[{"id":`) {
		t.Fatalf("show: %d %s", r.Status, r.Body)
	}
	r = c.api(http.MethodPatch, loc, map[string]any{"user_id": nil, "active": false, "organisation": "Làng nghề Tăng Tiến"})
	r.json(t, &m)
	if r.Status != 200 || m.HasAccount || m.Active || m.Organisation != "Làng nghề Tăng Tiến" || m.FullName != "Nguyễn Văn Mây" {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	wantProblem(t, c.api(http.MethodPatch, loc, map[string]any{"craft_ids": []int64{}}), 422, "crafts")
	if r := c.api(http.MethodDelete, loc+"/titles/"+itoa(title.ID), nil); r.Status != 204 {
		t.Fatalf("remove title: %d %s", r.Status, r.Body)
	}
	wantProblem(t, c.api(http.MethodDelete, loc+"/titles/"+itoa(title.ID), nil), 404, "")
	// A master is not found among the trainers, and the other way round.
	wantProblem(t, c.api(http.MethodGet, "/api/v1/trainers/"+itoa(m.ID), nil), 404, "")
	r = c.api(http.MethodPost, "/api/v1/trainers", map[string]any{"full_name": "Lê Thị Tre", "active": false})
	if r.Status != 201 {
		t.Fatalf("create trainer: %d %s", r.Status, r.Body)
	}
	var tr models.Instructor
	r.json(t, &tr)
	wantProblem(t, c.api(http.MethodPatch, "/api/v1/masters/"+itoa(tr.ID), map[string]any{"full_name": "X"}), 404, "")
	wantProblem(t, c.api(http.MethodPost, "/api/v1/masters/"+itoa(tr.ID)+"/titles", map[string]any{"title": "tho_gioi",
		"craft_id": may.ID, "awarding_body": "UBND", "decision_no": "1", "decision_date": "2020-01-01"}), 404, "")
	wantProblem(t, c.api(http.MethodPost, "/api/v1/masters/"+itoa(tr.ID)+"/titles", map[string]any{"title": "vua"}), 404, "")
	// Lists: search without diacritics, sort, clamped pages, hostile sorts.
	var page models.List[models.Instructor]
	c.api(http.MethodGet, "/api/v1/masters?q=nguyen+van&per_page=1000000", nil).json(t, &page)
	if page.Total != 1 || page.PerPage != 100 || page.Items[0].FullName != "Nguyễn Văn Mây" {
		t.Fatalf("search: %+v", page)
	}
	c.api(http.MethodGet, "/api/v1/masters?craft_id="+itoa(may.ID), nil).json(t, &page)
	if page.Total != 1 {
		t.Fatalf("craft filter: %+v", page)
	}
	for _, sort := range []string{"salary", "name;DROP%20TABLE%20x", "-", strings.Repeat("n", 100)} {
		wantProblem(t, c.api(http.MethodGet, "/api/v1/trainers?sort="+sort, nil), 422, "sort")
	}
	wantProblem(t, c.api(http.MethodGet, "/api/v1/masters?craft_id=abc", nil), 422, "craft_id")
	if r := c.api(http.MethodGet, "/api/v1/trainers?sort=-name&page=99", nil); r.Status != 200 || !strings.Contains(r.Body, `"items":[]`) {
		t.Fatalf("an empty page: %d %s", r.Status, r.Body)
	}
	n := instrCount(t, e, `SELECT count(*) FROM audit_log WHERE action IN ('master.create', 'master.update', 'trainer.create', 'master_title.add', 'master_title.remove')`)
	if n != 5 {
		t.Fatalf("%d audit rows, want 5", n)
	}
}

// Hostile input gets 400 or 422, never a 500, and writes nothing.
func TestInstructorAPIHostileInput(t *testing.T) {
	e := newEnv(t)
	c, _ := instrBearer(t, e, models.RoleAdmin)
	long := strings.Repeat("ẫ", 10000)
	bodies := []struct {
		path, body, field string
	}{
		{"/api/v1/masters", `{"full_name": "` + long + `"}`, "full_name"},
		{"/api/v1/masters", `{"full_name": "Lê\u0000Tre"}`, "full_name"},
		{"/api/v1/masters", "{\"full_name\": \"L\xff\xfeê\"}", "full_name"},
		{"/api/v1/masters", `{"full_name": "Lê Tre", "organisation": "` + long + `"}`, "organisation"},
		{"/api/v1/masters", `{"full_name": "Lê Tre", "phone": "` + long + `"}`, "phone"},
		{"/api/v1/masters", `{"full_name": "Lê Tre", "craft_ids": [0]}`, "crafts"},
		{"/api/v1/masters", `{"full_name": "Lê Tre", "user_id": -1}`, "user_id"},
		{"/api/v1/trainers", `{"full_name": "Lê Tre", "email": "a@b@c"}`, "email"},
		{"/api/v1/trainers", `{"full_name": 42}`, ""},
		{"/api/v1/trainers", `{"full_name": "Lê Tre", "craft_ids": ["x"]}`, ""},
		{"/api/v1/trainers", `not json`, ""},
		{"/api/v1/crafts", `{"name": "` + long + `"}`, "name"},
		{"/api/v1/crafts", `{"name": "Mây\u202etre"}`, "name"},
		{"/api/v1/crafts", "{\"name\": \"\xc3\x28\"}", "name"},
	}
	for _, b := range bodies {
		r := c.do(http.MethodPost, b.path, strings.NewReader(b.body), map[string]string{"Content-Type": "application/json", "Accept": "application/json"})
		if r.Status != 400 && r.Status != 422 {
			t.Errorf("POST %s %.40q: %d, want 400 or 422", b.path, b.body, r.Status)
			continue
		}
		if b.field != "" {
			wantProblem(t, r, 422, b.field)
		}
	}
	for _, path := range []string{"/api/v1/masters/0", "/api/v1/masters/abc", "/api/v1/masters/99999999999999999999", "/api/v1/crafts/-1"} {
		if r := c.api(http.MethodGet, path, nil); r.Status != 404 {
			t.Errorf("GET %s: %d, want 404", path, r.Status)
		}
	}
	if r := c.do(http.MethodGet, "/api/v1/masters?q=%ff%00", nil, map[string]string{"Accept": "application/json"}); r.Status != 422 {
		t.Errorf("invalid UTF-8 in q: %d", r.Status)
	}
	if n := instrCount(t, e, `SELECT (SELECT count(*) FROM instructors) + (SELECT count(*) FROM crafts)`); n != 0 {
		t.Fatalf("%d rows written by hostile input", n)
	}
}

func TestCraftsAPIAndPages(t *testing.T) {
	e := newEnv(t)
	api, _ := instrBearer(t, e, models.RoleStaff)
	r := api.api(http.MethodPost, "/api/v1/crafts", map[string]string{"name": " Mây tre đan "})
	if r.Status != 201 || !strings.HasPrefix(r.Header.Get("Location"), "/api/v1/crafts/") {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var cr models.Craft
	r.json(t, &cr)
	for _, dup := range []string{"may tre dan", "MÂY TRE ĐAN"} {
		wantProblem(t, api.api(http.MethodPost, "/api/v1/crafts", map[string]string{"name": dup}), 422, "name")
	}
	r = api.api(http.MethodPatch, "/api/v1/crafts/"+itoa(cr.ID), map[string]string{"name": "Mây tre đan Tăng Tiến"})
	if r.Status != 200 || !strings.Contains(r.Body, "Tăng Tiến") {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	var page models.List[models.Craft]
	api.api(http.MethodGet, "/api/v1/crafts?q=may+tre&sort=-name", nil).json(t, &page)
	if page.Total != 1 || page.Items[0].ID != cr.ID {
		t.Fatalf("search: %+v", page)
	}
	wantProblem(t, api.api(http.MethodGet, "/api/v1/crafts?sort=name;DROP%20TABLE%20crafts", nil), 422, "sort")
	// The pages: a trainer reads, staff create and rename, with messages beside the field.
	trainer, _ := instrBearer(t, e, models.RoleTrainer)
	if r := trainer.api(http.MethodGet, "/api/v1/crafts/"+itoa(cr.ID), nil); r.Status != 200 {
		t.Fatalf("trainer reads a craft: %d", r.Status)
	}
	wantProblem(t, trainer.api(http.MethodPost, "/api/v1/crafts", map[string]string{"name": "Gốm"}), 404, "")
	c := instrStaff(t, e)
	if r := c.get("/crafts?q=may+tre"); r.Status != 200 || !strings.Contains(r.Body, "Mây tre đan Tăng Tiến") {
		t.Fatalf("list: %d", r.Status)
	}
	c.get("/crafts/new")
	r = c.post("/crafts", map[string][]string{"name": {"mây tre đan tăng tiến"}})
	if r.Status != 422 || !strings.Contains(r.Body, `<p class="field-error">Đã tồn tại.</p>`) {
		t.Fatalf("duplicate in the form: %d", r.Status)
	}
	r = c.post("/crafts", map[string][]string{"name": {"Mỳ gạo"}})
	if r.Status != 303 {
		t.Fatalf("create in the form: %d %s", r.Status, r.Body)
	}
	loc := r.Header.Get("Location")
	if r := c.post(loc, map[string][]string{"name": {""}}); r.Status != 422 || !strings.Contains(r.Body, "Bắt buộc nhập") {
		t.Fatalf("empty rename: %d", r.Status)
	}
	if r := c.post(loc, map[string][]string{"name": {"Mỳ Chũ"}}); r.Status != 303 {
		t.Fatalf("rename in the form: %d", r.Status)
	}
	if r := c.get(loc); r.Status != 200 || !strings.Contains(r.Body, "Mỳ Chũ") {
		t.Fatalf("show: %d", r.Status)
	}
	n := instrCount(t, e, `SELECT count(*) FROM audit_log WHERE action IN ('craft.create', 'craft.rename')`)
	if n != 4 {
		t.Fatalf("%d craft audit rows, want 4", n)
	}
}
