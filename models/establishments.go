package models

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Kinds of rural industrial establishment (loại hình cơ sở CNNT).
const (
	KindEnterprise        = "enterprise"         // doanh nghiệp
	KindCooperative       = "cooperative"        // hợp tác xã
	KindCooperativeGroup  = "cooperative_group"  // tổ hợp tác
	KindHouseholdBusiness = "household_business" // hộ kinh doanh
)

// EstablishmentKinds lists every kind, in the order forms offer them.
var EstablishmentKinds = []string{KindEnterprise, KindCooperative, KindCooperativeGroup, KindHouseholdBusiness}

// Establishment is a rural industrial establishment (cơ sở CNNT) with the names of its places and craft.
// The district is never stored: it follows from the commune.
type Establishment struct {
	ID             int64     `db:"id" json:"id"`
	Name           string    `db:"name" json:"name"`
	Kind           string    `db:"kind" json:"kind"`
	RegistrationNo *string   `db:"registration_no" json:"registration_no"`
	CommuneCode    string    `db:"commune_code" json:"commune_code"`
	CommuneName    string    `db:"commune_name" json:"commune_name"`
	DistrictCode   string    `db:"district_code" json:"district_code"`
	DistrictName   string    `db:"district_name" json:"district_name"`
	MainCraftID    *int64    `db:"main_craft_id" json:"main_craft_id"`
	MainCraftName  *string   `db:"main_craft_name" json:"main_craft_name"`
	Products       string    `db:"products" json:"products"`
	Representative string    `db:"representative" json:"representative"`
	Phone          *string   `db:"phone" json:"phone"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
}

// EstablishmentInput is what staff enter for an establishment, as typed; the store cleans and checks it.
type EstablishmentInput struct {
	Name           string
	Kind           string
	RegistrationNo string
	CommuneCode    string
	MainCraftID    *int64
	Products       string
	Representative string
	Phone          string
}

// registrationNo is the shape the schema allows for a tax or business registration number.
var registrationNo = regexp.MustCompile(`^[0-9A-Z./-]{3,30}$`)

// normalize puts the input in its stored form: NFC, trimmed, the registration number in capitals
// (numbers such as "20A8001234" are the same whatever the case, and uniqueness must see that), and
// the phone as 0xxxxxxxxx when it is one.
func (in EstablishmentInput) normalize() EstablishmentInput {
	in.Name = NFC(in.Name)
	in.Kind = strings.TrimSpace(in.Kind)
	in.RegistrationNo = strings.ToUpper(strings.ReplaceAll(NFC(in.RegistrationNo), " ", ""))
	in.CommuneCode = strings.TrimSpace(in.CommuneCode)
	in.Products = NFC(in.Products)
	in.Representative = NFC(in.Representative)
	in.Phone = NFC(in.Phone)
	if p, ok := NormalizePhone(in.Phone); ok {
		in.Phone = p
	}
	return in
}

// Validate checks the fields that need no database and returns message keys by field.
func (in EstablishmentInput) Validate() map[string]string {
	in = in.normalize()
	errs := map[string]string{}
	checkLine(errs, "name", in.Name, 300, true)
	if !slices.Contains(EstablishmentKinds, in.Kind) {
		errs["kind"] = "est_invalid_kind"
	}
	if in.RegistrationNo != "" && !registrationNo.MatchString(in.RegistrationNo) {
		errs["registration_no"] = "est_invalid_registration"
	}
	switch {
	case in.CommuneCode == "":
		errs["commune_code"] = "required"
	case !ValidUnitCode(in.CommuneCode):
		errs["commune_code"] = "est_invalid_commune"
	}
	if in.MainCraftID != nil && *in.MainCraftID < 1 {
		errs["main_craft_id"] = "est_invalid_craft"
	}
	checkText(errs, "products", in.Products, 2000)
	checkLine(errs, "representative", in.Representative, 200, false)
	if in.Representative != "" && errs["representative"] == "" && !CleanName(in.Representative) {
		errs["representative"] = "invalid_characters"
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		errs["phone"] = "est_invalid_phone"
	}
	return errs
}

func validPhone(p string) bool { n, ok := NormalizePhone(p); return ok && n == p }

// checkLine checks a one-line text: no control characters (not even a newline), at most max characters.
func checkLine(errs map[string]string, field, v string, max int, required bool) {
	switch {
	case v == "" && required:
		errs[field] = "required"
	case !CleanText(v) || strings.ContainsFunc(v, unicode.IsControl):
		errs[field] = "invalid_characters"
	case utf8.RuneCountInString(v) > max:
		errs[field] = "too_long"
	}
}

// checkText checks free text that may span lines.
func checkText(errs map[string]string, field, v string, max int) {
	switch {
	case !CleanText(v) || strings.ContainsRune(v, 0):
		errs[field] = "invalid_characters"
	case utf8.RuneCountInString(v) > max:
		errs[field] = "too_long"
	}
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Reads of establishments join the commune, its district and the craft, so that lists and pages show
// names; the CTE of a write is named e too, so the same joins serve RETURNING.
const (
	estColumns = `e.id, e.name, e.kind, e.registration_no, e.commune_code, c.name AS commune_name,
		coalesce(d.code, '') AS district_code, coalesce(d.name, '') AS district_name,
		e.main_craft_id, cr.name AS main_craft_name, e.products, e.representative, e.phone, e.created_at, e.updated_at`
	estJoins = ` JOIN admin_units c ON c.code = e.commune_code
		LEFT JOIN admin_units d ON d.code = c.parent_code
		LEFT JOIN crafts cr ON cr.id = e.main_craft_id`
	estReturning = ` RETURNING id, name, kind, registration_no, commune_code, main_craft_id, products, representative, phone, created_at, updated_at`
)

var establishmentSorts = map[string]string{
	"name":         `e.name COLLATE "vi-VN-x-icu", e.id`,
	"registration": `e.registration_no, e.id`,
	"kind":         `e.kind, e.name COLLATE "vi-VN-x-icu", e.id`,
	"commune":      `c.name COLLATE "vi-VN-x-icu", e.name COLLATE "vi-VN-x-icu", e.id`,
	"district":     `d.name COLLATE "vi-VN-x-icu", c.name COLLATE "vi-VN-x-icu", e.name COLLATE "vi-VN-x-icu", e.id`,
	"created":      `e.created_at, e.id`,
}

// EstablishmentSortKeys are the sort keys ListEstablishments accepts (each also with a leading "-").
var EstablishmentSortKeys = []string{"name", "registration", "kind", "commune", "district", "created"}

// EstablishmentFilter narrows a list of establishments; empty fields do not filter.
type EstablishmentFilter struct {
	District string
	Commune  string
	Kind     string
}

func (f EstablishmentFilter) validate() error {
	errs := map[string]string{}
	if f.District != "" && !ValidUnitCode(f.District) {
		errs["district"] = "est_invalid_district"
	}
	if f.Commune != "" && !ValidUnitCode(f.Commune) {
		errs["commune"] = "est_invalid_commune"
	}
	if f.Kind != "" && !slices.Contains(EstablishmentKinds, f.Kind) {
		errs["kind"] = "est_invalid_kind"
	}
	if len(errs) > 0 {
		return &ValidationError{Fields: errs}
	}
	return nil
}

// ListEstablishments returns a page of establishments. The search, diacritics optional, looks at the
// name, the registration number and the names of the commune and the district, so "luc ngan" finds
// everything in Lục Ngạn and "my chu" finds "HTX Mỳ Chũ".
func (s *Store) ListEstablishments(ctx context.Context, p ListParams, f EstablishmentFilter) (List[Establishment], error) {
	p = p.Normalize()
	out := List[Establishment]{Page: p.Page, PerPage: p.PerPage, Items: []Establishment{}}
	if err := f.validate(); err != nil {
		return out, err
	}
	order, err := orderBy(p.Sort, establishmentSorts, "name")
	if err != nil {
		return out, err
	}
	where, args := searchWhere(`(e.search_key || ' ' || c.search_key || ' ' || coalesce(d.search_key, ''))`, p.Q, 4)
	args = append([]any{f.District, f.Commune, f.Kind}, args...)
	where = `($1 = '' OR c.parent_code = $1) AND ($2 = '' OR e.commune_code = $2) AND ($3 = '' OR e.kind = $3) AND ` + where
	from := ` FROM establishments e` + estJoins + ` WHERE ` + where
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*)`+from, args...); err != nil {
		return out, fmt.Errorf("count establishments: %w", mapErr(err))
	}
	q := fmt.Sprintf(`SELECT %s %s %s LIMIT %d OFFSET %d`, estColumns, from, order, p.PerPage, p.Offset())
	if err := s.db.SelectContext(ctx, &out.Items, q, args...); err != nil {
		return out, fmt.Errorf("list establishments: %w", mapErr(err))
	}
	return out, nil
}

// GetEstablishment returns one establishment.
func (s *Store) GetEstablishment(ctx context.Context, id int64) (Establishment, error) {
	var e Establishment
	const q = `SELECT ` + estColumns + ` FROM establishments e` + estJoins + ` WHERE e.id = $1`
	if err := s.db.GetContext(ctx, &e, q, id); err != nil {
		return Establishment{}, fmt.Errorf("get establishment %d: %w", id, mapErr(err))
	}
	return e, nil
}

// checkEstablishment runs every rule on the input, those that read the database inside tx; current is
// the commune the establishment has now ("" for a new one).
func checkEstablishment(ctx context.Context, tx *sqlx.Tx, in EstablishmentInput, current string) error {
	errs := in.Validate()
	if errs["commune_code"] == "" {
		if err := checkCommune(ctx, tx, in.CommuneCode, current, errs, "commune_code"); err != nil {
			return err
		}
	}
	if in.MainCraftID != nil && errs["main_craft_id"] == "" {
		var ok bool
		if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM crafts WHERE id = $1)`, *in.MainCraftID); err != nil {
			return err
		}
		if !ok {
			errs["main_craft_id"] = "est_invalid_craft"
		}
	}
	if len(errs) > 0 {
		return &ValidationError{Fields: errs}
	}
	return nil
}

// CreateEstablishment stores a new establishment and audits it. A registration number already in use
// is refused by the unique index establishments_registration_no_key (ErrDuplicate).
func (s *Store) CreateEstablishment(ctx context.Context, a Actor, in EstablishmentInput) (Establishment, error) {
	in = in.normalize()
	var e Establishment
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		e, err = createEstablishment(ctx, tx, a, in)
		return err
	})
	if err != nil {
		return Establishment{}, fmt.Errorf("create establishment %q: %w", in.Name, err)
	}
	return e, nil
}

// createEstablishment is CreateEstablishment inside the caller's transaction, on normalized input
// (a workshop registration may create the establishment it registers).
func createEstablishment(ctx context.Context, tx *sqlx.Tx, a Actor, in EstablishmentInput) (Establishment, error) {
	var e Establishment
	if err := checkEstablishment(ctx, tx, in, ""); err != nil {
		return e, err
	}
	const q = `WITH e AS (
		INSERT INTO establishments (name, kind, registration_no, commune_code, main_craft_id, products, representative, phone)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)` + estReturning + `)
		SELECT ` + estColumns + ` FROM e` + estJoins
	if err := tx.GetContext(ctx, &e, q, in.Name, in.Kind, nullString(in.RegistrationNo), in.CommuneCode,
		in.MainCraftID, in.Products, in.Representative, nullString(in.Phone)); err != nil {
		return e, err
	}
	return e, audit(ctx, tx, a, "establishment.create", "establishments", e.ID, nil, e.auditValues())
}

// UpdateEstablishment changes an establishment and audits its old and new values. Moving it to another
// commune leaves its support records where they were: each keeps the commune of its own date.
func (s *Store) UpdateEstablishment(ctx context.Context, a Actor, id int64, in EstablishmentInput) (Establishment, error) {
	in = in.normalize()
	var e Establishment
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var old Establishment
		const lock = `SELECT ` + estColumns + ` FROM establishments e` + estJoins + ` WHERE e.id = $1 FOR UPDATE OF e`
		if err := tx.GetContext(ctx, &old, lock, id); err != nil {
			return err
		}
		if err := checkEstablishment(ctx, tx, in, old.CommuneCode); err != nil {
			return err
		}
		const q = `WITH e AS (
			UPDATE establishments SET name = $2, kind = $3, registration_no = $4, commune_code = $5, main_craft_id = $6,
				products = $7, representative = $8, phone = $9, updated_at = now()
			WHERE id = $1` + estReturning + `)
			SELECT ` + estColumns + ` FROM e` + estJoins
		if err := tx.GetContext(ctx, &e, q, id, in.Name, in.Kind, nullString(in.RegistrationNo), in.CommuneCode,
			in.MainCraftID, in.Products, in.Representative, nullString(in.Phone)); err != nil {
			return err
		}
		return audit(ctx, tx, a, "establishment.update", "establishments", id, old.auditValues(), e.auditValues())
	})
	if err != nil {
		return Establishment{}, fmt.Errorf("update establishment %d: %w", id, err)
	}
	return e, nil
}

// auditValues are the fields the audit log keeps for an establishment.
func (e Establishment) auditValues() map[string]any {
	return map[string]any{
		"name": e.Name, "kind": e.Kind, "registration_no": e.RegistrationNo, "commune_code": e.CommuneCode,
		"main_craft_id": e.MainCraftID, "products": e.Products, "representative": e.Representative, "phone": e.Phone,
	}
}

// Input returns the establishment as the input that would store it unchanged, for edit forms and PATCH.
func (e Establishment) Input() EstablishmentInput {
	in := EstablishmentInput{Name: e.Name, Kind: e.Kind, CommuneCode: e.CommuneCode, MainCraftID: e.MainCraftID,
		Products: e.Products, Representative: e.Representative}
	if e.RegistrationNo != nil {
		in.RegistrationNo = *e.RegistrationNo
	}
	if e.Phone != nil {
		in.Phone = *e.Phone
	}
	return in
}

// CraftChoice is a craft offered in a select.
type CraftChoice struct {
	ID   int64  `db:"id" json:"id"`
	Name string `db:"name" json:"name"`
}

// ListCraftChoices returns every craft, in Vietnamese order, for the main-craft select.
func (s *Store) ListCraftChoices(ctx context.Context) ([]CraftChoice, error) {
	out := []CraftChoice{}
	const q = `SELECT id, name FROM crafts ORDER BY name COLLATE "vi-VN-x-icu", id`
	if err := s.db.SelectContext(ctx, &out, q); err != nil {
		return nil, fmt.Errorf("list crafts: %w", mapErr(err))
	}
	return out, nil
}

// EstablishmentChoice is an establishment offered in a select, with its commune to tell namesakes apart.
type EstablishmentChoice struct {
	ID          int64  `db:"id" json:"id"`
	Name        string `db:"name" json:"name"`
	CommuneName string `db:"commune_name" json:"commune_name"`
}

// ListEstablishmentChoices returns every establishment in Vietnamese order, for selects.
func (s *Store) ListEstablishmentChoices(ctx context.Context) ([]EstablishmentChoice, error) {
	out := []EstablishmentChoice{}
	const q = `SELECT e.id, e.name, c.name AS commune_name FROM establishments e JOIN admin_units c ON c.code = e.commune_code
		ORDER BY e.name COLLATE "vi-VN-x-icu", c.name COLLATE "vi-VN-x-icu", e.id`
	if err := s.db.SelectContext(ctx, &out, q); err != nil {
		return nil, fmt.Errorf("list establishment choices: %w", mapErr(err))
	}
	return out, nil
}
