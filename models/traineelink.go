package models

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// A trainee's own page is reached without an account, through a personal link BASE_URL/t/<token>.
// The token is 32 random bytes (256 bits), and only its SHA-256 is stored (trainees.link_token_hash),
// so a copy of the database does not give the links away; the token is therefore shown once, on the
// enrolment slip printed when it is made. Making a new one replaces the old, which stops working.

// minLinkTokenLen is the shortest token accepted: 22 base64url characters carry 132 bits.
const minLinkTokenLen = 22

// NewTraineeLinkToken returns a fresh token for a trainee's personal link (256 bits, URL-safe).
func NewTraineeLinkToken() string { return RandomToken(32) }

// TraineeLink is a new personal link to store: the trainee and the token printed on their slip.
type TraineeLink struct {
	TraineeID int64
	Token     string
}

// SetTraineeLinks gives each trainee a new personal link in one transaction, replacing any link they
// had (the old one stops working at once), and audits each as trainee.link_rotate. Only the hash of
// the token is stored and audited nowhere. The caller prints the slips before calling, so that a slip
// that fails to render never leaves a trainee with a link nobody has.
func (s *Store) SetTraineeLinks(ctx context.Context, a Actor, links []TraineeLink) error {
	for _, l := range links {
		if len(l.Token) < minLinkTokenLen || strings.Trim(l.Token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return &ValidationError{Fields: map[string]string{"token": "invalid"}}
		}
	}
	// Rows are locked in id order, so that two batches sharing trainees cannot deadlock.
	links = slices.Clone(links)
	slices.SortFunc(links, func(a, b TraineeLink) int { return cmp.Compare(a.TraineeID, b.TraineeID) })
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, l := range links {
			var had bool
			if err := tx.GetContext(ctx, &had, `SELECT link_token_hash IS NOT NULL FROM trainees WHERE id = $1 FOR UPDATE`, l.TraineeID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE trainees SET link_token_hash = $2 WHERE id = $1`, l.TraineeID, hashToken(l.Token)); err != nil {
				return err
			}
			if err := audit(ctx, tx, a, "trainee.link_rotate", "trainees", l.TraineeID,
				map[string]any{"had_link": had}, map[string]any{"has_link": true}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set trainee links: %w", err)
	}
	return nil
}

// TraineeByLink returns the trainee whose personal link carries token, or ErrNotFound. The token is
// hashed and looked up whatever it looks like, so a malformed token costs the same as a wrong one.
func (s *Store) TraineeByLink(ctx context.Context, token string) (int64, error) {
	var id int64
	if err := s.get(ctx, &id, traineeByLinkQuery, hashToken(token)); err != nil {
		return 0, fmt.Errorf("trainee by link: %w", mapErr(err))
	}
	return id, nil
}

// LinkStatus says whether a trainee has a personal link and when the latest was made.
type LinkStatus struct {
	Has    bool       `db:"has" json:"has_link"`
	MadeAt *time.Time `db:"made_at" json:"link_made_at"`
}

const (
	traineeByLinkQuery     = `SELECT id FROM trainees WHERE link_token_hash = $1`
	traineeNameQuery       = `SELECT full_name FROM trainees WHERE id = $1`
	traineeLinkStatusQuery = `
		SELECT t.link_token_hash IS NOT NULL AS has,
		       (SELECT max(at) FROM audit_log WHERE entity = 'trainees' AND entity_id = t.id::text AND action = 'trainee.link_rotate') AS made_at
		FROM trainees t WHERE t.id = $1`
)

// TraineeLinkStatus tells staff whether the trainee has a link, and when it was made (from the audit log).
func (s *Store) TraineeLinkStatus(ctx context.Context, traineeID int64) (LinkStatus, error) {
	var st LinkStatus
	if err := s.get(ctx, &st, traineeLinkStatusQuery, traineeID); err != nil {
		return st, fmt.Errorf("link of trainee %d: %w", traineeID, mapErr(err))
	}
	return st, nil
}

// TraineeClass is one of a trainee's classes with their attendance in it. Marks and hours count as
// eligibility does: live (not cancelled) sessions held on or after the day of enrolment.
type TraineeClass struct {
	EnrolmentID      int64     `db:"enrolment_id" json:"enrolment_id"`
	EnrolmentStatus  string    `db:"enrolment_status" json:"enrolment_status"`
	WaitlistPosition *int      `db:"waitlist_position" json:"waitlist_position,omitempty"`
	CourseID         int64     `db:"course_id" json:"course_id"`
	Code             string    `db:"code" json:"course_code"`
	Title            string    `db:"title" json:"course_title"`
	Kind             string    `db:"kind" json:"course_kind"`
	CourseStatus     string    `db:"course_status" json:"course_status"`
	StartDate        time.Time `db:"start_date" json:"start_date"`
	EndDate          time.Time `db:"end_date" json:"end_date"`
	VenueName        *string   `db:"venue_name" json:"venue_name"`
	VenueAddress     *string   `db:"venue_address" json:"venue_address"`
	CommuneName      *string   `db:"commune_name" json:"commune_name"`
	DistrictName     *string   `db:"district_name" json:"district_name"`
	Present          int       `db:"present" json:"present"`
	Late             int       `db:"late" json:"late"`
	Excused          int       `db:"excused" json:"excused"`
	Absent           int       `db:"absent" json:"absent"`
	AttendedHours    float64   `db:"attended_hours" json:"attended_hours"`
	HeldHours        float64   `db:"held_hours" json:"held_hours"`
	ScheduledHours   float64   `db:"scheduled_hours" json:"scheduled_hours"`
}

// Position is the place on the waitlist, or 0.
func (c TraineeClass) Position() int {
	if c.WaitlistPosition == nil {
		return 0
	}
	return *c.WaitlistPosition
}

// Current reports a class the trainee still takes or waits for: not withdrawn, not over or cancelled.
func (c TraineeClass) Current() bool {
	return c.EnrolmentStatus != EnrolWithdrawn && c.CourseStatus != StatusCompleted && c.CourseStatus != StatusCancelled
}

// TraineeSession is a session of one of the trainee's classes, where and by whom, with their mark.
type TraineeSession struct {
	SessionID      int64     `db:"session_id" json:"session_id"`
	CourseID       int64     `db:"course_id" json:"course_id"`
	CourseCode     string    `db:"course_code" json:"course_code"`
	CourseTitle    string    `db:"course_title" json:"course_title"`
	VenueID        int64     `db:"venue_id" json:"venue_id"`
	VenueName      string    `db:"venue_name" json:"venue_name"`
	VenueAddress   string    `db:"venue_address" json:"venue_address"`
	CommuneName    *string   `db:"commune_name" json:"commune_name"`
	DistrictName   *string   `db:"district_name" json:"district_name"`
	InstructorID   int64     `db:"instructor_id" json:"instructor_id"`
	InstructorName string    `db:"instructor_name" json:"instructor_name"`
	InstructorKind string    `db:"instructor_kind" json:"instructor_kind"`
	StartsAt       time.Time `db:"starts_at" json:"starts_at"`
	EndsAt         time.Time `db:"ends_at" json:"ends_at"`
	Topic          string    `db:"topic" json:"topic"`
	Status         string    `db:"status" json:"status"`
	CancelReason   *string   `db:"cancel_reason" json:"cancel_reason,omitempty"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
	Attendance     *string   `db:"attendance" json:"attendance"`
}

// Cancelled reports whether the session is cancelled.
func (s TraineeSession) Cancelled() bool { return s.Status == "cancelled" }

// Mark is the trainee's attendance mark, or "" when not marked.
func (s TraineeSession) Mark() string { return deref(s.Attendance) }

// Hours is the session's length in hours.
func (s TraineeSession) Hours() float64 { return s.EndsAt.Sub(s.StartsAt).Hours() }

// Place is the venue with its address, commune and district, as one line.
func (s TraineeSession) Place() string {
	parts := []string{s.VenueName}
	for _, p := range []string{s.VenueAddress, deref(s.CommuneName), deref(s.DistrictName)} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// TraineeCertificate is a certificate issued to the trainee, as their page lists it.
type TraineeCertificate struct {
	ID          int64     `db:"id" json:"id"`
	Serial      string    `db:"serial" json:"serial"`
	Kind        string    `db:"kind" json:"kind"`
	Status      string    `db:"status" json:"status"`
	IssuedOn    time.Time `db:"issued_on" json:"issued_on"`
	CourseCode  string    `db:"course_code" json:"course_code"`
	CourseTitle string    `db:"course_title" json:"course_title"`
}

// TraineeSchedule is what a trainee's own page and the schedule API show: their classes with
// attendance, the sessions of those classes in time order, and their certificates.
type TraineeSchedule struct {
	TraineeID    int64                `json:"trainee_id"`
	FullName     string               `json:"full_name"`
	Classes      []TraineeClass       `json:"classes"`
	Sessions     []TraineeSession     `json:"sessions"`
	Certificates []TraineeCertificate `json:"certificates"`
}

// Next is the first live session that has not ended at now, or nil.
func (t TraineeSchedule) Next(now time.Time) *TraineeSession {
	for i := range t.Sessions {
		if s := &t.Sessions[i]; !s.Cancelled() && s.EndsAt.After(now) {
			return s
		}
	}
	return nil
}

const traineeClassesQuery = `
	SELECT e.id AS enrolment_id, e.status AS enrolment_status, e.waitlist_position,
	       c.id AS course_id, c.code, c.title, c.kind, c.status AS course_status, c.start_date, c.end_date,
	       v.name AS venue_name, v.address AS venue_address, cm.name AS commune_name, d.name AS district_name,
	       coalesce(m.present, 0) AS present, coalesce(m.late, 0) AS late,
	       coalesce(m.excused, 0) AS excused, coalesce(m.absent, 0) AS absent,
	       round(coalesce(m.attended_hours, 0), 2)::float8 AS attended_hours,
	       round(coalesce(h.held_hours, 0), 2)::float8 AS held_hours, round(coalesce(h.scheduled_hours, 0), 2)::float8 AS scheduled_hours
	FROM enrolments e
	JOIN courses c ON c.id = e.course_id
	LEFT JOIN venues v ON v.id = c.venue_id
	LEFT JOIN admin_units cm ON cm.code = v.commune_code
	LEFT JOIN admin_units d ON d.code = cm.parent_code
	LEFT JOIN LATERAL (
		SELECT count(*) FILTER (WHERE a.status = 'present') AS present, count(*) FILTER (WHERE a.status = 'late') AS late,
		       count(*) FILTER (WHERE a.status = 'excused') AS excused, count(*) FILTER (WHERE a.status = 'absent') AS absent,
		       sum(extract(epoch FROM s.ends_at - s.starts_at) / 3600) FILTER (WHERE a.status IN ('present', 'late')) AS attended_hours
		FROM attendance a JOIN course_sessions s ON s.id = a.session_id
		WHERE a.enrolment_id = e.id AND s.status = 'scheduled'
		  AND (s.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date >= (e.enrolled_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) m ON true
	LEFT JOIN LATERAL (
		SELECT sum(extract(epoch FROM s.ends_at - s.starts_at) / 3600) AS scheduled_hours,
		       sum(extract(epoch FROM s.ends_at - s.starts_at) / 3600) FILTER (WHERE s.ends_at <= $2) AS held_hours
		FROM course_sessions s
		WHERE s.course_id = c.id AND s.status = 'scheduled'
		  AND (s.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date >= (e.enrolled_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) h ON true
	WHERE e.trainee_id = $1
	ORDER BY c.start_date DESC, c.id DESC`

// traineeSessionsQuery reads the sessions of the classes in which the trainee has a seat, and any
// session they were marked in (so a withdrawn trainee keeps their history), in time order. The limit
// only guards against runaway data: a trainee takes a handful of classes of a few dozen sessions.
const traineeSessionsQuery = `
	SELECT s.id AS session_id, s.course_id, c.code AS course_code, c.title AS course_title,
	       s.venue_id, v.name AS venue_name, v.address AS venue_address, cm.name AS commune_name, d.name AS district_name,
	       s.instructor_id, i.full_name AS instructor_name, i.kind AS instructor_kind,
	       s.starts_at, s.ends_at, s.topic, s.status, s.cancel_reason, s.updated_at, a.status AS attendance
	FROM enrolments e
	JOIN courses c ON c.id = e.course_id
	JOIN course_sessions s ON s.course_id = e.course_id
	JOIN venues v ON v.id = s.venue_id
	JOIN instructors i ON i.id = s.instructor_id
	LEFT JOIN admin_units cm ON cm.code = v.commune_code
	LEFT JOIN admin_units d ON d.code = cm.parent_code
	LEFT JOIN attendance a ON a.session_id = s.id AND a.enrolment_id = e.id
	WHERE e.trainee_id = $1 AND (e.status = 'confirmed' OR a.status IS NOT NULL)
	ORDER BY s.starts_at, s.id
	LIMIT 1000`

const traineeCertificatesQuery = `
	SELECT ct.id, ct.serial, ct.kind, ct.status, ct.issued_on, c.code AS course_code, c.title AS course_title
	FROM certificates ct
	JOIN enrolments e ON e.id = ct.enrolment_id
	JOIN courses c ON c.id = e.course_id
	WHERE e.trainee_id = $1
	ORDER BY ct.issued_on DESC, ct.id DESC`

// GetTraineeSchedule returns the trainee's classes, sessions and certificates; now decides which
// sessions have been held. The reads share one read-only snapshot, so the counts agree with the list.
func (s *Store) GetTraineeSchedule(ctx context.Context, traineeID int64, now time.Time) (TraineeSchedule, error) {
	out := TraineeSchedule{TraineeID: traineeID, Classes: []TraineeClass{}, Sessions: []TraineeSession{}, Certificates: []TraineeCertificate{}}
	release, err := s.admit(ctx)
	if err != nil {
		return out, fmt.Errorf("schedule of trainee %d: %w", traineeID, mapErr(err))
	}
	defer release()
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return out, fmt.Errorf("schedule of trainee %d: %w", traineeID, mapErr(err))
	}
	defer func() { _ = tx.Rollback() }()
	if err := s.txGet(ctx, tx, &out.FullName, traineeNameQuery, traineeID); err != nil {
		return out, fmt.Errorf("schedule of trainee %d: %w", traineeID, mapErr(err))
	}
	steps := []struct {
		dest any
		q    string
		args []any
	}{
		{&out.Classes, traineeClassesQuery, []any{traineeID, now}},
		{&out.Sessions, traineeSessionsQuery, []any{traineeID}},
		{&out.Certificates, traineeCertificatesQuery, []any{traineeID}},
	}
	for _, st := range steps {
		if err := s.txSel(ctx, tx, st.dest, st.q, st.args...); err != nil {
			return out, fmt.Errorf("schedule of trainee %d: %w", traineeID, mapErr(err))
		}
	}
	return out, nil
}
