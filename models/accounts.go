package models

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrBadCredentials is the one answer to a failed login, whatever failed: unknown e-mail, wrong
// password or disabled account.
var ErrBadCredentials = errors.New("bad credentials")

//go:embed common_passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(commonPasswordList) {
		m[p] = true
	}
	return m
}()

// PasswordProblem returns a message key when password is not acceptable, or "".
func PasswordProblem(password, email string) string {
	switch {
	case len([]rune(password)) < MinPasswordLength:
		return "password_too_short"
	case len(password) > 512:
		return "too_long"
	case commonPasswords[strings.ToLower(password)]:
		return "password_common"
	case email != "" && strings.EqualFold(password, email),
		email != "" && strings.EqualFold(password, strings.SplitN(email, "@", 2)[0]):
		return "password_like_email"
	}
	return ""
}

// dummyHash makes a failed look-up cost as much as a wrong password, so timing tells nothing.
var dummyHash, _ = HashPassword(RandomToken(16))

// Authenticate returns the active user with this e-mail and password, or ErrBadCredentials.
func (s *Store) Authenticate(ctx context.Context, email, password string) (User, error) {
	var u User
	const q = `
		SELECT id, email, full_name, role, password_hash, disabled_at, created_at, updated_at
		FROM users WHERE email = $1`
	err := s.db.GetContext(ctx, &u, q, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		if errors.Is(mapErr(err), ErrNotFound) {
			CheckPassword(dummyHash, password)
			return User{}, ErrBadCredentials
		}
		return User{}, fmt.Errorf("authenticate: %w", mapErr(err))
	}
	if !CheckPassword(u.PasswordHash, password) || u.DisabledAt != nil {
		return User{}, ErrBadCredentials
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET last_login_at = now() WHERE id = $1`, u.ID); err != nil {
		return User{}, fmt.Errorf("authenticate: %w", mapErr(err))
	}
	return u, nil
}

// RecordLogin writes a login attempt to the audit log; userID is 0 when the e-mail is unknown.
func (s *Store) RecordLogin(ctx context.Context, a Actor, email string, userID int64, ok bool) error {
	action := "login.failure"
	if ok {
		action = "login.success"
	}
	a.UserID = userID
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		return audit(ctx, tx, a, action, "users", userID, nil, map[string]any{"email": strings.ToLower(strings.TrimSpace(email))})
	})
}

// CreateAPIToken issues a bearer token for the user, valid for ttl, and returns it; only its hash is kept.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, ttl time.Duration) (string, time.Time, error) {
	token := RandomToken(32)
	var exp time.Time
	const q = `INSERT INTO api_tokens (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires_at`
	if err := s.db.GetContext(ctx, &exp, q, userID, hashToken(token), ttl.Seconds()); err != nil {
		return "", time.Time{}, fmt.Errorf("create API token: %w", mapErr(err))
	}
	return token, exp, nil
}

// userByTokenQuery finds the live user of a live bearer token.
const userByTokenQuery = `
		SELECT u.id, u.email, u.full_name, u.role, u.password_hash, u.disabled_at, u.created_at, u.updated_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.disabled_at IS NULL`

// UserByAPIToken returns the active user of a live bearer token, or ErrNotFound.
func (s *Store) UserByAPIToken(ctx context.Context, token string) (User, error) {
	var u User
	if err := s.get(ctx, &u, userByTokenQuery, hashToken(token)); err != nil {
		return User{}, mapErr(err)
	}
	return u, nil
}

// RevokeAPIToken ends a bearer token.
func (s *Store) RevokeAPIToken(ctx context.Context, token string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`, hashToken(token))
	if err != nil {
		return fmt.Errorf("revoke API token: %w", mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
