package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/text/unicode/norm"
)

// Roles of people who log in.
const (
	RoleAdmin   = "admin"
	RoleStaff   = "staff"
	RoleTrainer = "trainer"
	RoleMaster  = "master"
)

// Roles lists every role, most powerful first.
var Roles = []string{RoleAdmin, RoleStaff, RoleTrainer, RoleMaster}

// User is a person who logs in.
type User struct {
	ID           int64      `db:"id" json:"id"`
	Email        string     `db:"email" json:"email"`
	FullName     string     `db:"full_name" json:"full_name"`
	Role         string     `db:"role" json:"role"`
	PasswordHash string     `db:"password_hash" json:"-"`
	DisabledAt   *time.Time `db:"disabled_at" json:"disabled_at,omitempty"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at" json:"updated_at"`
}

// NewUser is what it takes to create a user.
type NewUser struct {
	Email    string
	FullName string
	Role     string
	Password string
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// Validate checks a new user's fields and returns messages keyed by field.
func (n NewUser) Validate() map[string]string {
	errs := UserChange{FullName: n.FullName, Role: n.Role}.Validate()
	email := strings.ToLower(strings.TrimSpace(n.Email))
	if at := strings.IndexByte(email, '@'); at < 1 || at == len(email)-1 || len(email) > 254 || strings.ContainsAny(email, " \t\r\n") {
		errs["email"] = "invalid_email"
	}
	if p := PasswordProblem(n.Password, email); p != "" {
		errs["password"] = p
	}
	return errs
}

// Validate checks a name and a role and returns messages keyed by field.
func (ch UserChange) Validate() map[string]string {
	errs := map[string]string{}
	switch name := strings.TrimSpace(ch.FullName); {
	case name == "":
		errs["full_name"] = "required"
	case len(name) > 200:
		errs["full_name"] = "too_long"
	case !CleanName(name):
		errs["full_name"] = "invalid_characters"
	}
	valid := false
	for _, r := range Roles {
		valid = valid || r == ch.Role
	}
	if !valid {
		errs["role"] = "invalid_role"
	}
	return errs
}

// CreateUser stores a new user with an argon2id password hash and records it in the audit log.
func (s *Store) CreateUser(ctx context.Context, actor Actor, n NewUser) (User, error) {
	if errs := n.Validate(); len(errs) > 0 {
		return User{}, &ValidationError{Fields: errs}
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		const q = `
			INSERT INTO users (email, full_name, role, password_hash)
			VALUES ($1, $2, $3, $4)
			RETURNING id, email, full_name, role, password_hash, disabled_at, created_at, updated_at`
		if err := tx.GetContext(ctx, &u, q, strings.ToLower(strings.TrimSpace(n.Email)),
			norm.NFC.String(strings.TrimSpace(n.FullName)), n.Role, hash); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.create", "users", u.ID, nil, map[string]any{
			"email": u.Email, "full_name": u.FullName, "role": u.Role})
	})
	if err != nil {
		return User{}, fmt.Errorf("create user %s: %w", n.Email, err)
	}
	return u, nil
}

// ValidationError lists field problems found before any write; Fields maps a field to a message key.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string { return fmt.Sprintf("invalid fields: %v", e.Fields) }

// Is makes errors.Is(err, ErrInvalid) true for validation errors.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// CountUsers returns how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM users`); err != nil {
		return 0, fmt.Errorf("count users: %w", mapErr(err))
	}
	return n, nil
}
