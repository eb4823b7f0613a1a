package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"khuyencong/internal/testdb"
	"khuyencong/migrations"
	"khuyencong/models"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds khuyencong once per test run, so the tests drive the real program.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "khuyencong-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "khuyencong")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type proc struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	addr   string
}

func startServe(t *testing.T, dsn string) *proc {
	t.Helper()
	addr := freePort(t)
	cmd := exec.Command(binary(t), "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "ADDR="+addr, "BASE_URL=http://"+addr, "DB_MAX_CONNS=4")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	p := &proc{cmd: cmd, stderr: &stderr, addr: addr}
	return p
}

func waitReady(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never became ready", addr)
}

// Two servers started at the same moment on an empty database migrate it once, with no error,
// and both stop cleanly on SIGTERM.
func TestTwoServersMigrateAnEmptyDatabaseOnce(t *testing.T) {
	dsn := testdb.NewEmptyURL(t)
	a, b := startServe(t, dsn), startServe(t, dsn)
	for _, p := range []*proc{a, b} {
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, p := range []*proc{a, b} {
			if p.cmd.ProcessState == nil {
				_ = p.cmd.Process.Kill()
				_, _ = p.cmd.Process.Wait()
			}
		}
	})
	waitReady(t, a.addr)
	waitReady(t, b.addr)
	for _, p := range []*proc{a, b} {
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- p.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server on %s exited with %v:\n%s", p.addr, err, p.stderr)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("server on %s did not stop on SIGTERM", p.addr)
		}
	}
	logs := a.stderr.String() + b.stderr.String()
	if strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "khuyencong:") {
		t.Fatalf("a server logged an error:\n%s", logs)
	}
	all, err := models.LoadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs, "migration applied"); n != len(all) {
		t.Fatalf("%d migrations applied in all, want %d:\n%s", n, len(all), logs)
	}
	db := sqlx.MustOpen("postgres", dsn)
	defer db.Close()
	var versions int
	if err := db.Get(&versions, `SELECT count(*) FROM schema_migrations`); err != nil || versions != len(all) {
		t.Fatalf("schema_migrations has %d rows (%v), want %d", versions, err, len(all))
	}
}

func TestUserAdd(t *testing.T) {
	dsn := testdb.NewURL(t)
	run := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(binary(t), args...)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("mat-khau-rat-dai-2026\n", "user", "add", "--email", "CanBo@Example.vn", "--role", "staff", "--name", "Trần Thị Cán Bộ")
	if err != nil || !strings.Contains(out, "Created staff user canbo@example.vn") || strings.Contains(out, "mat-khau") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	out, err = run("", "user", "add", "--email", "admin@example.vn", "--role", "admin")
	if err != nil || !strings.Contains(out, "Password (shown once): ") {
		t.Fatalf("user add with a generated password: %v\n%s", err, out)
	}
	generated := strings.TrimSpace(out[strings.Index(out, "Password (shown once): ")+len("Password (shown once): "):])

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "add", "--email", "canbo@example.vn", "--role", "staff"}, "exists"},
		{[]string{"user", "add", "--email", "x@example.vn", "--role", "boss"}, "invalid_role"},
		{[]string{"user", "add", "--email", "not-an-email", "--role", "staff"}, "invalid_email"},
	} {
		out, err := run("mat-khau-rat-dai-2026\n", c.args...)
		if err == nil || !strings.Contains(out, c.want) {
			t.Errorf("%v: want a failure mentioning %q, got %v\n%s", c.args, c.want, err, out)
		}
	}
	if out, err := run("ngan\n", "user", "add", "--email", "short@example.vn", "--role", "staff"); err == nil || !strings.Contains(out, "password_too_short") {
		t.Errorf("a short password was accepted: %s", out)
	}

	db := sqlx.MustOpen("postgres", dsn)
	defer db.Close()
	var hashes []struct {
		Email string `db:"email"`
		Hash  string `db:"password_hash"`
	}
	if err := db.Select(&hashes, `SELECT email, password_hash FROM users ORDER BY email`); err != nil || len(hashes) != 2 {
		t.Fatalf("users: %v %v", hashes, err)
	}
	if !models.CheckPassword(hashes[1].Hash, "mat-khau-rat-dai-2026") || !strings.HasPrefix(hashes[1].Hash, "$argon2id$") {
		t.Errorf("canbo's password does not check")
	}
	if !models.CheckPassword(hashes[0].Hash, generated) {
		t.Errorf("the generated password does not check")
	}
	var audits int
	if err := db.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = 'user.create' AND actor = 'cli'`); err != nil || audits != 2 {
		t.Errorf("audit rows: %d (%v)", audits, err)
	}
}
