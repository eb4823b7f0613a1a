package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// The columns of an import, as keys of ImportLine.Values. A sheet names them in Vietnamese or in
// English; the handlers map its headers onto these keys.
const (
	ColFullName      = "full_name"
	ColFamilyName    = "family_name"
	ColMiddleName    = "middle_name"
	ColGivenName     = "given_name"
	ColBirthDate     = "birth_date"
	ColGender        = "gender"
	ColIDNumber      = "id_number"
	ColPhone         = "phone"
	ColCommune       = "commune"
	ColDistrict      = "district"
	ColEstablishment = "establishment"
)

// ImportColumns lists the columns in the order of the template sheet.
var ImportColumns = []string{ColFullName, ColFamilyName, ColMiddleName, ColGivenName, ColBirthDate, ColGender,
	ColIDNumber, ColPhone, ColCommune, ColDistrict, ColEstablishment}

// MaxImportRows is the most data rows one import takes: a class is rarely over 50, and the limit
// keeps one request's work (a transaction per row) to seconds.
const MaxImportRows = 2000

// TemplateIDNumber is the ID number of the example row of the template sheet: a row that still has
// it was left in by mistake and is refused rather than creating a fictitious trainee.
const TemplateIDNumber = "024192000123"

// ImportLine is one data row of an uploaded sheet.
type ImportLine struct {
	Line   int               `json:"row"`    // its number in the sheet, as the user sees it
	Values map[string]string `json:"values"` // the recognised cells, by column key
	Cells  []string          `json:"cells"`  // every cell as written, for the sheet of rejected rows
	// BirthDate is a date cell already read (an Excel serial number); nil means read Values[ColBirthDate].
	BirthDate *time.Time `json:"-"`
	// Numeric names the columns whose cell was a number. Excel drops leading zeros there: every CCCD
	// starts with 0 (a province code) and every phone number too, so one zero is put back on 11
	// digits for an ID (8 for a CMND) and on 9 for a phone.
	Numeric map[string]bool `json:"-"`
}

// ImportFile is an uploaded sheet, read: its name, header row and data rows in file order.
type ImportFile struct {
	FileName string
	Headers  []string
	Columns  map[string]bool // the recognised columns
	Lines    []ImportLine
}

// MissingColumns names the required columns the sheet lacks: a name (full, or the given name), the
// birth date, the sex and the national ID, which identifies a trainee across imports.
func (f ImportFile) MissingColumns() []string {
	var out []string
	if !f.Columns[ColFullName] && !f.Columns[ColGivenName] {
		out = append(out, ColFullName)
	}
	for _, c := range []string{ColBirthDate, ColGender, ColIDNumber} {
		if !f.Columns[c] {
			out = append(out, c)
		}
	}
	return out
}

// RowNote is why a row was rejected, or a warning about a row that went through: a code, the column
// it concerns, and an argument for the message (a line number, a name, a class code).
type RowNote struct {
	Code   string `json:"code"`
	Column string `json:"column,omitempty"`
	Arg    string `json:"arg,omitempty"`
}

// ImportedRow is a row that enrolled a trainee: confirmed, or waitlisted at a position.
type ImportedRow struct {
	Line             int       `json:"row"`
	TraineeID        int64     `json:"trainee_id"`
	FullName         string    `json:"full_name"`
	Status           string    `json:"status"`
	WaitlistPosition *int      `json:"waitlist_position,omitempty"`
	Created          bool      `json:"created"` // a new trainee; false when found by national ID
	Warnings         []RowNote `json:"warnings,omitempty"`
}

// RejectedRow is a row that wrote nothing, with every reason found.
type RejectedRow struct {
	Line    int               `json:"row"`
	Reasons []RowNote         `json:"reasons"`
	Values  map[string]string `json:"values"`
	Cells   []string          `json:"cells"`
}

// ImportDetails is the outcome of every row, kept for the latest import of a class only.
type ImportDetails struct {
	Headers  []string      `json:"headers"`
	Accepted []ImportedRow `json:"accepted"`
	Rejected []RejectedRow `json:"rejected"`
}

// Import is one import into a class: counts always, details while it is the class's latest.
type Import struct {
	ID         int64          `db:"id" json:"import_id"`
	CourseID   int64          `db:"course_id" json:"course_id"`
	CreatedBy  *int64         `db:"created_by" json:"-"`
	ByName     string         `db:"by_name" json:"-"` // who imported it, for the result page
	CreatedAt  time.Time      `db:"created_at" json:"created_at"`
	FileName   string         `db:"file_name" json:"file_name"`
	Total      int            `db:"total" json:"total"`
	Confirmed  int            `db:"confirmed" json:"confirmed"`
	Waitlisted int            `db:"waitlisted" json:"waitlisted"`
	Rejected   int            `db:"rejected" json:"-"`
	Result     []byte         `db:"result" json:"-"`
	Details    *ImportDetails `db:"-" json:"-"`
}

// ImportTrainees enrols the rows of a sheet into a course, in file order, and records the import.
//
// The whole file is checked first, reading only: names, dates, sex, national IDs (12-digit CCCD or
// 9-digit CMND, each once in the file), phones, and the commune and establishment named. Then each
// valid row runs in its own transaction — find the trainee by national ID or create them, then Enrol
// (with AllowOverlap; overlaps come back as warnings) — so a row is all or nothing, and a refused row
// (already in the class, an establishment over its limit) leaves nothing behind. Rows are not one
// transaction together: that would hold the course's lock for the whole file and lose every row to
// one late failure. Rows run one after the other, and Enrol confirms while seats remain, so the
// sheet's order is the queue's order. A national ID already known is found, never created twice,
// across imports as within one.
func (s *Store) ImportTrainees(ctx context.Context, a Actor, courseID int64, f ImportFile) (Import, error) {
	if len(f.Lines) > MaxImportRows {
		return Import{}, &ValidationError{Fields: map[string]string{"file": "import_too_many_rows"}}
	}
	if len(f.MissingColumns()) > 0 {
		return Import{}, &ValidationError{Fields: map[string]string{"file": "import_missing_columns"}}
	}
	var course struct {
		Status   string `db:"status"`
		Province string `db:"province"`
	}
	const q = `
		SELECT c.status, coalesce(CASE WHEN d.level = 'province' THEN d.code ELSE d.parent_code END, '') AS province
		FROM courses c
		LEFT JOIN venues v ON v.id = c.venue_id
		LEFT JOIN admin_units cm ON cm.code = v.commune_code
		LEFT JOIN admin_units d ON d.code = cm.parent_code
		WHERE c.id = $1`
	if err := s.db.GetContext(ctx, &course, q, courseID); err != nil {
		return Import{}, fmt.Errorf("import into course %d: %w", courseID, mapErr(err))
	}
	if course.Status != StatusApproved && course.Status != StatusRunning {
		return Import{}, &ValidationError{Fields: map[string]string{"course": "enrolment_closed"}}
	}
	v := &rowChecker{s: s, province: course.Province, today: Today(), seen: map[string]int{},
		communes: map[string]communeMatch{}, establishments: map[string]estMatch{}}
	details := ImportDetails{Headers: f.Headers, Accepted: []ImportedRow{}, Rejected: []RejectedRow{}}
	checked := make([]checkedRow, len(f.Lines))
	for i, line := range f.Lines {
		var err error
		if checked[i], err = v.check(ctx, line); err != nil {
			return Import{}, fmt.Errorf("import into course %d, row %d: %w", courseID, line.Line, err)
		}
	}
	out := Import{CourseID: courseID, FileName: f.FileName, Total: len(f.Lines)}
	for i, line := range f.Lines {
		row := checked[i]
		if len(row.reasons) == 0 {
			done, reasons, err := s.importRow(ctx, a, courseID, row, v.today)
			if err != nil {
				return Import{}, fmt.Errorf("import into course %d, row %d: %w", courseID, line.Line, err)
			}
			if len(reasons) == 0 {
				done.Line = line.Line
				done.Warnings = append(row.warnings, done.Warnings...)
				details.Accepted = append(details.Accepted, done)
				if done.Status == EnrolConfirmed {
					out.Confirmed++
				} else {
					out.Waitlisted++
				}
				continue
			}
			row.reasons = reasons
		}
		out.Rejected++
		details.Rejected = append(details.Rejected, RejectedRow{Line: line.Line, Reasons: row.reasons, Values: line.Values, Cells: line.Cells})
	}
	out.Details = &details
	if err := s.saveImport(ctx, a, &out); err != nil {
		return Import{}, fmt.Errorf("import into course %d: %w", courseID, err)
	}
	return out, nil
}

// importRow finds or creates the trainee of a checked row and enrols them, in one transaction. A
// refusal comes back as reasons (nothing written); only unexpected errors are returned as errors.
func (s *Store) importRow(ctx context.Context, a Actor, courseID int64, row checkedRow, today time.Time) (ImportedRow, []RowNote, error) {
	var done ImportedRow
	run := func() error {
		done = ImportedRow{}
		return s.inTx(ctx, func(tx *sqlx.Tx) error {
			// A row's commit does not wait for its WAL to reach the disk: that wait, once per row,
			// was most of an import's time. The import's record is committed synchronously after the
			// last row, which flushes every row's WAL before the result is shown.
			if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit TO off`); err != nil {
				return err
			}
			var t Trainee
			err := tx.GetContext(ctx, &t, `SELECT id, full_name, birth_date FROM trainees WHERE id_number = $1`, *row.trainee.IDNumber)
			switch {
			case errors.Is(mapErr(err), ErrNotFound):
				if t, err = insertTrainee(ctx, tx, a, row.trainee); err != nil {
					return err
				}
				done.Created = true
				done.Warnings = append(done.Warnings, newTraineeNotes(row.trainee, today)...)
			case err != nil:
				return err
			default:
				done.Warnings = append(done.Warnings, samePerson(t, row.trainee)...)
			}
			overlaps, err := traineeOverlaps(ctx, tx, courseID, t.ID)
			if err != nil {
				return err
			}
			id, err := enrolTx(ctx, tx, a, courseID, t.ID, EnrolOptions{AllowOverlap: true, EstablishmentID: row.trainee.EstablishmentID})
			if err != nil {
				return err
			}
			var e struct {
				Status string `db:"status"`
				Pos    *int   `db:"waitlist_position"`
			}
			if err := tx.GetContext(ctx, &e, `SELECT status, waitlist_position FROM enrolments WHERE id = $1`, id); err != nil {
				return err
			}
			done.TraineeID, done.FullName, done.Status, done.WaitlistPosition = t.ID, t.FullName, e.Status, e.Pos
			seen := map[int64]bool{}
			for _, o := range overlaps {
				if !seen[o.CourseID] {
					seen[o.CourseID] = true
					done.Warnings = append(done.Warnings, RowNote{Code: "overlap", Arg: o.CourseCode})
				}
			}
			return nil
		})
	}
	err := run()
	// Another import or a form created the same national ID meanwhile: the second try finds them.
	if errors.Is(err, ErrDuplicate) && ConstraintOf(err) == "trainees_id_number_key" {
		err = run()
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		var notes []RowNote
		for field, code := range ve.Fields {
			notes = append(notes, RowNote{Code: code, Column: importColumnOf(field)})
		}
		sortNotes(notes)
		return ImportedRow{}, notes, nil
	}
	return done, nil, err
}

// importColumnOf maps a model field to the import column it came from.
func importColumnOf(field string) string {
	switch field {
	case "id_kind":
		return ColIDNumber
	case "commune_code":
		return ColCommune
	case "establishment_id":
		return ColEstablishment
	case "trainee_id", "course":
		return ""
	}
	return field
}

// saveImport records the import with its details, clears the details of the class's older imports
// (they hold personal data and nobody downloads them any more) and writes one audit row.
func (s *Store) saveImport(ctx context.Context, a Actor, imp *Import) error {
	result, err := json.Marshal(imp.Details)
	if err != nil {
		return err
	}
	var by *int64
	if a.UserID > 0 {
		by = &a.UserID
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE enrolment_imports SET result = NULL WHERE course_id = $1 AND result IS NOT NULL`, imp.CourseID); err != nil {
			return err
		}
		const q = `
			INSERT INTO enrolment_imports (course_id, created_by, file_name, total, confirmed, waitlisted, rejected, result)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
			RETURNING id, created_at`
		if err := tx.QueryRowxContext(ctx, q, imp.CourseID, by, imp.FileName, imp.Total, imp.Confirmed, imp.Waitlisted,
			imp.Rejected, string(result)).Scan(&imp.ID, &imp.CreatedAt); err != nil {
			return err
		}
		imp.CreatedBy = by
		return audit(ctx, tx, a, "enrolment.import", "enrolment_imports", imp.ID, nil, map[string]any{
			"course_id": imp.CourseID, "file_name": imp.FileName, "rows": imp.Total,
			"confirmed": imp.Confirmed, "waitlisted": imp.Waitlisted, "rejected": imp.Rejected})
	})
}

// GetImport returns an import of a course, with its details when it is still the latest; an import
// of another course is ErrNotFound.
func (s *Store) GetImport(ctx context.Context, courseID, importID int64) (Import, error) {
	var imp Import
	const q = `
		SELECT i.id, i.course_id, i.created_by, coalesce(u.full_name, '') AS by_name, i.created_at, i.file_name,
		       i.total, i.confirmed, i.waitlisted, i.rejected, i.result
		FROM enrolment_imports i LEFT JOIN users u ON u.id = i.created_by
		WHERE i.id = $1 AND i.course_id = $2`
	if err := s.db.GetContext(ctx, &imp, q, importID, courseID); err != nil {
		return Import{}, fmt.Errorf("get import %d: %w", importID, mapErr(err))
	}
	if imp.Result != nil {
		imp.Details = &ImportDetails{}
		if err := json.Unmarshal(imp.Result, imp.Details); err != nil {
			return Import{}, fmt.Errorf("read import %d: %w", importID, err)
		}
		imp.Result = nil
	}
	return imp, nil
}

// LatestImport returns the course's latest import, without details, or ErrNotFound.
func (s *Store) LatestImport(ctx context.Context, courseID int64) (Import, error) {
	var imp Import
	const q = `
		SELECT id, course_id, created_by, created_at, file_name, total, confirmed, waitlisted, rejected
		FROM enrolment_imports WHERE course_id = $1 ORDER BY id DESC LIMIT 1`
	if err := s.db.GetContext(ctx, &imp, q, courseID); err != nil {
		return Import{}, fmt.Errorf("latest import of course %d: %w", courseID, mapErr(err))
	}
	return imp, nil
}

// foldName compares names loosely: NFC, case and inner spaces.
func foldName(s string) string { return strings.ToLower(strings.Join(strings.Fields(NFC(s)), " ")) }
