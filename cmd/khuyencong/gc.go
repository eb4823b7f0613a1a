package main

import (
	"runtime/debug"
	"strings"
)

// The server's garbage collector runs less often than Go's default: at GOGC=100 a page of the public
// catalogue spent about a tenth of the server's CPU on collection, and GOGC=300 served ~15% more pages
// a second under load (docs/benchmarks.md) for ~15 MB more memory. A soft memory limit keeps the heap
// well under the 150 MB the server is allowed, collecting sooner only when it gets near.
const (
	serveGCPercent  = 300
	serveMemLimitMB = 80
)

// tuneGC applies the server's collector settings unless GOGC or GOMEMLIMIT is set in the environment,
// which always wins; it returns what applies (-1 for "Go's own").
func tuneGC(getenv func(string) string) (percent int, limitMB int64) {
	percent, limitMB = -1, -1
	if strings.TrimSpace(getenv("GOGC")) == "" {
		debug.SetGCPercent(serveGCPercent)
		percent = serveGCPercent
	}
	if strings.TrimSpace(getenv("GOMEMLIMIT")) == "" {
		debug.SetMemoryLimit(serveMemLimitMB << 20)
		limitMB = serveMemLimitMB
	}
	return percent, limitMB
}
