package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// CalendarFilter chooses the sessions of a calendar: those overlapping [From, To), optionally at one
// venue, involving one trainer or master, in one district, or (OwnerUserID > 0) of the classes a
// trainer or master has to do with.
type CalendarFilter struct {
	From, To    time.Time
	VenueID     int64
	TrainerID   int64  // an instructor: sessions they teach, or of classes they lead as trainer or are assigned to
	MasterID    int64  // an instructor: sessions they teach, or of classes they are assigned to
	District    string // the district's code; a venue is in the district of its commune
	OwnerUserID int64
}

// MaxCalendarSpan bounds one calendar query, so that a mistyped range cannot read years of sessions.
const MaxCalendarSpan = 367 * 24 * time.Hour

// CalendarEntry is one session as a calendar shows it: when, which class, where and who teaches.
type CalendarEntry struct {
	SessionID      int64     `db:"session_id" json:"session_id"`
	CourseID       int64     `db:"course_id" json:"course_id"`
	CourseCode     string    `db:"course_code" json:"course_code"`
	CourseTitle    string    `db:"course_title" json:"course_title"`
	CourseKind     string    `db:"course_kind" json:"course_kind"`
	CourseStatus   string    `db:"course_status" json:"course_status"`
	VenueID        int64     `db:"venue_id" json:"venue_id"`
	VenueName      string    `db:"venue_name" json:"venue_name"`
	DistrictCode   *string   `db:"district_code" json:"district_code"`
	DistrictName   *string   `db:"district_name" json:"district_name"`
	InstructorID   int64     `db:"instructor_id" json:"instructor_id"`
	InstructorName string    `db:"instructor_name" json:"instructor_name"`
	InstructorKind string    `db:"instructor_kind" json:"instructor_kind"`
	StartsAt       time.Time `db:"starts_at" json:"starts_at"`
	EndsAt         time.Time `db:"ends_at" json:"ends_at"`
	Topic          string    `db:"topic" json:"topic"`
	Status         string    `db:"status" json:"status"`
	CancelReason   *string   `db:"cancel_reason" json:"cancel_reason,omitempty"`
}

// Cancelled reports whether the session is cancelled.
func (e CalendarEntry) Cancelled() bool { return e.Status == "cancelled" }

// calendarSelect joins a session with its class, venue, district and instructor. The course's own
// trainer is joined as i so that ownedBy() can be used unchanged.
const calendarSelect = `
	SELECT s.id AS session_id, s.course_id, c.code AS course_code, c.title AS course_title, c.kind AS course_kind,
	       c.status AS course_status, s.venue_id, v.name AS venue_name, d.code AS district_code, d.name AS district_name,
	       s.instructor_id, si.full_name AS instructor_name, si.kind AS instructor_kind,
	       s.starts_at, s.ends_at, s.topic, s.status, s.cancel_reason
	FROM course_sessions s
	JOIN courses c ON c.id = s.course_id
	JOIN venues v ON v.id = s.venue_id
	JOIN instructors si ON si.id = s.instructor_id
	LEFT JOIN instructors i ON i.id = c.trainer_id
	LEFT JOIN admin_units cm ON cm.code = v.commune_code
	LEFT JOIN admin_units d ON d.code = cm.parent_code`

// maxSessionLength is the schema's CHECK on a session's length. A session overlapping [from, to) must
// therefore start in [from − 16 h, to), which an index on starts_at can answer as one range scan.
const maxSessionLength = "16 hours"

// ListCalendar returns the sessions overlapping [From, To) that pass the filter, in time order,
// cancelled ones included (calendars show them struck through). One query, whatever the range.
func (s *Store) ListCalendar(ctx context.Context, f CalendarFilter) ([]CalendarEntry, error) {
	if f.From.IsZero() || f.To.IsZero() || !f.To.After(f.From) {
		return nil, &ValidationError{Fields: map[string]string{"to": "end_before_start"}}
	}
	if f.To.Sub(f.From) > MaxCalendarSpan {
		return nil, &ValidationError{Fields: map[string]string{"to": "range_too_long"}}
	}
	args := []any{f.From, f.To}
	conds := []string{
		`s.starts_at < $2`, `s.ends_at > $1`,
		`s.starts_at >= $1::timestamptz - interval '` + maxSessionLength + `'`,
	}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.VenueID > 0 {
		add(`s.venue_id = $%d`, f.VenueID)
	}
	if f.TrainerID > 0 {
		add(`(s.instructor_id = $%[1]d OR c.trainer_id = $%[1]d
			OR EXISTS (SELECT 1 FROM course_staff x WHERE x.course_id = c.id AND x.instructor_id = $%[1]d))`, f.TrainerID)
	}
	if f.MasterID > 0 {
		add(`(s.instructor_id = $%[1]d
			OR EXISTS (SELECT 1 FROM course_staff x WHERE x.course_id = c.id AND x.instructor_id = $%[1]d))`, f.MasterID)
	}
	if f.District != "" {
		add(`cm.parent_code = $%d`, f.District)
	}
	if f.OwnerUserID > 0 {
		args = append(args, f.OwnerUserID)
		conds = append(conds, ownedBy(len(args)))
	}
	q := calendarSelect + ` WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY s.starts_at, s.id`
	out := []CalendarEntry{}
	if err := s.db.SelectContext(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("calendar: %w", mapErr(err))
	}
	return out, nil
}

// TeachingClass is a class an instructor is assigned to, with their role in it.
type TeachingClass struct {
	CourseID  int64     `db:"course_id" json:"course_id"`
	Code      string    `db:"code" json:"code"`
	Title     string    `db:"title" json:"title"`
	Kind      string    `db:"kind" json:"kind"`
	Status    string    `db:"status" json:"status"`
	StartDate time.Time `db:"start_date" json:"start_date"`
	EndDate   time.Time `db:"end_date" json:"end_date"`
	Role      string    `db:"role" json:"role"` // lead, assistant or trainer
}

// TeachingSchedule is what a trainer or master teaches: their sessions and their classes. Instructor
// is nil when the user has no instructor record, and then the lists are empty.
type TeachingSchedule struct {
	Instructor *Choice         `json:"instructor"`
	Sessions   []CalendarEntry `json:"sessions"`
	Classes    []TeachingClass `json:"classes"`
	Upcoming   int             `json:"upcoming"` // how many of Sessions have not ended yet
}

// maxScheduleRows bounds the sessions of one schedule; the oldest past sessions are the ones left out.
const maxScheduleRows = 300

// GetTeachingSchedule returns the schedule of the instructor linked to a user account: the sessions
// they teach (those not yet ended first, soonest first; then past ones, latest first) and the classes
// they are assigned to or are the trainer of (current and coming classes first).
func (s *Store) GetTeachingSchedule(ctx context.Context, userID int64, now time.Time) (TeachingSchedule, error) {
	out := TeachingSchedule{Sessions: []CalendarEntry{}, Classes: []TeachingClass{}}
	var who []Choice
	if err := s.db.SelectContext(ctx, &who, `SELECT id, full_name AS label, kind AS extra FROM instructors WHERE user_id = $1`, userID); err != nil {
		return out, fmt.Errorf("instructor of user %d: %w", userID, mapErr(err))
	}
	if len(who) == 0 {
		return out, nil
	}
	out.Instructor = &who[0]
	q := calendarSelect + `
		WHERE s.instructor_id = $1
		ORDER BY s.ends_at <= $2, CASE WHEN s.ends_at > $2 THEN s.starts_at END, s.starts_at DESC, s.id
		LIMIT ` + fmt.Sprint(maxScheduleRows)
	if err := s.db.SelectContext(ctx, &out.Sessions, q, out.Instructor.ID, now); err != nil {
		return out, fmt.Errorf("sessions of instructor %d: %w", out.Instructor.ID, mapErr(err))
	}
	for _, e := range out.Sessions {
		if e.EndsAt.After(now) {
			out.Upcoming++
		}
	}
	// A class counts once: as staff (course_staff) when assigned, else as its registered trainer.
	const cq = `
		SELECT c.id AS course_id, c.code, c.title, c.kind, c.status, c.start_date, c.end_date,
		       coalesce(cs.role, 'trainer') AS role
		FROM courses c
		LEFT JOIN course_staff cs ON cs.course_id = c.id AND cs.instructor_id = $1
		WHERE cs.instructor_id IS NOT NULL OR c.trainer_id = $1
		ORDER BY c.end_date < $2::date, c.start_date, c.id
		LIMIT 500`
	today := now.In(Zone).Format(time.DateOnly)
	if err := s.db.SelectContext(ctx, &out.Classes, cq, out.Instructor.ID, today); err != nil {
		return out, fmt.Errorf("classes of instructor %d: %w", out.Instructor.ID, mapErr(err))
	}
	return out, nil
}
