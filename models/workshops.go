package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// WorkshopDoorsOpenBefore is when check-in opens on a workshop day whose doors-open time is not set.
const WorkshopDoorsOpenBefore = 30 * time.Minute

// WorkshopDoorsEarliest is how long before a day starts its doors may open at the earliest.
const WorkshopDoorsEarliest = 12 * time.Hour

// Kinds of speaker of an agenda item.
const (
	SpeakerStaff      = "staff"      // a member of the centre's staff (a user)
	SpeakerInstructor = "instructor" // a trainer or craft master on file
	SpeakerGuest      = "guest"      // an outside speaker, by name and organisation
)

// AgendaItem is a timed item of a workshop day: a topic and who presents it.
type AgendaItem struct {
	ID                  int64     `db:"id" json:"id"`
	CourseID            int64     `db:"course_id" json:"course_id"`
	SessionID           int64     `db:"session_id" json:"session_id"`
	StartsAt            time.Time `db:"starts_at" json:"starts_at"`
	EndsAt              time.Time `db:"ends_at" json:"ends_at"`
	Topic               string    `db:"topic" json:"topic"`
	SpeakerKind         string    `db:"speaker_kind" json:"speaker_kind"`
	SpeakerUserID       *int64    `db:"speaker_user_id" json:"speaker_user_id,omitempty"`
	SpeakerInstructorID *int64    `db:"speaker_instructor_id" json:"speaker_instructor_id,omitempty"`
	Speaker             string    `db:"speaker" json:"speaker"`
	SpeakerOrg          string    `db:"speaker_org" json:"speaker_org"`
}

// agendaSelect reads agenda items with the speaker's name and organisation, whatever kind they are.
const agendaSelect = `
	SELECT a.id, a.course_id, a.session_id, a.starts_at, a.ends_at, a.topic,
	       CASE WHEN a.speaker_user_id IS NOT NULL THEN 'staff' WHEN a.speaker_instructor_id IS NOT NULL THEN 'instructor' ELSE 'guest' END AS speaker_kind,
	       a.speaker_user_id, a.speaker_instructor_id,
	       coalesce(u.full_name, i.full_name, a.speaker_name, '') AS speaker,
	       CASE WHEN a.speaker_name IS NOT NULL THEN a.speaker_org ELSE coalesce(i.organisation, '') END AS speaker_org
	FROM workshop_agenda_items a
	LEFT JOIN users u ON u.id = a.speaker_user_id
	LEFT JOIN instructors i ON i.id = a.speaker_instructor_id`

// AgendaInput is one agenda item as entered: exactly one of the three kinds of speaker.
type AgendaInput struct {
	SessionID           int64
	StartsAt            time.Time
	EndsAt              time.Time
	Topic               string
	SpeakerUserID       *int64
	SpeakerInstructorID *int64
	SpeakerName         string
	SpeakerOrg          string
}

// Validate checks what needs no database and returns message keys by field.
func (in AgendaInput) Validate() map[string]string {
	errs := map[string]string{}
	if in.SessionID < 1 {
		errs["session_id"] = "required"
	}
	switch {
	case in.StartsAt.IsZero():
		errs["starts_at"] = "required"
	case in.EndsAt.IsZero():
		errs["ends_at"] = "required"
	case !in.EndsAt.After(in.StartsAt):
		errs["ends_at"] = "end_before_start"
	}
	checkLine(errs, "topic", NFC(in.Topic), 300, true)
	checkLine(errs, "speaker_name", NFC(in.SpeakerName), 200, false)
	checkLine(errs, "speaker_org", NFC(in.SpeakerOrg), 300, false)
	n := 0
	for _, set := range []bool{in.SpeakerUserID != nil, in.SpeakerInstructorID != nil, NFC(in.SpeakerName) != ""} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		errs["speaker"] = "ws_speaker_required"
	case n > 1:
		errs["speaker"] = "ws_one_speaker"
	case NFC(in.SpeakerOrg) != "" && NFC(in.SpeakerName) == "":
		errs["speaker_org"] = "ws_org_for_guest"
	}
	return errs
}

// lockWorkshop locks a workshop that may still change (not completed or cancelled). A course of
// another kind is not found: workshop pages and calls do not reach other classes.
func lockWorkshop(ctx context.Context, tx *sqlx.Tx, courseID int64) (string, error) {
	var c struct {
		Kind   string `db:"kind"`
		Status string `db:"status"`
	}
	if err := tx.GetContext(ctx, &c, `SELECT kind, status FROM courses WHERE id = $1 FOR UPDATE`, courseID); err != nil {
		return "", err
	}
	if c.Kind != KindWorkshop {
		return "", ErrNotFound
	}
	if c.Status == StatusCompleted || c.Status == StatusCancelled {
		return "", &ValidationError{Fields: map[string]string{"status": "not_editable"}}
	}
	return c.Status, nil
}

// workshopSession reads a live session of the workshop, or a field error on session_id.
func workshopSession(ctx context.Context, tx *sqlx.Tx, courseID, sessionID int64) (CourseSession, error) {
	var s CourseSession
	err := tx.GetContext(ctx, &s, sessionSelect+` WHERE s.id = $1 AND s.course_id = $2 AND s.status = 'scheduled'`, sessionID, courseID)
	if errors.Is(mapErr(err), ErrNotFound) {
		return s, &ValidationError{Fields: map[string]string{"session_id": "not_found"}}
	}
	return s, err
}

// AddAgendaItem adds an item to a day of a workshop. The item must lie within its day (the database
// holds this too) and name one speaker on file or one outside speaker.
func (s *Store) AddAgendaItem(ctx context.Context, a Actor, courseID int64, in AgendaInput) (AgendaItem, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return AgendaItem{}, &ValidationError{Fields: errs}
	}
	var id int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := lockWorkshop(ctx, tx, courseID); err != nil {
			return err
		}
		day, err := workshopSession(ctx, tx, courseID, in.SessionID)
		if err != nil {
			return err
		}
		if in.StartsAt.Before(day.StartsAt) || in.EndsAt.After(day.EndsAt) {
			return &ValidationError{Fields: map[string]string{"starts_at": "ws_outside_day"}}
		}
		if err := checkSpeaker(ctx, tx, in); err != nil {
			return err
		}
		var name *string
		if n := NFC(in.SpeakerName); n != "" {
			name = &n
		}
		const q = `
			INSERT INTO workshop_agenda_items (course_id, session_id, starts_at, ends_at, topic, speaker_user_id,
			                                   speaker_instructor_id, speaker_name, speaker_org)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`
		if err := tx.GetContext(ctx, &id, q, courseID, in.SessionID, in.StartsAt, in.EndsAt, NFC(in.Topic),
			in.SpeakerUserID, in.SpeakerInstructorID, name, NFC(in.SpeakerOrg)); err != nil {
			return err
		}
		return audit(ctx, tx, a, "workshop.agenda_add", "workshop_agenda_items", id, nil, map[string]any{
			"course_id": courseID, "session_id": in.SessionID, "starts_at": in.StartsAt, "ends_at": in.EndsAt, "topic": NFC(in.Topic)})
	})
	if err != nil {
		return AgendaItem{}, fmt.Errorf("add agenda item to workshop %d: %w", courseID, err)
	}
	return s.GetAgendaItem(ctx, id)
}

// checkSpeaker makes sure a speaker on file exists: a staff member's account, or an instructor.
func checkSpeaker(ctx context.Context, tx *sqlx.Tx, in AgendaInput) error {
	var ok bool
	switch {
	case in.SpeakerUserID != nil:
		if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND role IN ('admin', 'staff'))`, *in.SpeakerUserID); err != nil {
			return err
		}
	case in.SpeakerInstructorID != nil:
		if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM instructors WHERE id = $1)`, *in.SpeakerInstructorID); err != nil {
			return err
		}
	default:
		return nil
	}
	if !ok {
		return &ValidationError{Fields: map[string]string{"speaker": "not_found"}}
	}
	return nil
}

// GetAgendaItem returns one agenda item.
func (s *Store) GetAgendaItem(ctx context.Context, id int64) (AgendaItem, error) {
	var it AgendaItem
	if err := s.db.GetContext(ctx, &it, agendaSelect+` WHERE a.id = $1`, id); err != nil {
		return AgendaItem{}, fmt.Errorf("get agenda item %d: %w", id, mapErr(err))
	}
	return it, nil
}

// ListAgenda returns a workshop's agenda items in time order.
func (s *Store) ListAgenda(ctx context.Context, courseID int64) ([]AgendaItem, error) {
	out := []AgendaItem{}
	if err := s.db.SelectContext(ctx, &out, agendaSelect+` WHERE a.course_id = $1 ORDER BY a.starts_at, a.ends_at, a.id`, courseID); err != nil {
		return nil, fmt.Errorf("agenda of workshop %d: %w", courseID, mapErr(err))
	}
	return out, nil
}

// DeleteAgendaItem removes an item from a workshop's agenda (to change an item, staff remove it and add
// it anew); the removed item is kept in the audit log.
func (s *Store) DeleteAgendaItem(ctx context.Context, a Actor, courseID, itemID int64) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := lockWorkshop(ctx, tx, courseID); err != nil {
			return err
		}
		var old struct {
			Topic    string    `db:"topic"`
			StartsAt time.Time `db:"starts_at"`
		}
		if err := tx.GetContext(ctx, &old, `DELETE FROM workshop_agenda_items WHERE id = $1 AND course_id = $2 RETURNING topic, starts_at`, itemID, courseID); err != nil {
			return err
		}
		return audit(ctx, tx, a, "workshop.agenda_delete", "workshop_agenda_items", itemID,
			map[string]any{"course_id": courseID, "topic": old.Topic, "starts_at": old.StartsAt}, nil)
	})
	if err != nil {
		return fmt.Errorf("delete agenda item %d: %w", itemID, err)
	}
	return nil
}

// WorkshopDay is one day (session) of a workshop with the time its doors open and its agenda.
type WorkshopDay struct {
	Session     CourseSession `json:"session"`
	DoorsOpenAt time.Time     `json:"doors_open_at"`
	DoorsSet    bool          `json:"doors_set"` // false: the default, WorkshopDoorsOpenBefore the start
	Items       []AgendaItem  `json:"items"`
}

// WorkshopDays returns the workshop's days in order, cancelled ones included, each with its agenda.
func (s *Store) WorkshopDays(ctx context.Context, courseID int64) ([]WorkshopDay, error) {
	sessions, err := s.ListSessions(ctx, courseID)
	if err != nil {
		return nil, err
	}
	items, err := s.ListAgenda(ctx, courseID)
	if err != nil {
		return nil, err
	}
	var doors []struct {
		SessionID int64     `db:"session_id"`
		At        time.Time `db:"doors_open_at"`
	}
	if err := s.db.SelectContext(ctx, &doors, `SELECT session_id, doors_open_at FROM workshop_days WHERE course_id = $1`, courseID); err != nil {
		return nil, fmt.Errorf("doors of workshop %d: %w", courseID, mapErr(err))
	}
	out := make([]WorkshopDay, 0, len(sessions))
	for _, ses := range sessions {
		d := WorkshopDay{Session: ses, DoorsOpenAt: ses.StartsAt.Add(-WorkshopDoorsOpenBefore), Items: []AgendaItem{}}
		for _, dr := range doors {
			if dr.SessionID == ses.ID {
				d.DoorsOpenAt, d.DoorsSet = dr.At, true
			}
		}
		for _, it := range items {
			if it.SessionID == ses.ID {
				d.Items = append(d.Items, it)
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// SetDoorsOpen sets when check-in opens on a day of the workshop: at or before the day starts, and no
// more than WorkshopDoorsEarliest before.
func (s *Store) SetDoorsOpen(ctx context.Context, a Actor, courseID, sessionID int64, at time.Time) error {
	if at.IsZero() {
		return &ValidationError{Fields: map[string]string{"doors_open_at": "required"}}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := lockWorkshop(ctx, tx, courseID); err != nil {
			return err
		}
		day, err := workshopSession(ctx, tx, courseID, sessionID)
		if err != nil {
			return err
		}
		if at.After(day.StartsAt) || at.Before(day.StartsAt.Add(-WorkshopDoorsEarliest)) {
			return &ValidationError{Fields: map[string]string{"doors_open_at": "ws_doors_range"}}
		}
		const q = `
			INSERT INTO workshop_days (session_id, course_id, doors_open_at) VALUES ($1, $2, $3)
			ON CONFLICT (session_id) DO UPDATE SET doors_open_at = EXCLUDED.doors_open_at`
		if _, err := tx.ExecContext(ctx, q, sessionID, courseID, at); err != nil {
			return err
		}
		return audit(ctx, tx, a, "workshop.doors", "course_sessions", sessionID, nil, map[string]any{"doors_open_at": at})
	})
	if err != nil {
		return fmt.Errorf("set doors of session %d: %w", sessionID, err)
	}
	return nil
}

// StaffChoices lists the centre's active staff (who may speak at a workshop), in Vietnamese order.
func (s *Store) StaffChoices(ctx context.Context) ([]Choice, error) {
	out := []Choice{}
	const q = `SELECT id, full_name AS label, '' AS extra FROM users
		WHERE role IN ('admin', 'staff') AND disabled_at IS NULL ORDER BY full_name COLLATE "vi-VN-x-icu", id`
	if err := s.db.SelectContext(ctx, &out, q); err != nil {
		return nil, fmt.Errorf("staff choices: %w", mapErr(err))
	}
	return out, nil
}
