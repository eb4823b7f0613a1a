package handlers

import (
	"context"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/gofiber/fiber/v2"
	"github.com/lib/pq"

	"khuyencong/models"
)

// Problem is an RFC 9457 problem-details body.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
	Clashes   []models.Clash    `json:"clashes,omitempty"`
	Overlaps  []models.Overlap  `json:"overlaps,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// fieldErrors is returned by handlers when input fails validation; the error handler shows the fields.
type fieldErrors map[string]string

func (f fieldErrors) Error() string { return "invalid input" }

// conflictFields is returned when input collides with a record that exists (a national ID already
// registered): 409 with the fields at fault.
type conflictFields map[string]string

func (f conflictFields) Error() string { return "conflicting input" }

// handleError is the one exit for errors: it picks the status, logs only what is unexpected, and answers
// an HTML page or application/problem+json. It never shows err.Error() to the client.
func (h *Handler) handleError(c *fiber.Ctx, err error) error {
	status, fields := classify(err)
	switch {
	case status >= 500 && status != fiber.StatusServiceUnavailable:
		h.log.Error("request failed", slog.String("path", logPath(c.Path())), slog.String("request_id", requestID(c)), slog.Any("error", err))
	case status == fiber.StatusServiceUnavailable:
		h.log.Warn("database unavailable", slog.String("path", logPath(c.Path())), slog.String("request_id", requestID(c)), slog.Any("error", err))
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	lang := Lang(c)
	msg := T(lang, "error."+strconv.Itoa(status))
	if strings.HasPrefix(msg, "error.") {
		msg = T(lang, "error.title")
	}
	if wantsJSON(c) {
		p := Problem{
			Type:      "about:blank",
			Title:     httpTitle(status),
			Status:    status,
			Detail:    msg,
			Errors:    translateFields(lang, fields),
			RequestID: requestID(c),
		}
		var ce *models.ClashError
		if errors.As(err, &ce) {
			p.Clashes = ce.Clashes
			p.Detail = T(lang, "courses.clash")
		}
		c.Status(status)
		c.Set(fiber.HeaderContentType, "application/problem+json; charset=utf-8")
		return c.JSON(p, "application/problem+json; charset=utf-8")
	}
	rerr := h.render(c, status, "errors/error", "error.title", map[string]any{"Status": status, "Message": msg})
	if rerr != nil {
		h.log.Error("render error page", slog.Any("error", rerr))
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(msg)
	}
	return nil
}

func httpTitle(status int) string {
	if t := fiber.NewError(status).Message; t != "" {
		return t
	}
	return "Error"
}

func translateFields(lang string, f map[string]string) map[string]string {
	if len(f) == 0 {
		return nil
	}
	out := make(map[string]string, len(f))
	for k, v := range f {
		out[k] = fieldMessage(lang, v)
	}
	return out
}

// fieldMessage translates a field error's message key ("required", "invalid_email"…).
func fieldMessage(lang, key string) string {
	if key == "" {
		return ""
	}
	if m := T(lang, "field."+key); !strings.HasPrefix(m, "field.") {
		return m
	}
	return key
}

// classify maps an error to an HTTP status and, for invalid input, the fields at fault.
func classify(err error) (int, map[string]string) {
	var fe *fiber.Error
	var fields fieldErrors
	var conflict conflictFields
	var ve *models.ValidationError
	switch {
	case errors.As(err, &conflict):
		return fiber.StatusConflict, conflict
	case errors.As(err, &fields):
		return fiber.StatusUnprocessableEntity, fields
	case errors.As(err, &ve):
		return fiber.StatusUnprocessableEntity, ve.Fields
	case errors.As(err, &fe):
		return fe.Code, nil
	case errors.Is(err, models.ErrNotFound):
		return fiber.StatusNotFound, nil
	case errors.Is(err, models.ErrDuplicate), errors.Is(err, models.ErrConflict), errors.Is(err, models.ErrInUse), errors.Is(err, models.ErrFull):
		return fiber.StatusConflict, nil
	case errors.Is(err, models.ErrInvalid):
		return fiber.StatusUnprocessableEntity, nil
	case unavailable(err):
		return fiber.StatusServiceUnavailable, nil
	}
	return fiber.StatusInternalServerError, nil
}

// unavailable reports errors that mean "the database cannot serve now": a deadline passed, the
// connection was refused or dropped, or the server is shutting down or starting.
func unavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		code := string(pe.Code)
		return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03" || code == "53300" || code == "57014"
	}
	return strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "bad connection")
}

// wantsJSON is true for the API and for clients that prefer JSON to HTML.
func wantsJSON(c *fiber.Ctx) bool {
	if strings.HasPrefix(c.Path(), "/api/") {
		return true
	}
	accept := c.Get(fiber.HeaderAccept)
	return strings.Contains(accept, "json") && !strings.Contains(accept, "text/html")
}
