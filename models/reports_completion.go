package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// completionSQL defines, after a CTE named {courses} with columns id, kind and min_attendance_pct, more
// CTEs: {en}, the confirmed enrolments of those courses, and {done}, the same rows with "eligible" (and
// helpers named {en}_…) — the rule of CourseEligibility in one statement for many courses at once:
//   - hours are the live (not cancelled) sessions held on or after the day of enrolment (Vietnam time),
//     and attended hours are those of them marked present or late;
//   - attended × 100 ≥ the course's minimum share × scheduled, compared in exact numeric seconds (the Go
//     rule compares float hours with a 1e-9 tolerance: the same verdict);
//   - training kinds also need a passed final assessment; workshops need attendance only.
//
// The CTEs are MATERIALIZED: each is computed once, whatever the planner thinks of their size. Without
// statistics (a database just loaded) it took them for one row and re-ran the whole completion for
// every seat of the training report — minutes instead of a fifth of a second.
//
// Every report that says "completed" (the reach report's course option, the training report, the
// dashboard's certificates waiting) uses this one definition.
const completionSQL = `
	{en} AS MATERIALIZED (
		SELECT e.id, e.course_id, e.trainee_id, e.establishment_id,
		       (e.enrolled_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS from_day
		FROM enrolments e JOIN {courses} c ON c.id = e.course_id
		WHERE e.status = 'confirmed'),
	{en}_sessions AS (
		SELECT s.id, s.course_id, (s.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
		       extract(epoch FROM s.ends_at - s.starts_at) AS secs
		FROM course_sessions s JOIN {courses} c ON c.id = s.course_id
		WHERE s.status = 'scheduled'),
	{en}_totals AS MATERIALIZED (
		SELECT course_id, min(day) AS first_day, sum(secs) AS secs FROM {en}_sessions GROUP BY course_id),
	{en}_attended AS MATERIALIZED (
		SELECT a.enrolment_id AS id, sum(s.secs) AS secs, min(s.day) AS first_day
		FROM attendance a
		JOIN {en}_sessions s ON s.id = a.session_id
		WHERE a.status IN ('present', 'late')
		GROUP BY a.enrolment_id),
	{done} AS MATERIALIZED (
		SELECT en.id, en.course_id, en.trainee_id, en.establishment_id,
		       (sch.secs > 0 AND attended.secs * 100 >= c.min_attendance_pct * sch.secs
		        AND (c.kind = 'management_workshop' OR r.passed IS TRUE)) AS eligible
		FROM {en} en
		JOIN {courses} c ON c.id = en.course_id
		LEFT JOIN {en}_totals t ON t.course_id = en.course_id
		LEFT JOIN {en}_attended att ON att.id = en.id
		LEFT JOIN results r ON r.enrolment_id = en.id
		-- Most people enrol before the first session, so every session counts for them; only for a
		-- late enrolment are the sessions before its day left out, summed again through the indexes.
		CROSS JOIN LATERAL (SELECT CASE
		    WHEN t.first_day IS NULL THEN 0
		    WHEN en.from_day <= t.first_day THEN t.secs
		    ELSE (SELECT coalesce(sum(extract(epoch FROM s.ends_at - s.starts_at)), 0) FROM course_sessions s
		          WHERE s.course_id = en.course_id AND s.status = 'scheduled'
		            AND s.starts_at >= (en.from_day::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')) END AS secs) sch
		CROSS JOIN LATERAL (SELECT CASE
		    WHEN att.id IS NULL THEN 0
		    WHEN en.from_day <= att.first_day THEN att.secs
		    ELSE (SELECT coalesce(sum(extract(epoch FROM s.ends_at - s.starts_at)), 0)
		          FROM attendance a JOIN course_sessions s ON s.id = a.session_id
		          WHERE a.enrolment_id = en.id AND a.status IN ('present', 'late') AND s.status = 'scheduled'
		            AND s.starts_at >= (en.from_day::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')) END AS secs) attended)`

// completion returns completionSQL for the named CTEs.
func completion(courses, en, done string) string {
	return strings.NewReplacer("{courses}", courses, "{en}", en, "{done}", done).Replace(completionSQL)
}

// readReport runs a report's statements in one read-only transaction, so that its tables and totals
// come from one snapshot (repeatable read), with JIT compilation off: the planner over-estimates
// these aggregate queries by orders of magnitude (the lateral sums), and compiling them took two
// seconds for a query that runs in a tenth of one.
func (s *Store) readReport(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin report: %w", mapErr(err))
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
		return fmt.Errorf("report settings: %w", mapErr(err))
	}
	if err := fn(tx); err != nil {
		return mapErr(err)
	}
	return mapErr(tx.Commit())
}
