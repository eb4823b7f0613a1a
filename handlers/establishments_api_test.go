package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khuyencong/models"
)

type problem struct {
	Status int               `json:"status"`
	Errors map[string]string `json:"errors"`
}

func TestEstablishmentAPI(t *testing.T) {
	e := newEnv(t)
	craft := estSetup(t, e)
	api := e.apiAs(models.RoleStaff)

	r := api.api(http.MethodPost, "/api/v1/establishments", map[string]any{
		"name": "Hộ kinh doanh Mỳ Chũ Thủ Dương", "kind": "household_business", "registration_no": "20a8001234",
		"commune_code": "21901", "main_craft_id": craft, "phone": "84 912 345 678",
	})
	var est models.Establishment
	r.json(t, &est)
	if r.Status != 201 || r.Header.Get("Location") != "/api/v1/establishments/"+itoa(est.ID) {
		t.Fatalf("create: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	if *est.RegistrationNo != "20A8001234" || *est.Phone != "0912345678" || est.DistrictName != "Huyện Lục Ngạn" || *est.MainCraftID != craft {
		t.Fatalf("created %+v", est)
	}
	// PATCH changes what it names; null clears the craft, absent fields stay.
	r = api.api(http.MethodPatch, "/api/v1/establishments/"+itoa(est.ID), map[string]any{"products": "Mỳ gạo", "main_craft_id": nil})
	r.json(t, &est)
	if r.Status != 200 || est.Products != "Mỳ gạo" || est.MainCraftID != nil || est.Name != "Hộ kinh doanh Mỳ Chũ Thủ Dương" {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if r := api.api(http.MethodGet, "/api/v1/establishments/"+itoa(est.ID), nil); r.Status != 200 || !strings.Contains(r.Body, `"support_summary"`) {
		t.Fatalf("show: %d %s", r.Status, r.Body)
	}
	if r := api.api(http.MethodPatch, "/api/v1/establishments/999999", map[string]any{"name": "X"}); r.Status != 404 {
		t.Fatalf("patch of a missing one: %d", r.Status)
	}

	e.mustEstablishment(models.EstablishmentInput{Name: "Khác", Kind: "enterprise", CommuneCode: "21301", RegistrationNo: "2400000001"})
	for _, tc := range []struct {
		name   string
		method string
		body   any
		field  string
	}{
		{"duplicate number", http.MethodPost, map[string]any{"name": "A", "kind": "enterprise", "commune_code": "21301", "registration_no": "2400000001"}, "registration_no"},
		{"duplicate number on PATCH", http.MethodPatch, map[string]any{"registration_no": "2400000001"}, "registration_no"},
		{"no name", http.MethodPost, map[string]any{"kind": "enterprise", "commune_code": "21301"}, "name"},
		{"no commune", http.MethodPost, map[string]any{"name": "A", "kind": "enterprise"}, "commune_code"},
		{"bad kind", http.MethodPost, map[string]any{"name": "A", "kind": "x", "commune_code": "21301"}, "kind"},
		{"NUL", http.MethodPost, map[string]any{"name": "A\u0000B", "kind": "enterprise", "commune_code": "21301"}, "name"},
		{"10,000 characters", http.MethodPost, map[string]any{"name": strings.Repeat("ư", 10000), "kind": "enterprise", "commune_code": "21301"}, "name"},
		{"bidi override", http.MethodPatch, map[string]any{"representative": "Nguyễn\u202eVăn"}, "representative"},
		{"bad phone", http.MethodPatch, map[string]any{"phone": "+1 555 0100"}, "phone"},
		{"unknown craft", http.MethodPatch, map[string]any{"main_craft_id": 999}, "main_craft_id"},
		{"zero craft", http.MethodPatch, map[string]any{"main_craft_id": 0}, "main_craft_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := "/api/v1/establishments"
			if tc.method == http.MethodPatch {
				path += "/" + itoa(est.ID)
			}
			r := api.api(tc.method, path, tc.body)
			var p problem
			r.json(t, &p)
			if r.Status != 422 || p.Errors[tc.field] == "" || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
				t.Fatalf("%d %s, want 422 naming %s", r.Status, r.Body, tc.field)
			}
		})
	}
	// Bodies that are not JSON of the right shape: 400 or 422, never 500.
	for _, raw := range []string{
		`{"name": "A`, `[]`, `{"name": 5, "kind": "enterprise", "commune_code": "21301"}`,
		"{\"name\": \"A\xff\xfeB\", \"kind\": \"enterprise\", \"commune_code\": \"21301\"}",
		`{"name": "A", "kind": "enterprise", "commune_code": "21301", "main_craft_id": "1; DROP TABLE crafts"}`,
		`{"name": "A", "kind": "enterprise", "commune_code": "21301", "main_craft_id": 1e400}`,
	} {
		r := api.do(http.MethodPost, "/api/v1/establishments", strings.NewReader(raw), map[string]string{"Content-Type": "application/json", "Accept": "application/json"})
		if r.Status != 400 && r.Status != 422 {
			t.Errorf("%q: %d %s", raw, r.Status, r.Body)
		}
	}
	if n := e.count(`SELECT count(*) FROM establishments`); n != 2 {
		t.Fatalf("%d establishments after refused input, want 2", n)
	}
}

func TestSupportHistoryAcrossAMove(t *testing.T) {
	e := newEnv(t)
	estSetup(t, e)
	est := e.mustEstablishment(models.EstablishmentInput{Name: "HTX Mỳ Chũ", Kind: "cooperative", CommuneCode: "21901"})
	path := "/establishments/" + itoa(est.ID)
	c, _ := e.as(models.RoleStaff)
	c.get(path)

	// Form errors stay beside their fields and nothing is written.
	for _, tc := range []struct{ field, value, want string }{
		{"amount", "-5", "Kinh phí là số tiền nguyên đồng"},
		{"amount", "1,5", "Kinh phí là số tiền nguyên đồng"},
		{"amount", "99999999999999999999", "Kinh phí là số tiền nguyên đồng"},
		{"support_date", "31/02/2019", "Ngày không hợp lệ"},
		{"support_date", "01/01/2999", "Ngày hỗ trợ không được sau hôm nay"},
		{"activity_code", "KC99", "Hãy chọn nội dung hỗ trợ"},
		{"funding_source", "private", "Hãy chọn nguồn kinh phí"},
	} {
		form := url.Values{"support_date": {"2019-05-10"}, "activity_code": {"KC3"}, "amount": {"1"}, "funding_source": {"local"}}
		form.Set(tc.field, tc.value)
		if r := c.post(path+"/supports", form); r.Status != 422 || !strings.Contains(r.Body, `<p class="field-error">`+tc.want) {
			t.Errorf("%s=%q: %d, want 422 with %q", tc.field, tc.value, r.Status, tc.want)
		}
	}
	if n := e.count(`SELECT count(*) FROM support_records`); n != 0 {
		t.Fatalf("%d records written by refused forms", n)
	}

	r := c.post(path+"/supports", url.Values{"support_date": {"10/05/2019"}, "activity_code": {"KC3"},
		"amount": {"150.000.000"}, "funding_source": {"local"}, "description": {"Máy sấy mỳ"}})
	if r.Status != 303 {
		t.Fatalf("add support: %d %.1000s", r.Status, r.Body)
	}
	// The establishment moves to Lục Nam; a later support is recorded there.
	api := e.apiAs(models.RoleStaff)
	if r := api.api(http.MethodPatch, "/api/v1/establishments/"+itoa(est.ID), map[string]any{"commune_code": "21801"}); r.Status != 200 {
		t.Fatalf("move: %d %s", r.Status, r.Body)
	}
	r = api.api(http.MethodPost, "/api/v1/establishments/"+itoa(est.ID)+"/supports", map[string]any{
		"support_date": "2023-03-01", "activity_code": "KC1", "amount": 1234567, "funding_source": "national"})
	var rec models.SupportRecord
	r.json(t, &rec)
	if r.Status != 201 || rec.CommuneCode != "21801" || rec.AreaClass != nil {
		t.Fatalf("API support: %d %s", r.Status, r.Body)
	}
	for _, bad := range []map[string]any{
		{"support_date": "2023-03-01", "activity_code": "KC1"},
		{"support_date": "2023-13-01", "activity_code": "KC1", "amount": 1},
		{"support_date": "2023-03-01", "activity_code": "KC1", "amount": -1},
		{"support_date": "2023-03-01", "activity_code": "KC1", "amount": 1, "course_id": 12345},
	} {
		if r := api.api(http.MethodPost, "/api/v1/establishments/"+itoa(est.ID)+"/supports", bad); r.Status != 422 {
			t.Errorf("%v: %d %s", bad, r.Status, r.Body)
		}
	}
	if r := api.api(http.MethodPost, "/api/v1/establishments/999999/supports", map[string]any{"support_date": "2023-03-01", "activity_code": "KC1", "amount": 1}); r.Status != 404 {
		t.Fatalf("support to a missing establishment: %d", r.Status)
	}

	var d models.EstablishmentDetail
	r = api.api(http.MethodGet, "/api/v1/establishments/"+itoa(est.ID), nil)
	r.json(t, &d)
	if len(d.Supports) != 2 || d.Supports[0].CommuneCode != "21901" || d.Supports[0].AreaClass == nil || d.Supports[1].CommuneCode != "21801" {
		t.Fatalf("history after the move: %s", r.Body)
	}
	if d.Summary.Count != 2 || d.Summary.Total != 151_234_567 || d.Summary.DifficultTotal != 150_000_000 || d.CommuneCode != "21801" {
		t.Fatalf("summary %+v", d.Summary)
	}
	page := c.get(path).Body
	for _, want := range []string{"10/05/2019", "01/03/2023", "150.000.000 đ", "1.234.567 đ", "151.234.567 đ", "Khó khăn", "Nam Dương, Huyện Lục Ngạn", "Trường Sơn, Huyện Lục Nam", "Máy sấy mỳ", "Khuyến công quốc gia"} {
		if !strings.Contains(page, want) {
			t.Errorf("show page lacks %q", want)
		}
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'support_record.create'`); n != 2 {
		t.Fatalf("%d support audit rows", n)
	}
}

func TestTraineesCountOnTheShowPage(t *testing.T) {
	e := newEnv(t)
	estSetup(t, e)
	est := e.mustEstablishment(models.EstablishmentInput{Name: "Xưởng may", Kind: "enterprise", CommuneCode: "21301"})
	for range 3 {
		if _, err := e.store.DB().Exec(`INSERT INTO trainees (family_name, given_name, gender, establishment_id) VALUES ('Lê', 'Hoa', 'female', $1)`, est.ID); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := e.as(models.RoleStaff)
	if r := c.get("/establishments/" + itoa(est.ID)); !strings.Contains(r.Body, `<dd id="trainees-count">3</dd>`) {
		t.Fatalf("trainees count missing: %.3000s", r.Body)
	}
}

func TestEstablishmentAccessAndCSRF(t *testing.T) {
	e := newEnv(t)
	estSetup(t, e)
	est := e.mustEstablishment(models.EstablishmentInput{Name: "HTX A", Kind: "cooperative", CommuneCode: "21301"})
	id := itoa(est.ID)
	for _, role := range []string{models.RoleTrainer, models.RoleMaster} {
		c, _ := e.as(role)
		for _, p := range []string{"/establishments", "/establishments/new", "/establishments/" + id, "/establishments/" + id + "/edit", "/venues/new"} {
			if r := c.get(p); r.Status != 404 {
				t.Errorf("%s GET %s: %d, want 404", role, p, r.Status)
			}
		}
		if r := c.post("/establishments/"+id, url.Values{"name": {"Đổi"}, "kind": {"cooperative"}, "commune_code": {"21301"}}); r.Status != 404 {
			t.Errorf("%s POST: %d", role, r.Status)
		}
		if r := c.get("/venues"); r.Status != 200 {
			t.Errorf("%s may read venues: %d", role, r.Status)
		}
		api := e.apiAs(role)
		for _, p := range []string{"/api/v1/establishments", "/api/v1/establishments/" + id} {
			if r := api.api(http.MethodGet, p, nil); r.Status != 404 {
				t.Errorf("%s API %s: %d", role, p, r.Status)
			}
		}
		for _, p := range []string{"/api/v1/venues", "/api/v1/places/districts", "/api/v1/places/communes?district=219"} {
			if r := api.api(http.MethodGet, p, nil); r.Status != 200 {
				t.Errorf("%s API %s: %d", role, p, r.Status)
			}
		}
		if r := api.api(http.MethodPost, "/api/v1/venues", map[string]any{"name": "X", "seats": 5}); r.Status != 404 {
			t.Errorf("%s creates a venue: %d", role, r.Status)
		}
	}
	anon := e.client()
	if r := anon.get("/establishments"); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous page: %d %q", r.Status, r.Header.Get("Location"))
	}
	if r := anon.api(http.MethodGet, "/api/v1/establishments", nil); r.Status != 401 {
		t.Fatalf("anonymous API: %d", r.Status)
	}

	staff, _ := e.as(models.RoleStaff)
	staff.get("/establishments/new")
	for _, p := range []struct {
		path string
		form url.Values
	}{
		{"/establishments", url.Values{"name": {"HTX B"}, "kind": {"cooperative"}, "commune_code": {"21301"}}},
		{"/establishments/" + id, url.Values{"name": {"HTX Đổi tên"}, "kind": {"cooperative"}, "commune_code": {"21301"}}},
		{"/establishments/" + id + "/supports", url.Values{"support_date": {"2020-01-01"}, "activity_code": {"KC1"}, "amount": {"5"}, "funding_source": {"local"}}},
		{"/venues", url.Values{"name": {"Nhà văn hóa"}, "seats": {"30"}}},
	} {
		p.form.Set("_csrf", "")
		if r := staff.post(p.path, p.form); r.Status != 403 {
			t.Errorf("POST %s without CSRF: %d", p.path, r.Status)
		}
		p.form.Set("_csrf", "forged")
		if r := staff.post(p.path, p.form); r.Status != 403 {
			t.Errorf("POST %s with a forged CSRF: %d", p.path, r.Status)
		}
	}
	// A cookie session calling the API must send the token too.
	if r := staff.api(http.MethodPost, "/api/v1/establishments", map[string]any{"name": "C", "kind": "enterprise", "commune_code": "21301"}); r.Status != 403 {
		t.Errorf("API write with a cookie and no CSRF header: %d", r.Status)
	}
	if n := e.count(`SELECT count(*) FROM establishments`) + e.count(`SELECT count(*) FROM support_records`) + e.count(`SELECT count(*) FROM venues`); n != 1 {
		t.Fatalf("writes without CSRF left %d rows, want only the first establishment", n)
	}
	if n := e.count(`SELECT count(*) FROM establishments WHERE name = 'HTX A'`); n != 1 {
		t.Fatal("the establishment was renamed without CSRF")
	}
}

// Hostile values in every field of every write of the area answer 400, 403 or 422, never 500.
func TestEstablishmentHostileInputNever500(t *testing.T) {
	e := newEnv(t)
	estSetup(t, e)
	est := e.mustEstablishment(models.EstablishmentInput{Name: "HTX A", Kind: "cooperative", CommuneCode: "21301"})
	id := itoa(est.ID)
	hostile := []string{strings.Repeat("Ữ", 10000), "a\x00b", "\xff\xfe\xfd", "'; DROP TABLE establishments; --", "\u202e\u200b", "-1", "9223372036854775808", "%00"}
	forms := map[string][]string{
		"/establishments":                     {"name", "kind", "registration_no", "commune_code", "main_craft_id", "products", "representative", "phone"},
		"/establishments/" + id:               {"name", "commune_code", "phone"},
		"/establishments/" + id + "/supports": {"support_date", "activity_code", "amount", "funding_source", "description"},
		"/venues":                             {"name", "address", "commune_code", "seats", "establishment_id", "active"},
	}
	c, _ := e.as(models.RoleStaff)
	c.get("/establishments/new")
	api := e.apiAs(models.RoleStaff)
	for path, fields := range forms {
		for _, f := range fields {
			for _, v := range hostile {
				form := url.Values{"name": {"Tên"}, "kind": {"enterprise"}, "commune_code": {"21301"}, "seats": {"5"},
					"support_date": {"2020-01-01"}, "activity_code": {"KC1"}, "amount": {"1"}, "funding_source": {"local"}}
				form.Set(f, v)
				if r := c.post(path, form); r.Status >= 500 {
					t.Errorf("POST %s %s=%.20q: %d", path, f, v, r.Status)
				}
				apiPath := "/api/v1" + path
				method := http.MethodPost
				if path == "/establishments/"+id {
					method = http.MethodPatch
				}
				body := map[string]any{f: v}
				if r := api.api(method, apiPath, body); r.Status >= 500 {
					t.Errorf("%s %s %s=%.20q: %d", method, apiPath, f, v, r.Status)
				}
			}
		}
	}
	for _, q := range []string{"q=" + url.QueryEscape(strings.Repeat("ơ", 1500)), "page=-1", "page=99999999999999999999", "per_page=-5", "sort=" + strings.Repeat("x", 500), "district=%00"} {
		for _, p := range []string{"/establishments", "/venues"} {
			if r := c.get(p + "?" + q); r.Status >= 500 {
				t.Errorf("GET %s?%.40s: %d", p, q, r.Status)
			}
			if r := api.api(http.MethodGet, "/api/v1"+p+"?"+q, nil); r.Status >= 500 {
				t.Errorf("GET /api/v1%s?%.40s: %d", p, q, r.Status)
			}
		}
	}
	// Values that are acceptable somewhere (an SQL-looking name is just a name) may be stored; they run nothing.
	e.count(`SELECT count(*) FROM establishments`)
}
