package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(oldPercent); debug.SetMemoryLimit(oldLimit) })

	p, l := tuneGC(func(string) string { return "" })
	if p != 300 || l != 80 || debug.SetGCPercent(-1) != 300 || debug.SetMemoryLimit(-1) != 80<<20 {
		t.Fatalf("defaults not applied: %d %d", p, l)
	}
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	env := map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}
	p, l = tuneGC(func(k string) string { return env[k] })
	if p != -1 || l != -1 || debug.SetGCPercent(-1) != 100 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Fatalf("the environment did not win: %d %d", p, l)
	}
}
