package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// CourseSession is a dated time slot of a course at a venue, taught by an instructor.
type CourseSession struct {
	ID             int64     `db:"id" json:"id"`
	CourseID       int64     `db:"course_id" json:"course_id"`
	VenueID        int64     `db:"venue_id" json:"venue_id"`
	VenueName      string    `db:"venue_name" json:"venue_name"`
	InstructorID   int64     `db:"instructor_id" json:"instructor_id"`
	InstructorName string    `db:"instructor_name" json:"instructor_name"`
	InstructorUser *int64    `db:"instructor_user_id" json:"-"`
	StartsAt       time.Time `db:"starts_at" json:"starts_at"`
	EndsAt         time.Time `db:"ends_at" json:"ends_at"`
	Topic          string    `db:"topic" json:"topic"`
	Status         string    `db:"status" json:"status"`
	CancelReason   *string   `db:"cancel_reason" json:"cancel_reason,omitempty"`
}

// Hours is the length of the session in hours.
func (s CourseSession) Hours() float64 { return s.EndsAt.Sub(s.StartsAt).Hours() }

const sessionSelect = `
	SELECT s.id, s.course_id, s.venue_id, v.name AS venue_name, s.instructor_id, i.full_name AS instructor_name, i.user_id AS instructor_user_id,
	       s.starts_at, s.ends_at, s.topic, s.status, s.cancel_reason
	FROM course_sessions s JOIN venues v ON v.id = s.venue_id JOIN instructors i ON i.id = s.instructor_id`

// SessionInput is one session to add or the new time of a moved one.
type SessionInput struct {
	VenueID      int64
	InstructorID int64
	StartsAt     time.Time
	EndsAt       time.Time
	Topic        string
}

// Validate checks a session's own fields.
func (in SessionInput) Validate() map[string]string {
	errs := map[string]string{}
	if in.VenueID < 1 {
		errs["venue_id"] = "required"
	}
	if in.InstructorID < 1 {
		errs["instructor_id"] = "required"
	}
	switch {
	case in.StartsAt.IsZero():
		errs["starts_at"] = "required"
	case !in.EndsAt.After(in.StartsAt):
		errs["ends_at"] = "end_before_start"
	case in.EndsAt.Sub(in.StartsAt) > 16*time.Hour:
		errs["ends_at"] = "session_too_long"
	}
	if len([]rune(in.Topic)) > 300 {
		errs["topic"] = "too_long"
	}
	return errs
}

// Clash is a live session that a new one would overlap: which class, when, and on which resource.
type Clash struct {
	Resource   string    `db:"resource" json:"resource"` // "venue" or "instructor"
	Name       string    `db:"name" json:"name"`
	CourseID   int64     `db:"course_id" json:"course_id"`
	CourseCode string    `db:"course_code" json:"course_code"`
	Title      string    `db:"title" json:"title"`
	StartsAt   time.Time `db:"starts_at" json:"starts_at"`
	EndsAt     time.Time `db:"ends_at" json:"ends_at"`
	Wanted     time.Time `db:"-" json:"wanted_start"` // the start of the session that was refused
}

// ClashError lists the clashes that made the database refuse a booking. errors.Is(err, ErrConflict).
type ClashError struct{ Clashes []Clash }

func (e *ClashError) Error() string { return fmt.Sprintf("%d clashing sessions", len(e.Clashes)) }

// Is makes errors.Is(err, ErrConflict) true.
func (e *ClashError) Is(target error) bool { return target == ErrConflict }

// findClashes names the live sessions that overlap [from, to) at the venue or with the instructor.
func findClashes(ctx context.Context, q sqlx.QueryerContext, in SessionInput, exceptID int64) ([]Clash, error) {
	const sq = `
		SELECT CASE WHEN s.venue_id = $1 THEN 'venue' ELSE 'instructor' END AS resource,
		       CASE WHEN s.venue_id = $1 THEN v.name ELSE i.full_name END AS name,
		       c.id AS course_id, c.code AS course_code, c.title, s.starts_at, s.ends_at
		FROM course_sessions s
		JOIN courses c ON c.id = s.course_id JOIN venues v ON v.id = s.venue_id JOIN instructors i ON i.id = s.instructor_id
		WHERE s.status = 'scheduled' AND s.id <> $5 AND s.during && tstzrange($3, $4, '[)')
		  AND (s.venue_id = $1 OR s.instructor_id = $2)
		ORDER BY s.starts_at`
	var out []Clash
	err := sqlx.SelectContext(ctx, q, &out, sq, in.VenueID, in.InstructorID, in.StartsAt, in.EndsAt, exceptID)
	for i := range out {
		out[i].Wanted = in.StartsAt
	}
	return out, err
}

// insertSession adds one session inside tx under a savepoint, so that a clash refused by the exclusion
// constraint leaves the transaction usable; it returns the clashes when refused.
func insertSession(ctx context.Context, tx *sqlx.Tx, courseID int64, in SessionInput) (int64, []Clash, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT add_session`); err != nil {
		return 0, nil, err
	}
	var id int64
	const q = `
		INSERT INTO course_sessions (course_id, venue_id, instructor_id, starts_at, ends_at, topic)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	err := tx.GetContext(ctx, &id, q, courseID, in.VenueID, in.InstructorID, in.StartsAt, in.EndsAt, NFC(in.Topic))
	if err == nil {
		_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT add_session`)
		return id, nil, err
	}
	if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT add_session`); rerr != nil {
		return 0, nil, rerr
	}
	if !errors.Is(mapErr(err), ErrConflict) {
		return 0, nil, refError(err, sessionRefs)
	}
	clashes, ferr := findClashes(ctx, tx, in, 0)
	if ferr != nil {
		return 0, nil, ferr
	}
	if len(clashes) == 0 { // the other session was cancelled in between; report the refusal anyway
		clashes = []Clash{{Resource: "venue", Wanted: in.StartsAt}}
	}
	return 0, clashes, nil
}

// lockEditableCourse locks a course that may still get sessions (not completed or cancelled).
func lockEditableCourse(ctx context.Context, tx *sqlx.Tx, courseID int64) error {
	var status string
	if err := tx.GetContext(ctx, &status, `SELECT status FROM courses WHERE id = $1 FOR UPDATE`, courseID); err != nil {
		return err
	}
	if status == StatusCompleted || status == StatusCancelled {
		return &ValidationError{Fields: map[string]string{"status": "not_editable"}}
	}
	return nil
}

// AddSession adds one session; a clash with another live session of the same venue or instructor is
// refused by the database and returned as *ClashError naming the other class and time.
func (s *Store) AddSession(ctx context.Context, a Actor, courseID int64, in SessionInput) (CourseSession, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return CourseSession{}, &ValidationError{Fields: errs}
	}
	var id int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockEditableCourse(ctx, tx, courseID); err != nil {
			return err
		}
		var clashes []Clash
		var err error
		if id, clashes, err = insertSession(ctx, tx, courseID, in); err != nil {
			return err
		}
		if len(clashes) > 0 {
			return &ClashError{Clashes: clashes}
		}
		return audit(ctx, tx, a, "session.create", "course_sessions", id, nil, map[string]any{
			"course_id": courseID, "starts_at": in.StartsAt, "ends_at": in.EndsAt, "venue_id": in.VenueID, "instructor_id": in.InstructorID})
	})
	if err != nil {
		return CourseSession{}, fmt.Errorf("add session to course %d: %w", courseID, err)
	}
	return s.GetSession(ctx, id)
}

// GetSession returns one session.
func (s *Store) GetSession(ctx context.Context, id int64) (CourseSession, error) {
	var cs CourseSession
	if err := s.db.GetContext(ctx, &cs, sessionSelect+` WHERE s.id = $1`, id); err != nil {
		return CourseSession{}, fmt.Errorf("get session %d: %w", id, mapErr(err))
	}
	return cs, nil
}

// ListSessions returns a course's sessions in time order, cancelled ones included.
func (s *Store) ListSessions(ctx context.Context, courseID int64) ([]CourseSession, error) {
	out := []CourseSession{}
	if err := s.sel(ctx, &out, sessionsOfCourseQuery, courseID); err != nil {
		return nil, fmt.Errorf("list sessions of course %d: %w", courseID, mapErr(err))
	}
	return out, nil
}

// MoveSession gives a session a new time, venue or instructor; clashes are refused as in AddSession.
func (s *Store) MoveSession(ctx context.Context, a Actor, courseID, sessionID int64, in SessionInput, reason string) (CourseSession, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return CourseSession{}, &ValidationError{Fields: errs}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockEditableCourse(ctx, tx, courseID); err != nil {
			return err
		}
		var old CourseSession
		if err := tx.GetContext(ctx, &old, sessionSelect+` WHERE s.id = $1 AND s.course_id = $2 FOR UPDATE OF s`, sessionID, courseID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT move_session`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE course_sessions SET venue_id = $2, instructor_id = $3, starts_at = $4, ends_at = $5,
			topic = $6, updated_at = now() WHERE id = $1`, sessionID, in.VenueID, in.InstructorID, in.StartsAt, in.EndsAt, NFC(in.Topic))
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT move_session`); rerr != nil {
				return rerr
			}
			if errors.Is(mapErr(err), ErrConflict) {
				clashes, ferr := findClashes(ctx, tx, in, sessionID)
				if ferr != nil {
					return ferr
				}
				return &ClashError{Clashes: clashes}
			}
			return refError(err, sessionRefs)
		}
		return audit(ctx, tx, a, "session.move", "course_sessions", sessionID,
			map[string]any{"starts_at": old.StartsAt, "ends_at": old.EndsAt, "venue_id": old.VenueID, "instructor_id": old.InstructorID},
			map[string]any{"starts_at": in.StartsAt, "ends_at": in.EndsAt, "venue_id": in.VenueID, "instructor_id": in.InstructorID, "reason": NFC(reason)})
	})
	if err != nil {
		return CourseSession{}, fmt.Errorf("move session %d: %w", sessionID, err)
	}
	return s.GetSession(ctx, sessionID)
}

// CancelSession cancels one session with a reason; it stays listed and frees its slot.
func (s *Store) CancelSession(ctx context.Context, a Actor, courseID, sessionID int64, reason string) error {
	reason = NFC(reason)
	if reason == "" {
		return &ValidationError{Fields: map[string]string{"reason": "required"}}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockEditableCourse(ctx, tx, courseID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE course_sessions SET status = 'cancelled', cancel_reason = $3, updated_at = now()
			WHERE id = $1 AND course_id = $2 AND status = 'scheduled'`, sessionID, courseID, reason)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, a, "session.cancel", "course_sessions", sessionID, map[string]any{"status": "scheduled"},
			map[string]any{"status": "cancelled", "reason": reason})
	})
	if err != nil {
		return fmt.Errorf("cancel session %d: %w", sessionID, err)
	}
	return nil
}
