package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"khuyencong/internal/tcpproxy"
)

// drillOutage: PostgreSQL goes away under load — first its connections are cut and refused, then it
// stops answering altogether (connections open, nothing comes back) — and comes back. Every request
// in between answers 503 with Retry-After by its deadline, /readyz says so, the server recovers by
// itself within 10 s, and no enrolment is half-written.
func drillOutage(ctx context.Context, e *env) ([]check, error) {
	const timeout = 2 * time.Second
	u, _ := url.Parse(e.dbURL)
	proxy, err := tcpproxy.Listen(u.Host)
	if err != nil {
		return nil, err
	}
	defer proxy.Close()
	u.Host = proxy.Addr()
	dbg, err := debugAddr()
	if err != nil {
		return nil, err
	}
	srv, err := e.startServer(ctx, "outage", serverOpts{"DATABASE_URL": u.String(), "REQUEST_TIMEOUT": timeout.String(), "DEBUG_ADDR": dbg})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	token, err := apiToken(srv.base)
	if err != nil {
		return nil, err
	}
	course, err := e.openClass(ctx, &fixtureSlot{next: 100}, 30)
	if err != nil {
		return nil, err
	}
	trainees, err := e.traineeBatch(ctx, 0, 1500)
	if err != nil {
		return nil, err
	}

	var mu sync.Mutex
	var answers []answer
	var ready []answer
	var next atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var a answer
				if i%2 == 0 {
					a = call(ctx, client, http.MethodGet, fmt.Sprintf("%s/api/v1/courses/%d/sessions", srv.base, course), token, nil)
				} else {
					n := next.Add(1)
					if int(n) >= len(trainees) {
						continue
					}
					a = call(ctx, client, http.MethodPost, fmt.Sprintf("%s/api/v1/courses/%d/enrolments", srv.base, course), token,
						[]byte(fmt.Sprintf(`{"trainee_id":%d}`, trainees[n])))
				}
				mu.Lock()
				answers = append(answers, a)
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}(w)
	}
	wg.Add(1)
	go func() { // /readyz five times a second
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
			a := call(ctx, client, http.MethodGet, srv.base+"/readyz", "", nil)
			mu.Lock()
			ready = append(ready, a)
			mu.Unlock()
		}
	}()

	time.Sleep(2 * time.Second)
	cutAt := time.Now()
	proxy.Cut()
	time.Sleep(3 * time.Second)
	if err := proxy.Restore(); err != nil {
		close(stop)
		wg.Wait()
		return nil, err
	}
	hangAt := time.Now()
	proxy.Hang()
	time.Sleep(4 * time.Second)
	restoredAt := time.Now()
	if err := proxy.Restore(); err != nil {
		close(stop)
		wg.Wait()
		return nil, err
	}
	// Load goes on until everything has answered 2xx for two seconds in a row, or for 12 s at most.
	var recoveredAt time.Time
	for time.Since(restoredAt) < 12*time.Second {
		time.Sleep(250 * time.Millisecond)
		mu.Lock()
		recoveredAt = steadySince(answers, ready, restoredAt)
		mu.Unlock()
		if !recoveredAt.IsZero() && time.Since(recoveredAt) > 2*time.Second {
			break
		}
	}
	close(stop)
	wg.Wait()

	// During the outage (requests sent after the cut, answered before the restore): 503 and Retry-After.
	var during, all []answer
	bad := 0
	for _, a := range answers {
		all = append(all, a)
		if a.err != nil || (a.status >= 500 && a.status != http.StatusServiceUnavailable) {
			bad++
		}
		if a.start.After(cutAt.Add(100*time.Millisecond)) && a.start.Add(a.took).Before(restoredAt) {
			during = append(during, a)
		}
	}
	good503 := 0
	for _, a := range during {
		if a.status == http.StatusServiceUnavailable && a.retryAfter != "" {
			good503++
		}
	}
	readyDown, readyDuring := 0, 0
	for _, r := range ready {
		if r.start.After(cutAt.Add(100*time.Millisecond)) && r.start.Add(r.took).Before(restoredAt) {
			readyDuring++
			if r.status == http.StatusServiceUnavailable {
				readyDown++
			}
		}
	}
	var half int
	if err := e.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM enrolments e WHERE e.course_id = $1 AND NOT EXISTS (
			SELECT 1 FROM audit_log a WHERE a.action = 'enrolment.create' AND a.entity_id = e.id::text)) +
		(SELECT count(*) FROM audit_log a WHERE a.action = 'enrolment.create' AND a.new_values ->> 'course_id' = $1::text
			AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.id::text = a.entity_id))`, course).Scan(&half); err != nil {
		return nil, err
	}
	var enrolled int
	_ = e.db.QueryRowContext(ctx, `SELECT count(*) FROM enrolments WHERE course_id = $1`, course).Scan(&enrolled)
	recovery := "never"
	if !recoveredAt.IsZero() {
		recovery = ms(recoveredAt.Sub(restoredAt))
	}
	return []check{
		{"outage", "requests during the outage (cut 3 s, then hung 4 s) answer 503 with Retry-After",
			fmt.Sprintf("%d of %d (%s); cut at +2 s, hung at +%.0f s", good503, len(during), statusCounts(during), hangAt.Sub(cutAt).Seconds()+2),
			len(during) > 20 && good503 == len(during)},
		{"outage", fmt.Sprintf("no request outlives its deadline (REQUEST_TIMEOUT %s)", timeout),
			"slowest answer " + ms(maxTook(all)), maxTook(all) < timeout+time.Second},
		{"outage", "no 500 and no unanswered request, before, during or after", fmt.Sprintf("%d in %d requests (%s)", bad, len(all), statusCounts(all)), bad == 0},
		{"outage", "/readyz reports the outage", fmt.Sprintf("%d of %d answers 503", readyDown, readyDuring), readyDuring > 5 && readyDown == readyDuring},
		{"outage", "recovers by itself within 10 s (every request and /readyz 2xx again)", recovery,
			!recoveredAt.IsZero() && recoveredAt.Sub(restoredAt) < 10*time.Second},
		{"outage", "nothing half-written: each enrolment with its audit row, no audit row without its enrolment",
			fmt.Sprintf("%d enrolments, %d unmatched", enrolled, half), half == 0 && enrolled > 0},
	}, nil
}

// steadySince is the start of the run of 2xx answers (requests and /readyz) that lasts to the end,
// counted from after the restore; zero when the last answer is not 2xx.
func steadySince(answers, ready []answer, restored time.Time) time.Time {
	since := restored
	for _, list := range [][]answer{answers, ready} {
		for _, a := range list {
			if a.start.Before(restored) {
				continue
			}
			if a.err != nil || a.status < 200 || a.status > 299 {
				if end := a.start.Add(a.took); end.After(since) {
					since = end
				}
			}
		}
	}
	// Nothing after since: not recovered yet.
	for _, list := range [][]answer{answers, ready} {
		for _, a := range list {
			if a.start.After(since) {
				return since
			}
		}
	}
	return time.Time{}
}
