// Command khuyencong is the whole system in one binary: the web server, migrations, demo data and
// user administration. Configuration comes from the environment only (see README.md).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh on machines without a zoneinfo database

	"github.com/jmoiron/sqlx"
	"golang.org/x/term"

	"khuyencong/handlers"
	"khuyencong/migrations"
	"khuyencong/models"
	"khuyencong/models/demo"
)

const usage = `khuyencong — training management for the Industrial Promotion Centre

Usage:
  khuyencong serve                       migrate, then serve HTTP on $ADDR
  khuyencong migrate                     apply pending migrations and exit
  khuyencong seed --demo [--if-empty]    load the demo data set
  khuyencong user add --email E --role R [--name N]
                                         create a user; the password is read from stdin,
                                         or generated and printed once when stdin is a terminal or empty
`

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "khuyencong:", err)
		os.Exit(1)
	}
}

// config is read from the environment only.
type config struct {
	DatabaseURL    string
	Addr           string
	BaseURL        string
	MaxConns       int
	RequestTimeout time.Duration
	LogLevel       slog.Level
	LogFormat      string
	TrustedProxies []string
	TokenSecret    []byte
	FilesDir       string
	JobStaleAfter  time.Duration // a running job whose runner has been silent this long is claimed again
	DebugAddr      string        // loopback address of the profiling endpoints (net/http/pprof); empty: none
	LookupLimit    int           // public look-ups (trainee links, certificate checks) per client address per window
	LookupWindow   time.Duration
}

func loadConfig() (config, error) {
	c := config{
		DatabaseURL: env("DATABASE_URL", "postgres://khuyencong:khuyencong@127.0.0.1:5432/khuyencong?sslmode=disable"),
		Addr:        env("ADDR", ":8080"),
		BaseURL:     strings.TrimRight(env("BASE_URL", "http://localhost:8080"), "/"),
		LogFormat:   env("LOG_FORMAT", "text"),
	}
	var err error
	if c.MaxConns, err = strconv.Atoi(env("DB_MAX_CONNS", strconv.Itoa(defaultMaxConns()))); err != nil || c.MaxConns < 1 {
		return c, errors.New("DB_MAX_CONNS must be a positive whole number")
	}
	if c.RequestTimeout, err = time.ParseDuration(env("REQUEST_TIMEOUT", "10s")); err != nil || c.RequestTimeout <= 0 {
		return c, errors.New("REQUEST_TIMEOUT must be a duration such as 10s")
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		return c, errors.New("LOG_LEVEL must be debug, info, warn or error")
	}
	c.FilesDir = env("FILES_DIR", "var/files")
	if c.JobStaleAfter, err = time.ParseDuration(env("JOB_STALE_AFTER", "30s")); err != nil || c.JobStaleAfter <= 0 {
		return c, errors.New("JOB_STALE_AFTER must be a duration such as 30s")
	}
	if c.LookupLimit, err = strconv.Atoi(env("LOOKUP_LIMIT", "60")); err != nil || c.LookupLimit < 1 {
		return c, errors.New("LOOKUP_LIMIT must be a positive whole number")
	}
	if c.LookupWindow, err = time.ParseDuration(env("LOOKUP_WINDOW", "1m")); err != nil || c.LookupWindow < time.Second {
		return c, errors.New("LOOKUP_WINDOW must be a duration of at least 1s, such as 1m")
	}
	if c.DebugAddr = os.Getenv("DEBUG_ADDR"); c.DebugAddr != "" && !loopback(c.DebugAddr) {
		return c, errors.New("DEBUG_ADDR must be a loopback address such as 127.0.0.1:6060: the profiles are not for the network")
	}
	if s := os.Getenv("CERT_TOKEN_SECRET"); s != "" {
		if len(s) < 32 {
			return c, errors.New("CERT_TOKEN_SECRET must be at least 32 characters")
		}
		c.TokenSecret = []byte(s)
	}
	if p := strings.TrimSpace(os.Getenv("TRUSTED_PROXIES")); p != "" {
		for _, a := range strings.Split(p, ",") {
			c.TrustedProxies = append(c.TrustedProxies, strings.TrimSpace(a))
		}
	}
	return c, nil
}

// defaultMaxConns sizes the pool for the machine: four connections per CPU (8 on two cores), between 4
// and 16. More only queue inside PostgreSQL: on two cores, 8 gave the best tail latency of 4–16 under
// the benchmark (docs/benchmarks.md), and an unbounded pool gave "too many clients" errors in a burst.
func defaultMaxConns() int {
	return min(16, max(4, 4*runtime.GOMAXPROCS(0)))
}

func env(key, def string) string {
	if v := strings.TrimSpace(os.Getenv(key)); v != "" {
		return v
	}
	return def
}

func newLogger(c config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return errors.New("no command given")
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := newLogger(cfg, os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch args[0] {
	case "serve":
		percent, limit := tuneGC(os.Getenv)
		log.Debug("garbage collector", "gc_percent", percent, "memory_limit_mb", limit)
		return serve(ctx, cfg, log)
	case "migrate":
		db, err := openAndMigrate(ctx, cfg, log)
		if err != nil {
			return err
		}
		return db.Close()
	case "seed":
		return seed(ctx, cfg, log, args[1:], stdout)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return errors.New("usage: khuyencong user add --email E --role R [--name N]")
		}
		return userAdd(ctx, cfg, log, args[2:], stdin, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func openAndMigrate(ctx context.Context, cfg config, log *slog.Logger) (*sqlx.DB, error) {
	db, err := models.Open(ctx, cfg.DatabaseURL, cfg.MaxConns)
	if err != nil {
		return nil, err
	}
	applied, err := models.Migrate(ctx, db, migrations.FS)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	for _, name := range applied {
		log.Info("migration applied", slog.String("file", name))
	}
	return db, nil
}

func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	db, err := openAndMigrate(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.TokenSecret == nil {
		log.Warn("CERT_TOKEN_SECRET is not set: certificate QR tokens use the development secret; set it in production")
	}
	h := handlers.New(models.NewStore(db).WithTokenSecret(cfg.TokenSecret), handlers.Config{
		BaseURL:          cfg.BaseURL,
		RequestTimeout:   cfg.RequestTimeout,
		TrustedProxies:   cfg.TrustedProxies,
		FilesDir:         cfg.FilesDir,
		LookupLimitPerIP: cfg.LookupLimit,
		LookupWindow:     cfg.LookupWindow,
	}, log)
	app, err := handlers.NewApp(h)
	if err != nil {
		return err
	}
	jobs, stopJobs := context.WithCancel(context.Background())
	defer stopJobs()
	go h.RunJobs(jobs, time.Second, cfg.JobStaleAfter)
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(cfg.Addr) }()
	log.Info("listening", slog.String("addr", cfg.Addr), slog.String("base_url", cfg.BaseURL))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopJobs()
	if err := app.ShutdownWithTimeout(15 * time.Second); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func seed(ctx context.Context, cfg config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	isDemo := fs.Bool("demo", false, "load the demo data set")
	ifEmpty := fs.Bool("if-empty", false, "only when the database has no users yet")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*isDemo {
		return errors.New("usage: khuyencong seed --demo [--if-empty]")
	}
	db, err := openAndMigrate(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	store := models.NewStore(db)
	n, err := store.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 && *ifEmpty {
		fmt.Fprintln(stdout, "The database already has data: demo data not loaded.")
	} else {
		start := time.Now()
		sum, err := demo.Seed(ctx, store)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Demo data loaded in %s: %d establishments, %d support records, %d courses, %d trainees, %d enrolments.\n",
			time.Since(start).Round(time.Millisecond), sum.Establishments, sum.Supports, sum.Courses, sum.Trainees, sum.Enrolments)
	}
	fmt.Fprintln(stdout, "\nDemo logins (role, e-mail, password):")
	for _, l := range demo.Logins {
		fmt.Fprintf(stdout, "  %-8s %-28s %s\n", l.Role, l.Email, l.Password)
	}
	return nil
}

func userAdd(ctx context.Context, cfg config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "e-mail address (the login)")
	role := fs.String("role", "", "admin, staff, trainer or master")
	name := fs.String("name", "", "full name (defaults to the part of the e-mail before @)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		*name = strings.SplitN(*email, "@", 2)[0]
	}
	password, generated, err := readPassword(stdin)
	if err != nil {
		return err
	}
	db, err := openAndMigrate(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := models.NewStore(db).CreateUser(ctx, models.SystemActor("cli"), models.NewUser{
		Email: *email, FullName: *name, Role: *role, Password: password,
	})
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		return fmt.Errorf("not created: %v", ve.Fields)
	case errors.Is(err, models.ErrDuplicate):
		return fmt.Errorf("not created: a user with e-mail %s exists", *email)
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "Created %s user %s (id %d).\n", u.Role, u.Email, u.ID)
	if generated {
		fmt.Fprintf(stdout, "Password (shown once): %s\n", password)
	}
	return nil
}

// readPassword takes the first line of stdin when it is piped; on a terminal, or with nothing piped,
// it generates a strong password.
func readPassword(stdin io.Reader) (string, bool, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return models.RandomToken(15), true, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return models.RandomToken(15), true, nil
	}
	return line, false, nil
}
