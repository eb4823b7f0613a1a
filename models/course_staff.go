package models

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// StaffMember is a trainer or master assigned to a course, with their role.
type StaffMember struct {
	InstructorID int64  `db:"instructor_id" json:"instructor_id"`
	Name         string `db:"full_name" json:"full_name"`
	Kind         string `db:"kind" json:"kind"`
	Role         string `db:"role" json:"role"`
	Titled       bool   `db:"titled" json:"titled_for_craft"`
}

// courseStaffQuery lists a course's trainers and masters, the lead first.
const courseStaffQuery = `
		SELECT cs.instructor_id, i.full_name, i.kind, cs.role,
		       EXISTS (SELECT 1 FROM master_titles mt WHERE mt.instructor_id = i.id AND mt.craft_id = c.craft_id) AS titled
		FROM course_staff cs JOIN instructors i ON i.id = cs.instructor_id JOIN courses c ON c.id = cs.course_id
		WHERE cs.course_id = $1
		ORDER BY cs.role = 'lead' DESC, i.full_name COLLATE "vi-VN-x-icu"`

// ListCourseStaff returns the course's staff, lead first.
func (s *Store) ListCourseStaff(ctx context.Context, courseID int64) ([]StaffMember, error) {
	out := []StaffMember{}
	if err := s.sel(ctx, &out, courseStaffQuery, courseID); err != nil {
		return nil, fmt.Errorf("course staff %d: %w", courseID, mapErr(err))
	}
	return out, nil
}

// AssignStaff assigns a trainer or master to a course with a role (lead, assistant, trainer). A lead of a
// craft-transmission class must be a master titled for its craft. The instructor's row is locked and
// every live session of the course is checked against the instructor's other classes, so two
// assignments at once cannot double-book them.
func (s *Store) AssignStaff(ctx context.Context, a Actor, courseID, instructorID int64, role string) error {
	if role != "lead" && role != "assistant" && role != "trainer" {
		return &ValidationError{Fields: map[string]string{"role": "invalid_choice"}}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockEditableCourse(ctx, tx, courseID); err != nil {
			return err
		}
		var kind string
		if err := tx.GetContext(ctx, &kind, `SELECT kind FROM instructors WHERE id = $1 FOR UPDATE`, instructorID); err != nil {
			return notFoundAs(err, "instructor_id")
		}
		var c struct {
			Kind    string `db:"kind"`
			CraftID *int64 `db:"craft_id"`
		}
		if err := tx.GetContext(ctx, &c, `SELECT kind, craft_id FROM courses WHERE id = $1`, courseID); err != nil {
			return err
		}
		if role == "lead" && c.Kind == KindCraftTransmission {
			var titled bool
			if c.CraftID != nil {
				if err := tx.GetContext(ctx, &titled, `SELECT EXISTS (SELECT 1 FROM master_titles WHERE instructor_id = $1 AND craft_id = $2)`,
					instructorID, *c.CraftID); err != nil {
					return err
				}
			}
			if !titled || kind != "master" {
				return &ValidationError{Fields: map[string]string{"instructor_id": "master_no_title"}}
			}
		}
		var clashes []Clash
		const q = `
			SELECT 'instructor' AS resource, i.full_name AS name, oc.id AS course_id, oc.code AS course_code, oc.title,
			       o.starts_at, o.ends_at
			FROM course_sessions mine
			JOIN course_sessions o ON o.during && mine.during AND o.course_id <> mine.course_id AND o.status = 'scheduled'
			JOIN courses oc ON oc.id = o.course_id
			JOIN instructors i ON i.id = $2
			WHERE mine.course_id = $1 AND mine.status = 'scheduled'
			  AND (o.instructor_id = $2 OR EXISTS (SELECT 1 FROM course_staff x WHERE x.course_id = o.course_id AND x.instructor_id = $2))
			ORDER BY o.starts_at`
		if err := tx.SelectContext(ctx, &clashes, q, courseID, instructorID); err != nil {
			return err
		}
		if len(clashes) > 0 {
			return &ClashError{Clashes: clashes}
		}
		if role == "lead" {
			if _, err := tx.ExecContext(ctx, `UPDATE course_staff SET role = 'assistant' WHERE course_id = $1 AND role = 'lead' AND instructor_id <> $2`, courseID, instructorID); err != nil {
				return err
			}
		}
		const ins = `
			INSERT INTO course_staff (course_id, instructor_id, role) VALUES ($1, $2, $3)
			ON CONFLICT (course_id, instructor_id) DO UPDATE SET role = EXCLUDED.role`
		if _, err := tx.ExecContext(ctx, ins, courseID, instructorID, role); err != nil {
			return err
		}
		return audit(ctx, tx, a, "course.assign_staff", "courses", courseID, nil, map[string]any{"instructor_id": instructorID, "role": role})
	})
	if err != nil {
		return fmt.Errorf("assign instructor %d to course %d: %w", instructorID, courseID, err)
	}
	return nil
}

// RemoveStaff takes an instructor off a course's staff.
func (s *Store) RemoveStaff(ctx context.Context, a Actor, courseID, instructorID int64) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockEditableCourse(ctx, tx, courseID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM course_staff WHERE course_id = $1 AND instructor_id = $2`, courseID, instructorID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, a, "course.remove_staff", "courses", courseID, map[string]any{"instructor_id": instructorID}, nil)
	})
	if err != nil {
		return fmt.Errorf("remove instructor %d from course %d: %w", instructorID, courseID, err)
	}
	return nil
}

// notFoundAs turns "no such row" into a field error, for references typed into forms.
func notFoundAs(err error, field string) error {
	if e := mapErr(err); e != nil && isNotFound(e) {
		return &ValidationError{Fields: map[string]string{field: "not_found"}}
	}
	return err
}
