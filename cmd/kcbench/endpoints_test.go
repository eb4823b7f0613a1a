package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Every endpoint's pgbench script is built from the store's own statements, each with as many
// arguments as it has parameters: a statement renamed or changed in models fails here, not in a bench.
func TestPgbenchScriptsUseTheStoresStatements(t *testing.T) {
	for _, ep := range endpoints(idRanges{idRange{1, 66, 10}, idRange{63, 64, 10}, idRange{1, 1809, 10}}) {
		s, err := ep.pgbenchScript("token", "session")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(s, "$") || strings.Count(s, ";\n") != len(ep.stmts) {
			t.Fatalf("%s: script\n%s", ep.key, s)
		}
		// pgbench takes ":name" for a variable even inside a quoted string (prepared mode makes it a
		// parameter, and the statement fails at its first bind).
		for _, lit := range quoted.FindAllString(s, -1) {
			if colonName.MatchString(lit) {
				t.Fatalf("%s: %s in a string would be read as a pgbench variable", ep.key, lit)
			}
		}
		if ep.ids != nil && !strings.Contains(s, "\\set id :b + 1000000 * :k") {
			t.Fatalf("%s: ids not drawn like wrk's: %s", ep.key, s)
		}
	}
}

var (
	quoted    = regexp.MustCompile(`'[^']*'`)
	colonName = regexp.MustCompile(`:[A-Za-z_]`)
)

func TestParseWrk(t *testing.T) {
	out := `Running 3s test @ http://127.0.0.1:8080
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.12ms    2.01ms  40.00ms   80.00%
    Req/Sec     6.30k   400.00     7.00k    70.00%
  Latency Distribution
     50%    4.80ms
     75%    6.00ms
     90%    7.50ms
     99%   12.34ms
  37800 requests in 3.00s, 20.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:  12600.50
Transfer/sec:      6.67MB
`
	r, err := parseWrk(out)
	if err != nil || r.RPS != 12600.5 || r.P99 != 12340*time.Microsecond || r.Requests != 37800 || r.Bad != 3 {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestPgbenchP99(t *testing.T) {
	dir := t.TempDir()
	var a, b strings.Builder
	for i := 1; i <= 150; i++ { // latencies 1..200 ms over two thread logs
		fmt.Fprintf(&a, "0 %d %d 0 1764288000 %d\n", i, i*1000, i)
	}
	for i := 151; i <= 200; i++ {
		fmt.Fprintf(&b, "1 %d %d 0 1764288000 %d\n", i, i*1000, i)
	}
	os.WriteFile(filepath.Join(dir, "pgbench_log.123"), []byte(a.String()), 0o600)
	os.WriteFile(filepath.Join(dir, "pgbench_log.123.1"), []byte(b.String()), 0o600)
	p99, err := pgbenchP99(dir)
	if err != nil || p99 != 199 {
		t.Fatalf("p99 %v %v, want 199 ms", p99, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "pgbench_log.*")); len(left) != 0 {
		t.Fatalf("logs left: %v", left)
	}
	if _, err := pgbenchP99(dir); err == nil {
		t.Fatal("no logs: no error")
	}
}
