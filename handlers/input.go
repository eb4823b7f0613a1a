package handlers

import (
	"strconv"
	"strings"
	"time"
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

// date parses dd/mm/yyyy (forms) or yyyy-mm-dd (date inputs and the API) as a date in Vietnam.
// An empty value gives the zero time and no error; a bad one records a field error.
func date(errs fieldErrors, name, v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, v, models.Zone); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
			return t
		}
	}
	errs[name] = "invalid_date"
	return time.Time{}
}

// clock parses HH:MM into a duration since midnight.
func clock(errs fieldErrors, name, v string) time.Duration {
	t, err := time.Parse("15:04", strings.TrimSpace(v))
	if err != nil {
		errs[name] = "invalid_time"
		return 0
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
}

// integer parses a whole number written with optional thousands dots or spaces ("85.000.000").
func integer(errs fieldErrors, name, v string) int64 {
	v = strings.NewReplacer(".", "", " ", "", "\u00a0", "", "đ", "").Replace(strings.TrimSpace(v))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		errs[name] = "invalid_number"
	}
	return n
}

// decimal parses a number with a decimal comma or point ("80", "87,5").
func decimal(errs fieldErrors, name, v string) float64 {
	v = strings.Replace(strings.TrimSpace(v), ",", ".", 1)
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		errs[name] = "invalid_number"
	}
	return f
}

// optionalID parses an optional reference: empty means none.
func optionalID(errs fieldErrors, name, v string) *int64 {
	v = strings.TrimSpace(v)
	if v == "" || v == "0" {
		return nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		errs[name] = "invalid_choice"
		return nil
	}
	return &id
}

// sessionOf loads the session :sid of the course; a session of another course is the plain 404.
func (h *Handler) sessionOf(c *fiber.Ctx, course models.Course) (models.CourseSession, error) {
	sid, err := sessionIDParam(c)
	if err != nil {
		return models.CourseSession{}, err
	}
	sess, err := h.store.GetSession(c.UserContext(), sid)
	if err != nil {
		return sess, err
	}
	if sess.CourseID != course.ID {
		return sess, fiber.ErrNotFound
	}
	return sess, nil
}

// sessionIDParam reads :sid.
func sessionIDParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("sid"), 10, 64)
	if err != nil || id < 1 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}
