package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"khuyencong/handlers"
	"khuyencong/models"
)

func TestLoginLogoutAndSessionFixation(t *testing.T) {
	e := newEnv(t)
	u := e.user(models.RoleStaff)
	c := e.client()
	c.get("/login")
	before := c.cookies["kc_session"]
	if before == "" {
		t.Fatal("the login form set no session cookie (needed for its CSRF token)")
	}
	r := c.post("/login", url.Values{"email": {strings.ToUpper(u.Email)}, "password": {testPassword}, "next": {"/admin/users"}})
	if r.Status != 303 || r.Header.Get("Location") != "/admin/users" {
		t.Fatalf("login: %d to %q", r.Status, r.Header.Get("Location"))
	}
	after := c.cookies["kc_session"]
	if after == "" || after == before {
		t.Fatal("the session id did not change at login (session fixation)")
	}
	if sc := r.Header.Get("Set-Cookie"); !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
		t.Fatalf("session cookie flags: %q", sc)
	}
	// The pre-login session is gone on the server.
	old := e.client()
	old.cookies["kc_session"] = before
	if r := old.get("/app"); r.Status != 303 {
		t.Fatalf("the pre-login cookie still works: %d", r.Status)
	}
	if r := c.get("/app"); r.Status != 200 || !strings.Contains(r.Body, u.FullName) {
		t.Fatalf("after login /app: %d", r.Status)
	}
	// Logout kills the session: replaying the old cookie is refused.
	if r := c.post("/logout", nil); r.Status != 303 {
		t.Fatalf("logout: %d", r.Status)
	}
	replay := e.client()
	replay.cookies["kc_session"] = after
	if r := replay.get("/app"); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("the logged-out cookie still works: %d %q", r.Status, r.Header.Get("Location"))
	}
	var logins int
	if err := e.store.DB().Get(&logins, `SELECT count(*) FROM audit_log WHERE action = 'login.success' AND actor_id = $1`, u.ID); err != nil || logins != 1 {
		t.Fatalf("audit of the login: %d (%v)", logins, err)
	}
}

func TestFailedLoginsLookAlikeAndAreAudited(t *testing.T) {
	e := newEnv(t)
	u := e.user(models.RoleStaff)
	unknown := e.client().login("nobody@example.vn", testPassword)
	wrong := e.client().login(u.Email, "sai-mat-khau-roi")
	if unknown.Status != 401 || wrong.Status != 401 {
		t.Fatalf("statuses %d and %d, want 401", unknown.Status, wrong.Status)
	}
	strip := func(s string) string { return csrfField.ReplaceAllString(reqID.ReplaceAllString(s, ""), "") }
	if strip(unknown.Body) != strip(strings.Replace(wrong.Body, u.Email, "nobody@example.vn", 1)) {
		t.Fatal("an unknown e-mail and a wrong password answer differently")
	}
	var failures int
	if err := e.store.DB().Get(&failures, `SELECT count(*) FROM audit_log WHERE action = 'login.failure'`); err != nil || failures != 2 {
		t.Fatalf("failure audit rows: %d (%v)", failures, err)
	}
}

func TestLoginThrottlePerAccount(t *testing.T) {
	// A wide window, so that eleven argon2id checks fit in one even under -race on a loaded machine;
	// the cool-down is then played by moving the window's counter into the past, not by waiting.
	const window = time.Hour
	e := newEnv(t, func(c *handlers.Config) { c.LoginWindow = window })
	u := e.user(models.RoleStaff)
	if left := time.Until(time.Now().Truncate(window).Add(window)); left < 2*time.Minute {
		time.Sleep(left + time.Second) // too close to a window's end: start in the next one
	}
	var last resp
	for i := 0; i < 11; i++ {
		c := e.client()
		c.ip = "198.51.100." + string(rune('1'+i%9)) // different addresses: the account limit applies
		last = c.login(u.Email, "sai-mat-khau-roi")
	}
	if last.Status != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("the 11th wrong password: %d (Retry-After %q), want 429", last.Status, last.Header.Get("Retry-After"))
	}
	if !strings.Contains(last.Body, "Thư điện tử hoặc mật khẩu không đúng") {
		t.Fatal("the throttled answer does not carry the same generic message")
	}
	if r := e.client().login(u.Email, testPassword); r.Status != 429 {
		t.Fatalf("the right password during the cool-down: %d, want 429", r.Status)
	}
	e.store.DB().MustExec(`UPDATE rate_limits SET window_start = window_start - interval '2 hours' WHERE key = $1`, "login:account:"+u.Email)
	if r := e.client().login(u.Email, testPassword); r.Status != 303 {
		t.Fatalf("the right password after the cool-down: %d, want 303", r.Status)
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	c, _ := e.as(models.RoleAdmin)
	for _, token := range []string{"", "forged-token"} {
		r := c.post("/admin/users", url.Values{"_csrf": {token}, "email": {"x@example.vn"}, "full_name": {"Trần Văn X"}, "role": {"staff"}})
		if r.Status != 403 {
			t.Fatalf("POST with CSRF token %q: %d, want 403", token, r.Status)
		}
	}
	var n int
	if err := e.store.DB().Get(&n, `SELECT count(*) FROM users WHERE email = 'x@example.vn'`); err != nil || n != 0 {
		t.Fatalf("a user was written without a valid CSRF token (%d, %v)", n, err)
	}
	// An anonymous POST without a session is refused too (the login form needs its token).
	anon := e.client()
	if r := anon.post("/login", url.Values{"email": {"a@b.vn"}, "password": {"x"}}); r.Status != 403 {
		t.Fatalf("anonymous POST /login without a token: %d, want 403", r.Status)
	}
	// And with the right token the same form works.
	c.get("/admin/users/new")
	if r := c.post("/admin/users", url.Values{"email": {"x@example.vn"}, "full_name": {"Trần Văn X"}, "role": {"staff"}}); r.Status != 201 {
		t.Fatalf("POST with the token: %d", r.Status)
	}
}

func TestDisablingAUserEndsTheirSession(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.as(models.RoleAdmin)
	staff, su := e.as(models.RoleStaff)
	if r := staff.get("/app"); r.Status != 200 {
		t.Fatalf("staff before: %d", r.Status)
	}
	admin.get("/admin/users")
	if r := admin.post("/admin/users/"+itoa(su.ID)+"/disable", nil); r.Status != 303 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	if r := staff.get("/app"); r.Status != 303 {
		t.Fatalf("a disabled user's session still works: %d", r.Status)
	}
	if r := e.client().login(su.Email, testPassword); r.Status != 401 {
		t.Fatalf("a disabled user can log in: %d", r.Status)
	}
}

func TestBearerTokens(t *testing.T) {
	e := newEnv(t)
	u := e.user(models.RoleAdmin)
	c := e.client()
	if r := c.api(http.MethodGet, "/api/v1/users", nil); r.Status != 401 || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
		t.Fatalf("anonymous API call: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if r := c.api(http.MethodPost, "/api/v1/auth/token", map[string]string{"email": u.Email, "password": "sai"}); r.Status != 401 {
		t.Fatalf("token with a wrong password: %d", r.Status)
	}
	r := c.api(http.MethodPost, "/api/v1/auth/token", map[string]string{"email": u.Email, "password": testPassword})
	if r.Status != 201 {
		t.Fatalf("token: %d %s", r.Status, r.Body)
	}
	var tok struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	r.json(t, &tok)
	if len(tok.Token) < 40 || time.Until(tok.ExpiresAt) < 24*time.Hour {
		t.Fatalf("token %q expiring %v", tok.Token, tok.ExpiresAt)
	}
	var stored int
	if err := e.store.DB().Get(&stored, `SELECT count(*) FROM api_tokens WHERE token_hash = sha256($1::bytea)`, tok.Token); err != nil || stored != 1 {
		t.Fatalf("the token is not stored hashed: %d %v", stored, err)
	}
	c.bearer = tok.Token
	if r := c.api(http.MethodGet, "/api/v1/users", nil); r.Status != 200 {
		t.Fatalf("with the token: %d", r.Status)
	}
	if r := c.api(http.MethodDelete, "/api/v1/auth/token", nil); r.Status != 204 {
		t.Fatalf("revoke: %d", r.Status)
	}
	if r := c.api(http.MethodGet, "/api/v1/users", nil); r.Status != 401 {
		t.Fatalf("after revoking: %d", r.Status)
	}
}

func TestAdminResetsAPasswordThroughAOneTimeLink(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.as(models.RoleAdmin)
	admin.get("/admin/users/new")
	r := admin.post("/admin/users", url.Values{"email": {"MoiVao@Example.vn"}, "full_name": {"Nguyễn Thị Mới"}, "role": {"trainer"}})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	link := regexpFind(t, `http://localhost:8080(/reset/[A-Za-z0-9_-]+)`, r.Body)
	user := e.client()
	if r := user.get(link); r.Status != 200 || !strings.Contains(r.Body, "moivao@example.vn") {
		t.Fatalf("reset form: %d", r.Status)
	}
	if r := user.post(link, url.Values{"password": {"12345678910"}, "confirm": {"12345678910"}}); r.Status != 422 || !strings.Contains(r.Body, "quá phổ biến") {
		t.Fatalf("a common password: %d", r.Status)
	}
	if r := user.post(link, url.Values{"password": {"ngan"}, "confirm": {"ngan"}}); r.Status != 422 {
		t.Fatalf("a short password: %d", r.Status)
	}
	const pw = "Cây tre trăm đốt 2026"
	if r := user.post(link, url.Values{"password": {pw}, "confirm": {pw}}); r.Status != 303 {
		t.Fatalf("set password: %d %s", r.Status, r.Body)
	}
	if r := user.get(link); r.Status != 404 {
		t.Fatalf("the link works twice: %d", r.Status)
	}
	if r := e.client().login("moivao@example.vn", pw); r.Status != 303 {
		t.Fatalf("login with the new password: %d", r.Status)
	}
	var hash string
	if err := e.store.DB().Get(&hash, `SELECT password_hash FROM users WHERE email = 'moivao@example.vn'`); err != nil || !models.CheckPassword(hash, pw) {
		t.Fatalf("stored hash: %v", err)
	}
}

func TestRoleChangeIsAudited(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.as(models.RoleAdmin)
	u := e.user(models.RoleTrainer)
	admin.get("/admin/users/" + itoa(u.ID))
	if r := admin.post("/admin/users/"+itoa(u.ID), url.Values{"full_name": {u.FullName}, "role": {"staff"}}); r.Status != 303 {
		t.Fatalf("role change: %d %s", r.Status, r.Body)
	}
	var row struct {
		Old string `db:"old_values"`
		New string `db:"new_values"`
	}
	err := e.store.DB().Get(&row, `SELECT old_values::text, new_values::text FROM audit_log WHERE action = 'user.role_change' AND entity_id = $1`, itoa(u.ID))
	if err != nil || !strings.Contains(row.Old, `"trainer"`) || !strings.Contains(row.New, `"staff"`) {
		t.Fatalf("audit: %+v %v", row, err)
	}
	// Bad input re-renders with the field's message, nothing changes.
	if r := admin.post("/admin/users/"+itoa(u.ID), url.Values{"full_name": {""}, "role": {"boss"}}); r.Status != 422 ||
		!strings.Contains(r.Body, "Bắt buộc nhập") || !strings.Contains(r.Body, "Vai trò không hợp lệ") {
		t.Fatalf("bad input: %d", r.Status)
	}
	got, _ := e.store.GetUser(context.Background(), u.ID)
	if got.Role != "staff" {
		t.Fatalf("role after a refused change: %s", got.Role)
	}
}

func TestRolesOnAdminPages(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		role string
		want int
	}{
		{models.RoleAdmin, 200}, {models.RoleStaff, 403}, {models.RoleTrainer, 404}, {models.RoleMaster, 404},
	}
	for _, c := range cases {
		cl, _ := e.as(c.role)
		if r := cl.get("/admin/users"); r.Status != c.want {
			t.Errorf("%s on /admin/users: %d, want %d", c.role, r.Status, c.want)
		}
	}
	if r := e.client().get("/admin/users"); r.Status != 303 || r.Header.Get("Location") != "/login?next=%2Fadmin%2Fusers" {
		t.Errorf("anonymous: %d to %q", r.Status, r.Header.Get("Location"))
	}
}
