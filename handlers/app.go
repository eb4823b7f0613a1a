// Package handlers is the HTTP layer: one route table, one error handler, the middleware, and one file
// per area. Handlers parse and validate input, call the models, and render HTML or JSON. No SQL here.
package handlers

import (
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/template/html/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
	"khuyencong/templates"
)

// Config is what the HTTP layer needs to know about its deployment.
type Config struct {
	BaseURL        string        // public root URL, printed in QR codes and calendar feeds
	RequestTimeout time.Duration // deadline for each request's database work
	BodyLimit      int           // largest request body, in bytes
	TrustedProxies []string      // addresses whose X-Forwarded-For is believed
	Version        string
}

// Handler carries the dependencies of every route.
type Handler struct {
	store *models.Store
	cfg   Config
	log   *slog.Logger
}

// New returns a handler; zero config fields get sensible defaults.
func New(store *models.Store, cfg Config, log *slog.Logger) *Handler {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 8 << 20
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://localhost:8080"
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if log == nil {
		log = slog.Default()
	}
	return &Handler{store: store, cfg: cfg, log: log}
}

// NewApp returns the fully configured Fiber app: config, middleware, error handler, views and routes.
// Tests build the very same app.
func NewApp(h *Handler) (*fiber.App, error) {
	views, err := newViews()
	if err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{
		AppName:                 "khuyencong",
		Immutable:               true,
		ReadTimeout:             15 * time.Second,
		WriteTimeout:            60 * time.Second,
		IdleTimeout:             90 * time.Second,
		BodyLimit:               h.cfg.BodyLimit,
		ReadBufferSize:          16 << 10,
		DisableStartupMessage:   true,
		ErrorHandler:            h.handleError,
		Views:                   views,
		PassLocalsToViews:       false,
		EnableTrustedProxyCheck: len(h.cfg.TrustedProxies) > 0,
		TrustedProxies:          h.cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(h.cfg.TrustedProxies),
	})
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: h.logPanic}))
	app.Use(requestid.New())
	app.Use(h.accessLog)
	app.Use(helmet.New(helmet.Config{
		ReferrerPolicy:            "same-origin",
		ContentSecurityPolicy:     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'",
		CrossOriginEmbedderPolicy: "unsafe-none",
		PermissionPolicy:          "camera=(self), microphone=(), geolocation=()",
	}))
	app.Use(h.requestContext)
	static, err := fs.Sub(templates.FS, "static")
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))
	h.routes(app)
	return app, nil
}

func proxyHeader(trusted []string) string {
	if len(trusted) > 0 {
		return fiber.HeaderXForwardedFor
	}
	return ""
}

// newViews parses every template now, so that a broken template stops the start instead of a page.
func newViews() (*html.Engine, error) {
	engine := html.NewFileSystem(http.FS(templates.FS), ".html")
	engine.AddFuncMap(template.FuncMap{
		"t":        T,
		"num":      func(n int64) string { return vi.Int(n) },
		"money":    func(n int64) string { return vi.Money(n) },
		"pct":      vi.Percent,
		"date":     vi.Date,
		"datetime": vi.DateTime,
	})
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	return engine, nil
}

// Page is the data every HTML page gets: its language, title and request facts for the layout.
type Page struct {
	Lang      string
	Title     string
	Path      string
	RequestID string
	Data      any
}

// render renders an HTML page inside the main layout.
func (h *Handler) render(c *fiber.Ctx, status int, name, title string, data any) error {
	lang := Lang(c)
	c.Status(status)
	return c.Render(name, Page{
		Lang:      lang,
		Title:     T(lang, title),
		Path:      c.Path(),
		RequestID: requestID(c),
		Data:      data,
	}, "layouts/main")
}

func requestID(c *fiber.Ctx) string {
	if v, ok := c.Locals(requestid.ConfigDefault.ContextKey).(string); ok {
		return v
	}
	return ""
}
