package models

import (
	"context"
	"fmt"
)

// Choice is one option of a select box: an id and a label.
type Choice struct {
	ID    int64  `db:"id" json:"id"`
	Label string `db:"label" json:"label"`
	Extra string `db:"extra" json:"extra,omitempty"`
}

// choiceQueries are the option lists forms offer, in Vietnamese order.
var choiceQueries = map[string]string{
	"crafts": `SELECT id, name AS label, '' AS extra FROM crafts ORDER BY name COLLATE "vi-VN-x-icu"`,
	"venues": `SELECT v.id, v.name AS label, coalesce(d.name, '') AS extra FROM venues v
			LEFT JOIN admin_units cm ON cm.code = v.commune_code LEFT JOIN admin_units d ON d.code = cm.parent_code
			WHERE v.active ORDER BY v.name COLLATE "vi-VN-x-icu"`,
	"trainers":    instructorChoices(`active AND kind = 'trainer'`, "organisation"),
	"masters":     instructorChoices(`active AND kind = 'master'`, "organisation"),
	"instructors": instructorChoices(`active`, "kind"),
	"districts":   `SELECT code::bigint AS id, name AS label, '' AS extra FROM admin_units WHERE level = 'district' AND valid_to IS NULL ORDER BY name COLLATE "vi-VN-x-icu"`,
}

// instructorChoices sorts people by given name (the last word), then by full name.
func instructorChoices(where, extra string) string {
	return `SELECT id, full_name AS label, ` + extra + ` AS extra FROM instructors WHERE ` + where + `
			ORDER BY split_part(full_name, ' ', array_length(string_to_array(full_name, ' '), 1)) COLLATE "vi-VN-x-icu", full_name COLLATE "vi-VN-x-icu"`
}

// Choices returns the options forms offer for crafts, venues, trainers, masters, instructors and
// districts, in Vietnamese order.
func (s *Store) Choices(ctx context.Context, what string) ([]Choice, error) {
	q, ok := choiceQueries[what]
	if !ok {
		return nil, fmt.Errorf("unknown choice list %q", what)
	}
	out := []Choice{}
	if err := s.sel(ctx, &out, q); err != nil {
		return nil, fmt.Errorf("choices %s: %w", what, mapErr(err))
	}
	return out, nil
}

// TrainerInstructorID returns the instructor record of a trainer user, creating it (with the user's
// name) the first time the trainer registers a class.
func (s *Store) TrainerInstructorID(ctx context.Context, u User) (int64, error) {
	var id int64
	const q = `
		WITH found AS (SELECT id FROM instructors WHERE user_id = $1),
		     made AS (INSERT INTO instructors (kind, full_name, email, user_id)
		              SELECT 'trainer', $2, $3, $1 WHERE NOT EXISTS (SELECT 1 FROM found)
		              ON CONFLICT (user_id) DO NOTHING RETURNING id)
		SELECT id FROM found UNION ALL SELECT id FROM made`
	if err := s.db.GetContext(ctx, &id, q, u.ID, u.FullName, u.Email); err != nil {
		return 0, fmt.Errorf("instructor of user %d: %w", u.ID, mapErr(err))
	}
	return id, nil
}
