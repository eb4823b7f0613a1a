package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"khuyencong/internal/vi"
)

// Invitation is what one participant's printed invitation carries, with the new check-in token of its
// QR code (shown once: only its hash is stored).
type Invitation struct {
	EnrolmentID       int64  `db:"id"`
	FullName          string `db:"full_name"`
	Gender            string `db:"gender"`
	JobTitle          string `db:"job_title"`
	EstablishmentName string `db:"establishment_name"`
	CommuneName       string `db:"commune_name"`
	DistrictName      string `db:"district_name"`
	Token             string `db:"-"`
}

// IssueInvitations gives confirmed participants of a workshop new check-in tokens and returns them for
// printing, in the order of the registration list: one participant (enrolmentID > 0) or all of them,
// or only those never given one (onlyNew). A participant's earlier token stops working.
func (s *Store) IssueInvitations(ctx context.Context, a Actor, courseID, enrolmentID int64, onlyNew bool) ([]Invitation, error) {
	out := []Invitation{}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var kind string
		if err := tx.GetContext(ctx, &kind, `SELECT kind FROM courses WHERE id = $1`, courseID); err != nil {
			return err
		}
		if kind != KindWorkshop {
			return ErrNotFound
		}
		const q = `
			SELECT e.id, t.full_name, t.gender, e.job_title, coalesce(es.name, '') AS establishment_name,
			       coalesce(cm.name, '') AS commune_name, coalesce(d.name, '') AS district_name
			FROM enrolments e
			JOIN trainees t ON t.id = e.trainee_id
			LEFT JOIN establishments es ON es.id = e.establishment_id
			LEFT JOIN admin_units cm ON cm.code = es.commune_code
			LEFT JOIN admin_units d ON d.code = cm.parent_code
			WHERE e.course_id = $1 AND e.status = 'confirmed' AND ($2 = 0 OR e.id = $2) AND (NOT $3 OR e.checkin_token_hash IS NULL)
			ORDER BY es.name IS NULL, es.name COLLATE "vi-VN-x-icu", es.id,
			         t.given_name COLLATE "vi-VN-x-icu", t.family_name COLLATE "vi-VN-x-icu", t.middle_name COLLATE "vi-VN-x-icu", e.id
			FOR UPDATE OF e`
		if err := tx.SelectContext(ctx, &out, q, courseID, enrolmentID, onlyNew); err != nil {
			return err
		}
		if enrolmentID > 0 && len(out) == 0 {
			return &ValidationError{Fields: map[string]string{"enrolment_id": "ws_not_confirmed"}}
		}
		if len(out) == 0 {
			return nil
		}
		ids, hashes := make([]int64, len(out)), make([][]byte, len(out))
		for i := range out {
			out[i].Token = RandomToken(32) // 256 bits
			ids[i], hashes[i] = out[i].EnrolmentID, hashToken(out[i].Token)
		}
		const up = `UPDATE enrolments e SET checkin_token_hash = v.h, checkin_token_issued_at = now()
			FROM unnest($1::bigint[], $2::bytea[]) AS v(id, h) WHERE e.id = v.id`
		if _, err := tx.ExecContext(ctx, up, pq.Array(ids), pq.ByteaArray(hashes)); err != nil {
			return err
		}
		return audit(ctx, tx, a, "workshop.invitations", "courses", courseID, nil, map[string]any{"enrolments": ids})
	})
	if err != nil {
		return nil, fmt.Errorf("issue invitations of workshop %d: %w", courseID, err)
	}
	return out, nil
}

// tokenShape is what RandomToken makes: URL-safe base64 without padding.
var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{20,100}$`)

// CheckinTarget is the participant behind a check-in token.
type CheckinTarget struct {
	EnrolmentID       int64  `db:"id" json:"enrolment_id"`
	CourseID          int64  `db:"course_id" json:"course_id"`
	FullName          string `db:"full_name" json:"full_name"`
	JobTitle          string `db:"job_title" json:"job_title"`
	Status            string `db:"status" json:"status"`
	EstablishmentName string `db:"establishment_name" json:"establishment_name"`
}

// CheckinByToken finds the participant whose invitation carries the token, or ErrNotFound (also for a
// token replaced by a newer invitation).
func (s *Store) CheckinByToken(ctx context.Context, token string) (CheckinTarget, error) {
	var t CheckinTarget
	if !tokenShape.MatchString(token) {
		return t, fmt.Errorf("check-in token: %w", ErrNotFound)
	}
	const q = `
		SELECT e.id, e.course_id, tr.full_name, e.job_title, e.status, coalesce(es.name, '') AS establishment_name
		FROM enrolments e JOIN trainees tr ON tr.id = e.trainee_id LEFT JOIN establishments es ON es.id = e.establishment_id
		WHERE e.checkin_token_hash = $1`
	if err := s.db.GetContext(ctx, &t, q, hashToken(token)); err != nil {
		return t, fmt.Errorf("check-in token: %w", mapErr(err))
	}
	return t, nil
}

// CheckinRefusal says why a check-in cannot happen now; errors.Is(err, ErrInvalid).
type CheckinRefusal struct {
	Reason      string    // ws_doors_not_open, ws_day_over, ws_no_day_today, ws_not_confirmed, ws_checkin_closed
	DoorsOpenAt time.Time // when the doors open, for ws_doors_not_open
}

func (e *CheckinRefusal) Error() string { return "check-in refused: " + e.Reason }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *CheckinRefusal) Is(target error) bool { return target == ErrInvalid }

// Checkin is a recorded check-in: the day and the first time the participant was checked in.
type Checkin struct {
	EnrolmentID int64     `json:"enrolment_id"`
	SessionID   int64     `json:"session_id"`
	FullName    string    `json:"full_name"`
	CheckedInAt time.Time `json:"checked_in_at"`
	Already     bool      `json:"already"` // checked in before: the first time is kept
}

// workshopDayAt picks the day of the workshop whose doors are open at now, or says why none is.
func workshopDayAt(ctx context.Context, q sqlx.QueryerContext, courseID int64, now time.Time) (int64, error) {
	var days []struct {
		ID    int64     `db:"id"`
		Ends  time.Time `db:"ends_at"`
		Doors time.Time `db:"doors_open_at"`
	}
	sq := fmt.Sprintf(`SELECT s.id, s.ends_at, coalesce(d.doors_open_at, s.starts_at - make_interval(secs => %d)) AS doors_open_at
		FROM course_sessions s LEFT JOIN workshop_days d ON d.session_id = s.id
		WHERE s.course_id = $1 AND s.status = 'scheduled' ORDER BY s.starts_at, s.id`, int(WorkshopDoorsOpenBefore.Seconds()))
	if err := sqlx.SelectContext(ctx, q, &days, sq, courseID); err != nil {
		return 0, err
	}
	today := vi.Date(now)
	refusal := &CheckinRefusal{Reason: "ws_no_day_today"}
	for _, d := range days {
		switch {
		case !now.Before(d.Doors) && now.Before(d.Ends):
			return d.ID, nil
		case now.Before(d.Doors) && vi.Date(d.Doors) == today && refusal.Reason != "ws_doors_not_open":
			refusal = &CheckinRefusal{Reason: "ws_doors_not_open", DoorsOpenAt: d.Doors}
		case !now.Before(d.Ends) && vi.Date(d.Ends) == today && refusal.Reason == "ws_no_day_today":
			refusal.Reason = "ws_day_over"
		}
	}
	return 0, refusal
}

// CheckIn records that a participant arrived at the workshop day open at now: present, with the time.
// Checking in again keeps the first time. Before the day's doors open, after it ends, or for someone
// without a confirmed seat it is refused with a *CheckinRefusal.
func (s *Store) CheckIn(ctx context.Context, a Actor, enrolmentID int64, now time.Time, via string) (Checkin, error) {
	out := Checkin{EnrolmentID: enrolmentID}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var e struct {
			CourseID     int64  `db:"course_id"`
			Status       string `db:"status"`
			FullName     string `db:"full_name"`
			Kind         string `db:"kind"`
			CourseStatus string `db:"course_status"`
		}
		const q = `SELECT e.course_id, e.status, t.full_name, c.kind, c.status AS course_status
			FROM enrolments e JOIN trainees t ON t.id = e.trainee_id JOIN courses c ON c.id = e.course_id
			WHERE e.id = $1 FOR SHARE OF e`
		if err := tx.GetContext(ctx, &e, q, enrolmentID); err != nil {
			return err
		}
		out.FullName = e.FullName
		switch {
		case e.Kind != KindWorkshop:
			return ErrNotFound
		case e.CourseStatus != StatusApproved && e.CourseStatus != StatusRunning:
			return &CheckinRefusal{Reason: "ws_checkin_closed"}
		case e.Status != EnrolConfirmed:
			return &CheckinRefusal{Reason: "ws_not_confirmed"}
		}
		day, err := workshopDayAt(ctx, tx, e.CourseID, now)
		if err != nil {
			return err
		}
		out.SessionID = day
		var by any
		if a.UserID > 0 {
			by = a.UserID
		}
		// The conflict arm writes only when the row has no check-in yet, so the first time stays.
		const ins = `
			INSERT INTO attendance (session_id, enrolment_id, course_id, status, marked_by, marked_at, checked_in_at)
			VALUES ($1, $2, $3, 'present', $4, $5, $5)
			ON CONFLICT (session_id, enrolment_id) DO UPDATE
			SET status = 'present', marked_by = EXCLUDED.marked_by, marked_at = EXCLUDED.marked_at, checked_in_at = EXCLUDED.checked_in_at
			WHERE attendance.checked_in_at IS NULL
			RETURNING checked_in_at`
		err = tx.GetContext(ctx, &out.CheckedInAt, ins, day, enrolmentID, e.CourseID, by, now)
		if errors.Is(mapErr(err), ErrNotFound) {
			out.Already = true
			return tx.GetContext(ctx, &out.CheckedInAt, `SELECT checked_in_at FROM attendance WHERE session_id = $1 AND enrolment_id = $2`, day, enrolmentID)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, "workshop.checkin", "enrolments", enrolmentID, nil, map[string]any{
			"session_id": day, "checked_in_at": now, "via": via})
	})
	if err != nil {
		return out, fmt.Errorf("check in enrolment %d: %w", enrolmentID, err)
	}
	return out, nil
}

// WorkshopDayNow returns the day of the workshop whose doors are open at now, or the refusal saying
// why none is (for the check-in page's heading).
func (s *Store) WorkshopDayNow(ctx context.Context, courseID int64, now time.Time) (int64, error) {
	id, err := workshopDayAt(ctx, s.db, courseID, now)
	var r *CheckinRefusal
	if err != nil && !errors.As(err, &r) {
		return 0, fmt.Errorf("day of workshop %d: %w", courseID, mapErr(err))
	}
	return id, err
}
