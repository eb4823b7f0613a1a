package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one wrk run measured.
type wrkResult struct {
	RPS      float64
	P99      time.Duration
	Requests int
	Bad      int // non-2xx/3xx answers plus socket errors
}

// runWrk drives url with wrk (Debian's package): conns connections over two threads for dur, the
// request paths coming from the Lua script. Only 127.0.0.1 is ever loaded.
func runWrk(ctx context.Context, tmp, base, lua string, headers []string, conns int, dur time.Duration) (wrkResult, error) {
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		return wrkResult{}, fmt.Errorf("refusing to load %s: only 127.0.0.1", base)
	}
	script := filepath.Join(tmp, "wrk-"+randomHex(4)+".lua")
	if err := os.WriteFile(script, []byte(lua), 0o600); err != nil {
		return wrkResult{}, err
	}
	defer os.Remove(script)
	args := []string{"-t2", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(dur.Seconds())) + "s", "--latency", "--timeout", "10s", "-s", script}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	args = append(args, base)
	cctx, cancel := context.WithTimeout(ctx, dur+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(cctx, "wrk", args...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	return parseWrk(string(out))
}

var (
	wrkRPS      = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkP99      = regexp.MustCompile(`\n\s+99%\s+([0-9.]+)(us|ms|s|m)\b`)
	wrkRequests = regexp.MustCompile(`(\d+) requests in`)
	wrkNon2xx   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSocket   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	m := wrkRPS.FindStringSubmatch(out)
	p := wrkP99.FindStringSubmatch(out)
	n := wrkRequests.FindStringSubmatch(out)
	if m == nil || p == nil || n == nil {
		return r, fmt.Errorf("wrk output not understood:\n%s", out)
	}
	r.RPS, _ = strconv.ParseFloat(m[1], 64)
	r.Requests, _ = strconv.Atoi(n[1])
	v, _ := strconv.ParseFloat(p[1], 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute}[p[2]]
	r.P99 = time.Duration(v * float64(unit))
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		r.Bad, _ = strconv.Atoi(m[1])
	}
	if m := wrkSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			k, _ := strconv.Atoi(s)
			r.Bad += k
		}
	}
	return r, nil
}

// pgbench is the database's own ceiling: PostgreSQL's pgbench running a script of the statements a
// handler sends, with prepared statements, on the same database.
type pgbench struct {
	conn     []string // -h -p -U
	password string
	db       string
	tmp      string
}

var pgbenchTPS = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
var pgbenchFailed = regexp.MustCompile(`number of failed transactions: (\d+)`)

// run runs script with clients clients (two threads, -M prepared) for dur and returns transactions per second.
func (p pgbench) run(ctx context.Context, script string, clients int, dur time.Duration) (float64, error) {
	tps, _, err := p.runLogged(ctx, script, clients, dur, false)
	return tps, err
}

// runLogged is run; with latencies, pgbench logs every transaction's latency and the 99th percentile
// of them comes back too, in milliseconds: what PostgreSQL itself gives that many clients.
func (p pgbench) runLogged(ctx context.Context, script string, clients int, dur time.Duration, latencies bool) (float64, float64, error) {
	tps, err := p.exec(ctx, script, clients, dur, latencies)
	if err != nil || !latencies {
		return tps, 0, err
	}
	p99, err := pgbenchP99(p.tmp)
	return tps, p99, err
}

// pgbenchP99 reads pgbench's transaction logs in dir (pgbench_log.*: client, transaction, latency in
// µs, …), removes them, and returns the 99th percentile latency in milliseconds.
func pgbenchP99(dir string) (float64, error) {
	files, err := filepath.Glob(filepath.Join(dir, "pgbench_log.*"))
	if err != nil || len(files) == 0 {
		return 0, fmt.Errorf("pgbench wrote no transaction log in %s: %v", dir, err)
	}
	var lat []float64
	for _, f := range files {
		b, err := os.ReadFile(f)
		os.Remove(f)
		if err != nil {
			return 0, err
		}
		for _, line := range strings.Split(string(b), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.ParseFloat(fields[2], 64)
			if err != nil {
				return 0, fmt.Errorf("pgbench log %s: %q", filepath.Base(f), line)
			}
			lat = append(lat, us/1000)
		}
	}
	if len(lat) == 0 {
		return 0, fmt.Errorf("pgbench logged no transaction")
	}
	sort.Float64s(lat)
	return lat[min(len(lat)-1, len(lat)*99/100)], nil
}

func (p pgbench) exec(ctx context.Context, script string, clients int, dur time.Duration, logged bool) (float64, error) {
	f := filepath.Join(p.tmp, "pgbench-"+randomHex(4)+".sql")
	if err := os.WriteFile(f, []byte(script), 0o600); err != nil {
		return 0, err
	}
	defer os.Remove(f)
	args := append([]string{"-n", "-M", "prepared", "-c", strconv.Itoa(clients), "-j", "2", "-T", strconv.Itoa(int(dur.Seconds())), "-f", f}, p.conn...)
	if logged {
		args = append(args, "-l", "--log-prefix", filepath.Join(p.tmp, "pgbench_log"))
	}
	args = append(args, p.db)
	cctx, cancel := context.WithTimeout(ctx, dur+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(cctx, "pgbench", args...)
	cmd.Dir = p.tmp
	cmd.Env = append(os.Environ(), "PGPASSWORD="+p.password)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %v\n%s", err, out)
	}
	m := pgbenchTPS.FindStringSubmatch(string(out))
	if m == nil {
		return 0, fmt.Errorf("pgbench output not understood:\n%s", out)
	}
	if f := pgbenchFailed.FindStringSubmatch(string(out)); f != nil && f[1] != "0" {
		return 0, fmt.Errorf("pgbench: %s failed transactions:\n%s", f[1], out)
	}
	tps, _ := strconv.ParseFloat(m[1], 64)
	return tps, nil
}
