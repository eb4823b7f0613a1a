package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"khuyencong/models"
)

// places adds a province, a district and two communes, and an establishment; it returns its id.
func (e *env) places() int64 {
	e.t.Helper()
	db := e.store.DB()
	for _, q := range []string{
		`INSERT INTO admin_units (code, level, unit_type, name) VALUES ('24', 'province', 'tinh', 'Bắc Giang')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('220', 'district', 'huyen', 'Huyện Sơn Động', '24')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('22001', 'commune', 'xa', 'An Lập', '220')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code, valid_to) VALUES ('22002', 'commune', 'xa', 'Vĩnh Khương', '220', '2020-01-01')`,
	} {
		if _, err := db.Exec(q); err != nil {
			e.t.Fatal(err)
		}
	}
	var id int64
	if err := db.Get(&id, `INSERT INTO establishments (name, kind, commune_code) VALUES ('HTX Mây tre đan An Lập', 'cooperative', '22001') RETURNING id`); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// browserAs is a logged-in browser of a new user of the role that has loaded a page (and so holds
// the session's CSRF token).
func (e *env) browserAs(role string) *client {
	e.t.Helper()
	c, _ := e.as(role)
	c.get("/app")
	return c
}

func traineeForm(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

var traineeLocation = regexp.MustCompile(`^/trainees/([0-9]+)(\?.*)?$`)

// Staff enter a trainee through the form; the page shows every detail, the full ID and the warnings;
// the list masks the ID; the same person typed again in decomposed Unicode is refused with a link to
// the first record.
func TestTraineeFormJourney(t *testing.T) {
	e := newEnv(t)
	est := e.places()
	c := e.browserAs(models.RoleStaff)

	if r := c.get("/trainees/new"); r.Status != 200 || !strings.Contains(r.Body, `<optgroup label="Huyện Sơn Động">`) ||
		!strings.Contains(r.Body, "Sán Chay") || !strings.Contains(r.Body, "CMND cũ (9 số)") || !strings.Contains(r.Body, "(đơn vị cũ)") {
		t.Fatalf("new form: %d %.2000s", r.Status, r.Body)
	}
	r := c.post("/trainees", traineeForm(
		"family_name", "Nguyễn", "middle_name", "Thị", "given_name", "Ánh", "gender", "female",
		"birth_date", "04/03/1991", "id_kind", "cccd", "id_number", "024 192 000 123", "phone", "+84 912 345 678",
		"ethnicity", "Tày", "commune_code", "22001", "establishment_id", itoa(est)))
	m := traineeLocation.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != 303 || m == nil {
		t.Fatalf("create: %d %q %.1500s", r.Status, r.Header.Get("Location"), r.Body)
	}
	id := m[1]
	show := c.get(r.Header.Get("Location"))
	for _, want := range []string{"Nguyễn Thị Ánh", "024192000123", "0912345678", "04/03/1991", "An Lập", "Huyện Sơn Động",
		"HTX Mây tre đan An Lập", "Tày", "Đã thêm học viên", "không khớp hai số cuối của năm sinh", "Chưa ghi danh khóa học nào"} {
		if !strings.Contains(show.Body, want) {
			t.Errorf("the trainee's page lacks %q", want)
		}
	}
	list := c.get("/trainees")
	if !strings.Contains(list.Body, "024******123") || strings.Contains(list.Body, "024192000123") || strings.Contains(list.Body, "0912345678") {
		t.Fatalf("the list shows the ID unmasked or the phone: %.3000s", list.Body)
	}

	// The same person again, typed in NFD, with the same CCCD: refused, with a link to the first.
	dup := c.post("/trainees", traineeForm(
		"family_name", norm.NFD.String("Nguyễn"), "middle_name", norm.NFD.String("Thị"), "given_name", norm.NFD.String("Ánh"),
		"gender", "female", "birth_date", "1992-03-04", "id_kind", "cccd", "id_number", "024192000123"))
	if dup.Status != 409 || !strings.Contains(dup.Body, "Số CCCD này đã có trong hệ thống") ||
		!strings.Contains(dup.Body, `href="/trainees/`+id+`"`) {
		t.Fatalf("duplicate: %d %.3000s", dup.Status, dup.Body)
	}
	if !strings.Contains(dup.Body, `value="1992-03-04"`) {
		t.Fatal("the refused form lost what was typed")
	}
	// Found without diacritics.
	if r := c.get("/trainees?q=nguyen+thi+anh"); !strings.Contains(r.Body, `href="/trainees/`+id+`"`) || !strings.Contains(r.Body, "Tổng số: 1") {
		t.Fatalf("search without diacritics: %.3000s", r.Body)
	}
}

func TestTraineeFormRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	c := e.browserAs(models.RoleStaff)
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"Cyrillic", traineeForm("family_name", "Иванов", "given_name", "Ánh", "gender", "female"), "Họ tên chỉ được chứa chữ cái tiếng Việt"},
		{"zero-width", traineeForm("family_name", "Nguyễn", "given_name", "Á\u200Bnh", "gender", "female"), "Họ tên chỉ được chứa chữ cái tiếng Việt"},
		{"CJK in full name", traineeForm("full_name", "阮氏英", "gender", "female"), "Họ tên chỉ được chứa chữ cái tiếng Việt"},
		{"CCCD of 11 digits", traineeForm("given_name", "Ánh", "gender", "female", "id_kind", "cccd", "id_number", "02419200012"), "Số CCCD phải có đúng 12 chữ số"},
		{"future birth date", traineeForm("given_name", "Ánh", "gender", "female", "birth_date", "01/01/2999"), "Ngày sinh không được ở tương lai"},
		{"impossible date", traineeForm("given_name", "Ánh", "gender", "female", "birth_date", "30/02/1990"), "Ngày không hợp lệ"},
		{"phone", traineeForm("given_name", "Ánh", "gender", "female", "phone", "123-456"), "Số điện thoại không hợp lệ"},
		{"no gender", traineeForm("given_name", "Ánh"), "Bắt buộc nhập"},
		{"unknown commune", traineeForm("given_name", "Ánh", "gender", "female", "commune_code", "99999"), "Không có xã, phường, thị trấn với mã này"},
		{"unknown establishment", traineeForm("given_name", "Ánh", "gender", "female", "establishment_id", "abc"), "Không có cơ sở CNNT với mã số này"},
	}
	for _, tc := range cases {
		r := c.post("/trainees", tc.form)
		if r.Status != 422 || !strings.Contains(r.Body, tc.want) {
			t.Errorf("%s: %d, want 422 with %q; %.800s", tc.name, r.Status, tc.want, r.Body)
		}
	}
	var n int
	_ = e.store.DB().Get(&n, `SELECT count(*) FROM trainees`)
	if n != 0 {
		t.Fatalf("%d trainees stored from bad input", n)
	}
}

// One full-name field is split (first word họ, last tên, the rest đệm) and the parts stay editable.
func TestTraineeFullNameSplitAndEdit(t *testing.T) {
	e := newEnv(t)
	e.places()
	c := e.browserAs(models.RoleAdmin)
	r := c.post("/trainees", traineeForm("full_name", "  Tôn Thất  Minh Khôi ", "gender", "male", "birth_date", "12/10/2015", "id_number", "121234567"))
	m := traineeLocation.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != 303 || m == nil || !strings.Contains(r.Header.Get("Location"), "split=1") {
		t.Fatalf("create: %d %q", r.Status, r.Header.Get("Location"))
	}
	show := c.get(r.Header.Get("Location"))
	for _, want := range []string{"Tôn Thất Minh Khôi", "Họ tên đã được tách tự động", "chưa đủ 15 tuổi", "CMND cũ", "121234567"} {
		if !strings.Contains(show.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	edit := c.get("/trainees/" + m[1] + "/edit")
	for _, want := range []string{`name="family_name" maxlength="80" autocomplete="off" value="Tôn"`, `value="Thất Minh"`, `value="Khôi"`, `value="12/10/2015"`, `value="cmnd9" selected`} {
		if !strings.Contains(edit.Body, want) {
			t.Errorf("the edit form lacks %q", want)
		}
	}
	r = c.post("/trainees/"+m[1], traineeForm("family_name", "Tôn Thất", "middle_name", "Minh", "given_name", "Khôi",
		"gender", "male", "birth_date", "2015-10-12", "id_kind", "cmnd9", "id_number", "121234567", "commune_code", "22001", "ethnicity", "Kinh"))
	if r.Status != 303 || r.Header.Get("Location") != "/trainees/"+m[1]+"?saved=1" {
		t.Fatalf("update: %d %q %.1000s", r.Status, r.Header.Get("Location"), r.Body)
	}
	tr, err := e.store.GetTrainee(context.Background(), mustInt(t, m[1]))
	if err != nil || tr.FamilyName != "Tôn Thất" || tr.MiddleName != "Minh" || *tr.CommuneCode != "22001" {
		t.Fatalf("after the edit: %+v %v", tr, err)
	}
	if r := c.post("/trainees/"+m[1], traineeForm("given_name", "", "gender", "male")); r.Status != 422 {
		t.Fatalf("an edit without a given name: %d", r.Status)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, r := range s {
		n = n*10 + int64(r-'0')
	}
	return n
}

// Finding by national ID is a POST: the number never appears in a URL, and no link the pages make
// carries an ID number, a birth date or a phone number.
func TestNationalIDsStayOutOfURLs(t *testing.T) {
	e := newEnv(t)
	c := e.browserAs(models.RoleStaff)
	tr, _, err := e.store.CreateTrainee(context.Background(), models.SystemActor("test"), models.TraineeInput{
		FullName: "Hà Thị Uyên", Gender: "female", BirthDate: "1990-07-05", IDNumber: "024190000555", Phone: "0987654321"})
	if err != nil {
		t.Fatal(err)
	}
	r := c.post("/trainees/find", url.Values{"id_number": {"024 190 000 555"}})
	if r.Status != 303 || r.Header.Get("Location") != "/trainees/"+itoa(tr.ID) {
		t.Fatalf("find: %d %q", r.Status, r.Header.Get("Location"))
	}
	if r := c.post("/trainees/find", url.Values{"id_number": {"024190000999"}}); r.Status != 404 || !strings.Contains(r.Body, "Không có học viên nào có số giấy tờ này") {
		t.Fatalf("find an unknown number: %d", r.Status)
	}
	if r := c.get("/trainees?q=024190000555"); strings.Contains(r.Body, "Hà Thị Uyên") {
		t.Fatal("the name search matched a national ID")
	}
	attr := regexp.MustCompile(`(?:href|action|src)="([^"]*)"`)
	for _, page := range []string{"/trainees", "/trainees/" + itoa(tr.ID), "/trainees/" + itoa(tr.ID) + "/edit", "/trainees?sort=-birth_date&q=uyen"} {
		body := c.get(page).Body
		for _, m := range attr.FindAllStringSubmatch(body, -1) {
			u := m[1]
			if strings.HasPrefix(u, "tel:") {
				continue // the phone link dials; it is no URL of ours
			}
			for _, secret := range []string{"024190000555", "190000555", "1990-07-05", "05/07/1990", "0987654321"} {
				if strings.Contains(u, secret) {
					t.Errorf("%s links to %q", page, u)
				}
			}
		}
		if strings.Contains(body, `method="get"`) && strings.Contains(body, `name="id_number"`) && regexp.MustCompile(`(?s)method="get"[^>]*>[^/]*name="id_number"`).MatchString(body) {
			t.Errorf("%s searches national IDs with GET", page)
		}
	}
}

// Trainees are for staff and admins only: trainers and masters get 404, anonymous visitors the login.
func TestTraineeAccess(t *testing.T) {
	e := newEnv(t)
	tr, _, err := e.store.CreateTrainee(context.Background(), models.SystemActor("test"), models.TraineeInput{FullName: "Lý Bình", Gender: "male"})
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/trainees", "/trainees/new", "/trainees/" + itoa(tr.ID), "/trainees/" + itoa(tr.ID) + "/edit", "/api/v1/trainees", "/api/v1/trainees/" + itoa(tr.ID)}
	for role, want := range map[string]int{models.RoleAdmin: 200, models.RoleStaff: 200, models.RoleTrainer: 404, models.RoleMaster: 404} {
		c := e.browserAs(role)
		for _, p := range paths {
			if r := c.get(p); r.Status != want {
				t.Errorf("%s GET %s: %d, want %d", role, p, r.Status, want)
			}
		}
		if r := c.post("/trainees/"+itoa(tr.ID), traineeForm("given_name", "Bình", "gender", "female")); want == 404 && r.Status != 404 {
			t.Errorf("%s may edit a trainee: %d", role, r.Status)
		}
	}
	if r := e.client().get("/trainees"); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous: %d %q", r.Status, r.Header.Get("Location"))
	}
	// A form post without the CSRF token is refused.
	c := e.browserAs(models.RoleStaff)
	if r := c.post("/trainees", traineeForm("_csrf", "forged", "given_name", "Bình", "gender", "male")); r.Status != 403 {
		t.Fatalf("forged CSRF: %d", r.Status)
	}
}

func TestTraineeAPI(t *testing.T) {
	e := newEnv(t)
	e.places()
	c := e.apiAs(models.RoleStaff)
	r := c.api(http.MethodPost, "/api/v1/trainees", map[string]any{
		"family_name": "Hoàng", "middle_name": "Văn", "given_name": "Nam", "gender": "male",
		"birth_date": "1985-01-02", "id_number": "024191000456", "phone": "84912345678", "ethnicity": "Nùng",
		"commune_code": "22001",
	})
	if r.Status != 201 || !strings.HasPrefix(r.Header.Get("Location"), "/api/v1/trainees/") {
		t.Fatalf("create: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	var created struct {
		ID        int64                                   `json:"id"`
		FullName  string                                  `json:"full_name"`
		BirthDate string                                  `json:"birth_date"`
		IDKind    string                                  `json:"id_kind"`
		IDNumber  string                                  `json:"id_number"`
		Phone     string                                  `json:"phone"`
		Commune   string                                  `json:"commune_code"`
		Est       *int64                                  `json:"establishment_id"`
		Warnings  []struct{ Field, Code, Message string } `json:"warnings"`
	}
	r.json(t, &created)
	if created.FullName != "Hoàng Văn Nam" || created.BirthDate != "1985-01-02" || created.IDKind != "cccd" ||
		created.IDNumber != "024191000456" || created.Phone != "0912345678" || created.Commune != "22001" || created.Est != nil {
		t.Fatalf("created %+v", created)
	}
	// Digit 4 is 1 (a woman born in the 1900s) and digits 5–6 say 91: two warnings, not errors.
	var codes []string
	for _, w := range created.Warnings {
		codes = append(codes, w.Code)
		if w.Message == "" || w.Field != "id_number" {
			t.Errorf("warning %+v", w)
		}
	}
	if strings.Join(codes, ",") != "cccd_sex,cccd_year" {
		t.Fatalf("warnings %v", codes)
	}
	loc := r.Header.Get("Location")
	if r := c.api(http.MethodGet, loc, nil); r.Status != 200 || !strings.Contains(r.Body, `"id_number":"024191000456"`) || !strings.Contains(r.Body, `"birth_date":"1985-01-02"`) {
		t.Fatalf("show: %d %s", r.Status, r.Body)
	}
	// Lists mask the national ID.
	if r := c.api(http.MethodGet, "/api/v1/trainees?q=hoang+nam&sort=-created&per_page=5", nil); r.Status != 200 ||
		!strings.Contains(r.Body, `"id_number":"024******456"`) || strings.Contains(r.Body, "024191000456") || !strings.Contains(r.Body, `"total":1`) {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	if r := c.api(http.MethodGet, "/api/v1/trainees?sort=id_number", nil); r.Status != 422 {
		t.Fatalf("sort by id_number: %d", r.Status)
	}
	// PATCH changes what is sent; null clears; the answer carries warnings.
	r = c.api(http.MethodPatch, loc, map[string]any{"id_number": "024085000456", "phone": nil, "establishment_id": nil, "middle_name": "Đức"})
	if r.Status != 200 || !strings.Contains(r.Body, `"full_name":"Hoàng Đức Nam"`) || !strings.Contains(r.Body, `"phone":null`) ||
		!strings.Contains(r.Body, `"warnings":[]`) || !strings.Contains(r.Body, `"ethnicity":"Nùng"`) {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	// A trainee read from the API can be sent back as it is.
	got := c.api(http.MethodGet, loc, nil)
	var back map[string]any
	got.json(t, &back)
	if r := c.api(http.MethodPatch, loc, back); r.Status != 200 {
		t.Fatalf("patch with the trainee as read: %d %s", r.Status, r.Body)
	}
	// Find by national ID through the body.
	if r := c.api(http.MethodPost, "/api/v1/trainees/find", map[string]string{"id_number": "024 085 000 456"}); r.Status != 200 || !strings.Contains(r.Body, `"id":`+itoa(created.ID)) {
		t.Fatalf("find: %d %s", r.Status, r.Body)
	}
	if r := c.api(http.MethodPost, "/api/v1/trainees/find", map[string]string{"id_number": "000000000000"}); r.Status != 404 {
		t.Fatalf("find unknown: %d", r.Status)
	}

	// The same number again: 409 with the field and a link to the trainee who has it.
	r = c.api(http.MethodPost, "/api/v1/trainees", map[string]any{"full_name": "Hoàng Đức Nam", "gender": "male", "id_number": "024085000456"})
	if r.Status != 409 || !strings.Contains(r.Body, "Số CCCD này đã có trong hệ thống") ||
		r.Header.Get("Link") != `</api/v1/trainees/`+itoa(created.ID)+`>; rel="duplicate"` ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("duplicate: %d %q %s", r.Status, r.Header.Get("Link"), r.Body)
	}
	bad := []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"given_name": "Ánh", "gender": "female", "birth_date": "05/07/1990"}, "birth_date"},
		{map[string]any{"given_name": "Ánh", "gender": "female", "role": "admin"}, "role"},
		{map[string]any{"given_name": "Ánh", "gender": "female", "establishment_id": "x"}, "establishment_id"},
		{map[string]any{"given_name": 5, "gender": "female"}, "given_name"},
		{map[string]any{"given_name": "Ánh", "gender": "female", "id_kind": "cccd", "id_number": "12345"}, "id_number"},
		{map[string]any{"family_name": "Nguyễn\u200B", "given_name": "Ánh", "gender": "female"}, "family_name"},
		{map[string]any{"given_name": "Ánh", "gender": "female", "phone": "+1 555 0100"}, "phone"},
	}
	for _, b := range bad {
		r := c.api(http.MethodPost, "/api/v1/trainees", b.body)
		if r.Status != 422 || !strings.Contains(r.Body, `"`+b.field+`":`) {
			t.Errorf("%v: %d %s, want 422 on %s", b.body, r.Status, r.Body, b.field)
		}
	}
	if r := c.api(http.MethodPatch, "/api/v1/trainees/999999", map[string]any{"given_name": "Ánh"}); r.Status != 404 {
		t.Fatalf("patch a missing trainee: %d", r.Status)
	}
	if r := c.do(http.MethodPost, "/api/v1/trainees", strings.NewReader("[1,2]"), map[string]string{"Content-Type": "application/json", "Accept": "application/json"}); r.Status != 400 {
		t.Fatalf("a JSON array: %d", r.Status)
	}
}
