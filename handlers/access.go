package handlers

import (
	"crypto/subtle"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// Access says who may use a route: anyone (Public) or users of some roles. Ownership (a trainer's own
// class) is checked by the handler on top of the role.
type Access struct {
	Public bool
	Roles  []string
}

// Who may use a route.
var (
	Public     = Access{Public: true}
	AdminOnly  = Access{Roles: []string{models.RoleAdmin}}
	Staff      = Access{Roles: []string{models.RoleAdmin, models.RoleStaff}}
	AnyAccount = Access{Roles: models.Roles}
	Teaching   = Access{Roles: []string{models.RoleAdmin, models.RoleStaff, models.RoleTrainer, models.RoleMaster}}
)

// router registers routes with their access, so that the route-inventory test can check every route.
type router struct {
	app    *fiber.App
	h      *Handler
	access map[string]Access
}

func (r *router) handle(method, path string, a Access, handlers ...fiber.Handler) {
	r.access[method+" "+path] = a
	all := append([]fiber.Handler{r.h.guard(a)}, handlers...)
	r.app.Add(method, path, all...)
}

func (r *router) get(path string, a Access, h ...fiber.Handler) {
	r.handle(fiber.MethodGet, path, a, h...)
}
func (r *router) post(path string, a Access, h ...fiber.Handler) {
	r.handle(fiber.MethodPost, path, a, h...)
}
func (r *router) put(path string, a Access, h ...fiber.Handler) {
	r.handle(fiber.MethodPut, path, a, h...)
}
func (r *router) patch(path string, a Access, h ...fiber.Handler) {
	r.handle(fiber.MethodPatch, path, a, h...)
}
func (r *router) delete(path string, a Access, h ...fiber.Handler) {
	r.handle(fiber.MethodDelete, path, a, h...)
}

// Locals keys.
const (
	localUser    = "kc.user"
	localSession = "kc.session"
	localToken   = "kc.session_token"
	localBearer  = "kc.bearer"
)

const sessionCookie = "kc_session"

// currentUser is the logged-in user, or nil.
func currentUser(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(localUser).(*models.User)
	return u
}

// actor describes the requester for the audit log.
func actor(c *fiber.Ctx) models.Actor {
	a := models.Actor{ClientIP: c.IP(), RequestID: requestID(c)}
	if u := currentUser(c); u != nil {
		a.UserID, a.Label = u.ID, u.Email
	}
	return a
}

// authenticate attaches the user of a bearer token or of the session cookie to the request.
func (h *Handler) authenticate(c *fiber.Ctx) error {
	if auth := c.Get(fiber.HeaderAuthorization); auth != "" {
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || token == "" {
			return h.unauthorized(c)
		}
		u, err := h.store.UserByAPIToken(c.UserContext(), strings.TrimSpace(token))
		if err != nil {
			if unavailable(err) {
				return err
			}
			return h.unauthorized(c)
		}
		c.Locals(localUser, &u)
		c.Locals(localBearer, strings.TrimSpace(token))
		return c.Next()
	}
	if token := c.Cookies(sessionCookie); token != "" && len(token) < 100 {
		sess, u, err := h.store.GetLoginSession(c.UserContext(), token, h.cfg.SessionIdle)
		switch {
		case err == nil:
			c.Locals(localSession, &sess)
			c.Locals(localToken, token)
			if u != nil {
				c.Locals(localUser, u)
			}
		case unavailable(err):
			return err
		default:
			h.clearSessionCookie(c)
		}
	}
	return c.Next()
}

// csrf refuses state-changing requests that come with a cookie session but without its token (form
// field _csrf or header X-CSRF-Token). Bearer-token requests carry no ambient credentials and pass.
func (h *Handler) csrf(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if c.Locals(localBearer) != nil || csrfExempt[c.Method()+" "+c.Path()] {
		return c.Next()
	}
	sess, _ := c.Locals(localSession).(*models.Session)
	if sess == nil && strings.HasPrefix(c.Path(), "/api/") {
		return c.Next() // no cookie session, so no ambient credentials to forge with; the guard answers 401
	}
	sent := c.Get("X-CSRF-Token")
	if sent == "" {
		sent = c.FormValue("_csrf")
	}
	if sess == nil || sess.CSRF == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(sess.CSRF)) != 1 {
		return fiber.NewError(fiber.StatusForbidden, "csrf")
	}
	return c.Next()
}

// csrfExempt lists the state-changing routes that take no cookie: the API token exchange.
var csrfExempt = map[string]bool{
	"POST /api/v1/auth/token": true,
}

// guard enforces a route's access: anonymous users go to the login page (HTML) or get 401 (API);
// users without the role get 404 if they are trainers or masters (no telling what exists), 403 otherwise.
func (h *Handler) guard(a Access) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if a.Public {
			return c.Next()
		}
		u := currentUser(c)
		if u == nil {
			return h.unauthorized(c)
		}
		if !slices.Contains(a.Roles, u.Role) {
			if u.Role == models.RoleTrainer || u.Role == models.RoleMaster {
				return fiber.ErrNotFound
			}
			return fiber.ErrForbidden
		}
		return c.Next()
	}
}

func (h *Handler) unauthorized(c *fiber.Ctx) error {
	if wantsJSON(c) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="khuyencong"`)
		return fiber.ErrUnauthorized
	}
	if c.Method() != fiber.MethodGet {
		return fiber.ErrUnauthorized
	}
	return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
}

func (h *Handler) setSessionCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: h.secure(),
		Expires: time.Now().Add(h.cfg.SessionAbsolute),
	})
}

func (h *Handler) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: "", Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: h.secure(), Expires: time.Unix(1, 0),
	})
}

func (h *Handler) secure() bool { return strings.HasPrefix(h.cfg.BaseURL, "https://") }

// ensureSession gives an anonymous visitor a session (for the CSRF token of the login form) if they
// have none, and returns its CSRF token.
func (h *Handler) ensureSession(c *fiber.Ctx) (string, error) {
	if sess, ok := c.Locals(localSession).(*models.Session); ok && sess != nil {
		return sess.CSRF, nil
	}
	token, sess, err := h.store.CreateSession(c.UserContext(), nil, 2*time.Hour)
	if err != nil {
		return "", err
	}
	h.setSessionCookie(c, token)
	c.Locals(localSession, &sess)
	c.Locals(localToken, token)
	return sess.CSRF, nil
}
