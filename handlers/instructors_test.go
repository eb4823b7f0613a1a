package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"khuyencong/models"
)

// instrStaff returns a logged-in staff client whose CSRF token belongs to its logged-in session.
func instrStaff(t *testing.T, e *env) *client {
	t.Helper()
	c, _ := e.as(models.RoleStaff)
	c.get("/app")
	return c
}

func instrCraft(t *testing.T, e *env, name string) models.Craft {
	t.Helper()
	cr, err := e.store.CreateCraft(context.Background(), models.SystemActor("test"), name)
	if err != nil {
		t.Fatal(err)
	}
	return cr
}

func instrCount(t *testing.T, e *env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.store.DB().Get(&n, q, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInstructorPages(t *testing.T) {
	e := newEnv(t)
	c := instrStaff(t, e)
	may, moc := instrCraft(t, e, "Mây tre đan"), instrCraft(t, e, "Mộc")
	if r := c.get("/instructors/new?kind=master"); r.Status != 200 || !strings.Contains(r.Body, "Mây tre đan") || !strings.Contains(r.Body, `name="_csrf"`) {
		t.Fatalf("new form: %d", r.Status)
	}
	r := c.post("/instructors", url.Values{"kind": {"master"}, "full_name": {"Nguyễn Văn Mây"}, "phone": {"+84 912 345 678"},
		"email": {"May@Example.vn"}, "organisation": {"HTX Tăng Tiến"}, "crafts": {itoa(may.ID)}, "active": {"1"}})
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/instructors/") {
		t.Fatalf("create: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	loc := r.Header.Get("Location")
	show := c.get(loc)
	for _, want := range []string{"Nguyễn Văn Mây", "0912345678", "may@example.vn", "Mây tre đan", "Chưa có tài khoản", "Thêm danh hiệu"} {
		if !strings.Contains(show.Body, want) {
			t.Errorf("show page lacks %q", want)
		}
	}
	if r := c.get(loc + "/edit"); r.Status != 200 || !strings.Contains(r.Body, `value="0912345678"`) {
		t.Fatalf("edit form: %d", r.Status)
	}
	r = c.post(loc, url.Values{"full_name": {"Nguyễn Văn Mây"}, "phone": {"0987 654 321"}, "crafts": {itoa(may.ID), itoa(moc.ID)}})
	if r.Status != 303 || r.Header.Get("Location") != loc {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	if show := c.get(loc); !strings.Contains(show.Body, "0987654321") || !strings.Contains(show.Body, "Mộc") || !strings.Contains(show.Body, "Ngừng hoạt động") {
		t.Fatal("the update did not show")
	}
	e.store.CreateInstructor(context.Background(), models.SystemActor("test"), models.InstructorInput{Kind: "trainer", FullName: "Lê Thị Tre", Active: true})
	lists := []struct {
		path, want, not string
	}{
		{"/masters", "Nguyễn Văn Mây", "Lê Thị Tre"},
		{"/trainers", "Lê Thị Tre", "Nguyễn Văn Mây"},
		{"/instructors?q=nguyen+van", "Nguyễn Văn Mây", "Lê Thị Tre"},
		{"/instructors?q=LE+THI&sort=-name", "Lê Thị Tre", "Nguyễn Văn Mây"},
		{"/trainers?per_page=1000000&page=-3", "Lê Thị Tre", ""},
	}
	for _, l := range lists {
		r := c.get(l.path)
		if r.Status != 200 || !strings.Contains(r.Body, l.want) || (l.not != "" && strings.Contains(r.Body, l.not)) {
			t.Errorf("%s: %d, want %q without %q", l.path, r.Status, l.want, l.not)
		}
	}
	if r := c.get("/instructors?kind=master&q=may"); r.Status != 303 || r.Header.Get("Location") != "/masters?q=may" {
		t.Fatalf("kind filter: %d %q", r.Status, r.Header.Get("Location"))
	}
	if r := c.get("/instructors?sort=name;DROP+TABLE+x"); r.Status != 422 {
		t.Fatalf("hostile sort: %d", r.Status)
	}
	if instrCount(t, e, `SELECT count(*) FROM audit_log WHERE action IN ('master.create', 'master.update')`) != 2 {
		t.Fatal("the HTML writes were not audited")
	}
}

func TestInstructorFormErrors(t *testing.T) {
	e := newEnv(t)
	c := instrStaff(t, e)
	masterUser := e.user(models.RoleMaster)
	staffUser := e.user(models.RoleStaff)
	taken, _ := e.store.CreateInstructor(context.Background(), models.SystemActor("test"), models.InstructorInput{
		Kind: "master", FullName: "Đã Có Tài Khoản", UserID: &masterUser.ID})
	cases := []struct {
		name, field, value, want string
	}{
		{"empty name", "full_name", " ", "Bắt buộc nhập"},
		{"Cyrillic name", "full_name", "Nguyễn Vаn", "Có ký tự không hợp lệ"},
		{"NUL", "full_name", "Lê\x00Tre", "Có ký tự không hợp lệ"},
		{"zero-width", "full_name", "Lê\u200bTre", "Có ký tự không hợp lệ"},
		{"10,000 characters", "full_name", strings.Repeat("ạ", 10000), "Quá dài"},
		{"phone", "phone", "0912", "Số điện thoại không hợp lệ"},
		{"email", "email", "khong-phai-thu", "Địa chỉ thư điện tử không hợp lệ"},
		{"unknown craft", "crafts", "987654", "Nghề không có trong danh mục"},
		{"craft not a number", "crafts", "abc", "Nghề không có trong danh mục"},
		{"staff login", "user_id", itoa(staffUser.ID), "vai trò tương ứng"},
		{"login already linked", "user_id", itoa(masterUser.ID), "Đã tồn tại"},
		{"commune", "commune_code", "99999", "Không có xã, phường"},
	}
	for _, k := range cases {
		form := url.Values{"kind": {"master"}, "full_name": {"Trần Văn Đan"}}
		form.Set(k.field, k.value)
		r := c.post("/instructors", form)
		if r.Status != 422 || !strings.Contains(r.Body, `<p class="field-error">`) || !strings.Contains(r.Body, k.want) {
			t.Errorf("%s: %d, want 422 with %q", k.name, r.Status, k.want)
		}
	}
	// Several problems at once are all shown.
	r := c.post("/instructors", url.Values{"kind": {"trainer"}, "full_name": {""}, "phone": {"abc"}, "email": {"x"}})
	if r.Status != 422 || !strings.Contains(r.Body, "Bắt buộc nhập") || !strings.Contains(r.Body, "Số điện thoại") || !strings.Contains(r.Body, "thư điện tử không hợp lệ") {
		t.Fatalf("several errors: %d", r.Status)
	}
	if r := c.post("/instructors", url.Values{"kind": {"boss"}, "full_name": {"Trần Văn Đan"}}); r.Status != 422 {
		t.Fatalf("bad kind: %d", r.Status)
	}
	if n := instrCount(t, e, `SELECT count(*) FROM instructors`); n != 1 {
		t.Fatalf("%d instructors after refused forms, want 1", n)
	}
	// English messages for an English reader.
	c.cookies["lang"] = "en"
	if r := c.post("/instructors/"+itoa(taken.ID), url.Values{"full_name": {"Đã Có Tài Khoản"}, "phone": {"12"}}); r.Status != 422 || !strings.Contains(r.Body, "Not a valid phone number") {
		t.Fatalf("English edit error: %d", r.Status)
	}
}

func TestMasterTitlesOnTheMastersPage(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := instrStaff(t, e)
	may := instrCraft(t, e, "Mây tre đan")
	m, _ := e.store.CreateInstructor(ctx, models.SystemActor("test"), models.InstructorInput{Kind: "master", FullName: "Nguyễn Văn Mây"})
	tr, _ := e.store.CreateInstructor(ctx, models.SystemActor("test"), models.InstructorInput{Kind: "trainer", FullName: "Lê Thị Tre"})
	path := "/instructors/" + itoa(m.ID)
	c.get(path)
	good := url.Values{"title": {"nghe_nhan_uu_tu"}, "craft_id": {itoa(may.ID)}, "awarding_body": {"Chủ tịch nước"},
		"decision_no": {"1234/QĐ-CTN"}, "decision_date": {"20/11/2019"}}
	bad := []struct {
		field, value, want string
	}{
		{"decision_date", "31/02/2019", "Ngày không hợp lệ"},
		{"decision_date", "01/01/2999", "không được sau hôm nay"},
		{"title", "vua", "Danh hiệu không hợp lệ"},
		{"awarding_body", "", "Bắt buộc nhập"},
		{"craft_id", "x", "Nghề không có trong danh mục"},
	}
	for _, b := range bad {
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		f.Set(b.field, b.value)
		if r := c.post(path+"/titles", f); r.Status != 422 || !strings.Contains(r.Body, b.want) {
			t.Errorf("title with %s=%q: %d, want 422 with %q", b.field, b.value, r.Status, b.want)
		}
	}
	if r := c.post(path+"/titles", good); r.Status != 303 {
		t.Fatalf("add title: %d %s", r.Status, r.Body)
	}
	if r := c.post(path+"/titles", good); r.Status != 422 || !strings.Contains(r.Body, "đã có danh hiệu này") {
		t.Fatalf("duplicate title: %d", r.Status)
	}
	for _, f := range []url.Values{good, {"title": {"vua"}}} {
		if r := c.post("/instructors/"+itoa(tr.ID)+"/titles", f); r.Status != 404 {
			t.Fatalf("title for a trainer: %d", r.Status)
		}
	}
	show := c.get(path)
	if !strings.Contains(show.Body, "Nghệ nhân ưu tú") || !strings.Contains(show.Body, "20/11/2019") || !strings.Contains(show.Body, "1234/QĐ-CTN") {
		t.Fatal("the title is not on the master's page")
	}
	if ok, _ := e.store.MasterHoldsTitleFor(ctx, m.ID, may.ID); !ok {
		t.Fatal("MasterHoldsTitleFor false after adding")
	}
	titleID := regexpFind(t, `/titles/(\d+)/delete`, show.Body)
	if r := c.post(path+"/titles/"+titleID+"/delete", nil); r.Status != 303 {
		t.Fatalf("remove: %d", r.Status)
	}
	if ok, _ := e.store.MasterHoldsTitleFor(ctx, m.ID, may.ID); ok {
		t.Fatal("MasterHoldsTitleFor true after removing")
	}
	if instrCount(t, e, `SELECT count(*) FROM audit_log WHERE action IN ('master_title.add', 'master_title.remove') AND actor_id IS NOT NULL`) != 2 {
		t.Fatal("title changes are not audited with their actor")
	}
}

func TestInstructorAccess(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	m, _ := e.store.CreateInstructor(ctx, models.SystemActor("test"), models.InstructorInput{Kind: "master", FullName: "Nguyễn Văn Mây", Phone: "0912345678"})
	cr := instrCraft(t, e, "Mây tre đan")
	show, craft := "/instructors/"+itoa(m.ID), "/crafts/"+itoa(cr.ID)
	cases := []struct {
		role  string
		path  string
		want  int
		write bool
	}{
		{models.RoleStaff, "/instructors", 200, false}, {models.RoleAdmin, show + "/edit", 200, false},
		{models.RoleTrainer, "/instructors", 200, false}, {models.RoleTrainer, "/masters", 200, false},
		{models.RoleTrainer, show, 200, false}, {models.RoleTrainer, "/crafts", 200, false}, {models.RoleTrainer, craft, 200, false},
		{models.RoleTrainer, "/instructors/new", 404, false}, {models.RoleTrainer, show + "/edit", 404, false},
		{models.RoleTrainer, "/crafts/new", 404, false}, {models.RoleTrainer, "/instructors", 404, true},
		{models.RoleTrainer, show + "/titles", 404, true}, {models.RoleTrainer, craft, 404, true},
		{models.RoleMaster, "/instructors", 404, false}, {models.RoleMaster, show, 404, false}, {models.RoleMaster, "/crafts", 404, false},
		{models.RoleMaster, "/instructors", 404, true},
	}
	for _, k := range cases {
		c, _ := e.as(k.role)
		c.get("/app")
		var r resp
		if k.write {
			r = c.post(k.path, url.Values{"kind": {"master"}, "full_name": {"Kẻ Lạ"}, "name": {"Nghề lạ"}})
		} else {
			r = c.get(k.path)
		}
		if r.Status != k.want {
			t.Errorf("%s %s (write %v): %d, want %d", k.role, k.path, k.write, r.Status, k.want)
		}
	}
	// A trainer reads the master but not the master's phone.
	tc, _ := e.as(models.RoleTrainer)
	if r := tc.get(show); strings.Contains(r.Body, "0912345678") || strings.Contains(r.Body, "Thêm danh hiệu") {
		t.Fatal("a trainer sees the phone or the title form")
	}
	if r := e.client().get("/masters"); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous: %d %q", r.Status, r.Header.Get("Location"))
	}
	if instrCount(t, e, `SELECT count(*) FROM instructors WHERE full_name = 'Kẻ Lạ'`)+instrCount(t, e, `SELECT count(*) FROM crafts WHERE name = 'Nghề lạ'`) != 0 {
		t.Fatal("a refused role wrote something")
	}
}

func TestInstructorCSRF(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	c := instrStaff(t, e)
	m, _ := e.store.CreateInstructor(ctx, models.SystemActor("test"), models.InstructorInput{Kind: "master", FullName: "Nguyễn Văn Mây"})
	cr := instrCraft(t, e, "Mây tre đan")
	posts := map[string]url.Values{
		"/instructors":                           {"kind": {"master"}, "full_name": {"Kẻ Giả Mạo"}},
		"/instructors/" + itoa(m.ID):             {"full_name": {"Kẻ Giả Mạo"}},
		"/instructors/" + itoa(m.ID) + "/titles": {"title": {"tho_gioi"}, "craft_id": {itoa(cr.ID)}, "awarding_body": {"UBND tỉnh"}, "decision_no": {"1/QĐ"}, "decision_date": {"01/01/2020"}},
		"/crafts":                                {"name": {"Kẻ Giả Mạo"}},
		"/crafts/" + itoa(cr.ID):                 {"name": {"Kẻ Giả Mạo"}},
	}
	for path, form := range posts {
		for _, token := range []string{"", "forged"} {
			form.Set("_csrf", token)
			if r := c.post(path, form); r.Status != 403 {
				t.Errorf("POST %s with CSRF %q: %d, want 403", path, token, r.Status)
			}
		}
	}
	n := instrCount(t, e, `SELECT count(*) FROM instructors WHERE full_name = 'Kẻ Giả Mạo'`) +
		instrCount(t, e, `SELECT count(*) FROM crafts WHERE name = 'Kẻ Giả Mạo'`) + instrCount(t, e, `SELECT count(*) FROM master_titles`)
	if n != 0 {
		t.Fatalf("%d rows written without a valid CSRF token", n)
	}
}
