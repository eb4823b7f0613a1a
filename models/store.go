// Package models holds the domain types and every SQL statement of khuyencong. It knows nothing of HTTP.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Domain errors. Handlers map them to statuses in one place; wrap them with %w.
var (
	ErrNotFound  = errors.New("not found")
	ErrDuplicate = errors.New("duplicate")
	ErrConflict  = errors.New("conflict")
	ErrInUse     = errors.New("in use")
	ErrInvalid   = errors.New("invalid")
	ErrFull      = errors.New("full")
)

// Store runs every query of the application against one PostgreSQL database.
type Store struct {
	db     *sqlx.DB
	secret []byte // derives certificate verification tokens; see CertificateToken
	stmts  *stmtCache
	enrols *enrolQueues
	gate   chan struct{} // see admit; nil when the pool is unbounded
}

// NewStore returns a store over db. Set the pool's bounds (as Open does) before.
func NewStore(db *sqlx.DB) *Store {
	s := &Store{db: db, stmts: &stmtCache{stmts: map[string]*sqlx.Stmt{}}, enrols: &enrolQueues{byCourse: map[int64]*enrolQueue{}}}
	if n := db.Stats().MaxOpenConnections; n > 0 {
		s.gate = make(chan struct{}, n)
	}
	return s
}

// DB returns the underlying pool, for wiring and tests.
func (s *Store) DB() *sqlx.DB { return s.db }

// Open connects to PostgreSQL with a pool bounded for a small machine. Idle connections equal open ones:
// database/sql's default of two idle connections makes p99 latency jump under moderate load.
//
// Each connection's socket follows the context of the query it runs (see guardedConnector), so that no
// query outlives its deadline even when the server or the network stops answering.
func Open(ctx context.Context, url string, maxConns int) (*sqlx.DB, error) {
	conn, err := newGuardedConnector(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(conn), "postgres")
	if maxConns < 1 {
		maxConns = 12
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.GetContext(ctx, &one, `SELECT 1`)
}

// inTx runs fn in one transaction, committing when fn returns nil and rolling back otherwise.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return mapErr(err)
	}
	if err := tx.Commit(); err != nil {
		return mapErr(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// ConstraintError says which database constraint refused a write, wrapping the domain error.
type ConstraintError struct {
	Kind       error  // ErrDuplicate, ErrConflict, ErrInUse, ErrInvalid
	Constraint string // the constraint's name, as in the migrations
	cause      error
}

func (e *ConstraintError) Error() string {
	return fmt.Sprintf("%v (%s): %v", e.Kind, e.Constraint, e.cause)
}

// Unwrap lets errors.Is match both the domain error and the driver error.
func (e *ConstraintError) Unwrap() []error { return []error{e.Kind, e.cause} }

// mapErr turns PostgreSQL's error codes into domain errors, once, for every query.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var ce *ConstraintError
	if errors.As(err, &ce) {
		return err
	}
	var pe *pq.Error
	if !errors.As(err, &pe) {
		return err
	}
	var kind error
	switch pe.Code {
	case "23505":
		kind = ErrDuplicate
	case "23P01":
		kind = ErrConflict
	case "23503":
		kind = ErrInUse
	case "23514", "23502", "22001", "22007", "22008", "22P02", "22003", "22021":
		kind = ErrInvalid
	default:
		return err
	}
	return &ConstraintError{Kind: kind, Constraint: pe.Constraint, cause: err}
}

// ConstraintOf names the constraint behind err, or "" when none did.
func ConstraintOf(err error) string {
	var ce *ConstraintError
	if errors.As(err, &ce) {
		return ce.Constraint
	}
	return ""
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// refError turns a foreign-key violation on one of the named constraints into a "not_found" error on
// the field that referred to the missing row, so that a form can say which choice was wrong.
func refError(err error, fields map[string]string) error {
	err = mapErr(err)
	if !errors.Is(err, ErrInUse) {
		return err
	}
	if f, ok := fields[ConstraintOf(err)]; ok {
		return &ValidationError{Fields: map[string]string{f: "not_found"}}
	}
	return err
}

var courseRefs = map[string]string{
	"courses_craft_id_fkey":   "craft_id",
	"courses_venue_id_fkey":   "venue_id",
	"courses_trainer_id_fkey": "trainer_id",
}

var sessionRefs = map[string]string{
	"course_sessions_venue_id_fkey":      "venue_id",
	"course_sessions_instructor_id_fkey": "instructor_id",
}
