package models

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Zone is the time zone in which sessions are planned (UTC+7, no daylight saving).
var Zone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

// Rule generates sessions: on the given weekdays, from a start to an end time of day, from a date until a
// date or for a number of sessions, skipping public holidays.
type Rule struct {
	Weekdays     []time.Weekday
	StartClock   time.Duration // since midnight, Vietnam time
	EndClock     time.Duration
	From         time.Time // a date
	Until        time.Time // a date, inclusive; or zero with Count
	Count        int
	VenueID      int64
	InstructorID int64
	Topic        string
}

// MaxGenerated bounds one generation, so a mistyped rule cannot flood the calendar.
const MaxGenerated = 200

// Validate checks a rule's fields.
func (r Rule) Validate() map[string]string {
	errs := map[string]string{}
	if len(r.Weekdays) == 0 {
		errs["weekdays"] = "required"
	}
	if r.EndClock <= r.StartClock || r.StartClock < 0 || r.EndClock > 24*time.Hour {
		errs["end_time"] = "end_before_start"
	}
	if r.From.IsZero() {
		errs["from"] = "required"
	}
	switch {
	case r.Until.IsZero() && r.Count < 1:
		errs["until"] = "until_or_count"
	case !r.Until.IsZero() && r.Until.Before(r.From):
		errs["until"] = "end_before_start"
	case !r.Until.IsZero() && r.Until.Sub(r.From) > 366*24*time.Hour:
		errs["until"] = "range_too_long"
	case r.Count > MaxGenerated:
		errs["count"] = "too_many"
	}
	if r.VenueID < 1 {
		errs["venue_id"] = "required"
	}
	if r.InstructorID < 1 {
		errs["instructor_id"] = "required"
	}
	return errs
}

// Holiday is a public holiday that generation skipped.
type Holiday struct {
	Day  time.Time `db:"day" json:"day"`
	Name string    `db:"name" json:"name"`
}

// GenerateResult says what a generation did: the sessions saved, the holidays skipped and the clashes.
type GenerateResult struct {
	Created []CourseSession `json:"created"`
	Skipped []Holiday       `json:"skipped_holidays"`
	Clashes []Clash         `json:"clashes"`
}

// GenerateSessions adds the sessions of a rule in one transaction. When some clash, nothing is saved
// and every clash is listed, unless saveOthers is set, in which case the others are saved.
func (s *Store) GenerateSessions(ctx context.Context, a Actor, courseID int64, r Rule, saveOthers bool) (GenerateResult, error) {
	if errs := r.Validate(); len(errs) > 0 {
		return GenerateResult{}, &ValidationError{Fields: errs}
	}
	var res GenerateResult
	var ids []int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockEditableCourse(ctx, tx, courseID); err != nil {
			return err
		}
		holidays := map[string]Holiday{}
		var hs []Holiday
		until := r.Until
		if until.IsZero() {
			until = r.From.AddDate(1, 0, 0)
		}
		if err := tx.SelectContext(ctx, &hs, `SELECT day, name FROM public_holidays WHERE day BETWEEN $1 AND $2`,
			r.From.Format(time.DateOnly), until.Format(time.DateOnly)); err != nil {
			return err
		}
		for _, h := range hs {
			holidays[h.Day.Format(time.DateOnly)] = h
		}
		days := map[time.Weekday]bool{}
		for _, d := range r.Weekdays {
			days[d] = true
		}
		made := 0
		for day := dateIn(r.From); !day.After(dateIn(until)); day = day.AddDate(0, 0, 1) {
			if r.Count > 0 && made >= r.Count || made >= MaxGenerated {
				break
			}
			if !days[day.Weekday()] {
				continue
			}
			if h, ok := holidays[day.Format(time.DateOnly)]; ok {
				res.Skipped = append(res.Skipped, h)
				continue
			}
			in := SessionInput{VenueID: r.VenueID, InstructorID: r.InstructorID, StartsAt: day.Add(r.StartClock), EndsAt: day.Add(r.EndClock), Topic: r.Topic}
			id, clashes, err := insertSession(ctx, tx, courseID, in)
			if err != nil {
				return err
			}
			made++
			if len(clashes) > 0 {
				res.Clashes = append(res.Clashes, clashes...)
				continue
			}
			ids = append(ids, id)
		}
		if len(res.Clashes) > 0 && !saveOthers {
			return &ClashError{Clashes: res.Clashes}
		}
		return audit(ctx, tx, a, "session.generate", "courses", courseID, nil, map[string]any{
			"created": len(ids), "skipped_holidays": len(res.Skipped), "clashes": len(res.Clashes)})
	})
	if err != nil {
		return res, fmt.Errorf("generate sessions for course %d: %w", courseID, err)
	}
	for _, id := range ids {
		cs, err := s.GetSession(ctx, id)
		if err != nil {
			return res, err
		}
		res.Created = append(res.Created, cs)
	}
	return res, nil
}

// dateIn is midnight of t's calendar date in Vietnam.
func dateIn(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}

// ListHolidays returns the public holidays of a year.
func (s *Store) ListHolidays(ctx context.Context, year int) ([]Holiday, error) {
	out := []Holiday{}
	err := s.db.SelectContext(ctx, &out, `SELECT day, name FROM public_holidays WHERE extract(year FROM day) = $1 ORDER BY day`, year)
	if err != nil {
		return nil, fmt.Errorf("holidays %d: %w", year, mapErr(err))
	}
	return out, nil
}
