package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khuyencong/models"
)

// estSetup gives the env a piece of Bắc Giang (admin units have no store method, so SQL) and a craft.
func estSetup(t *testing.T, e *env) (craftID int64) {
	t.Helper()
	db := e.store.DB()
	for _, q := range []string{
		`INSERT INTO admin_units (code, level, unit_type, name) VALUES ('24', 'province', 'tinh', 'Bắc Giang')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
			('213', 'district', 'thanh_pho', 'Thành phố Bắc Giang', '24'),
			('218', 'district', 'huyen', 'Huyện Lục Nam', '24'),
			('219', 'district', 'huyen', 'Huyện Lục Ngạn', '24')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
			('21901', 'commune', 'xa', 'Nam Dương', '219'),
			('21902', 'commune', 'thi_tran', 'Chũ', '219'),
			('21801', 'commune', 'xa', 'Trường Sơn', '218'),
			('21301', 'commune', 'phuong', 'Dĩnh Kế', '213')`,
		`INSERT INTO area_classifications (unit_code, class, valid) VALUES ('219', 'difficult', '[2012-01-01,2021-01-01)')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Get(&craftID, `INSERT INTO crafts (name) VALUES ('Mỳ gạo') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return craftID
}

func (e *env) mustEstablishment(in models.EstablishmentInput) models.Establishment {
	e.t.Helper()
	est, err := e.store.CreateEstablishment(context.Background(), models.SystemActor("test"), in)
	if err != nil {
		e.t.Fatalf("create establishment: %v", err)
	}
	return est
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.store.DB().Get(&n, q, args...); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// apiAs returns a client of a new user of the role that calls the API with a bearer token, as
// scripts do (a cookie session would need the CSRF header on every write).
func (e *env) apiAs(role string) *client {
	e.t.Helper()
	u := e.user(role)
	c := e.client()
	r := c.api(http.MethodPost, "/api/v1/auth/token", map[string]string{"email": u.Email, "password": testPassword})
	if r.Status != 201 {
		e.t.Fatalf("token: %d %s", r.Status, r.Body)
	}
	var tok struct {
		Token string `json:"token"`
	}
	r.json(e.t, &tok)
	c.bearer = tok.Token
	return c
}

func TestEstablishmentPages(t *testing.T) {
	e := newEnv(t)
	craft := estSetup(t, e)
	c, _ := e.as(models.RoleStaff)

	r := c.get("/establishments/new")
	if r.Status != 200 || !strings.Contains(r.Body, `<optgroup label="Huyện Lục Ngạn">`) || !strings.Contains(r.Body, "Mỳ gạo") {
		t.Fatalf("new form: %d %.300s", r.Status, r.Body)
	}
	r = c.post("/establishments", url.Values{
		"name": {"HTX Mỳ Chũ Thủ Dương"}, "kind": {"cooperative"}, "registration_no": {"2400123456"},
		"commune_code": {"21901"}, "main_craft_id": {itoa(craft)}, "products": {"Mỳ gạo Chũ"},
		"representative": {"Nguyễn Văn Thủ"}, "phone": {"+84 912.345.678"},
	})
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/establishments/") {
		t.Fatalf("create: %d %q %.500s", r.Status, r.Header.Get("Location"), r.Body)
	}
	loc := r.Header.Get("Location")
	r = c.get(loc)
	for _, want := range []string{"HTX Mỳ Chũ Thủ Dương", "Nam Dương", "Huyện Lục Ngạn", "0912345678", "2400123456", "Hợp tác xã", `name="_csrf"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("show page lacks %q", want)
		}
	}
	if r := c.get(loc + "/edit"); r.Status != 200 || !strings.Contains(r.Body, `value="21901" selected`) {
		t.Fatalf("edit form: %d", r.Status)
	}
	r = c.post(loc, url.Values{"name": {"HTX Mỳ Chũ"}, "kind": {"cooperative"}, "commune_code": {"21902"}, "phone": {""}})
	if r.Status != 303 || r.Header.Get("Location") != loc {
		t.Fatalf("update: %d %.500s", r.Status, r.Body)
	}
	if r := c.get(loc); !strings.Contains(r.Body, "Chũ") || strings.Contains(r.Body, "0912345678") {
		t.Fatal("the update did not show")
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action IN ('establishment.create', 'establishment.update')`); n != 2 {
		t.Fatalf("%d audit rows, want 2", n)
	}
	if r := c.get("/establishments/999999"); r.Status != 404 {
		t.Fatalf("missing establishment: %d", r.Status)
	}
}

func TestEstablishmentFormErrors(t *testing.T) {
	e := newEnv(t)
	estSetup(t, e)
	e.mustEstablishment(models.EstablishmentInput{Name: "Công ty May Hiệp Hòa", Kind: "enterprise", RegistrationNo: "2400999999", CommuneCode: "21301"})
	c, _ := e.as(models.RoleStaff)
	c.get("/establishments/new")
	good := url.Values{"name": {"Hộ Bánh đa Kế"}, "kind": {"household_business"}, "commune_code": {"21301"}}
	for _, tc := range []struct {
		name, field, value, want string
	}{
		{"duplicate registration number", "registration_no", "2400999999", "Mã số này đã có"},
		{"empty name", "name", "   ", "Bắt buộc nhập."},
		{"name of 10,000 characters", "name", strings.Repeat("ạ", 10000), "Quá dài."},
		{"NUL byte", "name", "Hộ\x00Kế", "Có ký tự không hợp lệ"},
		{"invalid UTF-8", "products", "b\xff\xfe", "Có ký tự không hợp lệ"},
		{"bad phone", "phone", "12345", "Số điện thoại gồm 10 chữ số"},
		{"no commune", "commune_code", "", "Bắt buộc nhập."},
		{"a district as commune", "commune_code", "219", "Hãy chọn một xã, phường, thị trấn"},
		{"unknown kind", "kind", "company", "Hãy chọn loại hình"},
		{"craft not a number", "main_craft_id", "1 OR 1=1", "Hãy chọn ngành nghề"},
		{"unknown craft", "main_craft_id", "424242", "Hãy chọn ngành nghề"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			form.Set(tc.field, tc.value)
			r := c.post("/establishments", form)
			if r.Status != 422 || !strings.Contains(r.Body, `<p class="field-error">`+tc.want) {
				t.Fatalf("%d, want 422 with %q beside %s: %.2000s", r.Status, tc.want, tc.field, r.Body)
			}
		})
	}
	if n := e.count(`SELECT count(*) FROM establishments`); n != 1 {
		t.Fatalf("%d establishments: refused forms wrote something", n)
	}
	// The same message in English.
	c.cookies["lang"] = "en"
	form := url.Values{"name": {"X"}, "kind": {"enterprise"}, "commune_code": {"21301"}, "registration_no": {"2400999999"}}
	if r := c.post("/establishments", form); r.Status != 422 || !strings.Contains(r.Body, "This number is already registered.") {
		t.Fatalf("English: %d", r.Status)
	}
	// An update that takes another's number is refused too, and the record keeps its values.
	other := e.mustEstablishment(models.EstablishmentInput{Name: "Hộ Mộc", Kind: "household_business", CommuneCode: "21301"})
	form.Set("name", "Hộ Mộc đổi tên")
	if r := c.post("/establishments/"+itoa(other.ID), form); r.Status != 422 || !strings.Contains(r.Body, "This number is already registered.") {
		t.Fatalf("update to a taken number: %d", r.Status)
	}
	if n := e.count(`SELECT count(*) FROM establishments WHERE name = 'Hộ Mộc'`); n != 1 {
		t.Fatal("a refused update changed the record")
	}
}

func TestEstablishmentListSearchFilterSort(t *testing.T) {
	e := newEnv(t)
	estSetup(t, e)
	for _, in := range []models.EstablishmentInput{
		{Name: "HTX Mỳ Chũ Thủ Dương", Kind: "cooperative", CommuneCode: "21901"},
		{Name: "Hộ Vải thiều sấy Chũ", Kind: "household_business", CommuneCode: "21902"},
		{Name: "HTX Trà hoa vàng Trường Sơn", Kind: "cooperative", CommuneCode: "21801"},
		{Name: "Bánh đa Kế", Kind: "household_business", CommuneCode: "21301", RegistrationNo: "24A8000777"},
	} {
		e.mustEstablishment(in)
	}
	c, _ := e.as(models.RoleStaff)
	for _, tc := range []struct {
		path      string
		want, not []string
	}{
		{"/establishments?q=luc+ngan", []string{"HTX Mỳ Chũ Thủ Dương", "Hộ Vải thiều sấy Chũ"}, []string{"Bánh đa Kế", "Trà hoa vàng"}},
		{"/establishments?q=my+chu", []string{"HTX Mỳ Chũ Thủ Dương"}, []string{"Vải thiều", "Bánh đa Kế"}},
		{"/establishments?q=24a8000777", []string{"Bánh đa Kế"}, []string{"Mỳ Chũ"}},
		{"/establishments?q=dinh+ke", []string{"Bánh đa Kế"}, []string{"Mỳ Chũ"}},
		{"/establishments?district=218", []string{"Trà hoa vàng"}, []string{"Mỳ Chũ", "Bánh đa Kế"}},
		{"/establishments?kind=household_business&district=219", []string{"Vải thiều"}, []string{"Mỳ Chũ", "Bánh đa Kế"}},
	} {
		r := c.get(tc.path)
		if r.Status != 200 {
			t.Fatalf("%s: %d", tc.path, r.Status)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.Body, w) {
				t.Errorf("%s lacks %q", tc.path, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(r.Body, n) {
				t.Errorf("%s shows %q", tc.path, n)
			}
		}
	}
	// Sort links keep the search and the filters, and turn the current order round.
	r := c.get("/establishments?q=htx&district=219&sort=name")
	if !strings.Contains(r.Body, `href="/establishments?district=219&amp;q=htx&amp;sort=-name"`) {
		t.Fatalf("the sort link lost the filters: %.3000s", r.Body)
	}
	// Pages keep the filters too.
	r = c.get("/establishments?kind=household_business&per_page=1")
	if !strings.Contains(r.Body, `href="/establishments?kind=household_business&amp;page=2&amp;per_page=1"`) {
		t.Fatalf("the pager lost the filters")
	}
	if r := c.get("/establishments?sort=name;DROP+TABLE+x"); r.Status != 422 {
		t.Fatalf("hostile sort on the page: %d", r.Status)
	}

	api := e.apiAs(models.RoleStaff)
	var list struct {
		Items []models.Establishment `json:"items"`
		Total int                    `json:"total"`
		Per   int                    `json:"per_page"`
	}
	r = api.api(http.MethodGet, "/api/v1/establishments?sort=-name&per_page=1000000", nil)
	r.json(t, &list)
	if r.Status != 200 || list.Per != 100 || list.Total != 4 || list.Items[0].Name != "HTX Trà hoa vàng Trường Sơn" || list.Items[3].Name != "Bánh đa Kế" {
		t.Fatalf("API list: %d %+v", r.Status, list)
	}
	r = api.api(http.MethodGet, "/api/v1/establishments?q=luc%20ngan&district=219&sort=district", nil)
	r.json(t, &list)
	if list.Total != 2 {
		t.Fatalf("API search: %+v", list)
	}
	for _, bad := range []struct{ query, field string }{
		{"sort=name;DROP%20TABLE%20x", "sort"},
		{"sort=id", "sort"},
		{"district=1%20OR%201=1", "district"},
		{"kind=company", "kind"},
		{"commune=abc", "commune"},
		{"q=%00", "q"},
		{"q=%ff%fe", "q"},
	} {
		r := api.api(http.MethodGet, "/api/v1/establishments?"+bad.query, nil)
		var p struct {
			Errors map[string]string `json:"errors"`
		}
		r.json(t, &p)
		if r.Status != 422 || p.Errors[bad.field] == "" {
			t.Errorf("?%s: %d %s, want 422 naming %s", bad.query, r.Status, r.Body, bad.field)
		}
	}
}
