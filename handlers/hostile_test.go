package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khuyencong/models"
)

// Every list endpoint of the API answers hostile query strings with 400/422 or clamps them: never a 500.
func TestHostileQueriesNeverFail(t *testing.T) {
	e := newEnv(t)
	api := e.apiAs(models.RoleAdmin)
	var lists []string
	for key, a := range e.h.RouteAccess() {
		method, path, _ := strings.Cut(key, " ")
		if method != http.MethodGet || !strings.HasPrefix(path, "/api/v1/") || strings.Contains(path, ":") || strings.HasSuffix(path, ".xlsx") || a.Public && path == "/api/v1" {
			continue
		}
		lists = append(lists, path)
	}
	if len(lists) < 8 {
		t.Fatalf("only %d list endpoints found: %v", len(lists), lists)
	}
	hostile := []url.Values{
		{"sort": {"name;DROP TABLE trainees;--"}},
		{"sort": {strings.Repeat("-", 100)}},
		{"limit": {"1000000"}, "per_page": {"1000000"}, "page": {"-5"}},
		{"page": {"99999999999999999999"}},
		{"q": {"a\x00b"}},
		{"q": {string([]byte{0xff, 0xfe, 'a'})}},
		{"q": {strings.Repeat("nguyễn ", 300)}}, // longer URLs are refused by the server before any handler (431)
		{"q": {"%_\\'\""}},
		{"from": {"32/13/2026"}, "to": {"'; --"}, "year": {"abc"}, "district": {"219'--"}, "kind": {"x' OR '1'='1"}},
	}
	for _, path := range lists {
		for _, q := range hostile {
			r := api.api(http.MethodGet, path+"?"+q.Encode(), nil)
			if r.Status >= 500 {
				t.Errorf("GET %s?%.80s: %d %.300s", path, q.Encode(), r.Status, r.Body)
			}
			if r.Status == 200 && strings.Contains(r.Body, `"per_page":1000000`) {
				t.Errorf("GET %s: per_page not clamped", path)
			}
		}
	}
	var n int
	if err := e.store.DB().Get(&n, `SELECT count(*) FROM pg_tables WHERE tablename = 'trainees'`); err != nil || n != 1 {
		t.Fatal("the trainees table is gone")
	}
}

// Hostile bodies on the JSON API: invalid UTF-8, NUL bytes, over-long fields and wrong types are 4xx.
func TestHostileBodiesNeverFail(t *testing.T) {
	e := newEnv(t)
	api := e.apiAs(models.RoleAdmin)
	bodies := []string{
		`{"full_name": "a\u0000b", "email": "x@y.vn", "role": "staff"}`,
		"{\"full_name\": \"\xff\xfe\", \"email\": \"x@y.vn\", \"role\": \"staff\"}",
		`{"full_name": "` + strings.Repeat("Ánh ", 5000) + `", "email": "x@y.vn", "role": "staff"}`,
		`{"full_name": 12, "email": [], "role": {}}`,
		`not json at all`,
		`{"title": "` + strings.Repeat("x", 100000) + `", "kind": "vocational", "capacity": -1}`,
	}
	for _, path := range []string{"/api/v1/users", "/api/v1/trainees", "/api/v1/courses", "/api/v1/establishments", "/api/v1/venues", "/api/v1/crafts", "/api/v1/masters"} {
		for _, b := range bodies {
			r := api.do(http.MethodPost, path, strings.NewReader(b), map[string]string{"Content-Type": "application/json", "Accept": "application/json"})
			if r.Status >= 500 || r.Status < 400 {
				t.Errorf("POST %s with %.60q: %d %.300s", path, b, r.Status, r.Body)
			}
		}
	}
}
