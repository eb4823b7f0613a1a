package handlers

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Home handles GET /: the public front page with the centre's reach from the records.
func (h *Handler) Home(c *fiber.Ctx) error {
	ov, err := h.store.GetOverview(c.UserContext())
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "home", "app.name", ov)
}

// LangSet handles GET /lang/:code: remembers the interface language in a cookie and goes back.
// It changes no server state, only the visitor's own preference.
func (h *Handler) LangSet(c *fiber.Ctx) error {
	code := c.Params("code")
	if code != LangVI && code != LangEN {
		return fiber.ErrNotFound
	}
	c.Cookie(&fiber.Cookie{
		Name: langCookie, Value: code, Path: "/", Expires: time.Now().AddDate(1, 0, 0),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: strings.HasPrefix(h.cfg.BaseURL, "https://"),
	})
	return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
}

// safeNext keeps redirects on this site: only absolute paths, never "//host" or a scheme.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}
