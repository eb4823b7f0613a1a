package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"khuyencong/internal/tcpproxy"
	"khuyencong/internal/testdb"
)

// When the database goes away /readyz says 503 while the process keeps serving /healthz, and when it
// comes back the app recovers by itself.
func TestReadyzFollowsTheDatabase(t *testing.T) {
	u, err := url.Parse(testdb.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := tcpproxy.Listen(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	u.Host = proxy.Addr()
	db, err := sqlx.Open("postgres", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	app, _ := newAppOn(t, db)

	if r := do(t, app, http.MethodGet, "/readyz", nil); r.Status != 200 {
		t.Fatalf("before the outage: %d", r.Status)
	}
	if r := do(t, app, http.MethodGet, "/", nil); r.Status != 200 {
		t.Fatalf("home before the outage: %d", r.Status)
	}

	proxy.Cut()
	start := time.Now()
	r := do(t, app, http.MethodGet, "/readyz", nil)
	if r.Status != 503 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("during the outage: %d (Retry-After %q), want 503", r.Status, r.Header.Get("Retry-After"))
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("readyz took %s during the outage", d)
	}
	if r := do(t, app, http.MethodGet, "/healthz", nil); r.Status != 200 {
		t.Fatalf("healthz during the outage: %d", r.Status)
	}
	if r := do(t, app, http.MethodGet, "/", map[string]string{"Accept": "application/json"}); r.Status != 503 {
		t.Fatalf("a page that needs the database during the outage: %d, want 503", r.Status)
	}

	if err := proxy.Restore(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := do(t, app, http.MethodGet, "/readyz", nil)
		if r.Status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready 10 s after the database came back: %d", r.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r := do(t, app, http.MethodGet, "/", nil); r.Status != 200 {
		t.Fatalf("home after the outage: %d", r.Status)
	}
}
