package models

import (
	"context"
	"fmt"
	"time"
)

// Commune is a commune-level administrative unit (xã, phường, thị trấn) with its district, for
// pickers and for showing where someone lives.
type Commune struct {
	Code         string     `db:"code" json:"code"`
	Name         string     `db:"name" json:"name"`
	UnitType     string     `db:"unit_type" json:"unit_type"`
	DistrictCode string     `db:"district_code" json:"district_code"`
	DistrictName string     `db:"district_name" json:"district_name"`
	ValidTo      *time.Time `db:"valid_to" json:"valid_to,omitempty"`
}

// ListCommunes returns every commune-level unit, current or not, grouped by district in Vietnamese
// order. Units no longer in force keep their codes (old records point at them) and carry ValidTo.
func (s *Store) ListCommunes(ctx context.Context) ([]Commune, error) {
	const q = `
		SELECT c.code, c.name, c.unit_type, coalesce(d.code, '') AS district_code,
		       coalesce(d.name, '') AS district_name, c.valid_to
		FROM admin_units c LEFT JOIN admin_units d ON d.code = c.parent_code
		WHERE c.level = 'commune'
		ORDER BY d.name COLLATE "vi-VN-x-icu", d.code, c.name COLLATE "vi-VN-x-icu", c.code`
	out := []Commune{}
	if err := s.db.SelectContext(ctx, &out, q); err != nil {
		return nil, fmt.Errorf("list communes: %w", mapErr(err))
	}
	return out, nil
}
