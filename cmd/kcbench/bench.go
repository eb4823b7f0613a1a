package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"khuyencong/internal/invariants"
)

// benchConfig is how long and how often the bench measures.
type benchConfig struct {
	Runs     int
	Duration time.Duration // of each wrk and pgbench run
	Conns    int           // wrk connections
	Clients  int           // pgbench clients
	Factor   int           // copies of the demo data
	Burst    int           // enrolments per burst
	Seats    int
}

// bench runs every figure of the issue and returns the table's rows.
func bench(ctx context.Context, e *env, cfg benchConfig) ([]row, error) {
	msg, err := e.seedData(ctx, cfg.Factor)
	if err != nil {
		return nil, err
	}
	e.log("%s", msg)
	pg, err := e.pgbench()
	if err != nil {
		return nil, err
	}
	s1, err := e.startServer(ctx, "serve-1", nil)
	if err != nil {
		return nil, err
	}
	s2, err := e.startServer(ctx, "serve-2", nil)
	if err != nil {
		return nil, err
	}
	token, err := apiToken(s1.base)
	if err != nil {
		return nil, err
	}
	cookie, err := sessionCookie(s1.base)
	if err != nil {
		return nil, err
	}
	all, public, err := e.idRanges(ctx, cfg.Factor)
	if err != nil {
		return nil, err
	}
	var rows []row

	// Figures 1 and 2: pages and answers against the database's ceiling for the same statements.
	eps := endpoints(all, public)
	type acc struct{ rps, tps, ratio, p99 series }
	accs := make([]acc, len(eps))
	session := cookieValue(cookie, "kc_session")
	for _, ep := range eps { // warm-up: prepared statements, pool, page caches
		if _, err := runWrk(ctx, e.tmp, s1.base, ep.wrkLua(), ep.headers(token, cookie), cfg.Conns, time.Second); err != nil {
			return nil, err
		}
		if err := checkOnce(s1.base, ep, token, cookie, all); err != nil {
			return nil, err
		}
	}
	for run := 0; run < cfg.Runs; run++ {
		for i, ep := range eps {
			w, err := runWrk(ctx, e.tmp, s1.base, ep.wrkLua(), ep.headers(token, cookie), cfg.Conns, cfg.Duration)
			if err != nil {
				return nil, err
			}
			if w.Bad > 0 {
				return nil, fmt.Errorf("%s: %d bad answers in %d requests", ep.key, w.Bad, w.Requests)
			}
			script, err := ep.pgbenchScript(token, session)
			if err != nil {
				return nil, err
			}
			tps, err := pg.run(ctx, script, cfg.Clients, cfg.Duration)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ep.key, err)
			}
			a := &accs[i]
			a.rps, a.tps, a.p99 = append(a.rps, w.RPS), append(a.tps, tps), append(a.p99, float64(w.P99)/1e6)
			a.ratio = append(a.ratio, w.RPS/tps)
			e.log("run %d %-15s %7.0f req/s (p99 %5.1f ms) vs pgbench %7.0f tps: %.2f", run+1, ep.key, w.RPS, float64(w.P99)/1e6, tps, w.RPS/tps)
		}
	}
	for i, ep := range eps {
		a := accs[i]
		rows = append(rows,
			row{Figure: ep.label, Value: a.rps, Unit: "req/s", Ref: a.tps, RefLbl: "tps", Ratio: a.ratio,
				Target: "≥ 0.60 of pgbench", Met: a.ratio.median() >= 0.60},
			row{Figure: ep.label + " p99", Value: a.p99, Unit: "ms", Target: "< 50 ms", Met: a.p99.median() < 50})
	}

	// Figure 3: the enrolment burst over two servers.
	br, err := e.burstRuns(ctx, cfg, []string{s1.base, s2.base}, token)
	if err != nil {
		return nil, err
	}
	rows = append(rows, br...)

	// Figure 4: certificates.
	cr, err := e.certificateFigures(ctx, cfg, s1.base, token)
	if err != nil {
		return nil, err
	}
	rows = append(rows, cr...)

	// Figure 5: the reach report.
	rr, err := e.reachFigure(ctx, cfg)
	if err != nil {
		return nil, err
	}
	rows = append(rows, rr)

	pr, err := e.planCheck(ctx, token, session)
	if err != nil {
		return nil, err
	}
	rows = append(rows, pr)

	vs, err := invariants.Check(ctx, e.db.DB)
	if err != nil {
		return nil, err
	}
	rows = append(rows, row{Figure: "invariants after the whole run", Value: series{float64(len(vs))}, Unit: "broken",
		Target: "0", Met: len(vs) == 0, Note: fmt.Sprint(vs)})

	// Figure 6: memory, through the whole run.
	peak := float64(e.peakRSS()) / (1 << 20)
	rows = append(rows, row{Figure: "server memory (peak VmRSS of any server, whole run)", Value: series{peak}, Unit: "MB",
		Target: "< 150 MB", Met: peak < 150})
	return rows, nil
}

func (ep endpoint) headers(token, cookie string) []string {
	switch ep.auth {
	case "bearer":
		return []string{"Authorization: Bearer " + token}
	case "cookie":
		return []string{"Cookie: " + cookie}
	}
	return nil
}

// checkOnce asks for an endpoint once and insists on a 200 with a body: a bench of error pages
// would measure nothing.
func checkOnce(base string, ep endpoint, token, cookie string, all idRange) error {
	path := ep.path
	if ep.ids != nil {
		path = fmt.Sprintf(ep.path, ep.ids.hi+copyOffset*(ep.ids.copies-1))
	}
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	for _, h := range ep.headers(token, cookie) {
		k, v, _ := bytes.Cut([]byte(h), []byte(": "))
		req.Header.Set(string(k), string(v))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || len(b) < 100 {
		return fmt.Errorf("%s %s: status %d, %d bytes", ep.key, path, resp.StatusCode, len(b))
	}
	return nil
}

func cookieValue(header, name string) string {
	for _, part := range bytes.Split([]byte(header), []byte("; ")) {
		if k, v, ok := bytes.Cut(part, []byte("=")); ok && string(k) == name {
			return string(v)
		}
	}
	return ""
}

// idRanges finds the demo's course ids (all of them, and the public ones) and checks that each set
// is one unbroken range, so that wrk and pgbench can draw from it alike.
func (e *env) idRanges(ctx context.Context, copies int) (all, public idRange, err error) {
	get := func(where string) (idRange, error) {
		var r struct{ Lo, Hi, N int }
		err := e.db.QueryRowContext(ctx, `SELECT min(id), max(id), count(*) FROM courses WHERE id < $1 AND `+where, copyOffset).Scan(&r.Lo, &r.Hi, &r.N)
		if err != nil {
			return idRange{}, err
		}
		if r.N != r.Hi-r.Lo+1 {
			return idRange{}, fmt.Errorf("course ids %d..%d where %s are not one range", r.Lo, r.Hi, where)
		}
		return idRange{lo: r.Lo, hi: r.Hi, copies: copies}, nil
	}
	if all, err = get("TRUE"); err != nil {
		return
	}
	public, err = get("status IN ('approved', 'running')")
	return
}

func (e *env) pgbench() (pgbench, error) {
	conn, pw, err := pgConn(e.dbURL)
	if err != nil {
		return pgbench{}, err
	}
	return pgbench{conn: conn, password: pw, db: e.dbName, tmp: e.tmp}, nil
}
