package models

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// TrainingFilter is the period of the training-results report: classes that start in it.
type TrainingFilter struct {
	From, To time.Time // both days included
}

// Validate checks the period and returns message keys by field.
func (f TrainingFilter) Validate() map[string]string {
	errs := map[string]string{}
	checkPeriod(errs, f.From, f.To)
	return errs
}

// TrainingCounts are the figures of one line of the training report. Enrolled counts seats taken
// (confirmed, or withdrawn after taking one; not the waitlist): a person in two classes counts twice.
// Completed counts confirmed enrolments of completed classes that meet the certificate rule (hours
// and, for training kinds, a passed assessment — CourseEligibility's rule). Certified counts
// enrolments holding a valid certificate today.
type TrainingCounts struct {
	Classes   int64 `db:"classes" json:"classes"`
	Enrolled  int64 `db:"enrolled" json:"enrolled"`
	Female    int64 `db:"female" json:"female"`
	Minority  int64 `db:"minority" json:"ethnic_minority"`
	Completed int64 `db:"completed" json:"completed"`
	Certified int64 `db:"certified" json:"certified"`
}

// TrainingRow is one line of the main table: a year, course kind, craft and district (of the venue).
type TrainingRow struct {
	Year         int    `json:"year"`
	Kind         string `json:"kind"`
	CraftName    string `json:"craft"`         // "" for workshops, which have no craft
	DistrictCode string `json:"district_code"` // "" when the class has no venue in a district
	DistrictName string `json:"district"`
	TrainingCounts
}

// Age bands at the start of the class.
const (
	AgeUnder25 = "under_25"
	Age25to34  = "25_34"
	Age35to44  = "35_44"
	Age45to54  = "45_54"
	Age55Plus  = "55_plus"
	AgeUnknown = "unknown"
)

// AgeBands lists the bands in the order the report shows them.
var AgeBands = []string{AgeUnder25, Age25to34, Age35to44, Age45to54, Age55Plus, AgeUnknown}

// BreakdownRow is one line of a breakdown: a year, a gender, an ethnicity or an age band.
type BreakdownRow struct {
	Key string `json:"key"`
	TrainingCounts
}

// CertificateYear counts the certificates issued (by kind) and revoked in a year of the period.
type CertificateYear struct {
	Year          int   `db:"year" json:"year"`
	Issued        int64 `db:"issued" json:"issued"`
	ChungChi      int64 `db:"chung_chi" json:"chung_chi"`
	GiayChungNhan int64 `db:"giay_chung_nhan" json:"giay_chung_nhan"`
	Revoked       int64 `db:"revoked" json:"revoked"`
}

// TrainingReport is the training-results report of a period.
type TrainingReport struct {
	Filter       TrainingFilter    `json:"-"`
	Rows         []TrainingRow     `json:"rows"`
	Total        TrainingCounts    `json:"total"`
	People       int64             `json:"people"` // distinct trainees with a seat
	ByYear       []BreakdownRow    `json:"by_year"`
	ByGender     []BreakdownRow    `json:"by_gender"`
	ByEthnicity  []BreakdownRow    `json:"by_ethnicity"`
	ByAge        []BreakdownRow    `json:"by_age_band"`
	Certificates []CertificateYear `json:"certificates"`
	CertTotal    CertificateYear   `json:"certificates_total"`
}

// trainingQuery counts, in one pass with grouping sets, the classes (approved, running or completed)
// that start in the period and their seats: by year, kind, craft and district; by year; by gender; by
// ethnicity; by age band at the class's start; and in all. Classes without enrolments count as classes.
// g is the grouping() bit mask that says which set a line belongs to.
var trainingQuery = `
	WITH tc AS (
		SELECT c.id, c.kind, c.min_attendance_pct, c.status, c.start_date, c.craft_id, coalesce(cm.parent_code, '') AS district
		FROM courses c
		LEFT JOIN venues v ON v.id = c.venue_id
		LEFT JOIN admin_units cm ON cm.code = v.commune_code
		WHERE c.status IN ('approved', 'running', 'completed') AND c.start_date BETWEEN $1 AND $2),
	tcc AS (SELECT id, kind, min_attendance_pct FROM tc WHERE status = 'completed'),` + completion("tcc", "ten", "tdone") + `,
	seats AS (
		SELECT tc.id AS course_id, extract(year FROM tc.start_date)::int AS year, tc.kind, tc.craft_id, tc.district,
		       e.id AS enrolment_id, e.trainee_id, t.gender, t.ethnicity,
		       CASE WHEN e.id IS NULL THEN NULL
		            WHEN t.birth_date IS NULL THEN 'unknown'
		            ELSE (SELECT CASE WHEN a < 25 THEN 'under_25' WHEN a < 35 THEN '25_34' WHEN a < 45 THEN '35_44'
		                              WHEN a < 55 THEN '45_54' ELSE '55_plus' END
		                  FROM (SELECT extract(year FROM age(tc.start_date, t.birth_date)) AS a) x) END AS age_band,
		       coalesce(d.eligible, false) AS completed,
		       EXISTS (SELECT 1 FROM certificates ce WHERE ce.enrolment_id = e.id AND ce.status = 'valid') AS certified
		FROM tc
		LEFT JOIN enrolments e ON e.course_id = tc.id AND e.status IN ('confirmed', 'withdrawn')
		LEFT JOIN trainees t ON t.id = e.trainee_id
		LEFT JOIN tdone d ON d.id = e.id),
	agg AS (
		SELECT grouping(year, kind, craft_id, district, gender, ethnicity, age_band) AS g,
		       year, kind, craft_id, district, gender, ethnicity, age_band,
		       count(DISTINCT course_id) AS classes, count(enrolment_id) AS enrolled,
		       count(*) FILTER (WHERE gender = 'female') AS female,
		       count(*) FILTER (WHERE ethnicity <> 'Kinh') AS minority,
		       count(*) FILTER (WHERE completed) AS completed,
		       count(*) FILTER (WHERE certified) AS certified,
		       count(DISTINCT trainee_id) AS people
		FROM seats
		GROUP BY GROUPING SETS ((year, kind, craft_id, district), (year), (gender), (ethnicity), (age_band), ()))
	SELECT agg.g, coalesce(agg.year, 0) AS year, coalesce(agg.kind, '') AS kind, coalesce(cr.name, '') AS craft,
	       coalesce(agg.district, '') AS district_code, coalesce(d.name, '') AS district_name,
	       coalesce(agg.gender, '') AS gender, coalesce(agg.ethnicity, '') AS ethnicity, coalesce(agg.age_band, '') AS age_band,
	       agg.classes, agg.enrolled, agg.female, agg.minority, agg.completed, agg.certified, agg.people
	FROM agg
	LEFT JOIN crafts cr ON cr.id = agg.craft_id
	LEFT JOIN admin_units d ON d.code = agg.district
	ORDER BY agg.g, agg.year, array_position(ARRAY['vocational', 'craft_transmission', 'skill_upgrade', 'management_workshop'], agg.kind),
	         cr.name COLLATE "vi-VN-x-icu" NULLS FIRST, ` + fmt.Sprintf(placeOrder, "coalesce(d.name, '')") + `,
	         array_position(ARRAY['under_25', '25_34', '35_44', '45_54', '55_plus', 'unknown'], agg.age_band),
	         agg.enrolled DESC, agg.gender, agg.ethnicity COLLATE "vi-VN-x-icu"`

// Grouping masks of trainingQuery's sets (grouping() sets a bit for each column left out, year first).
const (
	groupMain      = 0b0000111
	groupYear      = 0b0111111
	groupGender    = 0b1111011
	groupEthnicity = 0b1111101
	groupAge       = 0b1111110
	groupAll       = 0b1111111
)

// certificatesQuery counts certificates issued (by kind) and revoked per year of the period, and in all.
const certificatesQuery = `
	SELECT coalesce(year, 0) AS year, coalesce(sum(issued), 0) AS issued, coalesce(sum(chung_chi), 0) AS chung_chi,
	       coalesce(sum(giay_chung_nhan), 0) AS giay_chung_nhan, coalesce(sum(revoked), 0) AS revoked
	FROM (
		SELECT extract(year FROM issued_on)::int AS year, 1 AS issued, (kind = 'chung_chi')::int AS chung_chi,
		       (kind = 'giay_chung_nhan')::int AS giay_chung_nhan, 0 AS revoked
		FROM certificates WHERE issued_on BETWEEN $1 AND $2
		UNION ALL
		SELECT extract(year FROM revocation_date)::int, 0, 0, 0, 1
		FROM certificates WHERE status = 'revoked' AND revocation_date BETWEEN $1 AND $2) x
	GROUP BY ROLLUP (year)
	ORDER BY year IS NULL, year`

// GetTrainingReport computes the training-results report of the period from the records.
func (s *Store) GetTrainingReport(ctx context.Context, f TrainingFilter) (TrainingReport, error) {
	if errs := f.Validate(); len(errs) > 0 {
		return TrainingReport{}, &ValidationError{Fields: errs}
	}
	from, to := f.From.Format(time.DateOnly), f.To.Format(time.DateOnly)
	var lines []struct {
		G            int    `db:"g"`
		Year         int    `db:"year"`
		Kind         string `db:"kind"`
		Craft        string `db:"craft"`
		DistrictCode string `db:"district_code"`
		DistrictName string `db:"district_name"`
		Gender       string `db:"gender"`
		Ethnicity    string `db:"ethnicity"`
		AgeBand      string `db:"age_band"`
		People       int64  `db:"people"`
		TrainingCounts
	}
	var certs []CertificateYear
	err := s.readReport(ctx, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &lines, trainingQuery, from, to); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &certs, certificatesQuery, from, to)
	})
	if err != nil {
		return TrainingReport{}, fmt.Errorf("training report: %w", err)
	}
	rep := TrainingReport{Filter: f, Rows: []TrainingRow{}, ByYear: []BreakdownRow{}, ByGender: []BreakdownRow{},
		ByEthnicity: []BreakdownRow{}, ByAge: []BreakdownRow{}, Certificates: []CertificateYear{}}
	for _, l := range lines {
		switch l.G {
		case groupMain:
			rep.Rows = append(rep.Rows, TrainingRow{Year: l.Year, Kind: l.Kind, CraftName: l.Craft,
				DistrictCode: l.DistrictCode, DistrictName: l.DistrictName, TrainingCounts: l.TrainingCounts})
		case groupYear:
			rep.ByYear = append(rep.ByYear, BreakdownRow{fmt.Sprint(l.Year), l.TrainingCounts})
		// The classes without any seat make a line with no gender, ethnicity or age: left out there.
		case groupGender:
			if l.Enrolled > 0 {
				rep.ByGender = append(rep.ByGender, BreakdownRow{l.Gender, l.TrainingCounts})
			}
		case groupEthnicity:
			if l.Enrolled > 0 {
				rep.ByEthnicity = append(rep.ByEthnicity, BreakdownRow{l.Ethnicity, l.TrainingCounts})
			}
		case groupAge:
			if l.Enrolled > 0 {
				rep.ByAge = append(rep.ByAge, BreakdownRow{l.AgeBand, l.TrainingCounts})
			}
		case groupAll:
			rep.Total, rep.People = l.TrainingCounts, l.People
		}
	}
	for _, c := range certs {
		if c.Year == 0 {
			rep.CertTotal = c
		} else {
			rep.Certificates = append(rep.Certificates, c)
		}
	}
	return rep, nil
}
