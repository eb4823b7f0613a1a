package main

import (
	"context"
	"fmt"
	"time"

	"khuyencong/models/demo"
)

// copyOffset separates the copies of the demo data: copy k of the row with id n has id n + k × copyOffset,
// so every copy is a whole world of its own (its venues and instructors never clash with another
// copy's sessions) and an id's copy is id / copyOffset. The demo set has far fewer than a million
// rows in any table.
const copyOffset = 1_000_000

// scaleSteps copy the demo rows (ids below copyOffset) factor − 1 times with SQL. Places, crafts and
// logins are shared; unique values get the copy's number. $1 is the factor, $2 the offset.
var scaleSteps = []struct{ table, sql string }{
	{"establishments", `
		INSERT INTO establishments (id, name, kind, registration_no, commune_code, main_craft_id, products, representative,
		                            phone, created_at, updated_at)
		SELECT id + k * $2, name, kind, registration_no || '-' || k, commune_code, main_craft_id, products, representative,
		       phone, created_at, updated_at
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
		SELECT id + k * $2, name, address, commune_code, seats, establishment_id + k * $2, active
		FROM venues, generate_series(1, $1 - 1) k WHERE id < $2`},
	{"courses", `
		INSERT INTO courses (id, code, kind, activity_code, craft_id, title, description, target_group, venue_id, capacity,
		                     per_establishment_limit, start_date, end_date, short_course, budget, min_attendance_pct, status,
		                     cancel_reason, trainer_id, created_by, submitted_at, approved_at, approved_by, created_at, updated_at)
		SELECT id + k * $2, code || '-' || k, kind, activity_code, craft_id, title, description, target_group, venue_id + k * $2,
		       capacity, per_establishment_limit, start_date, end_date, short_course, budget, min_attendance_pct, status,
		       cancel_reason, trainer_id + k * $2, created_by, submitted_at, approved_at, approved_by, created_at, updated_at
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
		INSERT INTO course_sessions (id, course_id, venue_id, instructor_id, starts_at, ends_at, topic, status, cancel_reason,
		                             created_at, updated_at)
		SELECT id + k * $2, course_id + k * $2, venue_id + k * $2, instructor_id + k * $2, starts_at, ends_at, topic, status,
		       cancel_reason, created_at, updated_at
		FROM course_sessions, generate_series(1, $1 - 1) k WHERE id < $2`},
	{"trainees", `
		INSERT INTO trainees (id, family_name, middle_name, given_name, gender, birth_date, id_kind, id_number, phone,
		                      ethnicity, commune_code, establishment_id, created_at, updated_at)
		SELECT id + k * $2, family_name, middle_name, given_name, gender, birth_date,
		       CASE WHEN id_number IS NOT NULL THEN 'other' END, 'K' || k || id_number, phone, ethnicity, commune_code,
		       establishment_id + k * $2, created_at, updated_at
		FROM trainees, generate_series(1, $1 - 1) k WHERE id < $2`},
	{"enrolments", `
		INSERT INTO enrolments (id, course_id, trainee_id, status, waitlist_position, establishment_id, job_title, enrolled_at,
		                        confirmed_at, withdrawn_at, withdraw_reason, withdraw_note)
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

// seedData loads the demo data set (models/demo, unchanged) and multiplies it factor times in SQL, then
// refreshes the planner's statistics as autovacuum would. It returns what the database holds.
func (e *env) seedData(ctx context.Context, factor int) (string, error) {
	start := time.Now()
	if _, err := demo.Seed(ctx, e.store); err != nil {
		return "", err
	}
	if factor > 1 {
		tx, err := e.db.BeginTxx(ctx, nil)
		if err != nil {
			return "", err
		}
		defer func() { _ = tx.Rollback() }()
		for _, st := range scaleSteps {
			if _, err := tx.ExecContext(ctx, st.sql, factor, copyOffset); err != nil {
				return "", fmt.Errorf("scale %s: %w", st.table, err)
			}
		}
		for _, t := range []string{"establishments", "instructors", "venues", "courses", "course_sessions", "trainees", "enrolments"} {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM `+t+`))`, t); err != nil {
				return "", err
			}
		}
		if err := tx.Commit(); err != nil {
			return "", err
		}
	}
	if _, err := e.db.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		return "", err
	}
	var n struct {
		Est, Trainees, Courses, Sessions, Enrolments, Supports int
	}
	err := e.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM establishments), (SELECT count(*) FROM trainees),
		(SELECT count(*) FROM courses), (SELECT count(*) FROM course_sessions), (SELECT count(*) FROM enrolments),
		(SELECT count(*) FROM support_records)`).Scan(&n.Est, &n.Trainees, &n.Courses, &n.Sessions, &n.Enrolments, &n.Supports)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d× demo data in %s: %d establishments, %d trainees, %d courses, %d sessions, %d enrolments, %d support records",
		factor, time.Since(start).Round(100*time.Millisecond), n.Est, n.Trainees, n.Courses, n.Sessions, n.Enrolments, n.Supports), nil
}
