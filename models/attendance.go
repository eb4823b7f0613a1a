package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Attendance marks.
var AttendanceMarks = []string{"present", "late", "excused", "absent"}

// Marking windows: from 30 minutes before a session until 48 hours after it; later only staff may.
const (
	MarkOpensBefore = 30 * time.Minute
	MarkClosesAfter = 48 * time.Hour
)

// AttendanceRow is one trainee's mark for one session (Status "" when not marked yet).
type AttendanceRow struct {
	EnrolmentID int64      `db:"enrolment_id" json:"enrolment_id"`
	TraineeID   int64      `db:"trainee_id" json:"trainee_id"`
	FullName    string     `db:"full_name" json:"trainee_name"`
	Status      string     `db:"status" json:"status"`
	MarkedAt    *time.Time `db:"marked_at" json:"marked_at,omitempty"`
}

// SessionAttendance returns the confirmed trainees of the session's course with their marks, in
// Vietnamese name order.
func (s *Store) SessionAttendance(ctx context.Context, sessionID int64) (CourseSession, []AttendanceRow, error) {
	sess, err := s.GetSession(ctx, sessionID)
	if err != nil {
		return sess, nil, err
	}
	rows := []AttendanceRow{}
	const q = `
		SELECT e.id AS enrolment_id, t.id AS trainee_id, t.full_name, coalesce(a.status, '') AS status, a.marked_at
		FROM enrolments e
		JOIN trainees t ON t.id = e.trainee_id
		LEFT JOIN attendance a ON a.enrolment_id = e.id AND a.session_id = $1
		WHERE e.course_id = $2 AND (e.status = 'confirmed' OR a.status IS NOT NULL)
		ORDER BY t.given_name COLLATE "vi-VN-x-icu", t.family_name COLLATE "vi-VN-x-icu", t.middle_name COLLATE "vi-VN-x-icu", e.id`
	if err := s.db.SelectContext(ctx, &rows, q, sessionID, sess.CourseID); err != nil {
		return sess, nil, fmt.Errorf("attendance of session %d: %w", sessionID, mapErr(err))
	}
	return sess, rows, nil
}

// MarkInput is one cell of the attendance sheet. Expected, when set, is the mark the person saw; if
// somebody changed the cell since, the save is refused instead of overwriting their edit.
type MarkInput struct {
	EnrolmentID int64
	Status      string
	Expected    *string
}

// MarkAttendance saves one cell. Only that cell is written, so two people marking different trainees
// at once never overwrite each other. Trainers may mark from 30 minutes before the session until 48
// hours after it; staff at any time. Every change of an existing mark, and every late mark, is audited.
func (s *Store) MarkAttendance(ctx context.Context, a Actor, sessionID int64, in MarkInput, staff bool, now time.Time) (AttendanceRow, error) {
	valid := false
	for _, m := range AttendanceMarks {
		valid = valid || m == in.Status
	}
	if !valid {
		return AttendanceRow{}, &ValidationError{Fields: map[string]string{"status": "invalid_choice"}}
	}
	var row AttendanceRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var sess struct {
			CourseID int64     `db:"course_id"`
			Starts   time.Time `db:"starts_at"`
			Ends     time.Time `db:"ends_at"`
			Status   string    `db:"status"`
		}
		if err := tx.GetContext(ctx, &sess, `SELECT course_id, starts_at, ends_at, status FROM course_sessions WHERE id = $1`, sessionID); err != nil {
			return err
		}
		if sess.Status != "scheduled" {
			return &ValidationError{Fields: map[string]string{"session": "session_cancelled"}}
		}
		late := now.After(sess.Ends.Add(MarkClosesAfter))
		if now.Before(sess.Starts.Add(-MarkOpensBefore)) || (late && !staff) {
			return &ValidationError{Fields: map[string]string{"session": "marking_closed"}}
		}
		var old *string
		err := tx.GetContext(ctx, &old, `SELECT status FROM attendance WHERE session_id = $1 AND enrolment_id = $2 FOR UPDATE`, sessionID, in.EnrolmentID)
		if err != nil && !errors.Is(mapErr(err), ErrNotFound) {
			return err
		}
		if in.Expected != nil && *in.Expected != deref(old) {
			return &ValidationError{Fields: map[string]string{"status": "changed_meanwhile"}}
		}
		var markedBy any
		if a.UserID > 0 {
			markedBy = a.UserID
		}
		const q = `
			INSERT INTO attendance (session_id, enrolment_id, course_id, status, marked_by, marked_at)
			SELECT $1, e.id, e.course_id, $3, $4, now() FROM enrolments e
			WHERE e.id = $2 AND e.course_id = $5 AND e.status = 'confirmed'
			ON CONFLICT (session_id, enrolment_id) DO UPDATE SET status = EXCLUDED.status, marked_by = EXCLUDED.marked_by, marked_at = now()
			RETURNING enrolment_id, status, marked_at`
		if err := tx.GetContext(ctx, &row, q, sessionID, in.EnrolmentID, in.Status, markedBy, sess.CourseID); err != nil {
			if errors.Is(mapErr(err), ErrNotFound) {
				return &ValidationError{Fields: map[string]string{"enrolment_id": "not_found"}}
			}
			return err
		}
		if (old != nil && *old != in.Status) || late {
			return audit(ctx, tx, a, "attendance.mark", "attendance", in.EnrolmentID,
				map[string]any{"session_id": sessionID, "status": deref(old)},
				map[string]any{"session_id": sessionID, "status": in.Status, "after_window": late})
		}
		return nil
	})
	if err != nil {
		return AttendanceRow{}, fmt.Errorf("mark attendance: %w", err)
	}
	return row, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ResultInput is a final assessment: a score 0–10 (optional) and passed or not.
type ResultInput struct {
	Score  *float64
	Passed bool
}

// SetResult records or corrects the final assessment of a training enrolment (workshops have none).
func (s *Store) SetResult(ctx context.Context, a Actor, enrolmentID int64, in ResultInput) error {
	if in.Score != nil && (*in.Score < 0 || *in.Score > 10) {
		return &ValidationError{Fields: map[string]string{"score": "score_range"}}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var kind, status string
		if err := tx.GetContext(ctx, &kind, `SELECT c.kind FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.id = $1`, enrolmentID); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &status, `SELECT status FROM enrolments WHERE id = $1 FOR UPDATE`, enrolmentID); err != nil {
			return err
		}
		if kind == KindWorkshop {
			return &ValidationError{Fields: map[string]string{"score": "no_results_for_workshops"}}
		}
		if status != EnrolConfirmed {
			return &ValidationError{Fields: map[string]string{"enrolment_id": "not_confirmed"}}
		}
		var by any
		if a.UserID > 0 {
			by = a.UserID
		}
		const q = `
			INSERT INTO results (enrolment_id, score, passed, grade, recorded_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (enrolment_id) DO UPDATE SET score = EXCLUDED.score, passed = EXCLUDED.passed, grade = EXCLUDED.grade,
			       recorded_by = EXCLUDED.recorded_by, recorded_at = now()`
		if _, err := tx.ExecContext(ctx, q, enrolmentID, in.Score, in.Passed, Grade(in.Score, in.Passed), by); err != nil {
			return err
		}
		return audit(ctx, tx, a, "result.set", "enrolments", enrolmentID, nil, map[string]any{"score": in.Score, "passed": in.Passed})
	})
	if err != nil {
		return fmt.Errorf("set result of enrolment %d: %w", enrolmentID, err)
	}
	return nil
}

// Grade is the printed grade: Xuất sắc 9–10, Giỏi 8–<9, Khá 7–<8, Trung bình khá 6–<7, Trung bình
// 5–<6; "Đạt"/"Không đạt" when there is no score.
func Grade(score *float64, passed bool) string {
	switch {
	case !passed:
		return "Không đạt"
	case score == nil:
		return "Đạt"
	case *score >= 9:
		return "Xuất sắc"
	case *score >= 8:
		return "Giỏi"
	case *score >= 7:
		return "Khá"
	case *score >= 6:
		return "Trung bình khá"
	}
	return "Trung bình"
}

// Eligibility is where an enrolment stands for a certificate.
type Eligibility struct {
	EnrolmentID    int64    `db:"enrolment_id" json:"enrolment_id"`
	TraineeID      int64    `db:"trainee_id" json:"trainee_id"`
	FullName       string   `db:"full_name" json:"trainee_name"`
	Status         string   `db:"status" json:"status"`
	AttendedHours  float64  `db:"attended_hours" json:"attended_hours"`
	ScheduledHours float64  `db:"scheduled_hours" json:"scheduled_hours"`
	Percent        float64  `db:"percent" json:"percent"`
	Score          *float64 `db:"score" json:"score"`
	Passed         *bool    `db:"passed" json:"passed"`
	Eligible       bool     `db:"-" json:"eligible"`
	Reasons        []string `db:"-" json:"reasons"`
}

// eligibilityQuery counts, per enrolment, the hours of live sessions held on or after the day of
// enrolment (Vietnam time) and the hours of those the trainee attended (present or late).
const eligibilityQuery = `
	WITH s AS (
		SELECT id, extract(epoch FROM ends_at - starts_at) / 3600 AS hours, starts_at
		FROM course_sessions WHERE course_id = $1 AND status = 'scheduled')
	SELECT e.id AS enrolment_id, t.id AS trainee_id, t.full_name, e.status,
	       coalesce(sum(s.hours) FILTER (WHERE a.status IN ('present', 'late')), 0)::float8 AS attended_hours,
	       coalesce(sum(s.hours), 0)::float8 AS scheduled_hours,
	       coalesce(100 * sum(s.hours) FILTER (WHERE a.status IN ('present', 'late')) / nullif(sum(s.hours), 0), 0)::float8 AS percent,
	       r.score::float8 AS score, r.passed
	FROM enrolments e
	JOIN trainees t ON t.id = e.trainee_id
	LEFT JOIN s ON (s.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date >= (e.enrolled_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
	LEFT JOIN attendance a ON a.session_id = s.id AND a.enrolment_id = e.id
	LEFT JOIN results r ON r.enrolment_id = e.id
	WHERE e.course_id = $1 AND e.status = 'confirmed'
	GROUP BY e.id, t.id, r.score, r.passed
	ORDER BY t.given_name COLLATE "vi-VN-x-icu", t.family_name COLLATE "vi-VN-x-icu", t.middle_name COLLATE "vi-VN-x-icu", e.id`

// CourseEligibility tells for each confirmed enrolment whether it earns a certificate, and if not why:
// attended hours ≥ the course's minimum share of scheduled hours (cancelled sessions left out, counted
// from the enrolment date) and, for training kinds, a passed final assessment.
func (s *Store) CourseEligibility(ctx context.Context, courseID int64) ([]Eligibility, error) {
	var c struct {
		Kind string  `db:"kind"`
		Min  float64 `db:"min_attendance_pct"`
	}
	if err := s.db.GetContext(ctx, &c, `SELECT kind, min_attendance_pct FROM courses WHERE id = $1`, courseID); err != nil {
		return nil, fmt.Errorf("eligibility of course %d: %w", courseID, mapErr(err))
	}
	out := []Eligibility{}
	if err := s.db.SelectContext(ctx, &out, eligibilityQuery, courseID); err != nil {
		return nil, fmt.Errorf("eligibility of course %d: %w", courseID, mapErr(err))
	}
	judge(out, c.Kind, c.Min)
	return out, nil
}
