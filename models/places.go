package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"

	"github.com/jmoiron/sqlx"
)

// District is a district-level unit (huyện, thị xã, thành phố thuộc tỉnh).
type District struct {
	Code     string `db:"code" json:"code"`
	Name     string `db:"name" json:"name"`
	UnitType string `db:"unit_type" json:"unit_type"`
}

// Commune is a commune-level unit (xã, phường, thị trấn) with its district.
type Commune struct {
	Code         string `db:"code" json:"code"`
	Name         string `db:"name" json:"name"`
	UnitType     string `db:"unit_type" json:"unit_type"`
	DistrictCode string `db:"district_code" json:"district_code"`
	DistrictName string `db:"district_name" json:"district_name"`
	// Valid is whether the unit exists today; merged or renamed units stay for old records.
	Valid bool `db:"valid" json:"-"`
}

// unitCode is the shape of an official (GSO) unit code, checked before a code reaches SQL so that a
// hostile filter value answers "invalid" instead of an empty list or a cast error.
var unitCode = regexp.MustCompile(`^[0-9]{2,5}$`)

// ValidUnitCode reports whether s looks like an administrative unit's code.
func ValidUnitCode(s string) bool { return unitCode.MatchString(s) }

// placeOrder sorts units by their proper name with Vietnamese collation, ignoring the type word that
// starts most official names ("Huyện Lục Ngạn", "Thị xã Việt Yên"): people look for "Lục Ngạn" under L.
const placeOrder = `regexp_replace(%s, '^(Thành phố|Thị xã|Huyện|Quận|Thị trấn|Phường|Xã) ', '') COLLATE "vi-VN-x-icu"`

// validToday is the condition "the unit exists today" in Vietnam's calendar.
const validToday = `(%[1]s.valid_from <= (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
	AND (%[1]s.valid_to IS NULL OR %[1]s.valid_to > (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date))`

// ListDistricts returns the district-level units that exist today, in Vietnamese order.
func (s *Store) ListDistricts(ctx context.Context) ([]District, error) {
	q := `SELECT d.code, d.name, d.unit_type FROM admin_units d
		WHERE d.level = 'district' AND ` + fmt.Sprintf(validToday, "d") + `
		ORDER BY ` + fmt.Sprintf(placeOrder, "d.name") + `, d.code`
	out := []District{}
	if err := s.db.SelectContext(ctx, &out, q); err != nil {
		return nil, fmt.Errorf("list districts: %w", mapErr(err))
	}
	return out, nil
}

// communeSelect reads communes with their district; callers add WHERE and ORDER BY.
const communeSelect = `
	SELECT c.code, c.name, c.unit_type, coalesce(d.code, '') AS district_code, coalesce(d.name, '') AS district_name,
	       (c.valid_from <= (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
	        AND (c.valid_to IS NULL OR c.valid_to > (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)) AS valid
	FROM admin_units c LEFT JOIN admin_units d ON d.code = c.parent_code`

// ListCommunes returns the commune-level units that exist today, in Vietnamese order by district and
// then by commune; with a district code, only that district's communes.
func (s *Store) ListCommunes(ctx context.Context, districtCode string) ([]Commune, error) {
	if districtCode != "" && !ValidUnitCode(districtCode) {
		return nil, &ValidationError{Fields: map[string]string{"district": "est_invalid_district"}}
	}
	q := communeSelect + `
		WHERE c.level = 'commune' AND ` + fmt.Sprintf(validToday, "c") + ` AND ($1 = '' OR c.parent_code = $1)
		ORDER BY ` + fmt.Sprintf(placeOrder, "d.name") + `, d.code, ` + fmt.Sprintf(placeOrder, "c.name") + `, c.code`
	out := []Commune{}
	if err := s.db.SelectContext(ctx, &out, q, districtCode); err != nil {
		return nil, fmt.Errorf("list communes of %q: %w", districtCode, mapErr(err))
	}
	return out, nil
}

// GetCommune returns one commune-level unit, valid today or not; ErrNotFound for any other code.
func (s *Store) GetCommune(ctx context.Context, code string) (Commune, error) {
	var c Commune
	if !ValidUnitCode(code) {
		return c, fmt.Errorf("commune %q: %w", code, ErrNotFound)
	}
	if err := s.db.GetContext(ctx, &c, communeSelect+` WHERE c.code = $1 AND c.level = 'commune'`, code); err != nil {
		return c, fmt.Errorf("get commune %s: %w", code, mapErr(err))
	}
	return c, nil
}

// checkCommune is the rule for a commune chosen on a form: a commune-level unit that exists today,
// unless it is the one the record already has (a unit merged away keeps its old records editable).
// A refusal goes into errs under field; only a database failure is returned.
func checkCommune(ctx context.Context, tx *sqlx.Tx, code, current string, errs map[string]string, field string) error {
	if code == "" || code == current {
		return nil
	}
	var valid bool
	err := tx.GetContext(ctx, &valid, `
		SELECT `+fmt.Sprintf(validToday, "c")+` FROM admin_units c WHERE c.code = $1 AND c.level = 'commune'`, code)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		errs[field] = "est_invalid_commune"
	case err != nil:
		return err
	case !valid:
		errs[field] = "est_invalid_commune"
	}
	return nil
}

// ListAllCommunes returns every commune-level unit, current or not, grouped by district in Vietnamese
// order: old records point at merged units, so a trainee's form must still offer theirs (Valid false).
func (s *Store) ListAllCommunes(ctx context.Context) ([]Commune, error) {
	q := communeSelect + `
		WHERE c.level = 'commune'
		ORDER BY ` + fmt.Sprintf(placeOrder, "d.name") + `, d.code, ` + fmt.Sprintf(placeOrder, "c.name") + `, c.code`
	out := []Commune{}
	if err := s.db.SelectContext(ctx, &out, q); err != nil {
		return nil, fmt.Errorf("list all communes: %w", mapErr(err))
	}
	return out, nil
}
