package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestDebugEndpointsOnlyOnLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:6060": true, "localhost:0": true, "[::1]:6060": true,
		":6060": false, "0.0.0.0:6060": false, "10.0.0.5:6060": false, "nonsense": false} {
		if got := loopback(addr); got != want {
			t.Errorf("loopback(%q) = %v", addr, got)
		}
	}
	t.Setenv("DEBUG_ADDR", ":6060")
	if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("DEBUG_ADDR :6060 accepted: %v", err)
	}
	t.Setenv("DEBUG_ADDR", "")
	t.Setenv("JOB_STALE_AFTER", "3s")
	if c, err := loadConfig(); err != nil || c.JobStaleAfter.Seconds() != 3 {
		t.Fatalf("JOB_STALE_AFTER: %v %v", c.JobStaleAfter, err)
	}
	addr := freePort(t)
	stop, err := serveDebug(addr, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	res, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.HasPrefix(string(b), "goroutine profile: total ") {
		t.Fatalf("goroutine profile: %.80s", b)
	}
}

// The public look-up limit comes from the environment: a centre whose trainees share a carrier's
// address may raise it; nonsense stops the start.
func TestLookupLimitFromEnvironment(t *testing.T) {
	if c, err := loadConfig(); err != nil || c.LookupLimit != 60 || c.LookupWindow != time.Minute {
		t.Fatalf("defaults: %d %v %v", c.LookupLimit, c.LookupWindow, err)
	}
	t.Setenv("LOOKUP_LIMIT", "500")
	t.Setenv("LOOKUP_WINDOW", "5m")
	if c, err := loadConfig(); err != nil || c.LookupLimit != 500 || c.LookupWindow != 5*time.Minute {
		t.Fatalf("set: %d %v %v", c.LookupLimit, c.LookupWindow, err)
	}
	for _, bad := range [][2]string{{"0", "1m"}, {"x", "1m"}, {"10", "10ms"}, {"10", "soon"}} {
		t.Setenv("LOOKUP_LIMIT", bad[0])
		t.Setenv("LOOKUP_WINDOW", bad[1])
		if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "LOOKUP_") {
			t.Errorf("%v accepted: %v", bad, err)
		}
	}
}
