package models

import (
	"context"
	"crypto/rand"
	"fmt"
)

// DistrictReach is how many establishments of one district a workshop reached.
type DistrictReach struct {
	DistrictCode        string `db:"district_code" json:"district_code"`
	DistrictName        string `db:"district_name" json:"district_name"`
	Establishments      int64  `db:"establishments" json:"establishments"`
	Difficult           int64  `db:"difficult" json:"difficult"`
	EspeciallyDifficult int64  `db:"especially_difficult" json:"especially_difficult"`
}

// WorkshopReach is whom a workshop reached: the distinct establishments with at least one participant
// present, those of them in difficult areas (especially difficult ones included, and counted apart
// too), and the split by district.
type WorkshopReach struct {
	Registered          int64           `json:"registered"` // establishments with a live registration
	Establishments      int64           `json:"establishments"`
	Difficult           int64           `json:"difficult"`
	EspeciallyDifficult int64           `json:"especially_difficult"`
	Districts           []DistrictReach `json:"districts"`
}

// DifficultShare is the share of reached establishments in difficult areas (0..1).
func (r WorkshopReach) DifficultShare() float64 {
	if r.Establishments == 0 {
		return 0
	}
	return float64(r.Difficult) / float64(r.Establishments)
}

// workshopReachQuery counts each establishment once, classified as the reach report does (overview.go):
// by the class of its commune, or of the commune's district, valid on the workshop's first day. The
// establishment is the one the participant registered for; its commune is where it is on file.
const workshopReachQuery = `
	WITH reached AS (
		SELECT DISTINCT e.establishment_id
		FROM enrolments e JOIN attendance a ON a.enrolment_id = e.id
		WHERE e.course_id = $1 AND e.establishment_id IS NOT NULL
		  AND (a.status IN ('present', 'late') OR a.checked_in_at IS NOT NULL)),
	classified AS (
		SELECT cm.parent_code AS district_code,
		       (SELECT max(CASE ac.class WHEN 'especially_difficult' THEN 2 ELSE 1 END) FROM area_classifications ac
		        WHERE ac.unit_code IN (cm.code, cm.parent_code) AND ac.valid @> c.start_date) AS area_level
		FROM reached r
		JOIN establishments es ON es.id = r.establishment_id
		JOIN admin_units cm ON cm.code = es.commune_code
		CROSS JOIN (SELECT start_date FROM courses WHERE id = $1) c)
	SELECT coalesce(d.code, '') AS district_code, coalesce(d.name, '') AS district_name,
	       count(*) AS establishments,
	       count(*) FILTER (WHERE k.area_level >= 1) AS difficult,
	       count(*) FILTER (WHERE k.area_level = 2) AS especially_difficult
	FROM classified k LEFT JOIN admin_units d ON d.code = k.district_code
	GROUP BY d.code, d.name
	ORDER BY regexp_replace(coalesce(d.name, ''), '^(Thành phố|Thị xã|Huyện|Quận) ', '') COLLATE "vi-VN-x-icu", d.code`

// WorkshopReach computes whom the workshop reached, for its page and for the reports.
func (s *Store) WorkshopReach(ctx context.Context, courseID int64) (WorkshopReach, error) {
	r := WorkshopReach{Districts: []DistrictReach{}}
	if err := s.db.SelectContext(ctx, &r.Districts, workshopReachQuery, courseID); err != nil {
		return r, fmt.Errorf("reach of workshop %d: %w", courseID, mapErr(err))
	}
	for _, d := range r.Districts {
		r.Establishments += d.Establishments
		r.Difficult += d.Difficult
		r.EspeciallyDifficult += d.EspeciallyDifficult
	}
	const q = `SELECT count(DISTINCT establishment_id) FROM enrolments WHERE course_id = $1 AND status <> 'withdrawn'`
	if err := s.db.GetContext(ctx, &r.Registered, q, courseID); err != nil {
		return r, fmt.Errorf("registered establishments of workshop %d: %w", courseID, mapErr(err))
	}
	return r, nil
}

// SigningKey returns the server's secret key for a purpose (signing values that travel through the
// browser), made at random on first use and shared by every app instance through the database.
func (s *Store) SigningKey(ctx context.Context, purpose string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	var key []byte
	const q = `
		WITH made AS (INSERT INTO signing_keys (purpose, secret) VALUES ($1, $2) ON CONFLICT (purpose) DO NOTHING RETURNING secret)
		SELECT secret FROM made UNION ALL SELECT secret FROM signing_keys WHERE purpose = $1 LIMIT 1`
	// A key made at the same moment by another instance is invisible to this statement's snapshot:
	// the second try reads it.
	var err error
	for try := 0; try < 2; try++ {
		if err = s.db.GetContext(ctx, &key, q, purpose, fresh); err == nil {
			return key, nil
		}
	}
	return nil, fmt.Errorf("signing key %q: %w", purpose, mapErr(err))
}
