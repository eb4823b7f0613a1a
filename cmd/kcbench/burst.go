package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// burstResult is one enrolment burst: how long it took from the first request sent to the last answer,
// the answers by status, and what the database holds afterwards.
type burstResult struct {
	Took      time.Duration
	Statuses  map[int]int
	Errors    int // transport errors (no answer at all)
	Confirmed int
	Waiting   int
	Gapless   bool
}

func (r burstResult) non2xx() int {
	n := r.Errors
	for s, k := range r.Statuses {
		if s < 200 || s > 299 {
			n += k
		}
	}
	return n
}

func (r burstResult) String() string {
	return fmt.Sprintf("%d requests in %s: statuses %v, %d transport errors; %d confirmed, %d waiting, positions 1..n: %v",
		r.total(), r.Took.Round(time.Millisecond), r.Statuses, r.Errors, r.Confirmed, r.Waiting, r.Gapless)
}

func (r burstResult) total() int {
	n := r.Errors
	for _, k := range r.Statuses {
		n += k
	}
	return n
}

// burst enrols every trainee into the course at once, one request each, spread over the servers in
// turn, each request on a connection of its own that is opened (and checked with /healthz) before the
// burst starts: what is timed is the enrolments, not TCP handshakes.
func burst(ctx context.Context, bases []string, token string, courseID int64, trainees []int64) (burstResult, error) {
	for _, b := range bases {
		if !strings.HasPrefix(b, "http://127.0.0.1:") {
			return burstResult{}, fmt.Errorf("refusing to load %s: only 127.0.0.1", b)
		}
	}
	type result struct {
		status int
		err    error
		at     time.Time
	}
	clients := make([]*http.Client, len(trainees))
	for i := range clients {
		tr := &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, DisableCompression: true}
		clients[i] = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	}
	defer func() {
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}()
	// Open every connection first, a few hundred at a time.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 200)
	warmErr := make(chan error, len(clients))
	for i, c := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, c *http.Client) {
			defer wg.Done()
			defer func() { <-sem }()
			resp, err := c.Get(bases[i%len(bases)] + "/healthz")
			if err != nil {
				warmErr <- err
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}(i, c)
	}
	wg.Wait()
	close(warmErr)
	if err := <-warmErr; err != nil {
		return burstResult{}, fmt.Errorf("open connections: %w", err)
	}

	results := make([]result, len(trainees))
	start := make(chan struct{})
	ready := sync.WaitGroup{}
	for i, tid := range trainees {
		wg.Add(1)
		ready.Add(1)
		go func(i int, tid int64) {
			defer wg.Done()
			body := fmt.Sprintf(`{"trainee_id":%d}`, tid)
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/api/v1/courses/%d/enrolments", bases[i%len(bases)], courseID), strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			ready.Done()
			<-start
			resp, err := clients[i].Do(req)
			if err != nil {
				results[i] = result{err: err, at: time.Now()}
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			results[i] = result{status: resp.StatusCode, at: time.Now()}
		}(i, tid)
	}
	ready.Wait()
	t0 := time.Now()
	close(start)
	wg.Wait()
	r := burstResult{Statuses: map[int]int{}}
	var last time.Time
	for _, x := range results {
		if x.at.After(last) {
			last = x.at
		}
		if x.err != nil {
			r.Errors++
			continue
		}
		r.Statuses[x.status]++
	}
	r.Took = last.Sub(t0)
	return r, nil
}

// queueState reads a course's confirmed and waiting counts and whether positions are exactly 1..n.
func (e *env) queueState(ctx context.Context, courseID int64, r *burstResult) error {
	return e.db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE status = 'confirmed'), count(*) FILTER (WHERE status = 'waitlisted'),
		coalesce(array_agg(waitlist_position ORDER BY waitlist_position) FILTER (WHERE status = 'waitlisted') =
		         array(SELECT generate_series(1, count(*) FILTER (WHERE status = 'waitlisted')::int)), true)
		FROM enrolments WHERE course_id = $1`, courseID).Scan(&r.Confirmed, &r.Waiting, &r.Gapless)
}
