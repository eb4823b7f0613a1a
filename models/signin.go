package models

import (
	"context"
	"fmt"
	"time"
)

// Attendee is one line of a sign-in sheet.
type Attendee struct {
	EnrolmentID int64      `db:"enrolment_id"`
	FullName    string     `db:"full_name"`
	BirthDate   *time.Time `db:"birth_date"`
	Gender      string     `db:"gender"`
	Commune     *string    `db:"commune"`
}

// SessionAttendees returns the trainees confirmed in the session's course (enrolled before it ends),
// sorted the way official lists are: by given name, then family and middle names, Vietnamese collation.
func (s *Store) SessionAttendees(ctx context.Context, courseID, sessionID int64) ([]Attendee, error) {
	out := []Attendee{}
	const q = `
		SELECT e.id AS enrolment_id, t.full_name, t.birth_date, t.gender, cm.name AS commune
		FROM enrolments e
		JOIN trainees t ON t.id = e.trainee_id
		JOIN course_sessions s ON s.course_id = e.course_id AND s.id = $2
		LEFT JOIN admin_units cm ON cm.code = t.commune_code
		WHERE e.course_id = $1 AND e.status = 'confirmed' AND e.enrolled_at < s.ends_at
		ORDER BY t.given_name COLLATE "vi-VN-x-icu", t.family_name COLLATE "vi-VN-x-icu", t.middle_name COLLATE "vi-VN-x-icu", t.id`
	if err := s.db.SelectContext(ctx, &out, q, courseID, sessionID); err != nil {
		return nil, fmt.Errorf("attendees of session %d: %w", sessionID, mapErr(err))
	}
	return out, nil
}
