package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
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
