package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Course kinds.
const (
	KindVocational        = "vocational"
	KindCraftTransmission = "craft_transmission"
	KindSkillUpgrade      = "skill_upgrade"
	KindWorkshop          = "management_workshop"
)

// CourseKinds lists the kinds in the order forms show them.
var CourseKinds = []string{KindVocational, KindCraftTransmission, KindSkillUpgrade, KindWorkshop}

// Course statuses.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusApproved  = "approved"
	StatusRunning   = "running"
	StatusCompleted = "completed"
	StatusCancelled = "cancelled"
)

// Course is one run of a course (a class) or a workshop, with the names of what it refers to.
type Course struct {
	ID                    int64      `db:"id" json:"id"`
	Code                  string     `db:"code" json:"code"`
	Kind                  string     `db:"kind" json:"kind"`
	ActivityCode          string     `db:"activity_code" json:"activity_code"`
	CraftID               *int64     `db:"craft_id" json:"craft_id"`
	CraftName             *string    `db:"craft_name" json:"craft_name"`
	Title                 string     `db:"title" json:"title"`
	Description           string     `db:"description" json:"description"`
	TargetGroup           string     `db:"target_group" json:"target_group"`
	VenueID               *int64     `db:"venue_id" json:"venue_id"`
	VenueName             *string    `db:"venue_name" json:"venue_name"`
	VenueAddress          *string    `db:"venue_address" json:"venue_address,omitempty"`
	DistrictName          *string    `db:"district_name" json:"district_name,omitempty"`
	Capacity              int        `db:"capacity" json:"capacity"`
	PerEstablishmentLimit *int       `db:"per_establishment_limit" json:"per_establishment_limit,omitempty"`
	StartDate             time.Time  `db:"start_date" json:"start_date"`
	EndDate               time.Time  `db:"end_date" json:"end_date"`
	Budget                int64      `db:"budget" json:"budget"`
	MinAttendancePct      float64    `db:"min_attendance_pct" json:"min_attendance_pct"`
	Status                string     `db:"status" json:"status"`
	CancelReason          *string    `db:"cancel_reason" json:"cancel_reason,omitempty"`
	TrainerID             *int64     `db:"trainer_id" json:"trainer_id"`
	TrainerName           *string    `db:"trainer_name" json:"trainer_name"`
	TrainerUserID         *int64     `db:"trainer_user_id" json:"-"`
	CreatedBy             int64      `db:"created_by" json:"created_by"`
	SubmittedAt           *time.Time `db:"submitted_at" json:"submitted_at,omitempty"`
	ApprovedAt            *time.Time `db:"approved_at" json:"approved_at,omitempty"`
	Confirmed             int        `db:"confirmed" json:"confirmed"`
	Waitlisted            int        `db:"waitlisted" json:"waitlisted"`
	ScheduledHours        float64    `db:"scheduled_hours" json:"scheduled_hours"`
	Sessions              int        `db:"sessions" json:"sessions"`
	CreatedAt             time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt             time.Time  `db:"updated_at" json:"updated_at"`
}

// courseSelect reads courses with their names and counts; callers add WHERE, ORDER and LIMIT.
const courseSelect = courseColumns + courseJoins

// courseByID is GetCourse's query, prepared.
const courseByID = courseSelect + ` WHERE c.id = $1`

const courseColumns = `
	SELECT c.id, c.code, c.kind, c.activity_code, c.craft_id, cr.name AS craft_name, c.title, c.description,
	       c.target_group, c.venue_id, v.name AS venue_name, v.address AS venue_address, d.name AS district_name,
	       c.capacity, c.per_establishment_limit, c.start_date, c.end_date, c.budget, c.min_attendance_pct,
	       c.status, c.cancel_reason, c.trainer_id, i.full_name AS trainer_name, i.user_id AS trainer_user_id,
	       c.created_by, c.submitted_at, c.approved_at,
	       (SELECT count(*) FROM enrolments e WHERE e.course_id = c.id AND e.status = 'confirmed') AS confirmed,
	       (SELECT count(*) FROM enrolments e WHERE e.course_id = c.id AND e.status = 'waitlisted') AS waitlisted,
	       coalesce((SELECT sum(extract(epoch FROM s.ends_at - s.starts_at)) / 3600 FROM course_sessions s
	                 WHERE s.course_id = c.id AND s.status = 'scheduled'), 0)::float8 AS scheduled_hours,
	       (SELECT count(*) FROM course_sessions s WHERE s.course_id = c.id AND s.status = 'scheduled') AS sessions,
	       c.created_at, c.updated_at`

const courseJoins = `
	FROM courses c
	LEFT JOIN crafts cr ON cr.id = c.craft_id
	LEFT JOIN venues v ON v.id = c.venue_id
	LEFT JOIN admin_units cm ON cm.code = v.commune_code
	LEFT JOIN admin_units d ON d.code = cm.parent_code
	LEFT JOIN instructors i ON i.id = c.trainer_id`

// CourseInput is what a trainer or staff member enters to register a class.
type CourseInput struct {
	Kind                  string
	CraftID               *int64
	Title                 string
	Description           string
	TargetGroup           string
	VenueID               *int64
	Capacity              int
	PerEstablishmentLimit *int
	StartDate             time.Time
	EndDate               time.Time
	Budget                int64
	MinAttendancePct      float64
	TrainerID             *int64
}

// Validate checks the rules that need no database and returns messages keyed by field.
func (in CourseInput) Validate() map[string]string {
	errs := map[string]string{}
	kindOK := false
	for _, k := range CourseKinds {
		kindOK = kindOK || k == in.Kind
	}
	if !kindOK {
		errs["kind"] = "invalid_choice"
	}
	if in.Kind != KindWorkshop && in.CraftID == nil {
		errs["craft_id"] = "required"
	}
	if in.Kind != KindWorkshop && in.PerEstablishmentLimit != nil {
		errs["per_establishment_limit"] = "only_workshops"
	}
	switch t := strings.TrimSpace(in.Title); {
	case t == "":
		errs["title"] = "required"
	case len([]rune(t)) > 300:
		errs["title"] = "too_long"
	}
	if in.Capacity < 1 || in.Capacity > 10000 {
		errs["capacity"] = "capacity_range"
	}
	if in.PerEstablishmentLimit != nil && *in.PerEstablishmentLimit < 1 {
		errs["per_establishment_limit"] = "must_be_positive"
	}
	switch {
	case in.StartDate.IsZero():
		errs["start_date"] = "required"
	case in.EndDate.IsZero():
		errs["end_date"] = "required"
	case in.EndDate.Before(in.StartDate):
		errs["end_date"] = "end_before_start"
	case !in.EndDate.Before(in.StartDate.AddDate(0, 3, 0)):
		errs["end_date"] = "over_three_months"
	}
	if in.Budget < 0 {
		errs["budget"] = "must_not_be_negative"
	}
	if in.MinAttendancePct < 0 || in.MinAttendancePct > 100 {
		errs["min_attendance_pct"] = "percent_range"
	}
	return errs
}

func activityFor(kind string) string {
	if kind == KindWorkshop {
		return "KC2"
	}
	return "KC1"
}

// CreateCourse registers a class as a draft. Its code (KC1-2026-007) is the next number of its activity
// and year, taken under an advisory lock so concurrent registrations never collide.
func (s *Store) CreateCourse(ctx context.Context, a Actor, in CourseInput) (Course, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return Course{}, &ValidationError{Fields: errs}
	}
	var id int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		act, year := activityFor(in.Kind), in.StartDate.Year()
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('course-code'), $1)`, year); err != nil {
			return err
		}
		var n int
		const qn = `SELECT count(*) + 1 FROM courses WHERE code LIKE $1 || '-%'`
		prefix := fmt.Sprintf("%s-%d", act, year)
		if err := tx.GetContext(ctx, &n, qn, prefix); err != nil {
			return err
		}
		code := fmt.Sprintf("%s-%03d", prefix, n)
		const q = `
			INSERT INTO courses (code, kind, activity_code, craft_id, title, description, target_group, venue_id,
			                     capacity, per_establishment_limit, start_date, end_date, budget, min_attendance_pct,
			                     trainer_id, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			RETURNING id`
		if err := tx.GetContext(ctx, &id, q, code, in.Kind, act, in.CraftID, NFC(in.Title), NFC(in.Description),
			NFC(in.TargetGroup), in.VenueID, in.Capacity, in.PerEstablishmentLimit, in.StartDate, in.EndDate,
			in.Budget, in.MinAttendancePct, in.TrainerID, a.UserID); err != nil {
			return err
		}
		return audit(ctx, tx, a, "course.create", "courses", id, nil, map[string]any{"code": code, "title": NFC(in.Title), "kind": in.Kind})
	})
	if err != nil {
		return Course{}, fmt.Errorf("create course: %w", refError(err, courseRefs))
	}
	return s.GetCourse(ctx, id)
}

// GetCourse returns one course with its names and counts.
func (s *Store) GetCourse(ctx context.Context, id int64) (Course, error) {
	var c Course
	if err := s.get(ctx, &c, courseByID, id); err != nil {
		return Course{}, fmt.Errorf("get course %d: %w", id, mapErr(err))
	}
	return c, nil
}

// UpdateCourse changes a class's details while it is a draft or submitted (approved classes change
// through their sessions and staff, not their registration).
func (s *Store) UpdateCourse(ctx context.Context, a Actor, id int64, in CourseInput) (Course, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return Course{}, &ValidationError{Fields: errs}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var old Course
		if err := tx.GetContext(ctx, &old, `SELECT id, code, kind, title, capacity, status, start_date, end_date, budget FROM courses WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		if old.Status != StatusDraft && old.Status != StatusSubmitted {
			return &ValidationError{Fields: map[string]string{"status": "not_editable"}}
		}
		if old.Kind != in.Kind && activityFor(old.Kind) != activityFor(in.Kind) {
			return &ValidationError{Fields: map[string]string{"kind": "kind_fixed"}}
		}
		const q = `
			UPDATE courses SET kind = $2, craft_id = $3, title = $4, description = $5, target_group = $6, venue_id = $7,
			       capacity = $8, per_establishment_limit = $9, start_date = $10, end_date = $11, budget = $12,
			       min_attendance_pct = $13, trainer_id = $14, updated_at = now()
			WHERE id = $1`
		if _, err := tx.ExecContext(ctx, q, id, in.Kind, in.CraftID, NFC(in.Title), NFC(in.Description), NFC(in.TargetGroup),
			in.VenueID, in.Capacity, in.PerEstablishmentLimit, in.StartDate, in.EndDate, in.Budget, in.MinAttendancePct, in.TrainerID); err != nil {
			return err
		}
		return audit(ctx, tx, a, "course.update", "courses", id,
			map[string]any{"title": old.Title, "capacity": old.Capacity, "start_date": old.StartDate, "end_date": old.EndDate, "budget": old.Budget},
			map[string]any{"title": NFC(in.Title), "capacity": in.Capacity, "start_date": in.StartDate, "end_date": in.EndDate, "budget": in.Budget})
	})
	if err != nil {
		return Course{}, fmt.Errorf("update course %d: %w", id, refError(err, courseRefs))
	}
	return s.GetCourse(ctx, id)
}
