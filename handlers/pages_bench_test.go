package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"syscall"
	"testing"

	"github.com/valyala/fasthttp"

	"khuyencong/handlers"
	"khuyencong/internal/testdb"
	"khuyencong/models"
	"khuyencong/models/demo"
)

// BenchmarkPublicPages serves public pages on the demo data through the app's own handler (every
// middleware, the store, the templates; no network), one request at a time: the time and the memory
// a page costs the server, which the wrk figures of make bench cannot separate from wrk and
// PostgreSQL sharing the machine.
func BenchmarkPublicPages(b *testing.B) {
	store := models.NewStore(testdb.New(b))
	if _, err := demo.Seed(context.Background(), store); err != nil {
		b.Fatal(err)
	}
	var course int64
	if err := store.DB().Get(&course, `SELECT min(id) FROM courses WHERE status IN ('approved', 'running')`); err != nil {
		b.Fatal(err)
	}
	h := handlers.New(store, handlers.Config{BaseURL: "http://localhost:8080"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	app, err := handlers.NewApp(h)
	if err != nil {
		b.Fatal(err)
	}
	serve := app.Handler()
	for _, path := range []string{fmt.Sprintf("/catalogue/%d", course), "/catalogue", fmt.Sprintf("/api/v1/catalogue/%d", course)} {
		b.Run(path, func(b *testing.B) {
			var rc fasthttp.RequestCtx
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				rc.Request.Reset()
				rc.Response.Reset()
				rc.Request.SetRequestURI(path)
				rc.Request.Header.SetHost("localhost")
				serve(&rc)
				if rc.Response.StatusCode() != 200 {
					b.Fatalf("%s: %d", path, rc.Response.StatusCode())
				}
			}
			// The server's own CPU per page (user + system time of this process; PostgreSQL's is its own):
			// ns/op is mostly waiting for the database, one request at a time.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU is the CPU time this process has used, user and system, in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
