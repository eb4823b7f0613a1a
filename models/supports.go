package models

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"khuyencong/internal/vi"
)

// Funding sources of a support (nguồn kinh phí).
const (
	FundingNational = "national" // khuyến công quốc gia
	FundingLocal    = "local"    // khuyến công địa phương
)

// FundingSources lists the funding sources, in the order forms offer them.
var FundingSources = []string{FundingLocal, FundingNational}

// MaxSupportAmount is the largest single support accepted, in đồng: far above any line of the
// programme's ceilings (hundreds of millions), low enough to catch a mistyped extra group of zeros.
const MaxSupportAmount int64 = 100_000_000_000

// SupportRecord is one funded benefit to an establishment (lượt hỗ trợ), with the area class its
// commune had on the date of support.
type SupportRecord struct {
	ID              int64     `db:"id" json:"id"`
	EstablishmentID int64     `db:"establishment_id" json:"establishment_id"`
	CommuneCode     string    `db:"commune_code" json:"commune_code"`
	CommuneName     string    `db:"commune_name" json:"commune_name"`
	DistrictName    string    `db:"district_name" json:"district_name"`
	SupportDate     time.Time `db:"support_date" json:"support_date"`
	ActivityCode    string    `db:"activity_code" json:"activity_code"`
	ActivityNameVI  string    `db:"activity_name_vi" json:"activity_name_vi"`
	ActivityNameEN  string    `db:"activity_name_en" json:"activity_name_en"`
	Amount          int64     `db:"amount" json:"amount"`
	FundingSource   string    `db:"funding_source" json:"funding_source"`
	CourseID        *int64    `db:"course_id" json:"course_id"`
	CourseCode      *string   `db:"course_code" json:"course_code"`
	CourseTitle     *string   `db:"course_title" json:"course_title"`
	Description     string    `db:"description" json:"description"`
	// AreaClass is "difficult", "especially_difficult", or nil: the class of the commune or of its
	// district valid on the support date, the stronger one when both have one (as the reach report counts).
	AreaClass *string   `db:"area_class" json:"area_class"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// Area is the area class on the support date, or "" when the commune was in no difficult area then.
func (r SupportRecord) Area() string {
	if r.AreaClass == nil {
		return ""
	}
	return *r.AreaClass
}

// SupportSummary totals an establishment's support history.
type SupportSummary struct {
	Count          int   `json:"count"`
	Total          int64 `json:"total"`
	DifficultCount int   `json:"difficult_count"`
	DifficultTotal int64 `json:"difficult_total"`
}

// EstablishmentDetail is an establishment with its support history and its trainees' count.
type EstablishmentDetail struct {
	Establishment
	Trainees int             `json:"trainees"`
	Supports []SupportRecord `json:"supports"`
	Summary  SupportSummary  `json:"support_summary"`
}

const supportSelect = `
	SELECT sr.id, sr.establishment_id, sr.commune_code, cm.name AS commune_name, coalesce(d.name, '') AS district_name,
	       sr.support_date, sr.activity_code, ak.name_vi AS activity_name_vi, ak.name_en AS activity_name_en,
	       sr.amount, sr.funding_source, sr.course_id, co.code AS course_code, co.title AS course_title, sr.description,
	       (SELECT ac.class FROM area_classifications ac
	        WHERE ac.unit_code IN (cm.code, cm.parent_code) AND ac.valid @> sr.support_date
	        ORDER BY ac.class = 'especially_difficult' DESC LIMIT 1) AS area_class,
	       sr.created_at
	FROM support_records sr
	JOIN admin_units cm ON cm.code = sr.commune_code
	LEFT JOIN admin_units d ON d.code = cm.parent_code
	JOIN activity_kinds ak ON ak.code = sr.activity_code
	LEFT JOIN courses co ON co.id = sr.course_id`

// GetEstablishmentDetail returns an establishment with its support history, oldest first, its totals,
// and how many trainees are linked to it.
func (s *Store) GetEstablishmentDetail(ctx context.Context, id int64) (EstablishmentDetail, error) {
	e, err := s.GetEstablishment(ctx, id)
	if err != nil {
		return EstablishmentDetail{}, err
	}
	d := EstablishmentDetail{Establishment: e, Supports: []SupportRecord{}}
	const q = supportSelect + ` WHERE sr.establishment_id = $1 ORDER BY sr.support_date, sr.id`
	if err := s.db.SelectContext(ctx, &d.Supports, q, id); err != nil {
		return d, fmt.Errorf("supports of establishment %d: %w", id, mapErr(err))
	}
	for _, r := range d.Supports {
		d.Summary.Count++
		d.Summary.Total += r.Amount
		if r.AreaClass != nil {
			d.Summary.DifficultCount++
			d.Summary.DifficultTotal += r.Amount
		}
	}
	const tq = `SELECT count(*) FROM trainees WHERE establishment_id = $1`
	if err := s.db.GetContext(ctx, &d.Trainees, tq, id); err != nil {
		return d, fmt.Errorf("trainees of establishment %d: %w", id, mapErr(err))
	}
	return d, nil
}

// NewSupport is a support record as staff enter it. The commune is not entered: it is the
// establishment's commune at the moment of recording.
type NewSupport struct {
	Date          time.Time
	ActivityCode  string
	Amount        int64
	FundingSource string
	CourseID      *int64
	Description   string
}

// Validate checks what needs no database and returns message keys by field.
func (n NewSupport) Validate() map[string]string {
	errs := map[string]string{}
	today := time.Now().In(vi.Zone)
	switch {
	case n.Date.IsZero():
		errs["support_date"] = "required"
	case n.Date.Year() < 2000:
		errs["support_date"] = "est_invalid_date"
	case n.Date.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)):
		// Records are of support given; a date after today (in Vietnam) is a typing mistake.
		errs["support_date"] = "est_future_date"
	}
	if n.ActivityCode == "" {
		errs["activity_code"] = "required"
	}
	if n.Amount < 0 || n.Amount > MaxSupportAmount {
		errs["amount"] = "est_invalid_amount"
	}
	if !slices.Contains(FundingSources, n.FundingSource) {
		errs["funding_source"] = "est_invalid_funding"
	}
	if n.CourseID != nil && *n.CourseID < 1 {
		errs["course_id"] = "est_invalid_course"
	}
	checkText(errs, "description", NFC(n.Description), 2000)
	return errs
}

// AddSupport records a support to an establishment. The establishment's row is locked while its commune
// is copied into the record, so that a move saved at the same moment cannot slip in between: the record
// keeps the commune of its own time, whatever happens to the establishment later.
func (s *Store) AddSupport(ctx context.Context, a Actor, establishmentID int64, n NewSupport) (SupportRecord, error) {
	n.Description = NFC(n.Description)
	n.Date = time.Date(n.Date.Year(), n.Date.Month(), n.Date.Day(), 0, 0, 0, 0, time.UTC)
	errs := n.Validate()
	var r SupportRecord
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var commune string
		if err := tx.GetContext(ctx, &commune, `SELECT commune_code FROM establishments WHERE id = $1 FOR UPDATE`, establishmentID); err != nil {
			return err
		}
		if errs["activity_code"] == "" {
			var ok bool
			if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM activity_kinds WHERE code = $1)`, n.ActivityCode); err != nil {
				return err
			}
			if !ok {
				errs["activity_code"] = "est_invalid_activity"
			}
		}
		if n.CourseID != nil && errs["course_id"] == "" {
			var ok bool
			if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM courses WHERE id = $1)`, *n.CourseID); err != nil {
				return err
			}
			if !ok {
				errs["course_id"] = "est_invalid_course"
			}
		}
		if len(errs) > 0 {
			return &ValidationError{Fields: errs}
		}
		var id int64
		const ins = `
			INSERT INTO support_records (establishment_id, commune_code, support_date, activity_code, amount, funding_source, course_id, description)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			RETURNING id`
		if err := tx.GetContext(ctx, &id, ins, establishmentID, commune, n.Date.Format(time.DateOnly), n.ActivityCode,
			n.Amount, n.FundingSource, n.CourseID, n.Description); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &r, supportSelect+` WHERE sr.id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, "support_record.create", "support_records", id, nil, map[string]any{
			"establishment_id": establishmentID, "commune_code": commune, "support_date": n.Date.Format(time.DateOnly),
			"activity_code": n.ActivityCode, "amount": n.Amount, "funding_source": n.FundingSource,
			"course_id": n.CourseID, "description": n.Description})
	})
	if err != nil {
		return SupportRecord{}, fmt.Errorf("add support to establishment %d: %w", establishmentID, err)
	}
	return r, nil
}

// ActivityKind is an activity of the programme (KC1…KC9).
type ActivityKind struct {
	Code   string `db:"code" json:"code"`
	NameVI string `db:"name_vi" json:"name_vi"`
	NameEN string `db:"name_en" json:"name_en"`
}

// ListActivityKinds returns the activity kinds valid today, by code (KC1, KC2 … KC10).
func (s *Store) ListActivityKinds(ctx context.Context) ([]ActivityKind, error) {
	out := []ActivityKind{}
	const q = `SELECT code, name_vi, name_en FROM activity_kinds
		WHERE valid @> (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
		ORDER BY length(code), code`
	if err := s.db.SelectContext(ctx, &out, q); err != nil {
		return nil, fmt.Errorf("list activity kinds: %w", mapErr(err))
	}
	return out, nil
}
