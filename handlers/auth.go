package handlers

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

type loginForm struct {
	Email    string `form:"email" json:"email"`
	Password string `form:"password" json:"password"`
	Next     string `form:"next" json:"-"`
}

// LoginForm handles GET /login.
func (h *Handler) LoginForm(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	if _, err := h.ensureSession(c); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "auth/login", "auth.login", form{Values: map[string]string{"next": safeNext(c.Query("next"))}})
}

// Login handles POST /login: a new session id on success (no fixation), the same generic message for
// every failure, and throttling per client address and per account.
func (h *Handler) Login(c *fiber.Ctx) error {
	var f loginForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	f.Email = strings.ToLower(strings.TrimSpace(f.Email))
	next := safeNext(f.Next)
	u, err := h.checkLogin(c, f.Email, f.Password)
	if err != nil {
		var fe *fiber.Error
		if errors.Is(err, models.ErrBadCredentials) || (errors.As(err, &fe) && fe.Code == fiber.StatusTooManyRequests) {
			status := fiber.StatusUnauthorized
			if fe != nil {
				status = fe.Code
			}
			return h.render(c, status, "auth/login", "auth.login", form{
				Values: map[string]string{"email": f.Email, "next": next},
				Error:  "auth.failed",
			})
		}
		return err
	}
	// A new session for the logged-in user; the pre-login one is destroyed.
	if old, ok := c.Locals(localToken).(string); ok && old != "" {
		_ = h.store.DeleteSession(c.UserContext(), old)
	}
	uid := u.ID
	token, sess, err := h.store.CreateSession(c.UserContext(), &uid, h.cfg.SessionAbsolute)
	if err != nil {
		return err
	}
	h.setSessionCookie(c, token)
	c.Locals(localSession, &sess)
	if next == "/" {
		next = "/app"
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// checkLogin applies the rate limits, checks the password and audits the attempt.
func (h *Handler) checkLogin(c *fiber.Ctx, email, password string) (models.User, error) {
	ctx := c.UserContext()
	if err := h.limit(c, "login:ip:"+c.IP(), h.cfg.LoginLimitPerIP, h.cfg.LoginWindow); err != nil {
		return models.User{}, err
	}
	// Failures per account: past the limit every attempt is refused until the window ends, right or wrong.
	acct := "login:account:" + email
	n, until, err := h.store.Hits(ctx, acct, h.cfg.LoginWindow)
	if err != nil {
		return models.User{}, err
	}
	if n >= h.cfg.LoginLimitPerAccount {
		return models.User{}, h.tooMany(c, until)
	}
	if len(password) > 512 {
		password = password[:512]
	}
	u, err := h.store.Authenticate(ctx, email, password)
	if errors.Is(err, models.ErrBadCredentials) {
		if _, _, herr := h.store.Hit(ctx, acct, h.cfg.LoginWindow); herr != nil {
			return models.User{}, herr
		}
		_ = h.store.RecordLogin(ctx, actor(c), email, 0, false)
		return models.User{}, err
	}
	if err != nil {
		return models.User{}, err
	}
	_ = h.store.RecordLogin(ctx, actor(c), email, u.ID, true)
	return u, nil
}

// limit counts one hit for key and answers 429 with Retry-After past limit hits in the window.
func (h *Handler) limit(c *fiber.Ctx, key string, limit int, window time.Duration) error {
	n, until, err := h.store.Hit(c.UserContext(), key, window)
	if err != nil {
		return err
	}
	if n > limit {
		return h.tooMany(c, until)
	}
	return nil
}

func (h *Handler) tooMany(c *fiber.Ctx, until time.Time) error {
	secs := int(math.Ceil(time.Until(until).Seconds()))
	if secs < 1 {
		secs = 1
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	return fiber.ErrTooManyRequests
}

// Logout handles POST /logout: the session is deleted on the server, not just forgotten by the browser.
func (h *Handler) Logout(c *fiber.Ctx) error {
	if token, ok := c.Locals(localToken).(string); ok && token != "" {
		if err := h.store.DeleteSession(c.UserContext(), token); err != nil {
			return err
		}
	}
	h.clearSessionCookie(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// APITokenCreate handles POST /api/v1/auth/token: e-mail and password in, a bearer token out.
func (h *Handler) APITokenCreate(c *fiber.Ctx) error {
	var f loginForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	errs := fieldErrors{}
	if strings.TrimSpace(f.Email) == "" {
		errs["email"] = "required"
	}
	if f.Password == "" {
		errs["password"] = "required"
	}
	if len(errs) > 0 {
		return errs
	}
	u, err := h.checkLogin(c, strings.ToLower(strings.TrimSpace(f.Email)), f.Password)
	if errors.Is(err, models.ErrBadCredentials) {
		return fiber.NewError(fiber.StatusUnauthorized, "bad credentials")
	}
	if err != nil {
		return err
	}
	token, exp, err := h.store.CreateAPIToken(c.UserContext(), u.ID, h.cfg.APITokenTTL)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{
		"token": token, "token_type": "Bearer", "expires_at": exp,
		"user": fiber.Map{"id": u.ID, "email": u.Email, "full_name": u.FullName, "role": u.Role},
	})
}

// APITokenDelete handles DELETE /api/v1/auth/token: revokes the bearer token of the request.
func (h *Handler) APITokenDelete(c *fiber.Ctx) error {
	token, _ := c.Locals(localBearer).(string)
	if token == "" {
		return fiber.NewError(fiber.StatusBadRequest, "bearer token required")
	}
	if err := h.store.RevokeAPIToken(c.UserContext(), token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// AppHome handles GET /app: the signed-in start page.
func (h *Handler) AppHome(c *fiber.Ctx) error {
	data, err := h.dashboard(c)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "app/home", "nav.app", data)
}
