// Package handlers is the HTTP layer: one route table, one error handler, the middleware, and one file
// per area. Handlers parse and validate input, call the models, and render HTML or JSON. No SQL here.
package handlers

import (
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

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
	OrgParent      string // the parent body printed on documents (default SỞ CÔNG THƯƠNG TỈNH BẮC GIANG)
	OrgUnit        string // the centre printed on documents
	FilesDir       string // where background jobs write their files (default var/files)

	SessionIdle          time.Duration // a session unused this long ends (default 30 min)
	SessionAbsolute      time.Duration // a session ends this long after login, used or not (default 12 h)
	APITokenTTL          time.Duration // lifetime of a bearer token (default 30 days)
	LoginWindow          time.Duration // the window of the login limits (default 1 min)
	LoginLimitPerAccount int           // failed logins per account per window before 429 (default 10)
	LoginLimitPerIP      int           // login attempts per client address per window (default 60)
	LookupWindow         time.Duration // the window of public look-ups' limit (default 1 min)
	LookupLimitPerIP     int           // public look-ups per client address per window (default 60)
}

// Handler carries the dependencies of every route.
type Handler struct {
	store   *models.Store
	cfg     Config
	log     *slog.Logger
	access  map[string]Access
	openapi []byte
	pages   map[string]*template.Template // every page and the layout, parsed at start, by language (see loadPages)
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
	setDefault(&cfg.OrgParent, "SỞ CÔNG THƯƠNG TỈNH BẮC GIANG")
	setDefault(&cfg.OrgUnit, "TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI")
	setDefault(&cfg.FilesDir, filepath.Join("var", "files"))
	setDefault(&cfg.SessionIdle, 30*time.Minute)
	setDefault(&cfg.SessionAbsolute, 12*time.Hour)
	setDefault(&cfg.APITokenTTL, 30*24*time.Hour)
	setDefault(&cfg.LoginWindow, time.Minute)
	setDefault(&cfg.LookupWindow, time.Minute)
	setDefault(&cfg.LoginLimitPerAccount, 10)
	setDefault(&cfg.LoginLimitPerIP, 60)
	setDefault(&cfg.LookupLimitPerIP, 60)
	return &Handler{store: store, cfg: cfg, log: log, access: map[string]Access{}}
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// RouteAccess returns every registered route ("METHOD /path") with who may use it.
func (h *Handler) RouteAccess() map[string]Access {
	out := make(map[string]Access, len(h.access))
	for k, v := range h.access {
		out[k] = v
	}
	return out
}

// NewApp returns the fully configured Fiber app: config, middleware, error handler, views and routes.
// Tests build the very same app.
func NewApp(h *Handler) (*fiber.App, error) {
	var err error
	if h.pages, err = loadPages(); err != nil {
		return nil, err
	}
	if h.openapi, err = buildOpenAPI(); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
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
	static, err := fs.Sub(templates.FS, "static")
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))
	app.Use(h.requestContext)
	app.Use(h.authenticate)
	app.Use(h.csrf)
	h.routes(app)
	return app, nil
}

func proxyHeader(trusted []string) string {
	if len(trusted) > 0 {
		return fiber.HeaderXForwardedFor
	}
	return ""
}

// templateFuncs are the functions every template may call.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"t":        T,
		"num":      func(n int64) string { return vi.Int(n) },
		"money":    func(n int64) string { return vi.Money(n) },
		"pct":      vi.Percent,
		"date":     vi.Date,
		"datetime": vi.DateTime,
		"field":    func(f form, name string) string { return f.Values[name] },
		"ferr":     func(lang string, f form, name string) string { return fieldMessage(lang, f.Errors[name]) },
		"add":      func(a, b int) int { return a + b },
		"clock":    func(t time.Time) string { return t.In(vi.Zone).Format("15:04") },
		"hrs":      hoursComma,
		"wday":     func(t time.Time) string { return strconv.Itoa(int(t.In(vi.Zone).Weekday())) },
		"deref": func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		},
		"idstr":   idString,
		"pct1":    func(p float64) string { return strings.Replace(strconv.FormatFloat(p, 'f', 1, 64), ".", ",", 1) + "%" },
		"list":    func(v ...string) []string { return v },
		"int64":   func(n int) int64 { return int64(n) },
		"options": options,
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				m[k] = kv[i+1]
			}
			return m
		},
		"hasRole": func(u *models.User, roles ...string) bool {
			return u != nil && slices.Contains(roles, u.Role)
		},
	}
}

// Page is the data every HTML page gets: its language, title, the user, the CSRF token for its forms,
// and request facts for the layout.
type Page struct {
	Lang      string
	Title     string
	Path      string
	RequestID string
	User      *models.User
	CSRF      string
	Data      any
	Content   template.HTML // the page, rendered, for the layout
}

// form is the data of a page with a form: the values typed, field errors (message keys) and a
// general error.
type form struct {
	Values  map[string]string
	Errors  map[string]string
	Error   string
	Clashes []models.Clash
	// Generated is the outcome of a recurring-session generation, shown once on the course page.
	Generated *models.GenerateResult
	Data      any
}

// render renders an HTML page inside the main layout.
func (h *Handler) render(c *fiber.Ctx, status int, name, title string, data any) error {
	lang := Lang(c)
	p := Page{
		Lang:      lang,
		Title:     T(lang, title),
		Path:      c.Path(),
		RequestID: requestID(c),
		User:      currentUser(c),
		Data:      data,
	}
	if sess, ok := c.Locals(localSession).(*models.Session); ok && sess != nil {
		p.CSRF = sess.CSRF
	}
	c.Status(status)
	return h.renderPage(c, name, &p)
}

func requestID(c *fiber.Ctx) string {
	if v, ok := c.Locals(requestid.ConfigDefault.ContextKey).(string); ok {
		return v
	}
	return ""
}

// hoursComma writes a number of hours the Vietnamese way, with a decimal comma: 2,5.
func hoursComma(h float64) string {
	return strings.Replace(strconv.FormatFloat(h, 'f', -1, 64), ".", ",", 1)
}
