package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/text/unicode/norm"
)

const userColumns = `id, email, full_name, role, password_hash, disabled_at, created_at, updated_at`

var userSorts = map[string]string{
	"name":    `full_name COLLATE "vi-VN-x-icu", id`,
	"email":   `email, id`,
	"role":    `role, full_name COLLATE "vi-VN-x-icu", id`,
	"created": `created_at, id`,
}

// ListUsers returns a page of users, searched by name or e-mail without diacritics.
func (s *Store) ListUsers(ctx context.Context, p ListParams) (List[User], error) {
	p = p.Normalize()
	order, err := orderBy(p.Sort, userSorts, "name")
	if err != nil {
		return List[User]{}, err
	}
	where, args := searchWhere(`search_key(full_name || ' ' || email)`, p.Q, 1)
	out := List[User]{Page: p.Page, PerPage: p.PerPage, Items: []User{}}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM users WHERE `+where, args...); err != nil {
		return out, fmt.Errorf("count users: %w", mapErr(err))
	}
	q := fmt.Sprintf(`SELECT %s FROM users WHERE %s %s LIMIT %d OFFSET %d`, userColumns, where, order, p.PerPage, p.Offset())
	if err := s.db.SelectContext(ctx, &out.Items, q, args...); err != nil {
		return out, fmt.Errorf("list users: %w", mapErr(err))
	}
	return out, nil
}

// GetUser returns one user.
func (s *Store) GetUser(ctx context.Context, id int64) (User, error) {
	var u User
	if err := s.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE id = $1`, id); err != nil {
		return User{}, fmt.Errorf("get user %d: %w", id, mapErr(err))
	}
	return u, nil
}

// UserChange is what an admin may change on a user.
type UserChange struct {
	FullName string
	Role     string
}

// UpdateUser changes a user's name and role, and audits old and new values.
func (s *Store) UpdateUser(ctx context.Context, a Actor, id int64, ch UserChange) (User, error) {
	if errs := ch.Validate(); len(errs) > 0 {
		return User{}, &ValidationError{Fields: errs}
	}
	var u User
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var old User
		if err := tx.GetContext(ctx, &old, `SELECT `+userColumns+` FROM users WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		const q = `UPDATE users SET full_name = $2, role = $3, updated_at = now() WHERE id = $1 RETURNING ` + userColumns
		if err := tx.GetContext(ctx, &u, q, id, norm.NFC.String(strings.TrimSpace(ch.FullName)), ch.Role); err != nil {
			return err
		}
		action := "user.update"
		if old.Role != u.Role {
			action = "user.role_change"
		}
		return audit(ctx, tx, a, action, "users", id,
			map[string]any{"full_name": old.FullName, "role": old.Role},
			map[string]any{"full_name": u.FullName, "role": u.Role})
	})
	if err != nil {
		return User{}, fmt.Errorf("update user %d: %w", id, err)
	}
	return u, nil
}

// SetUserDisabled disables (or enables) a user. Disabling ends their sessions and API tokens at once.
func (s *Store) SetUserDisabled(ctx context.Context, a Actor, id int64, disabled bool) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var was *time.Time
		if err := tx.GetContext(ctx, &was, `SELECT disabled_at FROM users WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = coalesce(disabled_at, now()), updated_at = now() WHERE id = $1`, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = $1`, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, id); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return audit(ctx, tx, a, action, "users", id, map[string]any{"disabled": was != nil}, map[string]any{"disabled": disabled})
	})
	if err != nil {
		return fmt.Errorf("disable user %d: %w", id, err)
	}
	return nil
}

// ResetLinkTTL is how long a password-reset link works.
const ResetLinkTTL = 72 * time.Hour

// CreatePasswordReset makes a one-time link token for the user to set a new password. Older unused
// links of the user stop working. The admin never sees or chooses a password.
func (s *Store) CreatePasswordReset(ctx context.Context, a Actor, userID int64) (string, error) {
	token := RandomToken(32)
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, userID); err != nil {
			return err
		}
		var createdBy any
		if a.UserID > 0 {
			createdBy = a.UserID
		}
		const q = `INSERT INTO password_resets (token_hash, user_id, created_by, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`
		if _, err := tx.ExecContext(ctx, q, hashToken(token), userID, createdBy, ResetLinkTTL.Seconds()); err != nil {
			return err
		}
		return audit(ctx, tx, a, "user.password_reset_link", "users", userID, nil, nil)
	})
	if err != nil {
		return "", fmt.Errorf("password reset for user %d: %w", userID, err)
	}
	return token, nil
}

// PasswordResetUser returns the user a live reset link belongs to, or ErrNotFound.
func (s *Store) PasswordResetUser(ctx context.Context, token string) (User, error) {
	var u User
	const q = `
		SELECT u.id, u.email, u.full_name, u.role, u.password_hash, u.disabled_at, u.created_at, u.updated_at
		FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND u.disabled_at IS NULL`
	if err := s.db.GetContext(ctx, &u, q, hashToken(token)); err != nil {
		return User{}, mapErr(err)
	}
	return u, nil
}

// ResetPassword sets a new password through a one-time link, uses the link up, and ends the user's
// other sessions.
func (s *Store) ResetPassword(ctx context.Context, a Actor, token, password string) (User, error) {
	var u User
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		const q = `
			UPDATE password_resets r SET used_at = now()
			FROM users u
			WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND u.id = r.user_id AND u.disabled_at IS NULL
			RETURNING u.id, u.email, u.full_name, u.role, u.password_hash, u.disabled_at, u.created_at, u.updated_at`
		if err := tx.GetContext(ctx, &u, q, hashToken(token)); err != nil {
			return err
		}
		if p := PasswordProblem(password, u.Email); p != "" {
			return &ValidationError{Fields: map[string]string{"password": p}}
		}
		hash, err := HashPassword(password)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, u.ID, hash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = $1`, u.ID); err != nil {
			return err
		}
		a.UserID = u.ID
		return audit(ctx, tx, a, "user.password_set", "users", u.ID, nil, nil)
	})
	if err != nil {
		return User{}, fmt.Errorf("reset password: %w", err)
	}
	return u, nil
}
