package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Kinds of instructor: craft masters (nghệ nhân, thợ giỏi) lead craft-transmission classes; trainers
// (giảng viên) register and teach the other classes.
const (
	InstructorMaster  = "master"
	InstructorTrainer = "trainer"
)

// Instructor is a craft master or a trainer. Phone, e-mail and the linked user are personal data; the
// handlers leave them out for readers who are not staff.
type Instructor struct {
	ID           int64         `db:"id" json:"id"`
	Kind         string        `db:"kind" json:"kind"`
	FullName     string        `db:"full_name" json:"full_name"`
	Phone        string        `db:"phone" json:"phone,omitempty"`
	Email        string        `db:"email" json:"email,omitempty"`
	Organisation string        `db:"organisation" json:"organisation"`
	CommuneCode  string        `db:"commune_code" json:"commune_code,omitempty"`
	CommuneName  string        `db:"commune_name" json:"commune_name,omitempty"`
	UserID       *int64        `db:"user_id" json:"user_id,omitempty"`
	HasAccount   bool          `db:"has_account" json:"has_account"`
	Active       bool          `db:"active" json:"active"`
	CreatedAt    time.Time     `db:"created_at" json:"created_at"`
	UpdatedAt    time.Time     `db:"updated_at" json:"updated_at"`
	Crafts       []CraftRef    `db:"-" json:"crafts"`
	Titles       []MasterTitle `db:"-" json:"titles"` // always empty for trainers
}

// CraftIDs lists the ids of the instructor's crafts.
func (i Instructor) CraftIDs() []int64 {
	ids := make([]int64, 0, len(i.Crafts))
	for _, c := range i.Crafts {
		ids = append(ids, c.ID)
	}
	return ids
}

// InstructorInput is what staff may set on a master or trainer. Kind is only read on creation: a
// master's titles make no sense on a trainer, so the kind never changes.
type InstructorInput struct {
	Kind         string
	FullName     string
	Phone        string // any of 0912 345 678, +84 912 345 678, 84912345678; stored as 0912345678
	Email        string
	Organisation string
	CommuneCode  string
	UserID       *int64 // a user of the matching role (master or trainer), linked to one instructor only
	Active       bool
	CraftIDs     []int64
}

// Limits of an instructor's fields.
const (
	MaxInstructorName   = 200
	MaxOrganisation     = 300
	MaxInstructorCrafts = 50
)

// Validate checks the input without the database and returns message keys by field; the store checks
// again, with the database, when it writes.
func (in InstructorInput) Validate() map[string]string {
	_, errs := in.normalize()
	return errs
}

// normalize cleans the input and checks what can be checked without the database.
func (in InstructorInput) normalize() (InstructorInput, map[string]string) {
	errs := map[string]string{}
	if in.Kind != InstructorMaster && in.Kind != InstructorTrainer {
		errs["kind"] = "instr_invalid_kind"
	}
	switch name := strings.Join(strings.Fields(NFC(in.FullName)), " "); {
	case !utf8.ValidString(in.FullName) || !CleanText(in.FullName):
		errs["full_name"] = "invalid_characters"
	case name == "":
		errs["full_name"] = "required"
	case utf8.RuneCountInString(name) > MaxInstructorName:
		errs["full_name"] = "too_long"
	case !CleanName(name):
		errs["full_name"] = "invalid_characters"
	default:
		in.FullName = name
	}
	if p, ok := instructorPhone(in.Phone); ok {
		in.Phone = p
	} else {
		errs["phone"] = "instr_invalid_phone"
	}
	if e, ok := instructorEmail(in.Email); ok {
		in.Email = e
	} else {
		errs["email"] = "invalid_email"
	}
	in.Organisation = NFC(in.Organisation)
	switch {
	case !CleanText(in.Organisation) || strings.ContainsAny(in.Organisation, "\r\n\t"):
		errs["organisation"] = "invalid_characters"
	case utf8.RuneCountInString(in.Organisation) > MaxOrganisation:
		errs["organisation"] = "too_long"
	}
	in.CommuneCode = strings.TrimSpace(in.CommuneCode)
	if in.CommuneCode != "" && !isDigits(in.CommuneCode, 2, 5) {
		errs["commune_code"] = "instr_unknown_commune"
	}
	// Sorted and compacted: duplicates go, and the audit log shows the same list for the same crafts.
	ids := slices.Clone(in.CraftIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	switch {
	case len(ids) > MaxInstructorCrafts:
		errs["crafts"] = "instr_too_many_crafts"
	case len(ids) > 0 && ids[0] < 1:
		errs["crafts"] = "instr_unknown_craft"
	}
	in.CraftIDs = ids
	if in.UserID != nil && *in.UserID < 1 {
		errs["user_id"] = "instr_unknown_user"
	}
	return in, errs
}

// instructorPhone normalises a Vietnamese mobile or landline number to 0 and nine digits. Spaces, dots,
// dashes and brackets are dropped; +84, 0084 and 84 become 0, and a "(0)" after the country code goes.
// An empty phone is valid (no phone).
func instructorPhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	if d == "" {
		return "", true
	}
	for _, cc := range []string{"+84", "0084"} {
		if rest, ok := strings.CutPrefix(d, cc); ok {
			d = "0" + strings.TrimPrefix(rest, "0")
		}
	}
	if rest, ok := strings.CutPrefix(d, "84"); ok && len(d) == 11 {
		d = "0" + rest
	}
	if len(d) != 10 || d[0] != '0' || d[1] == '0' || !isDigits(d, 10, 10) {
		return "", false
	}
	return d, true
}

// instructorEmail lower-cases and checks an optional e-mail address, as the table's CHECK wants it.
func instructorEmail(s string) (string, bool) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", true
	}
	at := strings.IndexByte(e, '@')
	ok := at > 0 && at < len(e)-1 && strings.Count(e, "@") == 1 && len(e) <= 254 &&
		utf8.ValidString(e) && CleanText(e) && !strings.ContainsAny(e, " \t\r\n<>\"")
	return e, ok
}

func isDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

const instructorColumns = `i.id, i.kind, i.full_name, coalesce(i.phone, '') AS phone, coalesce(i.email, '') AS email,
	i.organisation, coalesce(i.commune_code, '') AS commune_code, coalesce(au.name, '') AS commune_name,
	i.user_id, i.user_id IS NOT NULL AS has_account, i.active, i.created_at, i.updated_at`

const instructorFrom = `instructors i LEFT JOIN admin_units au ON au.code = i.commune_code`

// getInstructor reads one instructor with crafts and titles, through the pool or inside a transaction.
func getInstructor(ctx context.Context, q sqlx.QueryerContext, id int64) (Instructor, error) {
	var in Instructor
	if err := sqlx.GetContext(ctx, q, &in, `SELECT `+instructorColumns+` FROM `+instructorFrom+` WHERE i.id = $1`, id); err != nil {
		return Instructor{}, err
	}
	items := []Instructor{in}
	if err := loadInstructorDetails(ctx, q, items); err != nil {
		return Instructor{}, err
	}
	return items[0], nil
}

// GetInstructor returns one master or trainer with their crafts and, for a master, titles.
func (s *Store) GetInstructor(ctx context.Context, id int64) (Instructor, error) {
	in, err := getInstructor(ctx, s.db, id)
	if err != nil {
		return Instructor{}, fmt.Errorf("get instructor %d: %w", id, mapErr(err))
	}
	return in, nil
}

// InstructorForUser returns the master or trainer linked to a login, or ErrNotFound: what a logged-in
// master or trainer sees as "me" (their schedule, their classes).
func (s *Store) InstructorForUser(ctx context.Context, userID int64) (Instructor, error) {
	var id int64
	if err := s.db.GetContext(ctx, &id, `SELECT id FROM instructors WHERE user_id = $1`, userID); err != nil {
		return Instructor{}, fmt.Errorf("instructor of user %d: %w", userID, mapErr(err))
	}
	return s.GetInstructor(ctx, id)
}

// checkInstructorRefs checks, inside the writing transaction, what only the database knows: that the
// commune, the crafts and the linked user exist, and that the user's role matches the kind.
func checkInstructorRefs(ctx context.Context, tx *sqlx.Tx, in InstructorInput) error {
	errs := map[string]string{}
	if in.CommuneCode != "" {
		var n int
		const q = `SELECT count(*) FROM admin_units WHERE code = $1 AND level = 'commune'`
		if err := tx.GetContext(ctx, &n, q, in.CommuneCode); err != nil {
			return err
		}
		if n == 0 {
			errs["commune_code"] = "instr_unknown_commune"
		}
	}
	if len(in.CraftIDs) > 0 {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM crafts WHERE id = ANY($1)`, pq.Array(in.CraftIDs)); err != nil {
			return err
		}
		if n != len(in.CraftIDs) {
			errs["crafts"] = "instr_unknown_craft"
		}
	}
	if in.UserID != nil {
		var roles []string
		// FOR SHARE: the role cannot change under us before the link is written.
		if err := tx.SelectContext(ctx, &roles, `SELECT role FROM users WHERE id = $1 FOR SHARE`, *in.UserID); err != nil {
			return err
		}
		switch {
		case len(roles) == 0:
			errs["user_id"] = "instr_unknown_user"
		case roles[0] != in.Kind:
			errs["user_id"] = "instr_wrong_role"
		}
	}
	if len(errs) > 0 {
		return &ValidationError{Fields: errs}
	}
	return nil
}

// setInstructorCrafts makes the instructor's crafts exactly ids.
func setInstructorCrafts(ctx context.Context, tx *sqlx.Tx, id int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM instructor_crafts WHERE instructor_id = $1 AND NOT (craft_id = ANY($2))`, id, pq.Array(ids)); err != nil {
		return err
	}
	const q = `INSERT INTO instructor_crafts (instructor_id, craft_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`
	_, err := tx.ExecContext(ctx, q, id, pq.Array(ids))
	return err
}

// auditValues is what the audit log keeps of an instructor.
func (i Instructor) auditValues() map[string]any {
	return map[string]any{
		"kind": i.Kind, "full_name": i.FullName, "phone": i.Phone, "email": i.Email, "organisation": i.Organisation,
		"commune_code": i.CommuneCode, "user_id": i.UserID, "active": i.Active, "craft_ids": i.CraftIDs(),
	}
}

// CreateInstructor adds a master or trainer with their crafts, in one transaction, audited as
// "master.create" or "trainer.create".
func (s *Store) CreateInstructor(ctx context.Context, a Actor, in InstructorInput) (Instructor, error) {
	in, errs := in.normalize()
	if len(errs) > 0 {
		return Instructor{}, &ValidationError{Fields: errs}
	}
	var out Instructor
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkInstructorRefs(ctx, tx, in); err != nil {
			return err
		}
		const q = `
			INSERT INTO instructors (kind, full_name, phone, email, organisation, commune_code, user_id, active)
			VALUES ($1, $2, nullif($3, ''), nullif($4, ''), $5, nullif($6, ''), $7, $8)
			RETURNING id`
		var id int64
		if err := tx.GetContext(ctx, &id, q, in.Kind, in.FullName, in.Phone, in.Email, in.Organisation,
			in.CommuneCode, in.UserID, in.Active); err != nil {
			return err
		}
		if err := setInstructorCrafts(ctx, tx, id, in.CraftIDs); err != nil {
			return err
		}
		var err error
		if out, err = getInstructor(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, in.Kind+".create", "instructors", id, nil, out.auditValues())
	})
	if err != nil {
		return Instructor{}, fmt.Errorf("create %s: %w", in.Kind, err)
	}
	return out, nil
}

// UpdateInstructor changes a master or trainer; the kind stays as it is. A master keeps every craft for
// which they hold a title: removing one is refused on the crafts field.
func (s *Store) UpdateInstructor(ctx context.Context, a Actor, id int64, in InstructorInput) (Instructor, error) {
	var out Instructor
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var kind string
		if err := tx.GetContext(ctx, &kind, `SELECT kind FROM instructors WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		old, err := getInstructor(ctx, tx, id)
		if err != nil {
			return err
		}
		in.Kind = kind
		var errs map[string]string
		if in, errs = in.normalize(); len(errs) > 0 {
			return &ValidationError{Fields: errs}
		}
		for _, t := range old.Titles {
			if !slices.Contains(in.CraftIDs, t.CraftID) {
				return &ValidationError{Fields: map[string]string{"crafts": "instr_craft_has_title"}}
			}
		}
		if err := checkInstructorRefs(ctx, tx, in); err != nil {
			return err
		}
		const q = `
			UPDATE instructors SET full_name = $2, phone = nullif($3, ''), email = nullif($4, ''), organisation = $5,
				commune_code = nullif($6, ''), user_id = $7, active = $8, updated_at = now()
			WHERE id = $1`
		if _, err := tx.ExecContext(ctx, q, id, in.FullName, in.Phone, in.Email, in.Organisation,
			in.CommuneCode, in.UserID, in.Active); err != nil {
			return err
		}
		if err := setInstructorCrafts(ctx, tx, id, in.CraftIDs); err != nil {
			return err
		}
		if out, err = getInstructor(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, kind+".update", "instructors", id, old.auditValues(), out.auditValues())
	})
	if err != nil {
		return Instructor{}, fmt.Errorf("update instructor %d: %w", id, err)
	}
	return out, nil
}
