package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"
)

// drillLock: a psql session locks a class's row (SELECT … FOR UPDATE) and sleeps, while withdrawals
// and enrolments for that class pile up behind it and take the whole pool. The callers get 503 at
// their deadline, other pages wait for the pool and answer (or 503) by theirs, /healthz stays fast,
// and once the lock is gone the server's goroutines come back to where they were.
func drillLock(ctx context.Context, e *env) ([]check, error) {
	const timeout = 2 * time.Second
	const held = 8 * time.Second
	dbg, err := debugAddr()
	if err != nil {
		return nil, err
	}
	srv, err := e.startServer(ctx, "lock", serverOpts{"REQUEST_TIMEOUT": timeout.String(), "DB_MAX_CONNS": "6", "DEBUG_ADDR": dbg})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	token, err := apiToken(srv.base)
	if err != nil {
		return nil, err
	}
	slot := &fixtureSlot{next: 200}
	locked, err := e.openClass(ctx, slot, 30)
	if err != nil {
		return nil, err
	}
	other, err := e.openClass(ctx, slot, 30)
	if err != nil {
		return nil, err
	}
	trainees, err := e.traineeBatch(ctx, 1, 200)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	// Forty people in the class, to be withdrawn during the lock.
	var enrolmentIDs []int64
	for _, t := range trainees[:40] {
		a := call(ctx, client, http.MethodPost, fmt.Sprintf("%s/api/v1/courses/%d/enrolments", srv.base, locked), token, []byte(fmt.Sprintf(`{"trainee_id":%d}`, t)))
		if a.status != http.StatusCreated {
			return nil, fmt.Errorf("enrol before the drill: %d %v", a.status, a.err)
		}
	}
	if err := e.db.SelectContext(ctx, &enrolmentIDs, `SELECT id FROM enrolments WHERE course_id = $1 ORDER BY id`, locked); err != nil {
		return nil, err
	}
	client.CloseIdleConnections()
	time.Sleep(500 * time.Millisecond)
	baseline, err := goroutines(dbg)
	if err != nil {
		return nil, err
	}

	// The lock: a psql session of its own, started and ended by PID, bounded by its own sleep.
	conn, pw, err := pgConn(e.dbURL)
	if err != nil {
		return nil, err
	}
	sql := fmt.Sprintf(`BEGIN; SELECT id FROM courses WHERE id = %d FOR UPDATE; SELECT pg_sleep(%d); COMMIT;`, locked, int(held.Seconds()))
	psql := exec.Command("psql", append(append([]string{"-X", "-q", "-v", "ON_ERROR_STOP=1"}, conn...), "-d", e.dbName, "-c", sql)...)
	psql.Env = append(os.Environ(), "PGPASSWORD="+pw)
	if err := psql.Start(); err != nil {
		return nil, err
	}
	psqlDone := make(chan error, 1)
	go func() { psqlDone <- psql.Wait() }()
	defer func() {
		select {
		case <-psqlDone:
		case <-time.After(held + 10*time.Second):
			_ = psql.Process.Kill()
		}
	}()
	if err := waitForLock(ctx, e, locked); err != nil {
		return nil, err
	}
	lockedAt := time.Now()

	var mu sync.Mutex
	var blocked, others, health []answer
	var wg sync.WaitGroup
	for i, id := range enrolmentIDs {
		wg.Add(2)
		go func(id int64) {
			defer wg.Done()
			a := call(ctx, client, http.MethodPost, fmt.Sprintf("%s/api/v1/enrolments/%d/withdraw", srv.base, id), token, []byte(`{"reason":"own_request"}`))
			mu.Lock()
			blocked = append(blocked, a)
			mu.Unlock()
		}(id)
		go func(t int64) {
			defer wg.Done()
			a := call(ctx, client, http.MethodPost, fmt.Sprintf("%s/api/v1/courses/%d/enrolments", srv.base, locked), token, []byte(fmt.Sprintf(`{"trainee_id":%d}`, t)))
			mu.Lock()
			blocked = append(blocked, a)
			mu.Unlock()
		}(trainees[40+i])
	}
	// Meanwhile: other pages (they need the pool) and /healthz (it needs nothing), for 4 s.
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for time.Since(lockedAt) < 4*time.Second {
				var a answer
				if w == 0 {
					a = call(ctx, client, http.MethodGet, srv.base+"/healthz", "", nil)
					mu.Lock()
					health = append(health, a)
					mu.Unlock()
					time.Sleep(20 * time.Millisecond)
					continue
				}
				a = call(ctx, client, http.MethodGet, fmt.Sprintf("%s/api/v1/courses/%d/sessions", srv.base, other), token, nil)
				mu.Lock()
				others = append(others, a)
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	peak, _ := goroutines(dbg)
	select { // the lock ends when psql's sleep does
	case <-psqlDone:
	case <-time.After(held + 10*time.Second):
		_ = psql.Process.Kill()
		return nil, fmt.Errorf("psql did not end")
	}
	client.CloseIdleConnections()
	// fasthttp keeps a served connection's worker goroutine for 10 s in case more work comes
	// (MaxIdleWorkerDuration), and sweeps idle workers every 10 s: 25 s covers both.
	settled, ok := settleGoroutines(dbg, baseline, 10, 25*time.Second)
	leftover := ""
	if !ok {
		leftover = "; left: " + topStacks(dbg, 3)
	}

	atDeadline := 0
	for _, a := range blocked {
		if a.status == http.StatusServiceUnavailable && a.retryAfter != "" && a.took >= timeout-100*time.Millisecond && a.took < timeout+time.Second {
			atDeadline++
		}
	}
	othersOK := 0
	for _, a := range others {
		if a.err == nil && (a.status == http.StatusOK || a.status == http.StatusServiceUnavailable) && a.took < timeout+time.Second {
			othersOK++
		}
	}
	var hd []time.Duration
	for _, a := range health {
		hd = append(hd, a.took)
	}
	healthBad := 0
	for _, a := range health {
		if a.status != http.StatusOK {
			healthBad++
		}
	}
	return []check{
		{"lock", "callers behind the lock get 503 with Retry-After at their deadline (" + timeout.String() + ")",
			fmt.Sprintf("%d of %d (%s), slowest %s", atDeadline, len(blocked), statusCounts(blocked), ms(maxTook(blocked))), atDeadline == len(blocked)},
		{"lock", "other pages, waiting for the exhausted pool, answer 200 or 503 by their deadline",
			fmt.Sprintf("%d of %d (%s), slowest %s", othersOK, len(others), statusCounts(others), ms(maxTook(others))), othersOK == len(others) && len(others) > 0},
		{"lock", "/healthz stays fast", fmt.Sprintf("%d answers, p99 %.1f ms, max %.1f ms, %d not 200", len(health), percentile(hd, 99), percentile(hd, 100), healthBad),
			healthBad == 0 && len(health) > 20 && percentile(hd, 99) < 50},
		{"lock", "goroutines come back to the baseline (±10) once the lock is gone",
			fmt.Sprintf("baseline %d, during %d, after %d%s", baseline, peak, settled, leftover), ok},
	}, nil
}

// waitForLock waits until the psql session holds the class's row lock.
func waitForLock(ctx context.Context, e *env, course int64) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		err := e.db.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE c.relname = 'courses' AND l.mode = 'RowShareLock' AND l.granted AND l.pid <> pg_backend_pid()
			  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			time.Sleep(200 * time.Millisecond) // the row lock comes with the relation lock
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the psql session did not take the lock on course %s", strconv.FormatInt(course, 10))
}
