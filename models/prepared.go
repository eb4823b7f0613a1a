package models

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// maxPrepared bounds the statements a store keeps prepared. The hot queries are a few dozen fixed
// texts; past the bound a query simply runs unprepared.
const maxPrepared = 256

// stmtCache holds the store's prepared statements, keyed by their text. lib/pq sends an unnamed
// statement as two round trips (parse, then bind and execute) and PostgreSQL plans it every time; a
// prepared one is one round trip and a plan kept per connection. On this stack the trainee-schedule
// join spent ~0.7 ms planning against ~0.1 ms executing (see STYLE.md, Pitfalls).
//
// A statement is prepared on one connection when first used; database/sql prepares it again,
// transparently, on each other connection of the pool the first time it runs there, and after a
// reconnection.
type stmtCache struct {
	mu    sync.RWMutex
	stmts map[string]*sqlx.Stmt
}

// prepared returns the statement for q, preparing it on first use; ok is false when the cache is
// full and q should run unprepared.
func (s *Store) prepared(ctx context.Context, q string) (st *sqlx.Stmt, ok bool, err error) {
	c := s.stmts
	c.mu.RLock()
	st, found := c.stmts[q]
	n := len(c.stmts)
	c.mu.RUnlock()
	if found {
		return st, true, nil
	}
	if n >= maxPrepared {
		return nil, false, nil
	}
	st, err = s.db.PreparexContext(ctx, q)
	if err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, found := c.stmts[q]; found { // prepared meanwhile by another request
		_ = st.Close()
		return prev, true, nil
	}
	c.stmts[q] = st
	return st, true, nil
}

// admit waits for the store's turn at the pool, first come first served. database/sql hands a freed
// connection to a waiting caller picked at random, so under load some callers lose the draw again
// and again: with 64 requests on 12 connections the slowest waited several times the average. The
// gate (a buffered channel, whose blocked senders are woken in order) lets at most as many hot
// queries in as the pool has connections, so they rarely wait in database/sql at all.
func (s *Store) admit(ctx context.Context) (release func(), err error) {
	if s.gate == nil {
		return func() {}, nil
	}
	select {
	case s.gate <- struct{}{}:
		return func() { <-s.gate }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// get runs a one-row query as a prepared statement (see stmtCache), in its turn (see admit).
func (s *Store) get(ctx context.Context, dest any, q string, args ...any) error {
	release, err := s.admit(ctx)
	if err != nil {
		return err
	}
	defer release()
	return s.one(ctx, nil, dest, q, args...)
}

// sel runs a many-row query as a prepared statement (see stmtCache), in its turn (see admit).
func (s *Store) sel(ctx context.Context, dest any, q string, args ...any) error {
	release, err := s.admit(ctx)
	if err != nil {
		return err
	}
	defer release()
	return s.many(ctx, nil, dest, q, args...)
}

// each runs q as a prepared statement in its turn and calls scan for each row, which scans the
// columns itself: for the hottest lists, where sqlx's mapping by reflection costs more than the rows.
func (s *Store) each(ctx context.Context, q string, args []any, scan func(*sql.Rows) error) error {
	release, err := s.admit(ctx)
	if err != nil {
		return err
	}
	defer release()
	st, err := s.stmtFor(ctx, nil, q)
	if err != nil {
		return err
	}
	var rows *sql.Rows
	if st == nil {
		rows, err = s.db.QueryContext(ctx, q, args...)
	} else {
		rows, err = st.QueryContext(ctx, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// txGet is get inside a transaction: prepared, without a turn of its own (the transaction took one).
func (s *Store) txGet(ctx context.Context, tx *sqlx.Tx, dest any, q string, args ...any) error {
	return s.one(ctx, tx, dest, q, args...)
}

// txSel is sel inside a transaction.
func (s *Store) txSel(ctx context.Context, tx *sqlx.Tx, dest any, q string, args ...any) error {
	return s.many(ctx, tx, dest, q, args...)
}

// one reads one row of q, prepared, on tx or (tx nil) the pool.
func (s *Store) one(ctx context.Context, tx *sqlx.Tx, dest any, q string, args ...any) error {
	st, err := s.stmtFor(ctx, tx, q)
	if err != nil {
		return err
	}
	if st == nil {
		return sqlx.GetContext(ctx, s.on(tx), dest, q, args...)
	}
	return st.GetContext(ctx, dest, args...)
}

// many reads the rows of q, prepared, on tx or (tx nil) the pool.
func (s *Store) many(ctx context.Context, tx *sqlx.Tx, dest any, q string, args ...any) error {
	st, err := s.stmtFor(ctx, tx, q)
	if err != nil {
		return err
	}
	if st == nil {
		return sqlx.SelectContext(ctx, s.on(tx), dest, q, args...)
	}
	return st.SelectContext(ctx, dest, args...)
}

// stmtFor returns the store's prepared statement for q, bound to tx when there is one (database/sql
// reuses the statement already prepared on the transaction's connection), or nil when the cache is
// full and q should run unprepared.
func (s *Store) stmtFor(ctx context.Context, tx *sqlx.Tx, q string) (*sqlx.Stmt, error) {
	st, ok, err := s.prepared(ctx, q)
	if err != nil || !ok {
		return nil, err
	}
	if tx != nil {
		return tx.StmtxContext(ctx, st), nil
	}
	return st, nil
}

// on is where an unprepared query runs: the transaction, or the pool.
func (s *Store) on(tx *sqlx.Tx) sqlx.QueryerContext {
	if tx != nil {
		return tx
	}
	return s.db
}
