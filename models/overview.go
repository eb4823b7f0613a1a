package models

import (
	"context"
	"fmt"
	"time"
)

// Reach is how many establishments the centre supported in a period, and how much of that went to
// difficult areas. Establishments are counted once each; support events are counted apart.
type Reach struct {
	From                    time.Time `db:"-" json:"from"`
	To                      time.Time `db:"-" json:"to"`
	Establishments          int64     `db:"establishments" json:"establishments"`
	DifficultEstablishments int64     `db:"difficult_establishments" json:"difficult_establishments"`
	Funding                 int64     `db:"funding" json:"funding"`
	DifficultFunding        int64     `db:"difficult_funding" json:"difficult_funding"`
	Events                  int64     `db:"events" json:"events"`
}

// DifficultShare is the share of establishments in difficult areas (0..1).
func (r Reach) DifficultShare() float64 {
	if r.Establishments == 0 {
		return 0
	}
	return float64(r.DifficultEstablishments) / float64(r.Establishments)
}

// FundingShare is the share of funding that went to difficult areas (0..1).
func (r Reach) FundingShare() float64 {
	if r.Funding == 0 {
		return 0
	}
	return float64(r.DifficultFunding) / float64(r.Funding)
}

// GetReach computes the reach over [from, to] (inclusive dates) from the support records of every
// kind: the total line of the reach report, so that the front page and the report never disagree.
func (s *Store) GetReach(ctx context.Context, from, to time.Time) (Reach, error) {
	rep, err := s.GetReachReport(ctx, ReachFilter{From: from, To: to})
	if err != nil {
		return Reach{}, err
	}
	t := rep.Total
	return Reach{From: from, To: to, Establishments: t.Establishments, DifficultEstablishments: t.Difficult,
		Funding: t.Funding, DifficultFunding: t.DifficultFunding, Events: t.Events}, nil
}

// Overview is the public front page's summary of the records.
type Overview struct {
	Reach    Reach
	Courses  int64 `db:"courses"`
	Trainees int64 `db:"trainees"`
}

// GetOverview returns the reach over 2012–2022 (the period of the centre's ten-year report) and totals.
func (s *Store) GetOverview(ctx context.Context) (Overview, error) {
	from := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC)
	r, err := s.GetReach(ctx, from, to)
	if err != nil {
		return Overview{}, err
	}
	ov := Overview{Reach: r}
	const q = `
		SELECT (SELECT count(*) FROM courses WHERE status <> 'cancelled') AS courses,
		       (SELECT count(*) FROM trainees) AS trainees`
	if err := s.db.GetContext(ctx, &ov, q); err != nil {
		return Overview{}, fmt.Errorf("overview: %w", mapErr(err))
	}
	return ov, nil
}
