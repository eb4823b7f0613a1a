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

// benchConfig is how long and how often the bench measures, and what.
type benchConfig struct {
	Runs     int
	Duration time.Duration // of each wrk and pgbench run
	Conns    int           // wrk connections
	Clients  int           // pgbench clients
	Factor   int           // copies of the demo data
	Burst    int           // enrolments per burst
	Seats    int
	DBConns  string          // DB_MAX_CONNS for the servers ("" for the app's default)
	Figures  map[string]bool // pages, burst, certificates, reach; nil for all
	Pages    map[string]bool // endpoint keys; nil for all
}

func (cfg benchConfig) wants(figure string) bool { return cfg.Figures == nil || cfg.Figures[figure] }

// bench runs every figure of the issue and returns the table's rows.
func bench(ctx context.Context, e *env, cfg benchConfig) ([]row, error) {
	msg, err := e.seedData(ctx, cfg.Factor)
	if err != nil {
		return nil, err
	}
	e.log("%s", msg)
	// The trainee page counts every request against the public look-up limit of its address, and
	// wrk comes from one address: the counter is still written per request (as pgbench does), but
	// the limit is out of the way.
	opts := serverOpts{"LOOKUP_LIMIT": "1000000000"}
	if cfg.DBConns != "" {
		opts["DB_MAX_CONNS"] = cfg.DBConns
	}
	s1, err := e.startServer(ctx, "serve-1", opts)
	if err != nil {
		return nil, err
	}
	s2, err := e.startServer(ctx, "serve-2", opts)
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
	var rows []row
	if cfg.wants("pages") { // figures 1 and 2
		pr, err := e.pageFigures(ctx, cfg, s1.base, token, cookie)
		if err != nil {
			return nil, err
		}
		rows = append(rows, pr...)
	}
	if cfg.wants("burst") { // figure 3: the enrolment burst over two servers
		br, err := e.burstRuns(ctx, cfg, []string{s1.base, s2.base}, token)
		if err != nil {
			return nil, err
		}
		rows = append(rows, br...)
	}
	if cfg.wants("certificates") { // figure 4
		cr, err := e.certificateFigures(ctx, cfg, s1.base, token)
		if err != nil {
			return nil, err
		}
		rows = append(rows, cr...)
	}
	if cfg.wants("reach") { // figure 5
		rr, err := e.reachFigure(ctx, cfg)
		if err != nil {
			return nil, err
		}
		rows = append(rows, rr)
	}
	if cfg.wants("certificates") { // the plan check needs an issued certificate
		pr, err := e.planCheck(ctx, token, cookieValue(cookie, "kc_session"))
		if err != nil {
			return nil, err
		}
		rows = append(rows, pr)
	}
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

// pageFigures measures each page and answer with wrk against pgbench running its handler's
// statements, in turn within each run, so that each ratio compares two measurements taken moments apart.
func (e *env) pageFigures(ctx context.Context, cfg benchConfig, base, token, cookie string) ([]row, error) {
	pg, err := e.pgbench()
	if err != nil {
		return nil, err
	}
	ranges, err := e.idRanges(ctx, cfg.Factor)
	if err != nil {
		return nil, err
	}
	if err := e.traineeLinks(ctx); err != nil {
		return nil, err
	}
	var eps []endpoint
	for _, ep := range endpoints(ranges) {
		if cfg.Pages == nil || cfg.Pages[ep.key] {
			eps = append(eps, ep)
		}
	}
	type acc struct{ rps, tps, ratio, p99, p99light, pgP99 series }
	accs := make([]acc, len(eps))
	session := cookieValue(cookie, "kc_session")
	for _, ep := range eps { // warm-up: prepared statements, pool, page caches
		if _, err := runWrk(ctx, e.tmp, base, ep.wrkLua(), ep.headers(token, cookie), cfg.Conns, time.Second); err != nil {
			return nil, err
		}
		if err := checkOnce(base, ep, token, cookie); err != nil {
			return nil, err
		}
	}
	for run := 0; run < cfg.Runs; run++ {
		for i, ep := range eps {
			w, err := runWrk(ctx, e.tmp, base, ep.wrkLua(), ep.headers(token, cookie), cfg.Conns, cfg.Duration)
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
			// For the trainee's schedule (the p99 target), PostgreSQL's own tail for as many clients as
			// wrk has connections: pgbench with every transaction's latency logged.
			if ep.fig == 1 {
				_, p99, err := pg.runLogged(ctx, script, cfg.Conns, cfg.Duration, true)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", ep.key, err)
				}
				accs[i].pgP99 = append(accs[i].pgP99, p99)
			}
			// The same page under light load (8 connections): the tail of its own service time, apart
			// from the queueing that 64 connections on two cores imply (Little's law: mean latency is
			// connections ÷ throughput).
			light, err := runWrk(ctx, e.tmp, base, ep.wrkLua(), ep.headers(token, cookie), 8, 2*time.Second)
			if err != nil {
				return nil, err
			}
			a := &accs[i]
			a.p99light = append(a.p99light, float64(light.P99)/1e6)
			a.rps, a.tps, a.p99 = append(a.rps, w.RPS), append(a.tps, tps), append(a.p99, float64(w.P99)/1e6)
			a.ratio = append(a.ratio, w.RPS/tps)
			e.log("run %d %-15s %7.0f req/s (p99 %5.1f ms) vs pgbench %7.0f tps: %.2f", run+1, ep.key, w.RPS, float64(w.P99)/1e6, tps, w.RPS/tps)
		}
	}
	var rows []row
	for i, ep := range eps {
		a := accs[i]
		// Targets where the issue sets them: the ratio for figures 1 and 2, the p99 for figure 1; the
		// other pages are watched, their figures printed without a target.
		ratioTarget, ratioMet := "≥ 0.60 of pgbench", a.ratio.median() >= 0.60
		p99Target, p99Met := "< 50 ms", a.p99.median() < 50
		lightTarget, lightMet := p99Target, a.p99light.median() < 50
		if ep.fig == 0 {
			ratioTarget, ratioMet = "watched (no target)", true
		}
		if ep.fig != 1 {
			p99Target, p99Met, lightTarget, lightMet = "watched (no target)", true, "watched (no target)", true
		}
		label := ep.label
		if ep.fig > 0 {
			label = fmt.Sprintf("[%d] %s", ep.fig, ep.label)
		}
		p99 := row{Figure: fmt.Sprintf("%s p99 at %d connections", label, cfg.Conns), Value: a.p99, Unit: "ms", Target: p99Target, Met: p99Met,
			Note: fmt.Sprintf("mean latency = %d ÷ req/s = %.0f ms", cfg.Conns, float64(cfg.Conns)/a.rps.median()*1000)}
		if a.pgP99 != nil {
			p99.Ref, p99.RefLbl = a.pgP99, fmt.Sprintf("ms: pgbench's own p99 at %d clients", cfg.Conns)
			p99.Ratio = make(series, len(a.p99))
			for k := range a.p99 {
				p99.Ratio[k] = a.p99[k] / a.pgP99[k]
			}
		}
		rows = append(rows,
			row{Figure: label, Value: a.rps, Unit: "req/s", Ref: a.tps, RefLbl: "tps", Ratio: a.ratio, Target: ratioTarget, Met: ratioMet},
			p99,
			row{Figure: label + " p99 at 8 connections", Value: a.p99light, Unit: "ms", Target: lightTarget, Met: lightMet})
	}
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
func checkOnce(base string, ep endpoint, token, cookie string) error {
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

// idRanges finds the demo's course ids (all of them, and the public ones) and trainee ids, and checks
// that each set is one unbroken range, so that wrk and pgbench can draw from it alike.
func (e *env) idRanges(ctx context.Context, copies int) (r idRanges, err error) {
	get := func(table, where string) (idRange, error) {
		var r struct{ Lo, Hi, N int }
		err := e.db.QueryRowContext(ctx, `SELECT min(id), max(id), count(*) FROM `+table+` WHERE id < $1 AND `+where, copyOffset).Scan(&r.Lo, &r.Hi, &r.N)
		if err != nil {
			return idRange{}, err
		}
		if r.N != r.Hi-r.Lo+1 {
			return idRange{}, fmt.Errorf("%s ids %d..%d where %s are not one range", table, r.Lo, r.Hi, where)
		}
		return idRange{lo: r.Lo, hi: r.Hi, copies: copies}, nil
	}
	if r.courses, err = get("courses", "TRUE"); err != nil {
		return
	}
	if r.public, err = get("courses", "status IN ('approved', 'running')"); err != nil {
		return
	}
	r.trainees, err = get("trainees", "TRUE")
	return
}

// traineeLinks gives every trainee a personal link whose token is "bench-<id>" (only its SHA-256 is
// stored, as for a real link), so that wrk and pgbench can both reach any trainee's page.
func (e *env) traineeLinks(ctx context.Context) error {
	_, err := e.db.ExecContext(ctx, `UPDATE trainees SET link_token_hash = sha256(convert_to('bench-' || id, 'UTF8'))`)
	return err
}

func (e *env) pgbench() (pgbench, error) {
	conn, pw, err := pgConn(e.dbURL)
	if err != nil {
		return pgbench{}, err
	}
	return pgbench{conn: conn, password: pw, db: e.dbName, tmp: e.tmp}, nil
}
