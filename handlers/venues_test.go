package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khuyencong/models"
)

func TestVenuePages(t *testing.T) {
	e := newEnv(t)
	estSetup(t, e)
	est := e.mustEstablishment(models.EstablishmentInput{Name: "HTX Mây tre đan Tăng Tiến", Kind: "cooperative", CommuneCode: "21301"})
	c, _ := e.as(models.RoleStaff)
	if r := c.get("/venues/new"); r.Status != 200 || !strings.Contains(r.Body, "HTX Mây tre đan Tăng Tiến") {
		t.Fatalf("new form: %d", r.Status)
	}
	for _, tc := range []struct{ field, value, want string }{
		{"seats", "0", "Số chỗ phải từ 1 đến 10.000."},
		{"seats", "ba mươi", "Số chỗ phải từ 1 đến 10.000."},
		{"seats", "10001", "Số chỗ phải từ 1 đến 10.000."},
		{"name", "", "Bắt buộc nhập."},
		{"address", "Thôn\x00Thủ", "Có ký tự không hợp lệ"},
		{"commune_code", "99999", "Hãy chọn một xã, phường, thị trấn"},
		{"establishment_id", "424242", "Hãy chọn cơ sở trong danh sách."},
	} {
		form := url.Values{"name": {"Nhà văn hóa xã Nam Dương"}, "seats": {"40"}, "commune_code": {"21901"}, "active": {"on"}}
		form.Set(tc.field, tc.value)
		if r := c.post("/venues", form); r.Status != 422 || !strings.Contains(r.Body, `<p class="field-error">`+tc.want) {
			t.Errorf("%s=%q: %d, want 422 with %q", tc.field, tc.value, r.Status, tc.want)
		}
	}
	if n := e.count(`SELECT count(*) FROM venues`); n != 0 {
		t.Fatalf("%d venues written by refused forms", n)
	}
	r := c.post("/venues", url.Values{"name": {"Nhà văn hóa xã Nam Dương"}, "address": {"Thôn Thủ Dương"}, "seats": {"40"}, "commune_code": {"21901"}, "active": {"on"}})
	if r.Status != 303 {
		t.Fatalf("create: %d %.1000s", r.Status, r.Body)
	}
	loc := r.Header.Get("Location")
	if r := c.get(loc); !strings.Contains(r.Body, "Huyện Lục Ngạn") || !strings.Contains(r.Body, "Đang sử dụng") {
		t.Fatalf("show: %.2000s", r.Body)
	}
	if r := c.get(loc + "/edit"); r.Status != 200 || !strings.Contains(r.Body, `name="active" value="on" checked`) {
		t.Fatalf("edit: %d", r.Status)
	}
	// An unticked box sends nothing: the venue goes out of use. It becomes the establishment's workshop.
	r = c.post(loc, url.Values{"name": {"Xưởng HTX"}, "seats": {"25"}, "establishment_id": {itoa(est.ID)}})
	if r.Status != 303 {
		t.Fatalf("update: %d %.1000s", r.Status, r.Body)
	}
	if r := c.get(loc); !strings.Contains(r.Body, "Ngừng sử dụng") || !strings.Contains(r.Body, `<a href="/establishments/`+itoa(est.ID)+`">HTX Mây tre đan Tăng Tiến</a>`) {
		t.Fatalf("after update: %.3000s", r.Body)
	}
	if _, err := e.store.CreateVenue(t.Context(), models.SystemActor("test"), models.VenueInput{Name: "Phòng học Trung tâm", Seats: 35, CommuneCode: "21301", Active: true}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want, not string }{
		{"/venues?q=xuong+htx", "Xưởng HTX", "Phòng học"},
		{"/venues?active=1", "Phòng học", "Xưởng HTX"},
		{"/venues?district=213", "Phòng học", "Xưởng HTX"},
		{"/venues?sort=-seats", "Phòng học", ""},
	} {
		r := c.get(tc.path)
		if r.Status != 200 || !strings.Contains(r.Body, tc.want) || (tc.not != "" && strings.Contains(r.Body, tc.not)) {
			t.Errorf("%s: %d", tc.path, r.Status)
		}
	}
	if r := c.get("/venues?active=maybe"); r.Status != 422 {
		t.Fatalf("bad active filter: %d", r.Status)
	}

	// Trainers read venues, without the edit buttons.
	tr, _ := e.as(models.RoleTrainer)
	if r := tr.get(loc); r.Status != 200 || strings.Contains(r.Body, "/edit") || strings.Contains(r.Body, `href="/establishments/`) {
		t.Fatalf("trainer show: %d", r.Status)
	}
	if r := tr.get("/venues"); r.Status != 200 || strings.Contains(r.Body, "/venues/new") {
		t.Fatalf("trainer list: %d", r.Status)
	}
	if r := tr.post(loc, url.Values{"name": {"X"}, "seats": {"1"}}); r.Status != 404 {
		t.Fatalf("trainer update: %d", r.Status)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action IN ('venue.create', 'venue.update')`); n != 3 {
		t.Fatalf("%d venue audit rows, want 3", n)
	}
}

func TestVenueAPIAndPlaces(t *testing.T) {
	e := newEnv(t)
	estSetup(t, e)
	est := e.mustEstablishment(models.EstablishmentInput{Name: "HTX Trà hoa vàng", Kind: "cooperative", CommuneCode: "21801"})
	api := e.apiAs(models.RoleStaff)
	r := api.api(http.MethodPost, "/api/v1/venues", map[string]any{"name": "Xưởng chế biến trà", "seats": 20, "establishment_id": est.ID, "commune_code": "21801"})
	var v models.Venue
	r.json(t, &v)
	if r.Status != 201 || r.Header.Get("Location") != "/api/v1/venues/"+itoa(v.ID) || !v.Active || *v.EstablishmentName != "HTX Trà hoa vàng" {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	r = api.api(http.MethodPatch, "/api/v1/venues/"+itoa(v.ID), map[string]any{"establishment_id": nil, "active": false})
	r.json(t, &v)
	if r.Status != 200 || v.EstablishmentID != nil || v.Active || v.Seats != 20 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	for _, tc := range []struct {
		method, path string
		body         any
		field        string
	}{
		{http.MethodPost, "/api/v1/venues", map[string]any{"name": "X"}, "seats"},
		{http.MethodPost, "/api/v1/venues", map[string]any{"name": "X", "seats": -1}, "seats"},
		{http.MethodPost, "/api/v1/venues", map[string]any{"seats": 5}, "name"},
		{http.MethodPatch, "/api/v1/venues/" + itoa(v.ID), map[string]any{"commune_code": "219"}, "commune_code"},
		{http.MethodPatch, "/api/v1/venues/" + itoa(v.ID), map[string]any{"name": strings.Repeat("x", 10000)}, "name"},
		{http.MethodGet, "/api/v1/venues?sort=seats;DROP%20TABLE%20venues", nil, "sort"},
		{http.MethodGet, "/api/v1/venues?active=yes", nil, "active"},
		{http.MethodGet, "/api/v1/places/communes?district=21%27", nil, "district"},
	} {
		r := api.api(tc.method, tc.path, tc.body)
		var p problem
		r.json(t, &p)
		if r.Status != 422 || p.Errors[tc.field] == "" {
			t.Errorf("%s %s: %d %s, want 422 naming %s", tc.method, tc.path, r.Status, r.Body, tc.field)
		}
	}
	if r := api.api(http.MethodPost, "/api/v1/venues", map[string]any{"name": "X", "seats": "many"}); r.Status != 400 {
		t.Errorf("seats as text: %d", r.Status)
	}
	var list struct {
		Items   []models.Venue `json:"items"`
		PerPage int            `json:"per_page"`
	}
	api.api(http.MethodGet, "/api/v1/venues?q=che%20bien%20tra&per_page=1000000", nil).json(t, &list)
	if len(list.Items) != 1 || list.PerPage != 100 {
		t.Fatalf("search without diacritics, clamped page: %+v", list)
	}
	api.api(http.MethodGet, "/api/v1/venues?q=luc%20nam&active=0", nil).json(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("search by district: %+v", list)
	}

	var ds struct {
		Items []models.District `json:"items"`
	}
	api.api(http.MethodGet, "/api/v1/places/districts", nil).json(t, &ds)
	if len(ds.Items) != 3 || ds.Items[0].Code != "213" || ds.Items[2].Name != "Huyện Lục Ngạn" {
		t.Fatalf("districts: %+v", ds)
	}
	var cs struct {
		Items []models.Commune `json:"items"`
	}
	api.api(http.MethodGet, "/api/v1/places/communes?district=219", nil).json(t, &cs)
	if len(cs.Items) != 2 || cs.Items[0].Name != "Chũ" || cs.Items[1].Name != "Nam Dương" || cs.Items[0].DistrictCode != "219" {
		t.Fatalf("communes: %+v", cs)
	}
}
