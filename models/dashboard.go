package models

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// AtRiskDays is how far ahead the dashboard looks for approved classes that are filling too slowly.
const AtRiskDays = 7

// MinimumSeats is the fewest confirmed trainees a class should have before it starts: half of its
// capacity, rounded up (15 of 30, 16 of 31). Below it the class is "at risk" on the dashboard. The
// programme sets no legal minimum; half is the centre's rule of thumb for a class worth holding.
func MinimumSeats(capacity int64) int64 { return (capacity + 1) / 2 }

// DashCourse is a class as the dashboard lists it.
type DashCourse struct {
	ID         int64     `db:"id" json:"id"`
	Code       string    `db:"code" json:"code"`
	Title      string    `db:"title" json:"title"`
	Status     string    `db:"status" json:"status"`
	StartDate  time.Time `db:"start_date" json:"start_date"`
	EndDate    time.Time `db:"end_date" json:"end_date"`
	Capacity   int64     `db:"capacity" json:"capacity"`
	Confirmed  int64     `db:"confirmed" json:"confirmed"`
	Waitlisted int64     `db:"waitlisted" json:"waitlisted"`
	Sessions   int64     `db:"sessions" json:"sessions,omitempty"` // sessions this week
	Waiting    int64     `db:"waiting" json:"waiting,omitempty"`   // certificates waiting to be issued
}

// Minimum is the class's minimum of confirmed trainees (MinimumSeats).
func (c DashCourse) Minimum() int64 { return MinimumSeats(c.Capacity) }

// Dashboard is the staff's view of the work at hand.
type Dashboard struct {
	WeekStart, WeekEnd time.Time // Monday and the next Monday, midnight in Vietnam
	ThisWeek           []DashCourse
	// Open classes (approved or running): seats confirmed of their capacity, and their waitlists.
	OpenClasses, Capacity, Confirmed int64
	Waitlisted, WaitlistClasses      int64
	// Certificates waiting: eligible confirmed enrolments of completed classes without a valid one.
	CertWaiting, CertClasses int64
	CertCourses              []DashCourse // the classes that ended last first, five at most
	AtRisk                   []DashCourse
}

// SeatsShare is the share (0..1) of the open classes' seats that are confirmed.
func (d Dashboard) SeatsShare() float64 { return share(d.Confirmed, d.Capacity) }

const dashCounts = `
	(SELECT count(*) FROM enrolments e WHERE e.course_id = c.id AND e.status = 'confirmed') AS confirmed,
	(SELECT count(*) FROM enrolments e WHERE e.course_id = c.id AND e.status = 'waitlisted') AS waitlisted`

// dashWeek lists the approved and running classes with a live session this week, first session first.
const dashWeek = `
	SELECT c.id, c.code, c.title, c.status, c.start_date, c.end_date, c.capacity, ` + dashCounts + `,
	       count(*) AS sessions, 0 AS waiting
	FROM courses c JOIN course_sessions s ON s.course_id = c.id
	WHERE c.status IN ('approved', 'running') AND s.status = 'scheduled' AND s.starts_at >= $1 AND s.starts_at < $2
	GROUP BY c.id
	ORDER BY min(s.starts_at), c.code`

// dashOpen totals the seats and waitlists of the approved and running classes.
const dashOpen = `
	SELECT count(*) AS classes, coalesce(sum(capacity), 0) AS capacity, coalesce(sum(confirmed), 0) AS confirmed,
	       coalesce(sum(waitlisted), 0) AS waitlisted, count(*) FILTER (WHERE waitlisted > 0) AS waitlist_classes
	FROM (SELECT c.capacity, ` + dashCounts + ` FROM courses c WHERE c.status IN ('approved', 'running')) x`

// dashRisk lists the approved classes starting in the next AtRiskDays days below their minimum.
const dashRisk = `
	SELECT * FROM (
		SELECT c.id, c.code, c.title, c.status, c.start_date, c.end_date, c.capacity, ` + dashCounts + `, 0 AS sessions, 0 AS waiting
		FROM courses c
		WHERE c.status = 'approved' AND c.start_date BETWEEN $1 AND $2) x
	WHERE confirmed < (capacity + 1) / 2
	ORDER BY start_date, code`

// dashCertificates counts, per completed class, the eligible confirmed enrolments without a valid
// certificate.
var dashCertificates = `
	WITH dc AS (SELECT id, kind, min_attendance_pct FROM courses WHERE status = 'completed'),` + completion("dc", "den", "ddone") + `
	SELECT c.id, c.code, c.title, c.status, c.start_date, c.end_date, c.capacity, 0 AS confirmed, 0 AS waitlisted,
	       0 AS sessions, count(*) AS waiting
	FROM ddone d JOIN courses c ON c.id = d.course_id
	WHERE d.eligible AND NOT EXISTS (SELECT 1 FROM certificates ce WHERE ce.enrolment_id = d.id AND ce.status = 'valid')
	GROUP BY c.id
	ORDER BY c.end_date DESC, c.code`

// GetDashboard gathers the dashboard as of now (its week and day in Vietnam), from one snapshot.
func (s *Store) GetDashboard(ctx context.Context, now time.Time) (Dashboard, error) {
	local := now.In(Zone)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, Zone)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	d := Dashboard{WeekStart: monday, WeekEnd: monday.AddDate(0, 0, 7), ThisWeek: []DashCourse{}, AtRisk: []DashCourse{},
		CertCourses: []DashCourse{}}
	var certs []DashCourse
	err := s.readReport(ctx, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &d.ThisWeek, dashWeek, d.WeekStart, d.WeekEnd); err != nil {
			return err
		}
		var open struct {
			Classes         int64 `db:"classes"`
			Capacity        int64 `db:"capacity"`
			Confirmed       int64 `db:"confirmed"`
			Waitlisted      int64 `db:"waitlisted"`
			WaitlistClasses int64 `db:"waitlist_classes"`
		}
		if err := tx.GetContext(ctx, &open, dashOpen); err != nil {
			return err
		}
		d.OpenClasses, d.Capacity, d.Confirmed = open.Classes, open.Capacity, open.Confirmed
		d.Waitlisted, d.WaitlistClasses = open.Waitlisted, open.WaitlistClasses
		if err := tx.SelectContext(ctx, &d.AtRisk, dashRisk, today.Format(time.DateOnly),
			today.AddDate(0, 0, AtRiskDays).Format(time.DateOnly)); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &certs, dashCertificates)
	})
	if err != nil {
		return Dashboard{}, fmt.Errorf("dashboard: %w", err)
	}
	for i, c := range certs {
		d.CertWaiting += c.Waiting
		d.CertClasses++
		if i < 5 {
			d.CertCourses = append(d.CertCourses, c)
		}
	}
	return d, nil
}
