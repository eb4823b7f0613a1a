package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/handlers"
	"khuyencong/internal/testdb"
	"khuyencong/models"
)

// env is one app on its own database, with helpers to make users and log them in.
type env struct {
	t     *testing.T
	app   *fiber.App
	h     *handlers.Handler
	store *models.Store
	n     int
}

func newEnv(t *testing.T, tweak ...func(*handlers.Config)) *env {
	t.Helper()
	store := models.NewStore(testdb.New(t))
	cfg := handlers.Config{BaseURL: "http://localhost:8080"}
	for _, f := range tweak {
		f(&cfg)
	}
	h := handlers.New(store, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	app, err := handlers.NewApp(h)
	if err != nil {
		t.Fatalf("NewApp: %v", err)
	}
	return &env{t: t, app: app, h: h, store: store}
}

const testPassword = "Mật-khẩu-thử-2026"

// user creates a user of the role with testPassword.
func (e *env) user(role string) models.User {
	e.t.Helper()
	e.n++
	u, err := e.store.CreateUser(context.Background(), models.SystemActor("test"), models.NewUser{
		Email: fmt.Sprintf("%s%d@example.vn", role, e.n), FullName: "Người Dùng " + role, Role: role, Password: testPassword,
	})
	if err != nil {
		e.t.Fatalf("create %s: %v", role, err)
	}
	return u
}

// client is a browser: it keeps cookies and the last CSRF token it saw.
type client struct {
	e       *env
	cookies map[string]string
	csrf    string
	bearer  string
	ip      string
}

func (e *env) client() *client { return &client{e: e, cookies: map[string]string{}, ip: "192.0.2.10"} }

// as returns a logged-in client of a new user of the role.
func (e *env) as(role string) (*client, models.User) {
	e.t.Helper()
	u := e.user(role)
	c := e.client()
	if r := c.login(u.Email, testPassword); r.Status != fiber.StatusSeeOther {
		e.t.Fatalf("login as %s: %d %s", role, r.Status, r.Body)
	}
	return c, u
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

type resp struct {
	Status int
	Header http.Header
	Body   string
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

func (c *client) do(method, path string, body io.Reader, header map[string]string) resp {
	c.e.t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = c.ip + ":40000"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	var parts []string
	for k, v := range c.cookies {
		parts = append(parts, k+"="+v)
	}
	if len(parts) > 0 {
		req.Header.Set("Cookie", strings.Join(parts, "; "))
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	res, err := c.e.app.Test(req, -1)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.Value == "" || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	if m := csrfField.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return resp{res.StatusCode, res.Header, string(b)}
}

func (c *client) get(path string) resp {
	c.e.t.Helper()
	return c.do(http.MethodGet, path, nil, map[string]string{"Accept": "text/html"})
}

// post submits a form with the client's CSRF token unless the form sets _csrf itself.
func (c *client) post(path string, form url.Values) resp {
	c.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok && c.csrf != "" {
		form.Set("_csrf", c.csrf)
	}
	return c.do(http.MethodPost, path, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
}

// api sends JSON with the client's bearer token (if any).
func (c *client) api(method, path string, v any) resp {
	c.e.t.Helper()
	var body io.Reader
	if v != nil {
		b, _ := json.Marshal(v)
		body = strings.NewReader(string(b))
	}
	return c.do(method, path, body, map[string]string{"Content-Type": "application/json", "Accept": "application/json"})
}

func (c *client) login(email, password string) resp {
	c.e.t.Helper()
	c.get("/login")
	return c.post("/login", url.Values{"email": {email}, "password": {password}})
}

var reqID = regexp.MustCompile(`<span class="reqid">[^<]*</span>`)

func itoa(n int64) string { return fmt.Sprint(n) }

func regexpFind(t *testing.T, pattern, s string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s not found in %.500s", pattern, s)
	}
	return m[1]
}

func atoi(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}

// withHeader returns a copy of the client that sends one more header on API calls (X-CSRF-Token…).
func (c *client) withHeader(k, v string) *headerClient { return &headerClient{c, k, v} }

type headerClient struct {
	c    *client
	k, v string
}

func (h *headerClient) api(method, path string, v any) resp {
	h.c.e.t.Helper()
	var body io.Reader
	if v != nil {
		b, _ := json.Marshal(v)
		body = strings.NewReader(string(b))
	}
	return h.c.do(method, path, body, map[string]string{"Content-Type": "application/json", "Accept": "application/json", h.k: h.v})
}

type contextT = context.Context

func valuesOf(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}
