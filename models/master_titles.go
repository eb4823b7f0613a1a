package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"khuyencong/internal/vi"
)

// Master craftsman titles, highest first (domain notes §3). A title is held for one craft and comes
// from an awarding decision; holding one is what qualifies a master to lead a craft-transmission class.
const (
	TitleNgheNhanNhanDan = "nghe_nhan_nhan_dan" // Nghệ nhân nhân dân, awarded by the President
	TitleNgheNhanUuTu    = "nghe_nhan_uu_tu"    // Nghệ nhân ưu tú, awarded by the President
	TitleNgheNhanCapTinh = "nghe_nhan_cap_tinh" // provincial artisan, awarded by the provincial People's Committee
	TitleThoGioi         = "tho_gioi"           // skilled worker (thợ giỏi), provincial
)

// MasterTitles lists the title codes, highest first.
var MasterTitles = []string{TitleNgheNhanNhanDan, TitleNgheNhanUuTu, TitleNgheNhanCapTinh, TitleThoGioi}

// MasterTitle is a title a craft master holds for a craft.
type MasterTitle struct {
	ID           int64     `db:"id" json:"id"`
	InstructorID int64     `db:"instructor_id" json:"instructor_id"`
	Title        string    `db:"title" json:"title"`
	CraftID      int64     `db:"craft_id" json:"craft_id"`
	CraftName    string    `db:"craft_name" json:"craft_name"`
	AwardingBody string    `db:"awarding_body" json:"awarding_body"`
	DecisionNo   string    `db:"decision_no" json:"decision_no"`
	DecisionDate time.Time `db:"decision_date" json:"-"`
}

// MarshalJSON writes the decision date as a calendar date ("2024-06-06"), which is what it is.
func (t MasterTitle) MarshalJSON() ([]byte, error) {
	type plain MasterTitle
	return json.Marshal(struct {
		plain
		DecisionDate string `json:"decision_date"`
	}{plain(t), t.DecisionDate.Format(time.DateOnly)})
}

// TitleInput is what staff enter to record a title.
type TitleInput struct {
	Title        string
	CraftID      int64
	AwardingBody string
	DecisionNo   string
	DecisionDate time.Time // zero when missing
}

// Limits of a title's fields.
const (
	MaxAwardingBody = 300
	MaxDecisionNo   = 100
)

// Validate checks the input without the database and returns message keys by field.
func (in TitleInput) Validate() map[string]string {
	_, errs := in.normalize(time.Now().In(vi.Zone))
	return errs
}

func (in TitleInput) normalize(today time.Time) (TitleInput, map[string]string) {
	errs := map[string]string{}
	if !slices.Contains(MasterTitles, in.Title) {
		errs["title"] = "instr_invalid_title"
	}
	if in.CraftID < 1 {
		errs["craft_id"] = "instr_unknown_craft"
	}
	oneLine := func(field, v string, max int) string {
		v = strings.Join(strings.Fields(NFC(v)), " ")
		switch {
		case !utf8.ValidString(v) || !CleanText(v):
			errs[field] = "invalid_characters"
		case v == "":
			errs[field] = "required"
		case utf8.RuneCountInString(v) > max:
			errs[field] = "too_long"
		}
		return v
	}
	in.AwardingBody = oneLine("awarding_body", in.AwardingBody, MaxAwardingBody)
	in.DecisionNo = oneLine("decision_no", in.DecisionNo, MaxDecisionNo)
	// Dates are compared as calendar days, today being today in Vietnam.
	if !in.DecisionDate.IsZero() {
		d := in.DecisionDate
		in.DecisionDate = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case in.DecisionDate.IsZero():
		errs["decision_date"] = "required"
	case in.DecisionDate.Year() < 1945:
		errs["decision_date"] = "instr_invalid_date"
	case in.DecisionDate.After(today):
		errs["decision_date"] = "instr_future_date"
	}
	return in, errs
}

const masterTitleColumns = `t.id, t.instructor_id, t.title, t.craft_id, c.name AS craft_name, t.awarding_body,
	t.decision_no, t.decision_date`

// Titles are listed highest first, then by the date of the decision.
const masterTitleOrder = `array_position(ARRAY['nghe_nhan_nhan_dan', 'nghe_nhan_uu_tu', 'nghe_nhan_cap_tinh', 'tho_gioi'], t.title),
	t.decision_date, t.id`

// AddMasterTitle records a title of a master for a craft and adds the craft to the master's crafts. A
// trainer holds no titles: for one, as for a missing instructor, the answer is ErrNotFound. The same
// title for the same craft twice is ErrDuplicate (constraint master_titles_instructor_id_title_craft_id_key).
func (s *Store) AddMasterTitle(ctx context.Context, a Actor, masterID int64, in TitleInput) (MasterTitle, error) {
	in, errs := in.normalize(time.Now().In(vi.Zone))
	if len(errs) > 0 {
		return MasterTitle{}, &ValidationError{Fields: errs}
	}
	var t MasterTitle
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockMaster(ctx, tx, masterID); err != nil {
			return err
		}
		var crafts int
		if err := tx.GetContext(ctx, &crafts, `SELECT count(*) FROM crafts WHERE id = $1`, in.CraftID); err != nil {
			return err
		}
		if crafts == 0 {
			return &ValidationError{Fields: map[string]string{"craft_id": "instr_unknown_craft"}}
		}
		const q = `
			INSERT INTO master_titles (instructor_id, title, craft_id, awarding_body, decision_no, decision_date)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING id`
		var id int64
		if err := tx.GetContext(ctx, &id, q, masterID, in.Title, in.CraftID, in.AwardingBody, in.DecisionNo,
			in.DecisionDate.Format(time.DateOnly)); err != nil {
			return err
		}
		const addCraft = `INSERT INTO instructor_crafts (instructor_id, craft_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
		if _, err := tx.ExecContext(ctx, addCraft, masterID, in.CraftID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE instructors SET updated_at = now() WHERE id = $1`, masterID); err != nil {
			return err
		}
		const get = `SELECT ` + masterTitleColumns + ` FROM master_titles t JOIN crafts c ON c.id = t.craft_id WHERE t.id = $1`
		if err := tx.GetContext(ctx, &t, get, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, "master_title.add", "master_titles", id, nil, t.auditValues())
	})
	if err != nil {
		return MasterTitle{}, fmt.Errorf("add title to master %d: %w", masterID, err)
	}
	return t, nil
}

// RemoveMasterTitle deletes a title of a master (recorded by mistake, or withdrawn); the audit log keeps
// what it was. The master keeps the craft.
func (s *Store) RemoveMasterTitle(ctx context.Context, a Actor, masterID, titleID int64) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockMaster(ctx, tx, masterID); err != nil {
			return err
		}
		var old MasterTitle
		const get = `SELECT ` + masterTitleColumns + ` FROM master_titles t JOIN crafts c ON c.id = t.craft_id
			WHERE t.id = $1 AND t.instructor_id = $2`
		if err := tx.GetContext(ctx, &old, get, titleID, masterID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM master_titles WHERE id = $1`, titleID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE instructors SET updated_at = now() WHERE id = $1`, masterID); err != nil {
			return err
		}
		return audit(ctx, tx, a, "master_title.remove", "master_titles", titleID, old.auditValues(), nil)
	})
	if err != nil {
		return fmt.Errorf("remove title %d of master %d: %w", titleID, masterID, err)
	}
	return nil
}

// lockMaster locks a master's row for the transaction, so that titles and crafts change one at a time;
// a trainer or a missing id is ErrNotFound.
func lockMaster(ctx context.Context, tx *sqlx.Tx, id int64) error {
	var kind string
	if err := tx.GetContext(ctx, &kind, `SELECT kind FROM instructors WHERE id = $1 FOR UPDATE`, id); err != nil {
		return err
	}
	if kind != InstructorMaster {
		return fmt.Errorf("instructor %d is a %s: %w", id, kind, ErrNotFound)
	}
	return nil
}

func (t MasterTitle) auditValues() map[string]any {
	return map[string]any{
		"instructor_id": t.InstructorID, "title": t.Title, "craft_id": t.CraftID, "awarding_body": t.AwardingBody,
		"decision_no": t.DecisionNo, "decision_date": t.DecisionDate.Format(time.DateOnly),
	}
}

// MasterHoldsTitleFor reports whether a craft master holds any title for a craft: the condition for
// leading a craft-transmission class in it. Whether the master is active is a separate question.
func (s *Store) MasterHoldsTitleFor(ctx context.Context, instructorID, craftID int64) (bool, error) {
	var ok bool
	const q = `
		SELECT EXISTS (
			SELECT 1 FROM master_titles t JOIN instructors i ON i.id = t.instructor_id
			WHERE t.instructor_id = $1 AND t.craft_id = $2 AND i.kind = 'master')`
	if err := s.db.GetContext(ctx, &ok, q, instructorID, craftID); err != nil {
		return false, fmt.Errorf("title of master %d for craft %d: %w", instructorID, craftID, mapErr(err))
	}
	return ok, nil
}
