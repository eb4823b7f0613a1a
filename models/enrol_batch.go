package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// maxEnrolBatch bounds the enrolments sent in one call, so that the class's row lock is never held
// for long (a batch of this size takes tens of milliseconds).
const maxEnrolBatch = 250

// enrolItem is one enrolment request as enrol_batch (migration 0017) reads it.
type enrolItem struct {
	TraineeID       int64  `json:"trainee_id"`
	AllowOverlap    bool   `json:"allow_overlap,omitempty"`
	EstablishmentID *int64 `json:"establishment_id,omitempty"`
	JobTitle        string `json:"job_title,omitempty"`
	ActorID         int64  `json:"actor_id,omitempty"`
	Actor           string `json:"actor,omitempty"`
	ClientIP        string `json:"client_ip,omitempty"`
	RequestID       string `json:"request_id,omitempty"`
}

// enrolRow is enrol_batch's answer for one item: the outcome and, when it is "ok", the enrolment
// (every column is NULL for a refusal).
type enrolRow struct {
	Ord            int        `db:"ord"`
	Outcome        string     `db:"outcome"`
	ID             *int64     `db:"id"`
	CourseID       *int64     `db:"course_id"`
	TraineeID      *int64     `db:"trainee_id"`
	TraineeName    *string    `db:"full_name"`
	Status         *string    `db:"status"`
	Position       *int       `db:"waitlist_position"`
	Establishment  *int64     `db:"establishment_id"`
	EnrolledAt     *time.Time `db:"enrolled_at"`
	ConfirmedAt    *time.Time `db:"confirmed_at"`
	WithdrawnAt    *time.Time `db:"withdrawn_at"`
	WithdrawReason *string    `db:"withdraw_reason"`
}

const enrolBatchQuery = `SELECT ord, outcome, id, course_id, trainee_id, full_name, status, waitlist_position, establishment_id,
	enrolled_at, confirmed_at, withdrawn_at, withdraw_reason FROM enrol_batch($1, $2) ORDER BY ord`

// enrolment is the row of an "ok" outcome.
func (r enrolRow) enrolment() Enrolment {
	return Enrolment{ID: *r.ID, CourseID: *r.CourseID, TraineeID: *r.TraineeID, TraineeName: *r.TraineeName, Status: *r.Status,
		WaitlistPosition: r.Position, EstablishmentID: r.Establishment, EnrolledAt: *r.EnrolledAt, ConfirmedAt: r.ConfirmedAt,
		WithdrawnAt: r.WithdrawnAt, WithdrawReason: r.WithdrawReason}
}

// refusal turns an outcome other than "ok" into the error Enrol has always returned for it.
func refusal(outcome string) error {
	switch outcome {
	case "course_not_found":
		return ErrNotFound
	case "enrolment_closed":
		return &ValidationError{Fields: map[string]string{"course": "enrolment_closed"}}
	case "already_enrolled":
		return &ValidationError{Fields: map[string]string{"trainee_id": "already_enrolled"}}
	case "establishment_limit":
		return &ValidationError{Fields: map[string]string{"establishment_id": "establishment_limit"}}
	case "trainee_not_found":
		return &ValidationError{Fields: map[string]string{"trainee_id": "not_found"}}
	case "establishment_not_found":
		return &ValidationError{Fields: map[string]string{"establishment_id": "not_found"}}
	}
	return fmt.Errorf("enrol_batch: unknown outcome %q", outcome)
}

// enrolQueues gathers the enrolments that arrive for a class while an earlier batch for it is still
// in the database, and sends them together as the next batch: group commit. Alone, a request goes
// out at once, as a batch of one; in a burst each batch takes whatever has queued meanwhile. Only
// the queue lives here, never a decision: seats and places are decided under the class's row lock in
// PostgreSQL, so any number of app instances may run side by side.
type enrolQueues struct {
	mu       sync.Mutex
	byCourse map[int64]*enrolQueue
}

type enrolQueue struct{ calls []*enrolCall }

type enrolCall struct {
	ctx  context.Context
	item enrolItem
	done chan enrolResult // buffered: the batch never waits for a caller that gave up
}

type enrolResult struct {
	row enrolRow
	err error
}

// enrolQueued enrols one item through the class's queue and waits for its answer, or for ctx to end.
// A caller whose deadline passes while its batch is in the database gets the deadline's error, though
// the enrolment may still commit: the same as a commit whose answer is lost on the way.
func (s *Store) enrolQueued(ctx context.Context, courseID int64, item enrolItem) (enrolRow, error) {
	call := &enrolCall{ctx: ctx, item: item, done: make(chan enrolResult, 1)}
	qs := s.enrols
	qs.mu.Lock()
	q, running := qs.byCourse[courseID]
	if !running {
		q = &enrolQueue{}
		qs.byCourse[courseID] = q
	}
	q.calls = append(q.calls, call)
	qs.mu.Unlock()
	if !running {
		go s.drainEnrolQueue(courseID, q)
	}
	select {
	case r := <-call.done:
		return r.row, r.err
	case <-ctx.Done():
		return enrolRow{}, ctx.Err()
	}
}

// drainEnrolQueue sends the class's queued enrolments batch after batch until none is left.
func (s *Store) drainEnrolQueue(courseID int64, q *enrolQueue) {
	qs := s.enrols
	for {
		qs.mu.Lock()
		var batch []*enrolCall
		for len(q.calls) > 0 && len(batch) < maxEnrolBatch {
			c := q.calls[0]
			q.calls = q.calls[1:]
			if c.ctx.Err() != nil {
				c.done <- enrolResult{err: c.ctx.Err()} // gave up before its turn: never sent
				continue
			}
			batch = append(batch, c)
		}
		if len(batch) == 0 {
			delete(qs.byCourse, courseID)
			qs.mu.Unlock()
			return
		}
		qs.mu.Unlock()
		s.sendEnrolBatch(courseID, batch)
	}
}

// sendEnrolBatch runs one batch and hands each caller its row. The batch's context ends when every
// caller in it has given up, so a batch outlives no one who waits for it. If the batch fails as a
// whole with more than one caller, each is tried alone, so that a fault of one item stays its own.
func (s *Store) sendEnrolBatch(courseID int64, batch []*enrolCall) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waiting atomic.Int32
	waiting.Store(int32(len(batch)))
	for _, c := range batch {
		stop := context.AfterFunc(c.ctx, func() {
			if waiting.Add(-1) == 0 {
				cancel()
			}
		})
		defer stop()
	}
	items := make([]enrolItem, len(batch))
	for i, c := range batch {
		items[i] = c.item
	}
	rows, err := s.enrolStatement(ctx, courseID, items)
	if err != nil && len(batch) > 1 && ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
		for _, c := range batch {
			s.sendEnrolBatch(courseID, []*enrolCall{c})
		}
		return
	}
	for i, c := range batch {
		if err != nil {
			c.done <- enrolResult{err: err}
			continue
		}
		c.done <- enrolResult{row: rows[i]}
	}
}

// enrolStatement sends a batch through the store's prepared statement.
func (s *Store) enrolStatement(ctx context.Context, courseID int64, items []enrolItem) ([]enrolRow, error) {
	b, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	var rows []enrolRow
	if err := s.sel(ctx, &rows, enrolBatchQuery, courseID, string(b)); err != nil {
		return nil, mapErr(err)
	}
	if len(rows) != len(items) {
		return nil, fmt.Errorf("enrol_batch answered %d rows for %d items", len(rows), len(items))
	}
	return rows, nil
}
