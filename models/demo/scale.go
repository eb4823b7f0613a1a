package demo

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"khuyencong/models"
)

// ScaleOffset separates the ids of each copy: copy k of a row with id n gets id n + k × ScaleOffset.
// The demo data set has far fewer than a million rows in any table.
const ScaleOffset = 1_000_000

// scaleSteps copy, for k = 1 … factor−1, the rows of the demo data set with ids below ScaleOffset (the
// originals), shifting every id that points at a copied table by the same k × ScaleOffset, so that each
// copy is a whole, consistent world of its own: its own establishments and support records, its own
// venues and instructors (so the sessions of a copy never clash with the originals), courses,
// trainees, enrolments, attendance and results. Unique values get the copy's number: registration and
// course codes a "-Sk" suffix, personal numbers an "Sk" prefix (as id_kind "other", since they are no
// longer real CCCD numbers). Places, crafts and logins are shared.
var scaleSteps = []struct{ table, sql string }{
	{"establishments", `
		INSERT INTO establishments (id, name, kind, registration_no, commune_code, main_craft_id, products,
		                            representative, phone, created_at, updated_at)
		SELECT id + k * $2, name || ' (' || k || ')', kind, registration_no || '-S' || k, commune_code, main_craft_id,
		       products, representative, phone, created_at, updated_at
		FROM establishments, generate_series(1, $1 - 1) k WHERE id < $2`},
	{"instructors", `
		INSERT INTO instructors (id, kind, full_name, phone, email, organisation, commune_code, active, created_at, updated_at)
		SELECT id + k * $2, kind, full_name, phone, email, organisation, commune_code, active, created_at, updated_at
		FROM instructors, generate_series(1, $1 - 1) k WHERE id < $2`},
	{"instructor_crafts", `
		INSERT INTO instructor_crafts (instructor_id, craft_id)
		SELECT instructor_id + k * $2, craft_id FROM instructor_crafts, generate_series(1, $1 - 1) k WHERE instructor_id < $2`},
	{"master_titles", `
		INSERT INTO master_titles (instructor_id, title, craft_id, awarding_body, decision_no, decision_date)
		SELECT instructor_id + k * $2, title, craft_id, awarding_body, decision_no, decision_date
		FROM master_titles, generate_series(1, $1 - 1) k WHERE instructor_id < $2`},
	{"venues", `
		INSERT INTO venues (id, name, address, commune_code, seats, establishment_id, active)
		SELECT id + k * $2, name || ' (' || k || ')', address, commune_code, seats, establishment_id + k * $2, active
		FROM venues, generate_series(1, $1 - 1) k WHERE id < $2`},
	{"courses", `
		INSERT INTO courses (id, code, kind, activity_code, craft_id, title, description, target_group, venue_id, capacity,
		                     per_establishment_limit, start_date, end_date, short_course, budget, min_attendance_pct,
		                     status, cancel_reason, trainer_id, created_by, submitted_at, approved_at, approved_by,
		                     created_at, updated_at)
		SELECT id + k * $2, code || '-S' || k, kind, activity_code, craft_id, title, description, target_group,
		       venue_id + k * $2, capacity, per_establishment_limit, start_date, end_date, short_course, budget,
		       min_attendance_pct, status, cancel_reason, trainer_id + k * $2, created_by, submitted_at, approved_at,
		       approved_by, created_at, updated_at
		FROM courses, generate_series(1, $1 - 1) k WHERE id < $2`},
	{"support_records", `
		INSERT INTO support_records (establishment_id, commune_code, support_date, activity_code, amount, funding_source,
		                             course_id, description, created_at)
		SELECT establishment_id + k * $2, commune_code, support_date, activity_code, amount, funding_source,
		       course_id + k * $2, description, created_at
		FROM support_records, generate_series(1, $1 - 1) k WHERE establishment_id < $2`},
	{"course_staff", `
		INSERT INTO course_staff (course_id, instructor_id, role, assigned_at)
		SELECT course_id + k * $2, instructor_id + k * $2, role, assigned_at
		FROM course_staff, generate_series(1, $1 - 1) k WHERE course_id < $2`},
	{"course_sessions", `
		INSERT INTO course_sessions (id, course_id, venue_id, instructor_id, starts_at, ends_at, topic, status,
		                             cancel_reason, created_at, updated_at)
		SELECT id + k * $2, course_id + k * $2, venue_id + k * $2, instructor_id + k * $2, starts_at, ends_at, topic,
		       status, cancel_reason, created_at, updated_at
		FROM course_sessions, generate_series(1, $1 - 1) k WHERE id < $2`},
	{"trainees", `
		INSERT INTO trainees (id, family_name, middle_name, given_name, gender, birth_date, id_kind, id_number, phone,
		                      ethnicity, commune_code, establishment_id, created_at, updated_at)
		SELECT id + k * $2, family_name, middle_name, given_name, gender, birth_date,
		       CASE WHEN id_number IS NULL THEN NULL ELSE 'other' END, 'S' || k || id_number, phone,
		       ethnicity, commune_code, establishment_id + k * $2, created_at, updated_at
		FROM trainees, generate_series(1, $1 - 1) k WHERE id < $2`},
	{"enrolments", `
		INSERT INTO enrolments (id, course_id, trainee_id, status, waitlist_position, establishment_id, job_title,
		                        enrolled_at, confirmed_at, withdrawn_at, withdraw_reason, withdraw_note)
		SELECT id + k * $2, course_id + k * $2, trainee_id + k * $2, status, waitlist_position, establishment_id + k * $2,
		       job_title, enrolled_at, confirmed_at, withdrawn_at, withdraw_reason, withdraw_note
		FROM enrolments, generate_series(1, $1 - 1) k WHERE id < $2`},
	{"attendance", `
		INSERT INTO attendance (session_id, enrolment_id, course_id, status, marked_by, marked_at, checked_in_at)
		SELECT session_id + k * $2, enrolment_id + k * $2, course_id + k * $2, status, marked_by, marked_at, checked_in_at
		FROM attendance, generate_series(1, $1 - 1) k WHERE enrolment_id < $2`},
	{"results", `
		INSERT INTO results (enrolment_id, score, passed, grade, recorded_by, recorded_at)
		SELECT enrolment_id + k * $2, score, passed, grade, recorded_by, recorded_at
		FROM results, generate_series(1, $1 - 1) k WHERE enrolment_id < $2`},
}

// scaledSequences are moved past the copies' ids, so that rows created later get fresh ids.
var scaledSequences = []string{"establishments", "instructors", "venues", "courses", "course_sessions", "trainees", "enrolments"}

// Scale multiplies the demo data set loaded by Seed into factor whole copies of it, in one transaction:
// factor 10 gives about 2.800 establishments (2.690 supported in 2012–2022, 1.420 of them in difficult
// areas), 18.000 trainees and 610 courses, with every share of the report unchanged. It is for
// benchmarks and load tests; Seed's own output is not changed by it. Factor 1 does nothing.
func Scale(ctx context.Context, s *models.Store, factor int) error {
	if factor < 1 || factor > 100 {
		return fmt.Errorf("demo: scale factor %d: %w", factor, models.ErrInvalid)
	}
	if factor == 1 {
		return nil
	}
	tx, err := s.DB().BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("demo: scale: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var copies bool
	if err := tx.GetContext(ctx, &copies, `SELECT EXISTS (SELECT 1 FROM establishments WHERE id >= $1)`, ScaleOffset); err != nil {
		return fmt.Errorf("demo: scale: %w", err)
	}
	if copies {
		return fmt.Errorf("demo: scale: the data set is already scaled: %w", models.ErrConflict)
	}
	// Checking attendance's two foreign keys row by row is most of the time of a copy (hundreds of
	// thousands of rows); the constraints are dropped for the copy and added again, exactly as the
	// catalogue defines them, which checks every row at once. All of it is one transaction.
	var fks []struct {
		Name string `db:"conname"`
		Def  string `db:"def"`
	}
	if err := tx.SelectContext(ctx, &fks, `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
		WHERE conrelid = 'attendance'::regclass AND contype = 'f' ORDER BY conname`); err != nil {
		return fmt.Errorf("demo: scale: %w", err)
	}
	for _, fk := range fks {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE attendance DROP CONSTRAINT `+pq.QuoteIdentifier(fk.Name)); err != nil {
			return fmt.Errorf("demo: scale: %w", err)
		}
	}
	for _, st := range scaleSteps {
		if _, err := tx.ExecContext(ctx, st.sql, factor, ScaleOffset); err != nil {
			return fmt.Errorf("demo: scale %s: %w", st.table, err)
		}
	}
	for _, fk := range fks {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE attendance ADD CONSTRAINT `+pq.QuoteIdentifier(fk.Name)+` `+fk.Def); err != nil {
			return fmt.Errorf("demo: scale: %w", err)
		}
	}
	for _, t := range scaledSequences {
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM `+t+`))`, t); err != nil {
			return fmt.Errorf("demo: scale: sequence of %s: %w", t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("demo: scale: commit: %w", err)
	}
	return analyze(ctx, s)
}
