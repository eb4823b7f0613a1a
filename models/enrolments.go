package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Enrolment statuses.
const (
	EnrolConfirmed  = "confirmed"
	EnrolWaitlisted = "waitlisted"
	EnrolWithdrawn  = "withdrawn"
)

// WithdrawReasons are the reasons a trainee leaves a class.
var WithdrawReasons = []string{"own_request", "illness", "moved_away", "found_work", "other"}

// Enrolment is a trainee's place in a course: a seat, a place in the queue, or withdrawn.
type Enrolment struct {
	ID               int64      `db:"id" json:"id"`
	CourseID         int64      `db:"course_id" json:"course_id"`
	TraineeID        int64      `db:"trainee_id" json:"trainee_id"`
	TraineeName      string     `db:"full_name" json:"trainee_name"`
	Status           string     `db:"status" json:"status"`
	WaitlistPosition *int       `db:"waitlist_position" json:"waitlist_position"`
	EstablishmentID  *int64     `db:"establishment_id" json:"establishment_id,omitempty"`
	EnrolledAt       time.Time  `db:"enrolled_at" json:"enrolled_at"`
	ConfirmedAt      *time.Time `db:"confirmed_at" json:"confirmed_at,omitempty"`
	WithdrawnAt      *time.Time `db:"withdrawn_at" json:"withdrawn_at,omitempty"`
	WithdrawReason   *string    `db:"withdraw_reason" json:"withdraw_reason,omitempty"`
}

const enrolmentSelect = `
	SELECT e.id, e.course_id, e.trainee_id, t.full_name, e.status, e.waitlist_position, e.establishment_id,
	       e.enrolled_at, e.confirmed_at, e.withdrawn_at, e.withdraw_reason
	FROM enrolments e JOIN trainees t ON t.id = e.trainee_id`

// Overlap is a session of another class the trainee attends that overlaps the new class.
type Overlap struct {
	CourseID   int64     `db:"course_id" json:"course_id"`
	CourseCode string    `db:"code" json:"course_code"`
	Title      string    `db:"title" json:"title"`
	StartsAt   time.Time `db:"starts_at" json:"starts_at"`
	EndsAt     time.Time `db:"ends_at" json:"ends_at"`
}

// OverlapError says the trainee already attends a class at the same times; enrolling again with
// AllowOverlap goes ahead.
type OverlapError struct{ Overlaps []Overlap }

func (e *OverlapError) Error() string { return fmt.Sprintf("%d overlapping sessions", len(e.Overlaps)) }

// Is makes errors.Is(err, ErrConflict) true.
func (e *OverlapError) Is(target error) bool { return target == ErrConflict }

// EnrolOptions are the choices of one enrolment.
type EnrolOptions struct {
	AllowOverlap    bool   // staff saw the overlapping dates and go ahead
	EstablishmentID *int64 // for workshops: the establishment the participant comes from
	JobTitle        string // for workshops: their position in it
}

// Enrol gives the trainee a seat in the course while seats remain and nobody waits, or else the next
// place on its waitlist. The course row is locked while the places are decided, so concurrent calls —
// from any number of app instances — cannot both take the last seat or the same place in the queue.
// Re-enrolling after a withdrawal restores the old record (its history stays in the audit log).
//
// The rules run in PostgreSQL, in enrol_batch (migration 0017): one round trip, and the enrolments that
// arrive for a class together go out as one batch with one commit (see enrolQueues). A refusal is
// the caller's own: an OverlapError, a ValidationError or ErrNotFound, as before.
func (s *Store) Enrol(ctx context.Context, a Actor, courseID, traineeID int64, opt EnrolOptions) (Enrolment, error) {
	row, err := s.enrolQueued(ctx, courseID, newEnrolItem(a, traineeID, opt))
	if err == nil {
		err = outcomeError(ctx, s.db, courseID, traineeID, row.Outcome)
	}
	if err != nil {
		return Enrolment{}, fmt.Errorf("enrol trainee %d in course %d: %w", traineeID, courseID, err)
	}
	return row.enrolment(), nil
}

// enrolTx is Enrol inside the caller's transaction, so that an import or a workshop registration can
// create a trainee and enrol them in one transaction: the same enrol_batch, with one item. It returns
// the enrolment's id.
func enrolTx(ctx context.Context, tx *sqlx.Tx, a Actor, courseID, traineeID int64, opt EnrolOptions) (int64, error) {
	b, err := json.Marshal([]enrolItem{newEnrolItem(a, traineeID, opt)})
	if err != nil {
		return 0, err
	}
	var rows []enrolRow
	if err := tx.SelectContext(ctx, &rows, enrolBatchQuery, courseID, string(b)); err != nil {
		return 0, mapErr(err)
	}
	if len(rows) != 1 {
		return 0, fmt.Errorf("enrol_batch answered %d rows for one item", len(rows))
	}
	if err := outcomeError(ctx, tx, courseID, traineeID, rows[0].Outcome); err != nil {
		return 0, err
	}
	return *rows[0].ID, nil
}

func newEnrolItem(a Actor, traineeID int64, opt EnrolOptions) enrolItem {
	return enrolItem{TraineeID: traineeID, AllowOverlap: opt.AllowOverlap, EstablishmentID: opt.EstablishmentID,
		JobTitle: NFC(opt.JobTitle), ActorID: a.UserID, Actor: a.Label, ClientIP: a.ClientIP, RequestID: a.RequestID}
}

// outcomeError is nil for an "ok" outcome and otherwise the error Enrol returns for it; for an overlap
// it lists the overlapping sessions, so staff see the dates.
func outcomeError(ctx context.Context, q sqlx.QueryerContext, courseID, traineeID int64, outcome string) error {
	switch outcome {
	case "ok":
		return nil
	case "overlap":
		overlaps, err := traineeOverlaps(ctx, q, courseID, traineeID)
		if err != nil {
			return mapErr(err)
		}
		return &OverlapError{Overlaps: overlaps}
	}
	return refusal(outcome)
}

// traineeOverlaps lists sessions of the trainee's other live classes that overlap this course's sessions.
func traineeOverlaps(ctx context.Context, q sqlx.QueryerContext, courseID, traineeID int64) ([]Overlap, error) {
	var out []Overlap
	const overlapQuery = `
		SELECT DISTINCT oc.id AS course_id, oc.code, oc.title, o.starts_at, o.ends_at
		FROM course_sessions mine
		JOIN course_sessions o ON o.during && mine.during AND o.course_id <> mine.course_id AND o.status = 'scheduled'
		JOIN enrolments e ON e.course_id = o.course_id AND e.trainee_id = $2 AND e.status IN ('confirmed', 'waitlisted')
		JOIN courses oc ON oc.id = o.course_id AND oc.status NOT IN ('cancelled', 'completed')
		WHERE mine.course_id = $1 AND mine.status = 'scheduled'
		ORDER BY o.starts_at LIMIT 50`
	err := sqlx.SelectContext(ctx, q, &out, overlapQuery, courseID, traineeID)
	return out, err
}

// GetEnrolment returns one enrolment with the trainee's name.
func (s *Store) GetEnrolment(ctx context.Context, id int64) (Enrolment, error) {
	var e Enrolment
	if err := s.get(ctx, &e, enrolmentSelect+` WHERE e.id = $1`, id); err != nil {
		return Enrolment{}, fmt.Errorf("get enrolment %d: %w", id, mapErr(err))
	}
	return e, nil
}

// ListEnrolments returns a course's enrolments: confirmed in Vietnamese name order, then the queue in
// order, then the withdrawn.
func (s *Store) ListEnrolments(ctx context.Context, courseID int64) ([]Enrolment, error) {
	out := []Enrolment{}
	q := enrolmentSelect + ` WHERE e.course_id = $1
		ORDER BY CASE e.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, e.waitlist_position,
		         t.given_name COLLATE "vi-VN-x-icu", t.family_name COLLATE "vi-VN-x-icu", t.middle_name COLLATE "vi-VN-x-icu", e.id`
	if err := s.db.SelectContext(ctx, &out, q, courseID); err != nil {
		return nil, fmt.Errorf("enrolments of course %d: %w", courseID, mapErr(err))
	}
	return out, nil
}

// Withdraw takes a trainee out of a course with a reason. A freed seat goes to the head of the queue
// in the same transaction, and the queue moves up; the promotion is recorded in the audit log.
func (s *Store) Withdraw(ctx context.Context, a Actor, enrolmentID int64, reason, note string) (Enrolment, error) {
	valid := false
	for _, r := range WithdrawReasons {
		valid = valid || r == reason
	}
	if !valid {
		return Enrolment{}, &ValidationError{Fields: map[string]string{"reason": "invalid_choice"}}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var courseID int64
		if err := tx.GetContext(ctx, &courseID, `SELECT course_id FROM enrolments WHERE id = $1`, enrolmentID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM courses WHERE id = $1 FOR UPDATE`, courseID); err != nil {
			return err
		}
		var e struct {
			Status string `db:"status"`
			Pos    *int   `db:"waitlist_position"`
		}
		if err := tx.GetContext(ctx, &e, `SELECT status, waitlist_position FROM enrolments WHERE id = $1 FOR UPDATE`, enrolmentID); err != nil {
			return err
		}
		if e.Status == EnrolWithdrawn {
			return &ValidationError{Fields: map[string]string{"status": "already_withdrawn"}}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enrolments SET status = 'withdrawn', waitlist_position = NULL, withdrawn_at = now(),
			withdraw_reason = $2, withdraw_note = $3 WHERE id = $1`, enrolmentID, reason, NFC(note)); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, "enrolment.withdraw", "enrolments", enrolmentID, map[string]any{"status": e.Status, "waitlist_position": e.Pos},
			map[string]any{"status": EnrolWithdrawn, "reason": reason}); err != nil {
			return err
		}
		if e.Status == EnrolWaitlisted {
			_, err := tx.ExecContext(ctx, `UPDATE enrolments SET waitlist_position = waitlist_position - 1
				WHERE course_id = $1 AND status = 'waitlisted' AND waitlist_position > $2`, courseID, *e.Pos)
			return err
		}
		return promote(ctx, tx, a, courseID)
	})
	if err != nil {
		return Enrolment{}, fmt.Errorf("withdraw enrolment %d: %w", enrolmentID, err)
	}
	return s.GetEnrolment(ctx, enrolmentID)
}

// promote fills free seats from the head of the queue, in order, and closes the gaps in the queue.
// The caller holds the course row lock.
func promote(ctx context.Context, tx *sqlx.Tx, a Actor, courseID int64) error {
	var free int
	if err := tx.GetContext(ctx, &free, `SELECT c.capacity - (SELECT count(*) FROM enrolments e WHERE e.course_id = c.id AND e.status = 'confirmed')
		FROM courses c WHERE c.id = $1`, courseID); err != nil {
		return err
	}
	if free <= 0 {
		return nil
	}
	var promoted []int64
	const q = `
		UPDATE enrolments SET status = 'confirmed', waitlist_position = NULL, confirmed_at = now()
		WHERE course_id = $1 AND status = 'waitlisted' AND waitlist_position <= $2
		RETURNING id`
	if err := tx.SelectContext(ctx, &promoted, q, courseID, free); err != nil {
		return err
	}
	if len(promoted) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE enrolments SET waitlist_position = waitlist_position - $2
		WHERE course_id = $1 AND status = 'waitlisted'`, courseID, len(promoted)); err != nil {
		return err
	}
	for _, id := range promoted {
		if err := audit(ctx, tx, a, "enrolment.promote", "enrolments", id, map[string]any{"status": EnrolWaitlisted},
			map[string]any{"status": EnrolConfirmed}); err != nil {
			return err
		}
	}
	return nil
}

// SetCapacity changes a course's seats. Raising it promotes from the queue in registration order;
// lowering it never removes anyone (new enrolments wait until seats free up).
func (s *Store) SetCapacity(ctx context.Context, a Actor, courseID int64, capacity int) error {
	if capacity < 1 || capacity > 10000 {
		return &ValidationError{Fields: map[string]string{"capacity": "capacity_range"}}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var old int
		if err := tx.GetContext(ctx, &old, `SELECT capacity FROM courses WHERE id = $1 FOR UPDATE`, courseID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE courses SET capacity = $2, updated_at = now() WHERE id = $1`, courseID, capacity); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, "course.capacity", "courses", courseID, map[string]any{"capacity": old}, map[string]any{"capacity": capacity}); err != nil {
			return err
		}
		return promote(ctx, tx, a, courseID)
	})
	if err != nil {
		return fmt.Errorf("set capacity of course %d: %w", courseID, err)
	}
	return nil
}

// TraineeMatch is a trainee found for enrolment, with whether they are already in the course.
type TraineeMatch struct {
	ID        int64      `db:"id" json:"id"`
	FullName  string     `db:"full_name" json:"full_name"`
	BirthDate *time.Time `db:"birth_date" json:"birth_year,omitempty"`
	Commune   *string    `db:"commune" json:"commune,omitempty"`
	InCourse  *string    `db:"in_course" json:"in_course,omitempty"`
}

// FindTraineesForCourse searches trainees by name without diacritics (at most 20), saying who is
// already enrolled in the course.
func (s *Store) FindTraineesForCourse(ctx context.Context, courseID int64, q string) ([]TraineeMatch, error) {
	out := []TraineeMatch{}
	where, args := searchWhere("t.search_key", q, 2)
	if where == "TRUE" {
		return out, nil
	}
	sq := `SELECT t.id, t.full_name, t.birth_date, cm.name AS commune,
		       (SELECT e.status FROM enrolments e WHERE e.course_id = $1 AND e.trainee_id = t.id) AS in_course
		FROM trainees t LEFT JOIN admin_units cm ON cm.code = t.commune_code
		WHERE ` + where + `
		ORDER BY t.given_name COLLATE "vi-VN-x-icu", t.family_name COLLATE "vi-VN-x-icu", t.middle_name COLLATE "vi-VN-x-icu", t.id
		LIMIT 20`
	if err := s.db.SelectContext(ctx, &out, sq, append([]any{courseID}, args...)...); err != nil {
		return nil, fmt.Errorf("find trainees: %w", mapErr(err))
	}
	return out, nil
}
