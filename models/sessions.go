package models

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"
)

// Session is a server-side session: anonymous (before login, holding only the CSRF token) or a user's.
type Session struct {
	IDHash    []byte    `db:"id_hash"`
	UserID    *int64    `db:"user_id"`
	CSRF      string    `db:"-"`
	Data      []byte    `db:"data"`
	CreatedAt time.Time `db:"created_at"`
	LastSeen  time.Time `db:"last_seen"`
	ExpiresAt time.Time `db:"expires_at"`
}

type sessionData struct {
	CSRF string `json:"csrf"`
}

// hashToken is how every secret token (session, API, reset link, certificate) is stored.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession starts a session (for userID, or anonymous when nil) that ends at the latest after
// absolute, and returns the cookie value. Only its hash is stored.
func (s *Store) CreateSession(ctx context.Context, userID *int64, absolute time.Duration) (string, Session, error) {
	token := RandomToken(32)
	data, _ := json.Marshal(sessionData{CSRF: RandomToken(32)})
	var sess Session
	const q = `
		INSERT INTO user_sessions (id_hash, user_id, data, expires_at)
		VALUES ($1, $2, $3, now() + make_interval(secs => $4))
		RETURNING id_hash, user_id, data, created_at, last_seen, expires_at`
	if err := s.db.GetContext(ctx, &sess, q, hashToken(token), userID, data, absolute.Seconds()); err != nil {
		return "", Session{}, fmt.Errorf("create session: %w", mapErr(err))
	}
	sess.decode()
	return token, sess, nil
}

func (sess *Session) decode() {
	var d sessionData
	_ = json.Unmarshal(sess.Data, &d)
	sess.CSRF = d.CSRF
}

// loginSessionQuery reads a cookie session and its user.
const loginSessionQuery = `
		SELECT s.id_hash, s.user_id, s.data, s.created_at, s.last_seen, s.expires_at,
		       u.id AS u_id, u.email AS u_email, u.full_name AS u_full_name, u.role AS u_role, u.disabled_at AS u_disabled_at
		FROM user_sessions s LEFT JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = $1`

// GetLoginSession returns the live session behind a cookie value and its user, if any. A session idle for
// longer than idle, past its absolute expiry, or of a disabled user is ErrNotFound (and is removed).
func (s *Store) GetLoginSession(ctx context.Context, token string, idle time.Duration) (Session, *User, error) {
	var row struct {
		Session
		UID      *int64     `db:"u_id"`
		Email    *string    `db:"u_email"`
		FullName *string    `db:"u_full_name"`
		Role     *string    `db:"u_role"`
		Disabled *time.Time `db:"u_disabled_at"`
	}
	h := hashToken(token)
	if err := s.get(ctx, &row, loginSessionQuery, h); err != nil {
		return Session{}, nil, mapErr(err)
	}
	now := time.Now()
	if now.After(row.ExpiresAt) || now.Sub(row.LastSeen) > idle || row.Disabled != nil {
		_, _ = s.db.ExecContext(ctx, `DELETE FROM user_sessions WHERE id_hash = $1`, h)
		return Session{}, nil, ErrNotFound
	}
	sess := row.Session
	sess.decode()
	var u *User
	if row.UID != nil {
		u = &User{ID: *row.UID, Email: *row.Email, FullName: *row.FullName, Role: *row.Role}
	}
	// Record activity at most once a minute, so that reading pages does not write on every request.
	if now.Sub(row.LastSeen) > time.Minute {
		_, _ = s.db.ExecContext(ctx, `UPDATE user_sessions SET last_seen = now() WHERE id_hash = $1`, h)
	}
	return sess, u, nil
}

// DeleteSession ends the session behind a cookie value.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM user_sessions WHERE id_hash = $1`, hashToken(token)); err != nil {
		return fmt.Errorf("delete session: %w", mapErr(err))
	}
	return nil
}

// CleanUp removes expired sessions, tokens, reset links and old rate-limit windows.
func (s *Store) CleanUp(ctx context.Context) error {
	const q = `
		WITH a AS (DELETE FROM user_sessions WHERE expires_at < now()),
		     b AS (DELETE FROM api_tokens WHERE expires_at < now() - interval '30 days'),
		     c AS (DELETE FROM password_resets WHERE expires_at < now() - interval '30 days')
		DELETE FROM rate_limits WHERE window_start < now() - interval '1 day'`
	if _, err := s.db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("clean up: %w", mapErr(err))
	}
	return nil
}

// Hit counts one event against key in the current fixed window and returns the count so far and when
// the window ends. The counters live in PostgreSQL, so every app instance shares them.
func (s *Store) Hit(ctx context.Context, key string, window time.Duration) (int, time.Time, error) {
	var r struct {
		Hits  int       `db:"hits"`
		Start time.Time `db:"window_start"`
	}
	if err := s.get(ctx, &r, rateHitQuery, key, window.Seconds()); err != nil {
		return 0, time.Time{}, fmt.Errorf("rate limit: %w", mapErr(err))
	}
	return r.Hits, r.Start.Add(window), nil
}

const rateHitQuery = `
		INSERT INTO rate_limits (key, window_start, hits)
		VALUES ($1, to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2) * $2), 1)
		ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
		RETURNING hits, window_start`

// Hits returns the count of key in the current window without adding to it.
func (s *Store) Hits(ctx context.Context, key string, window time.Duration) (int, time.Time, error) {
	var r struct {
		Hits  int       `db:"hits"`
		Start time.Time `db:"window_start"`
	}
	const q = `
		SELECT coalesce((SELECT hits FROM rate_limits WHERE key = $1 AND window_start = w.start), 0) AS hits, w.start AS window_start
		FROM (SELECT to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2) * $2) AS start) w`
	if err := s.db.GetContext(ctx, &r, q, key, window.Seconds()); err != nil {
		return 0, time.Time{}, fmt.Errorf("rate limit: %w", mapErr(err))
	}
	return r.Hits, r.Start.Add(window), nil
}

func sha256Sum(b []byte) []byte {
	h := sha256.Sum256(b)
	return h[:]
}
