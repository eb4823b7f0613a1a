package handlers

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// accessLog writes one line per request. Query strings are left out: they may carry tokens.
func (h *Handler) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		if fe, ok := err.(*fiber.Error); ok {
			status = fe.Code
		}
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
	}
	h.log.LogAttrs(c.UserContext(), level, "request",
		slog.String("method", c.Method()),
		slog.String("path", logPath(c.Path())),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", requestID(c)),
	)
	return err
}

// requestContext gives every request a context with a deadline; models receive it through UserContext.
func (h *Handler) requestContext(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

func (h *Handler) logPanic(c *fiber.Ctx, e any) {
	h.log.Error("panic", slog.Any("panic", e), slog.String("path", logPath(c.Path())), slog.String("request_id", requestID(c)))
}
