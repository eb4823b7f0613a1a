package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/invariants"
)

// check is one line of the drills' table: what a drill promised and what was seen.
type check struct {
	Drill    string
	What     string
	Measured string
	OK       bool
}

type drill struct {
	name string
	run  func(ctx context.Context, e *env) ([]check, error)
}

// drills plays each fault against servers of its own on the demo data, then checks the invariants.
func drills(ctx context.Context, e *env, only map[string]bool) error {
	start := time.Now()
	msg, err := e.seedData(ctx, 1)
	if err != nil {
		return err
	}
	e.log("%s", msg)
	all := []drill{
		{"outage", drillOutage},
		{"lock", drillLock},
		{"crash", drillCrash},
		{"slow-clients", drillSlowClients},
		{"bodies", drillBodies},
	}
	var checks []check
	for _, d := range all {
		if only != nil && !only[d.name] {
			continue
		}
		e.log("drill %s", d.name)
		dctx, cancel := context.WithTimeout(ctx, 3*time.Minute) // no drill goes on by itself
		cs, err := d.run(dctx, e)
		cancel()
		if err != nil {
			return fmt.Errorf("drill %s: %w", d.name, err)
		}
		vs, err := invariants.Check(ctx, e.db.DB)
		if err != nil {
			return err
		}
		cs = append(cs, check{d.name, "invariants afterwards", fmt.Sprintf("%d broken %v", len(vs), vs), len(vs) == 0})
		for _, c := range cs {
			e.log("  %-5v %s: %s", c.OK, c.What, c.Measured)
		}
		checks = append(checks, cs...)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nmake drills, %s in all\n\n| drill | promise | seen | kept |\n|---|---|---|---|\n", time.Since(start).Round(time.Second))
	failed := 0
	for _, c := range checks {
		kept := "yes"
		if !c.OK {
			kept, failed = "**NO**", failed+1
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Drill, c.What, c.Measured, kept)
	}
	fmt.Print(b.String())
	if failed > 0 {
		return fmt.Errorf("%d promises broken (see the table)", failed)
	}
	return nil
}

// answer is one request of a drill's load, as the client saw it.
type answer struct {
	start      time.Time
	took       time.Duration
	status     int // 0: no answer (transport error)
	retryAfter string
	err        error
}

// call sends one request and reads the whole answer. Only 127.0.0.1 is ever called.
func call(ctx context.Context, c *http.Client, method, url, token string, body []byte) answer {
	a := answer{start: time.Now()}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		a.err = errors.New("refusing a non-loopback address")
		return a
	}
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		a.err = err
		return a
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		a.took, a.err = time.Since(a.start), err
		return a
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	a.took, a.status, a.retryAfter = time.Since(a.start), resp.StatusCode, resp.Header.Get("Retry-After")
	return a
}

var goroutineTotal = regexp.MustCompile(`goroutine profile: total (\d+)`)

// goroutines reads a server's goroutine count from its loopback profiling endpoint (DEBUG_ADDR).
func goroutines(debugAddr string) (int, error) {
	resp, err := http.Get("http://" + debugAddr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	m := goroutineTotal.FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("goroutine profile not understood")
	}
	return strconv.Atoi(string(m[1]))
}

// settleGoroutines waits (at most wait) for a server's goroutines to come back to within slack of
// baseline, and returns the last count.
func settleGoroutines(debugAddr string, baseline, slack int, wait time.Duration) (int, bool) {
	deadline := time.Now().Add(wait)
	n := -1
	for {
		if g, err := goroutines(debugAddr); err == nil {
			n = g
			if g <= baseline+slack {
				return g, true
			}
		}
		if time.Now().After(deadline) {
			return n, false
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// topStacks names the most common goroutine stacks of a server (debug=1 groups them by count).
func topStacks(debugAddr string, n int) string {
	resp, err := http.Get("http://" + debugAddr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out []string
	for _, group := range strings.Split(string(b), "\n\n")[1:] {
		lines := strings.Split(strings.TrimSpace(group), "\n")
		if len(lines) < 2 || len(out) >= n {
			continue
		}
		count := strings.Fields(lines[0])[0]
		fn := strings.Fields(strings.TrimPrefix(lines[1], "#"))
		if len(fn) >= 2 {
			out = append(out, count+"× "+fn[1])
		}
	}
	return strings.Join(out, ", ")
}

func debugAddr() (string, error) {
	p, err := freePort()
	return "127.0.0.1:" + strconv.Itoa(p), err
}

// percentile of durations, in milliseconds (p in 0..100).
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	c := append([]time.Duration(nil), ds...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	i := int(float64(len(c)-1) * p / 100)
	return float64(c[i]) / 1e6
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/1e6) }

// statusCounts summarises answers as "201×40 503×12 err×0".
func statusCounts(as []answer) string {
	m := map[string]int{}
	for _, a := range as {
		k := strconv.Itoa(a.status)
		if a.err != nil {
			k = "no answer"
		}
		m[k]++
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

func maxTook(as []answer) time.Duration {
	var m time.Duration
	for _, a := range as {
		if a.took > m {
			m = a.took
		}
	}
	return m
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }
