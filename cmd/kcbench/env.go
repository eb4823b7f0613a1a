package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // PostgreSQL driver

	"khuyencong/migrations"
	"khuyencong/models"
)

// env is one run of the harness: a database of its own on the local PostgreSQL (created from the admin
// URL and dropped at the end), the app servers it starts, and a watch on their memory.
type env struct {
	adminURL string
	dbName   string
	dbURL    string
	db       *sqlx.DB
	store    *models.Store
	bin      string // the khuyencong binary
	tmp      string
	secret   string
	log      func(format string, args ...any)
	keep     bool // leave the database for a look afterwards

	mu      sync.Mutex
	servers []*server
	maxRSS  int64 // bytes, the most any server held at one time
	stopRSS chan struct{}
}

func newEnv(ctx context.Context, adminURL, bin string, logf func(string, ...any)) (*env, error) {
	e := &env{adminURL: adminURL, bin: bin, log: logf, stopRSS: make(chan struct{}), secret: "kcbench-" + randomHex(16)}
	var err error
	if e.tmp, err = os.MkdirTemp("", "kcbench-"); err != nil {
		return nil, err
	}
	e.dbName = "kcbench_" + randomHex(6)
	admin, err := sqlx.Open("postgres", adminURL)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+e.dbName+` ENCODING 'UTF8' TEMPLATE template0`); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	e.dbURL = withDatabase(adminURL, e.dbName)
	if e.db, err = models.Open(ctx, e.dbURL, 8); err != nil {
		e.close()
		return nil, err
	}
	if _, err := models.Migrate(ctx, e.db, migrations.FS); err != nil {
		e.close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	e.store = models.NewStore(e.db).WithTokenSecret([]byte(e.secret))
	go e.watchRSS()
	logf("database %s created and migrated", e.dbName)
	return e, nil
}

// close stops every server the harness started (by its PID), drops the database and removes the
// temporary files.
func (e *env) close() {
	e.mu.Lock()
	servers := append([]*server(nil), e.servers...)
	e.mu.Unlock()
	for _, s := range servers {
		s.stop()
	}
	select {
	case <-e.stopRSS:
	default:
		close(e.stopRSS)
	}
	if e.db != nil {
		_ = e.db.Close()
	}
	if e.keep {
		e.log("database kept: %s; server logs in %s", e.dbURL, e.tmp)
		return
	} else if admin, err := sqlx.Open("postgres", e.adminURL); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+e.dbName+` WITH (FORCE)`); err != nil {
			e.log("drop database %s: %v", e.dbName, err)
		}
		cancel()
		_ = admin.Close()
	}
	_ = os.RemoveAll(e.tmp)
}

// server is one `khuyencong serve` process started by the harness.
type server struct {
	name   string
	addr   string // 127.0.0.1:port
	base   string // http://127.0.0.1:port
	cmd    *exec.Cmd
	logf   *os.File
	done   chan struct{}
	env    []string
	filesD string
}

// serverOpts are the environment variables a server starts with beyond the harness's defaults.
type serverOpts map[string]string

// startServer starts `khuyencong serve` on a free loopback port and waits until /readyz answers.
func (e *env) startServer(ctx context.Context, name string, opts serverOpts) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &server{name: name, addr: "127.0.0.1:" + strconv.Itoa(port), filesD: filepath.Join(e.tmp, "files")}
	s.base = "http://" + s.addr
	vars := map[string]string{
		"DATABASE_URL":      e.dbURL,
		"ADDR":              s.addr,
		"BASE_URL":          s.base,
		"FILES_DIR":         s.filesD,
		"CERT_TOKEN_SECRET": e.secret,
	}
	for k, v := range opts {
		vars[k] = v
	}
	s.env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TZ=" + os.Getenv("TZ")}
	for k, v := range vars {
		s.env = append(s.env, k+"="+v)
	}
	return s, e.launch(ctx, s)
}

// restart starts a stopped or killed server again with the same address and environment.
func (e *env) restart(ctx context.Context, s *server) error { return e.launch(ctx, s) }

func (e *env) launch(ctx context.Context, s *server) error {
	lf, err := os.OpenFile(filepath.Join(e.tmp, s.name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	s.logf = lf
	s.cmd = exec.Command(e.bin, "serve")
	s.cmd.Env = s.env
	s.cmd.Stdout, s.cmd.Stderr = lf, lf
	// The server dies with the harness, whatever ends it: no process is left behind.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.name, err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(s.cmd, s.done)
	e.mu.Lock()
	if !containsServer(e.servers, s) {
		e.servers = append(e.servers, s)
	}
	e.mu.Unlock()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("%s exited at start; see its log:\n%s", s.name, tail(filepath.Join(e.tmp, s.name+".log"), 20))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("%s did not become ready in 60 s", s.name)
}

func containsServer(ss []*server, s *server) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (s *server) pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

func (s *server) running() bool {
	if s.done == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// stop asks the server to shut down (SIGTERM) and kills it if it has not stopped within 20 s.
func (s *server) stop() {
	if !s.running() {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	_ = s.logf.Close()
}

// kill9 ends the server at once, as a crash or the OOM killer would.
func (s *server) kill9() {
	if !s.running() {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	_ = s.logf.Close()
}

// watchRSS samples every running server's resident memory (VmRSS) ten times a second.
func (e *env) watchRSS() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-e.stopRSS:
			return
		case <-t.C:
		}
		e.mu.Lock()
		for _, s := range e.servers {
			if s.running() {
				if rss := vmRSS(s.pid()); rss > e.maxRSS {
					e.maxRSS = rss
				}
			}
		}
		e.mu.Unlock()
	}
}

func (e *env) peakRSS() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.maxRSS
}

// vmRSS reads a process's resident set size from /proc/<pid>/status, in bytes.
func vmRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func withDatabase(dsn, db string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn + " dbname=" + db
	}
	u.Path = "/" + db
	return u.String()
}

// pgConn splits a postgres:// URL into pgbench and psql flags and the password for PGPASSWORD.
func pgConn(dsn string) (args []string, password string, err error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		return nil, "", errors.New("the admin URL must be a postgres:// URL")
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		host, port = u.Host, "5432"
	}
	args = []string{"-h", host, "-p", port}
	if u.User != nil {
		args = append(args, "-U", u.User.Username())
		password, _ = u.User.Password()
	}
	return args, password, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
