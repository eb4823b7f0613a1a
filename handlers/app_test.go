package handlers_test

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"khuyencong/handlers"
	"khuyencong/internal/testdb"
	"khuyencong/models"
)

// newApp builds the very app that serve runs, on a fresh test database.
func newApp(t *testing.T) (*fiber.App, *models.Store) {
	t.Helper()
	return newAppOn(t, testdb.New(t))
}

func newAppOn(t *testing.T, db *sqlx.DB) (*fiber.App, *models.Store) {
	t.Helper()
	store := models.NewStore(db)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := handlers.NewApp(handlers.New(store, handlers.Config{BaseURL: "http://localhost:8080"}, log))
	if err != nil {
		t.Fatalf("NewApp: %v", err)
	}
	return app, store
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

// do sends one request through app.Test with no time limit.
func do(t *testing.T, app *fiber.App, method, path string, header map[string]string) response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

func TestPages(t *testing.T) {
	app, _ := newApp(t)
	cases := []struct {
		name       string
		path       string
		header     map[string]string
		status     int
		contains   []string
		absent     []string
		contentTyp string
	}{
		{"health", "/healthz", nil, 200, []string{`"status":"ok"`}, nil, "application/json"},
		{"ready", "/readyz", nil, 200, []string{`"status":"ready"`}, nil, "application/json"},
		{"home in Vietnamese by default", "/", nil, 200,
			[]string{`<html lang="vi">`, "Trung tâm Khuyến công và Xúc tiến thương mại", "cơ sở CNNT được hỗ trợ", "/static/app.css"},
			[]string{"Industrial and Trade Promotion Centre</h1>"}, "text/html"},
		{"home in English from Accept-Language", "/", map[string]string{"Accept-Language": "en-GB,en;q=0.9"}, 200,
			[]string{`<html lang="en">`, "Industrial and Trade Promotion Centre", "rural establishments supported"}, nil, "text/html"},
		{"Vietnamese preferred over English", "/", map[string]string{"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.8"}, 200,
			[]string{`<html lang="vi">`}, nil, "text/html"},
		{"cookie beats Accept-Language", "/", map[string]string{"Accept-Language": "en", "Cookie": "lang=vi"}, 200,
			[]string{`<html lang="vi">`}, nil, "text/html"},
		{"cookie chooses English", "/", map[string]string{"Cookie": "lang=en"}, 200,
			[]string{`<html lang="en">`}, nil, "text/html"},
		{"unknown page is a Vietnamese 404 page", "/khong-co", nil, 404,
			[]string{"Không tìm thấy trang", "Về trang chủ"}, nil, "text/html"},
		{"unknown API path is a problem", "/api/v1/khong-co", nil, 404,
			[]string{`"status":404`, `"type":"about:blank"`, `"title":"Not Found"`}, nil, "application/problem+json"},
		{"JSON clients get problems", "/khong-co", map[string]string{"Accept": "application/json"}, 404,
			[]string{`"status":404`}, nil, "application/problem+json"},
		{"API root", "/api/v1", nil, 200, []string{`"openapi":"/api/openapi.yaml"`}, nil, "application/json"},
		{"stylesheet", "/static/app.css", nil, 200, []string{"--green"}, nil, "text/css"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, app, http.MethodGet, c.path, c.header)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d; body %.300s", r.Status, c.status, r.Body)
			}
			if c.contentTyp != "" && !strings.HasPrefix(r.Header.Get("Content-Type"), c.contentTyp) {
				t.Errorf("Content-Type %q, want %s", r.Header.Get("Content-Type"), c.contentTyp)
			}
			for _, s := range c.contains {
				if !strings.Contains(r.Body, s) {
					t.Errorf("body lacks %q", s)
				}
			}
			for _, s := range c.absent {
				if strings.Contains(r.Body, s) {
					t.Errorf("body has %q", s)
				}
			}
		})
	}
}

func TestSecurityHeadersAndRequestID(t *testing.T) {
	app, _ := newApp(t)
	r := do(t, app, http.MethodGet, "/", nil)
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "SAMEORIGIN",
		"Referrer-Policy":        "same-origin",
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if id := r.Header.Get("X-Request-Id"); len(id) < 16 {
		t.Errorf("X-Request-Id = %q", id)
	}
}

func TestLanguageSwitch(t *testing.T) {
	app, _ := newApp(t)
	cases := []struct{ path, location, cookie string }{
		{"/lang/en?next=/", "/", "lang=en"},
		{"/lang/vi?next=/api/v1", "/api/v1", "lang=vi"},
		{"/lang/en?next=//evil.example", "/", "lang=en"},
		{"/lang/en?next=https://evil.example/", "/", "lang=en"},
		{"/lang/en?next=/\\evil.example", "/", "lang=en"},
	}
	for _, c := range cases {
		r := do(t, app, http.MethodGet, c.path, nil)
		if r.Status != fiber.StatusSeeOther || r.Header.Get("Location") != c.location {
			t.Errorf("%s: %d to %q, want 303 to %q", c.path, r.Status, r.Header.Get("Location"), c.location)
		}
		if sc := r.Header.Get("Set-Cookie"); !strings.Contains(sc, c.cookie) || !strings.Contains(strings.ToLower(sc), "httponly") {
			t.Errorf("%s: Set-Cookie %q", c.path, sc)
		}
	}
	if r := do(t, app, http.MethodGet, "/lang/fr", nil); r.Status != 404 {
		t.Errorf("/lang/fr: %d, want 404", r.Status)
	}
}

func TestPanicsBecomeA500PageWithoutDetails(t *testing.T) {
	app, _ := newApp(t)
	app.Get("/boom", func(c *fiber.Ctx) error { panic("secret detail: password=hunter2") })
	for _, accept := range []string{"text/html", "application/json"} {
		r := do(t, app, http.MethodGet, "/boom", map[string]string{"Accept": accept})
		if r.Status != 500 {
			t.Fatalf("status %d, want 500", r.Status)
		}
		if strings.Contains(r.Body, "hunter2") || strings.Contains(r.Body, "secret") {
			t.Fatalf("the error page leaks the panic: %s", r.Body)
		}
	}
}

// The body limit is enforced by the server while reading, so this test uses a real listener.
func TestBodyLimit(t *testing.T) {
	app, _ := newApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	// Announce 20 MB and send none of it: the answer must come at once, before any body is read.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "POST /api/v1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", 20<<20)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != fiber.StatusRequestEntityTooLarge {
		t.Fatalf("a 20 MB body: %d, want 413", res.StatusCode)
	}
}
