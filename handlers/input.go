package handlers

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// text cleans one submitted field: NFC and trimmed. It records a field error when the value is not
// valid UTF-8, holds control characters or NUL, or is longer than max characters.
func text(errs fieldErrors, name, v string, max int) string {
	if !utf8.ValidString(v) || !models.CleanText(v) {
		errs[name] = "invalid_characters"
		return ""
	}
	v = models.NFC(v)
	if utf8.RuneCountInString(v) > max {
		errs[name] = "too_long"
	}
	return v
}

// listParams reads ?q=&sort=&page=&per_page= for a list; sizes are clamped by the models.
func listParams(c *fiber.Ctx) (models.ListParams, error) {
	p := models.ListParams{Q: c.Query("q"), Sort: c.Query("sort")}
	if !utf8.ValidString(p.Q) || strings.ContainsRune(p.Q, 0) {
		return p, fieldErrors{"q": "invalid_characters"}
	}
	if len(p.Sort) > 40 {
		return p, fieldErrors{"sort": "invalid_sort"}
	}
	p.Page, _ = strconv.Atoi(c.Query("page"))
	p.PerPage, _ = strconv.Atoi(c.Query("per_page"))
	if p.PerPage == 0 {
		p.PerPage, _ = strconv.Atoi(c.Query("limit"))
	}
	return p.Normalize(), nil
}

// idParam reads a positive numeric :id, or answers 404.
func idParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}
