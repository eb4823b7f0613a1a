package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// CatalogueFilter narrows the public catalogue: a search (diacritics optional) over the class's code,
// title, craft and venue, a kind, and the district of its venue.
type CatalogueFilter struct {
	ListParams
	Kind     string
	District string
}

// CatalogueEntry is a class as the public sees it. It carries no personal data: no trainee, no phone
// number, no budget; only the teaching staff's names and titles, which are public by nature.
type CatalogueEntry struct {
	ID           int64      `db:"id" json:"id"`
	Code         string     `db:"code" json:"code"`
	Kind         string     `db:"kind" json:"kind"`
	Title        string     `db:"title" json:"title"`
	Description  string     `db:"description" json:"description"`
	TargetGroup  string     `db:"target_group" json:"target_group"`
	CraftName    *string    `db:"craft_name" json:"craft_name"`
	Status       string     `db:"status" json:"status"`
	StartDate    time.Time  `db:"start_date" json:"start_date"`
	EndDate      time.Time  `db:"end_date" json:"end_date"`
	VenueName    *string    `db:"venue_name" json:"venue_name"`
	VenueAddress *string    `db:"venue_address" json:"venue_address"`
	CommuneName  *string    `db:"commune_name" json:"commune_name"`
	DistrictCode *string    `db:"district_code" json:"district_code"`
	DistrictName *string    `db:"district_name" json:"district_name"`
	Capacity     int        `db:"capacity" json:"capacity"`
	SeatsLeft    int        `db:"seats_left" json:"seats_left"`
	LeadName     *string    `db:"lead_name" json:"lead_master"`
	LeadTitle    *string    `db:"lead_title" json:"lead_master_title"` // nghe_nhan_nhan_dan, nghe_nhan_uu_tu, nghe_nhan_cap_tinh, tho_gioi
	TrainerName  *string    `db:"trainer_name" json:"trainer"`
	Sessions     int        `db:"sessions" json:"session_count"`
	Hours        float64    `db:"hours" json:"hours"`
	NextSession  *time.Time `db:"next_session" json:"next_session"`
}

// catalogueFrom joins what both the list and its count filter on. Its WHERE starts with the status, so
// that courses_status_start_idx answers the catalogue.
const catalogueFrom = `
	FROM courses c
	LEFT JOIN crafts cr ON cr.id = c.craft_id
	LEFT JOIN venues v ON v.id = c.venue_id
	LEFT JOIN admin_units cm ON cm.code = v.commune_code
	LEFT JOIN admin_units d ON d.code = cm.parent_code
	WHERE c.status IN ('approved', 'running')`

// catalogueSelect reads the public facts of a class. The lead master's title is their highest one,
// preferring a title for the class's own craft.
const catalogueSelect = `
	SELECT c.id, c.code, c.kind, c.title, c.description, c.target_group, cr.name AS craft_name, c.status,
	       c.start_date, c.end_date, v.name AS venue_name, v.address AS venue_address, cm.name AS commune_name,
	       d.code AS district_code, d.name AS district_name, c.capacity,
	       greatest(c.capacity - (SELECT count(*) FROM enrolments e WHERE e.course_id = c.id AND e.status = 'confirmed'), 0) AS seats_left,
	       lead.full_name AS lead_name, lead.title AS lead_title,
	       (SELECT t.full_name FROM instructors t WHERE t.id = c.trainer_id) AS trainer_name,
	       (SELECT count(*) FROM course_sessions s WHERE s.course_id = c.id AND s.status = 'scheduled') AS sessions,
	       coalesce((SELECT sum(extract(epoch FROM s.ends_at - s.starts_at)) / 3600 FROM course_sessions s
	                 WHERE s.course_id = c.id AND s.status = 'scheduled'), 0)::float8 AS hours,
	       (SELECT min(s.starts_at) FROM course_sessions s WHERE s.course_id = c.id AND s.status = 'scheduled' AND s.ends_at > now()) AS next_session
	FROM courses c
	LEFT JOIN crafts cr ON cr.id = c.craft_id
	LEFT JOIN venues v ON v.id = c.venue_id
	LEFT JOIN admin_units cm ON cm.code = v.commune_code
	LEFT JOIN admin_units d ON d.code = cm.parent_code
	LEFT JOIN LATERAL (
		SELECT li.full_name,
		       (SELECT mt.title FROM master_titles mt WHERE mt.instructor_id = li.id
		        ORDER BY mt.craft_id IS NOT DISTINCT FROM c.craft_id DESC,
		                 array_position(ARRAY['nghe_nhan_nhan_dan', 'nghe_nhan_uu_tu', 'nghe_nhan_cap_tinh', 'tho_gioi'], mt.title)
		        LIMIT 1) AS title
		FROM course_staff ls JOIN instructors li ON li.id = ls.instructor_id
		WHERE ls.course_id = c.id AND ls.role = 'lead') lead ON true
	WHERE c.status IN ('approved', 'running')`

// ListCatalogue returns a page of the classes open to the public, the ones not yet over first, the
// soonest first; then those whose last day has passed while still running.
func (s *Store) ListCatalogue(ctx context.Context, f CatalogueFilter, today time.Time) (List[CatalogueEntry], error) {
	p := f.ListParams.Normalize()
	countQ, listQ, args := catalogueQueries(f)
	out := List[CatalogueEntry]{Page: p.Page, PerPage: p.PerPage, Items: []CatalogueEntry{}}
	if err := s.get(ctx, &out.Total, countQ, args...); err != nil {
		return out, fmt.Errorf("count catalogue: %w", mapErr(err))
	}
	args = append(args, today.Format(time.DateOnly), p.PerPage, p.Offset())
	if err := s.sel(ctx, &out.Items, listQ, args...); err != nil {
		return out, fmt.Errorf("list catalogue: %w", mapErr(err))
	}
	return out, nil
}

// catalogueQueries builds the count and the page of the catalogue for a filter, with the filter's
// arguments; the page's query takes three more: today, the page size and the offset. The page is a
// parameter, so that every page runs the one prepared statement.
func catalogueQueries(f CatalogueFilter) (countQ, listQ string, args []any) {
	where, args := searchWhere(`(c.search_key || ' ' || coalesce(cr.search_key, '') || ' ' || coalesce(v.search_key, ''))`, f.ListParams.Normalize().Q, 1)
	conds := []string{where}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.Kind != "" {
		add(`c.kind = $%d`, f.Kind)
	}
	if f.District != "" {
		add(`cm.parent_code = $%d`, f.District)
	}
	w := " AND " + strings.Join(conds, " AND ")
	n := len(args)
	listQ = fmt.Sprintf(`%s %s ORDER BY c.end_date < $%d::date, c.start_date, c.id LIMIT $%d OFFSET $%d`, catalogueSelect, w, n+1, n+2, n+3)
	return `SELECT count(*) ` + catalogueFrom + w, listQ, args
}

// GetCatalogueCourse returns one class of the catalogue; a class the public may not see (draft,
// submitted, cancelled, completed) is ErrNotFound, exactly like one that does not exist.
func (s *Store) GetCatalogueCourse(ctx context.Context, id int64) (CatalogueEntry, error) {
	var c CatalogueEntry
	if err := s.get(ctx, &c, catalogueCourseQuery, id); err != nil {
		return CatalogueEntry{}, fmt.Errorf("catalogue course %d: %w", id, mapErr(err))
	}
	return c, nil
}

// PublicSession is a session as the catalogue shows it: when, where, who teaches, and whether it holds.
type PublicSession struct {
	StartsAt       time.Time `db:"starts_at" json:"starts_at"`
	EndsAt         time.Time `db:"ends_at" json:"ends_at"`
	VenueName      string    `db:"venue_name" json:"venue_name"`
	InstructorName string    `db:"instructor_name" json:"instructor_name"`
	Topic          string    `db:"topic" json:"topic"`
	Status         string    `db:"status" json:"status"`
}

// publicSessionsQuery lists a public class's sessions.
const publicSessionsQuery = `
		SELECT s.starts_at, s.ends_at, v.name AS venue_name, i.full_name AS instructor_name, s.topic, s.status
		FROM course_sessions s
		JOIN courses c ON c.id = s.course_id
		JOIN venues v ON v.id = s.venue_id
		JOIN instructors i ON i.id = s.instructor_id
		WHERE s.course_id = $1 AND c.status IN ('approved', 'running')
		ORDER BY s.starts_at, s.id`

// ListPublicSessions returns the sessions of a catalogue class in time order. The cancellation reason
// is left out: it is internal and may speak of a person's illness.
func (s *Store) ListPublicSessions(ctx context.Context, courseID int64) ([]PublicSession, error) {
	out := []PublicSession{}
	err := s.each(ctx, publicSessionsQuery, []any{courseID}, func(r *sql.Rows) error {
		var p PublicSession
		if err := r.Scan(&p.StartsAt, &p.EndsAt, &p.VenueName, &p.InstructorName, &p.Topic, &p.Status); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("public sessions of course %d: %w", courseID, mapErr(err))
	}
	return out, nil
}
