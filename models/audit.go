package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
)

// Actor is who does something: a user, or the system itself (ID 0) with a label such as "cli".
type Actor struct {
	UserID    int64
	Label     string
	ClientIP  string
	RequestID string
}

// SystemActor is the actor of command-line and start-up work.
func SystemActor(label string) Actor { return Actor{Label: label} }

// audit appends one row to the audit log inside the caller's transaction.
func audit(ctx context.Context, tx *sqlx.Tx, a Actor, action, entity string, id int64, old, new any) error {
	enc := func(v any) (any, error) {
		if v == nil {
			return nil, nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	}
	o, err := enc(old)
	if err != nil {
		return fmt.Errorf("audit old values: %w", err)
	}
	n, err := enc(new)
	if err != nil {
		return fmt.Errorf("audit new values: %w", err)
	}
	var actorID any
	if a.UserID > 0 {
		actorID = a.UserID
	}
	var ip any
	if a.ClientIP != "" {
		ip = a.ClientIP
	}
	entityID := ""
	if id > 0 {
		entityID = strconv.FormatInt(id, 10)
	}
	const q = `
		INSERT INTO audit_log (actor_id, actor, action, entity, entity_id, old_values, new_values, client_ip, request_id)
		VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::inet, $9)`
	_, err = tx.ExecContext(ctx, q, actorID, a.Label, action, entity, entityID, o, n, ip, a.RequestID)
	return err
}
