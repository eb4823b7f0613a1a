package models

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ReachFilter chooses what the reach report counts.
type ReachFilter struct {
	From, To time.Time // the period, both days included
	Kinds    []string  // activity codes (KC1…); empty means every kind
	// WithCourses also counts an establishment as supported when one of its people completed a course
	// that ended in the period (see reachCourseEventsQuery). Off by default: the centre's reports, and the
	// article, count support records.
	WithCourses bool
}

// activityCode is the shape of an activity kind's code.
var activityCode = regexp.MustCompile(`^KC[0-9]{1,2}$`)

// Validate checks the period and the kinds, and returns message keys by field.
func (f ReachFilter) Validate() map[string]string {
	errs := map[string]string{}
	checkPeriod(errs, f.From, f.To)
	for _, k := range f.Kinds {
		if !activityCode.MatchString(k) {
			errs["kinds"] = "invalid_choice"
		}
	}
	return errs
}

// checkPeriod checks a report period: both dates set, in 2000–2100, from not after to.
func checkPeriod(errs map[string]string, from, to time.Time) {
	switch {
	case from.IsZero():
		errs["from"] = "required"
	case from.Year() < 2000 || from.Year() > 2100:
		errs["from"] = "invalid_date"
	}
	switch {
	case to.IsZero():
		errs["to"] = "required"
	case to.Year() < 2000 || to.Year() > 2100:
		errs["to"] = "invalid_date"
	}
	if len(errs) == 0 && to.Before(from) {
		errs["to"] = "report_period_order"
	}
}

// ReachRow is one district's line of the reach report, or the total line. Establishments are counted
// once each; Events counts every support (an establishment supported twice is one establishment and
// two events). Difficult counts the establishments with at least one event in a difficult or
// especially difficult area on the event's date; Especially those with one in an especially difficult
// area (so Especially ≤ Difficult). DifficultFunding is the money of the events in such areas.
type ReachRow struct {
	DistrictCode     string `db:"district_code" json:"district_code,omitempty"`
	DistrictName     string `db:"district_name" json:"district_name,omitempty"`
	Establishments   int64  `db:"establishments" json:"establishments"`
	Difficult        int64  `db:"difficult" json:"difficult_establishments"`
	Especially       int64  `db:"especially" json:"especially_difficult_establishments"`
	Events           int64  `db:"events" json:"events"`
	Funding          int64  `db:"funding" json:"funding"`
	DifficultFunding int64  `db:"difficult_funding" json:"difficult_funding"`
	Total            bool   `db:"total" json:"-"`
}

// DifficultShare is the share (0..1) of the row's establishments that are in difficult areas.
func (r ReachRow) DifficultShare() float64 { return share(r.Difficult, r.Establishments) }

// FundingShare is the share (0..1) of the row's funding that went to difficult areas.
func (r ReachRow) FundingShare() float64 { return share(r.DifficultFunding, r.Funding) }

// Average is the funding per establishment in whole đồng, rounded half up.
func (r ReachRow) Average() int64 { return divRound(r.Funding, r.Establishments) }

// DifficultAverage is the difficult-area funding per difficult-area establishment.
func (r ReachRow) DifficultAverage() int64 { return divRound(r.DifficultFunding, r.Difficult) }

// OtherAverage is the remaining funding per remaining establishment.
func (r ReachRow) OtherAverage() int64 {
	return divRound(r.Funding-r.DifficultFunding, r.Establishments-r.Difficult)
}

func share(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// divRound divides whole đồng, rounding half up (amounts are never negative).
func divRound(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	return (a + b/2) / b
}

// ReachReport is whom the centre reached in a period, by district, with the total line.
type ReachReport struct {
	Filter ReachFilter `json:"-"`
	Rows   []ReachRow  `json:"rows"`
	Total  ReachRow    `json:"total"`
	// CourseEvents is how many of the total's events are course completions (0 unless WithCourses).
	CourseEvents int64 `json:"course_events"`
}

// reachEvents are the support records of the period and kinds: one event each, with the commune the
// record kept from its date.
const reachEvents = `
	SELECT sr.id, sr.establishment_id AS est, sr.commune_code AS commune, sr.support_date AS day, sr.amount, false AS course
	FROM support_records sr
	WHERE sr.support_date BETWEEN $1 AND $2 AND (cardinality($3::text[]) = 0 OR sr.activity_code = ANY ($3))`

// reachCourseEventsQuery (the WithCourses option) finds one event per establishment and course when
// people of the establishment (enrolments.establishment_id) completed a course that ended in the period:
//   - the event's date is the course's last day; its commune is the establishment's commune on its
//     latest support record up to that day, or its present commune when it has none before (the
//     registry keeps no other history of moves);
//   - money only for courses without support records of their own: the budget shared in proportion to
//     completers, budget × completers of the establishment ÷ all completers of the course, rounded
//     down to the đồng. A course with support records has its money counted there already;
//   - no event for an establishment that has a support record for that same course: it is counted by
//     the record.
//
// It runs as a statement of its own and hands its rows to reachQuery as arrays: planned together, the
// completion's row counts were misjudged a thousandfold and the whole report ran as nested loops.
var reachCourseEventsQuery = `
	WITH rcourses AS (
		SELECT c.id, c.kind, c.min_attendance_pct, c.end_date, c.budget,
		       EXISTS (SELECT 1 FROM support_records sr WHERE sr.course_id = c.id) AS funded
		FROM courses c
		WHERE c.status = 'completed' AND c.end_date BETWEEN $1 AND $2
		  AND (cardinality($3::text[]) = 0 OR c.activity_code = ANY ($3))),` + completion("rcourses", "ren", "rdone") + `
	SELECT x.course_id AS course, x.establishment_id AS est, coalesce(
	           (SELECT sr.commune_code FROM support_records sr
	            WHERE sr.establishment_id = x.establishment_id AND sr.support_date <= x.end_date
	            ORDER BY sr.support_date DESC, sr.id DESC LIMIT 1),
	           (SELECT es.commune_code FROM establishments es WHERE es.id = x.establishment_id)) AS commune,
	       to_char(x.end_date, 'YYYY-MM-DD') AS day,
	       CASE WHEN x.funded THEN 0 ELSE x.budget * x.n / x.all_n END AS amount
	FROM (
		SELECT d.course_id, d.establishment_id, rc.end_date, rc.budget, rc.funded,
		       count(*) AS n, max(a.all_n) AS all_n
		FROM rdone d
		JOIN rcourses rc ON rc.id = d.course_id
		JOIN (SELECT course_id, count(*) AS all_n FROM rdone WHERE eligible GROUP BY course_id) a ON a.course_id = d.course_id
		WHERE d.eligible AND d.establishment_id IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM support_records sr
		                  WHERE sr.course_id = d.course_id AND sr.establishment_id = d.establishment_id)
		GROUP BY d.course_id, d.establishment_id, rc.end_date, rc.budget, rc.funded) x
	ORDER BY x.course_id, x.establishment_id`

// reachCourseEvent is a row of reachCourseEventsQuery.
type reachCourseEvent struct {
	Course  int64  `db:"course"`
	Est     int64  `db:"est"`
	Commune string `db:"commune"`
	Day     string `db:"day"`
	Amount  int64  `db:"amount"`
}

// reachCourseArrays are the course events as reachQuery reads them, from $4 … $8.
const reachCourseArrays = `
	UNION ALL
	SELECT -c.course, c.est, c.commune, c.day, c.amount, true
	FROM unnest($4::bigint[], $5::bigint[], $6::text[], $7::date[], $8::bigint[]) AS c(course, est, commune, day, amount)`

// reachQuery classifies each event by the class of its commune, or of the commune's district, valid on
// the event's date (the stronger class when both have one; a unit has at most one class on a day, which
// the exclusion constraint of area_classifications guarantees, so each join finds one row at most), then gives one line per district and the
// total line. An establishment is placed, with all its events of the period, in the district of the
// commune of its latest event (by date, then record), so that one that moved is in one line only. The
// total counts DISTINCT establishments over all events itself, not by adding up the district lines.
// Districts that existed during the period are listed even with nothing in them.
var reachQuery = `
	WITH ev AS (%s),
	cls AS (
		SELECT ev.*, greatest(CASE c1.class WHEN 'especially_difficult' THEN 2 WHEN 'difficult' THEN 1 END,
		                      CASE c2.class WHEN 'especially_difficult' THEN 2 WHEN 'difficult' THEN 1 END) AS level
		FROM ev
		JOIN admin_units cm ON cm.code = ev.commune
		LEFT JOIN area_classifications c1 ON c1.unit_code = cm.code AND c1.valid @> ev.day
		LEFT JOIN area_classifications c2 ON c2.unit_code = cm.parent_code AND c2.valid @> ev.day),
	per_est AS (
		SELECT est, (array_agg(commune ORDER BY day DESC, course, id DESC))[1] AS commune,
		       count(*) AS events, sum(amount) AS funding,
		       coalesce(sum(amount) FILTER (WHERE level IS NOT NULL), 0) AS difficult_funding, max(level) AS level
		FROM cls GROUP BY est),
	per_district AS (
		SELECT cm.parent_code AS code, count(*) AS establishments,
		       count(*) FILTER (WHERE p.level >= 1) AS difficult, count(*) FILTER (WHERE p.level = 2) AS especially,
		       sum(p.events) AS events, sum(p.funding) AS funding, sum(p.difficult_funding) AS difficult_funding
		FROM per_est p JOIN admin_units cm ON cm.code = p.commune
		GROUP BY cm.parent_code)
	SELECT district_code, district_name, establishments, difficult, especially, events, funding, difficult_funding, total
	FROM (
		SELECT coalesce(d.code, pd.code, '') AS district_code, coalesce(d.name, '') AS district_name,
		       coalesce(pd.establishments, 0) AS establishments, coalesce(pd.difficult, 0) AS difficult,
		       coalesce(pd.especially, 0) AS especially, coalesce(pd.events, 0) AS events,
		       coalesce(pd.funding, 0) AS funding, coalesce(pd.difficult_funding, 0) AS difficult_funding, false AS total,
		       row_number() OVER (ORDER BY ` + fmt.Sprintf(placeOrder, "coalesce(d.name, '')") + `, coalesce(d.code, pd.code)) AS ord
		FROM (SELECT code, name FROM admin_units
		      WHERE level = 'district' AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $1)) d
		FULL JOIN per_district pd ON pd.code = d.code
		UNION ALL
		SELECT '', '', count(DISTINCT est), count(DISTINCT est) FILTER (WHERE level >= 1),
		       count(DISTINCT est) FILTER (WHERE level = 2), count(*), coalesce(sum(amount), 0),
		       coalesce(sum(amount) FILTER (WHERE level IS NOT NULL), 0), true, 0
		FROM cls
		UNION ALL
		SELECT '', 'course_events', 0, 0, 0, count(*) FILTER (WHERE course), 0, 0, true, 1
		FROM cls) lines
	ORDER BY total, ord`

// reachStatement returns the statement for the filter's options and its arguments; with courses, the
// course events found by reachCourseEventsQuery go in as arrays.
func reachStatement(f ReachFilter, courses []reachCourseEvent) (string, []any) {
	args := []any{f.From.Format(time.DateOnly), f.To.Format(time.DateOnly), pq.StringArray(sortedKinds(f.Kinds))}
	if !f.WithCourses {
		return fmt.Sprintf(reachQuery, reachEvents), args
	}
	var ids, ests, amounts pq.Int64Array
	var communes, days pq.StringArray
	for _, c := range courses {
		ids, ests, amounts = append(ids, c.Course), append(ests, c.Est), append(amounts, c.Amount)
		communes, days = append(communes, c.Commune), append(days, c.Day)
	}
	return fmt.Sprintf(reachQuery, reachEvents+reachCourseArrays), append(args, ids, ests, communes, days, amounts)
}

// sortedKinds returns the activity codes sorted, without repeats, never nil.
func sortedKinds(kinds []string) []string {
	out := slices.Compact(slices.Sorted(slices.Values(kinds)))
	if out == nil {
		out = []string{}
	}
	return out
}

// GetReachReport computes the reach report from the records, in one statement: nothing is stored.
// A district whose name is missing (a commune without a parent) gets an empty name.
func (s *Store) GetReachReport(ctx context.Context, f ReachFilter) (ReachReport, error) {
	if errs := f.Validate(); len(errs) > 0 {
		return ReachReport{}, &ValidationError{Fields: errs}
	}
	var lines []ReachRow
	var err error
	if !f.WithCourses {
		// One statement, planned well: no transaction around it (the front page runs it too).
		q, args := reachStatement(f, nil)
		err = mapErr(s.db.SelectContext(ctx, &lines, q, args...))
	} else {
		// Two statements, one snapshot: the course events, then the report with them.
		err = s.readReport(ctx, func(tx *sqlx.Tx) error {
			var courses []reachCourseEvent
			if err := tx.SelectContext(ctx, &courses, reachCourseEventsQuery, f.From.Format(time.DateOnly),
				f.To.Format(time.DateOnly), pq.StringArray(sortedKinds(f.Kinds))); err != nil {
				return err
			}
			q, args := reachStatement(f, courses)
			return tx.SelectContext(ctx, &lines, q, args...)
		})
	}
	if err != nil {
		return ReachReport{}, fmt.Errorf("reach report: %w", mapErr(err))
	}
	rep := ReachReport{Filter: f, Rows: []ReachRow{}}
	rep.Filter.Kinds = sortedKinds(f.Kinds)
	for _, l := range lines {
		switch {
		case l.Total && l.DistrictName == "course_events":
			rep.CourseEvents = l.Events
		case l.Total:
			rep.Total = l
		default:
			rep.Rows = append(rep.Rows, l)
		}
	}
	return rep, nil
}
