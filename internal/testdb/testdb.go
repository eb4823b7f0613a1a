// Package testdb gives each test its own freshly migrated PostgreSQL database, cloned from a template
// that is built once per set of migrations. Without a reachable server the test fails; it never skips.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // PostgreSQL driver

	"khuyencong/migrations"
	"khuyencong/models"
)

const templateLock = 7_451_392_002

// AdminURL is the server the tests use: TEST_DATABASE_URL, else DATABASE_URL.
func AdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("TEST_DATABASE_URL")
	if u == "" {
		u = os.Getenv("DATABASE_URL")
	}
	if u == "" {
		t.Fatal("no PostgreSQL: set TEST_DATABASE_URL (make test does this for you)")
	}
	return u
}

// New returns a pool on a new, migrated database of the test's own; it is dropped when the test ends.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Open("postgres", NewURL(t))
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// NewURL creates a new migrated database and returns its connection string, for tests that start
// servers or several pools. The database is dropped when the test ends.
func NewURL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tmpl, err := ensureTemplate(ctx, AdminURL(t))
	if err != nil {
		t.Fatalf("test database template: %v", err)
	}
	return create(t, tmpl)
}

// NewEmptyURL creates a new database with no schema at all, for tests of migrating from nothing.
func NewEmptyURL(t testing.TB) string {
	t.Helper()
	return create(t, "template0")
}

func create(t testing.TB, tmpl string) string {
	t.Helper()
	admin := AdminURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := "kc_test_" + randomHex(8)
	adb, err := sqlx.Open("postgres", admin)
	if err != nil {
		t.Fatalf("open admin database: %v", err)
	}
	defer adb.Close()
	if _, err := adb.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE %s`, name, tmpl)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		cdb, err := sqlx.Open("postgres", admin)
		if err != nil {
			return
		}
		defer cdb.Close()
		_, _ = cdb.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return withDatabase(admin, name)
}

// ensureTemplate builds the template database for the current migrations once, under an advisory lock,
// so that test packages running in parallel share it.
func ensureTemplate(ctx context.Context, admin string) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	name := "kc_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16]

	adb, err := sqlx.Open("postgres", admin)
	if err != nil {
		return "", err
	}
	defer adb.Close()
	conn, err := adb.Connx(ctx)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", redact(admin), err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		return "", err
	}
	defer func() { _, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, templateLock) }()

	var exists bool
	if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Templates of other migration sets are left alone: another checkout may be testing with them.
	// A half-built template of this set, left by a crashed run, is dropped and built again.
	building := name + "_new"
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, building)); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE template0`, building)); err != nil {
		return "", err
	}
	tdb, err := sqlx.Open("postgres", withDatabase(admin, building))
	if err != nil {
		return "", err
	}
	_, err = models.Migrate(ctx, tdb, migrations.FS)
	tdb.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, building, name)); err != nil {
		return "", err
	}
	return name, nil
}

func withDatabase(dsn, db string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			u.Path = "/" + db
			return u.String()
		}
	}
	return dsn + " dbname=" + db
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return "the test server"
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
