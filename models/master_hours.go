package models

import (
	"context"
	"fmt"
	"time"
)

// MasterHoursRow is one master's scheduled teaching in a year, month by month. Time is counted in
// whole minutes so that totals add up exactly; Hours() gives the figure fees are paid on.
type MasterHoursRow struct {
	InstructorID int64     `json:"instructor_id"`
	Name         string    `json:"name"`
	Minutes      [12]int64 `json:"-"` // January is [0]
	Total        int64     `json:"-"`
}

// Hours is the row's hours in each month (January first).
func (r MasterHoursRow) Hours() [12]float64 {
	var out [12]float64
	for i, m := range r.Minutes {
		out[i] = float64(m) / 60
	}
	return out
}

// MasterHoursTotals adds up the rows: minutes per month and in all.
func MasterHoursTotals(rows []MasterHoursRow) (months [12]int64, total int64) {
	for _, r := range rows {
		for i, m := range r.Minutes {
			months[i] += m
		}
		total += r.Total
	}
	return months, total
}

// MasterHours returns the hours each craft master taught in a year, by month of Vietnam's calendar:
// sessions they are the instructor of, still scheduled (not cancelled), of classes that were approved
// (approved, running or completed — a draft's sessions are not yet teaching anyone). Masters are in
// Vietnamese order of given name. One GROUP BY query; the year's range lets an index on starts_at serve it.
func (s *Store) MasterHours(ctx context.Context, year int) ([]MasterHoursRow, error) {
	if year < 2000 || year > 2100 {
		return nil, &ValidationError{Fields: map[string]string{"year": "invalid_number"}}
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, Zone)
	to := from.AddDate(1, 0, 0)
	const q = `
		SELECT i.id, i.full_name,
		       extract(month FROM s.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int AS month,
		       (sum(extract(epoch FROM s.ends_at - s.starts_at)) / 60)::bigint AS minutes
		FROM course_sessions s
		JOIN instructors i ON i.id = s.instructor_id
		JOIN courses c ON c.id = s.course_id
		WHERE i.kind = 'master' AND s.status = 'scheduled' AND c.status IN ('approved', 'running', 'completed')
		  AND s.starts_at >= $1 AND s.starts_at < $2
		GROUP BY i.id, i.full_name, month
		ORDER BY split_part(i.full_name, ' ', array_length(string_to_array(i.full_name, ' '), 1)) COLLATE "vi-VN-x-icu",
		         i.full_name COLLATE "vi-VN-x-icu", i.id, month`
	var cells []struct {
		ID      int64  `db:"id"`
		Name    string `db:"full_name"`
		Month   int    `db:"month"`
		Minutes int64  `db:"minutes"`
	}
	if err := s.db.SelectContext(ctx, &cells, q, from, to); err != nil {
		return nil, fmt.Errorf("master hours %d: %w", year, mapErr(err))
	}
	out := []MasterHoursRow{}
	for _, c := range cells {
		if len(out) == 0 || out[len(out)-1].InstructorID != c.ID {
			out = append(out, MasterHoursRow{InstructorID: c.ID, Name: c.Name})
		}
		r := &out[len(out)-1]
		r.Minutes[c.Month-1] += c.Minutes
		r.Total += c.Minutes
	}
	return out, nil
}
