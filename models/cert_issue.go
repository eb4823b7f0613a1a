package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// CertTemplateVersion is stored with each certificate; a new layout gets a new version.
const CertTemplateVersion = "cert-2026.1"

// IssueCertificates makes one certificate for every eligible trainee of a completed course who has
// none yet, in one transaction: serial and register numbers come from counter rows locked until
// commit (gap-free, never reused), every printed field is snapshotted, and issuing again creates
// nothing new (the partial unique index allows one valid certificate per enrolment).
func (s *Store) IssueCertificates(ctx context.Context, a Actor, courseID int64, issuedOn time.Time) (IssueResult, error) {
	res := IssueResult{Issued: []Certificate{}, Skipped: []Skip{}}
	var ids []int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var c struct {
			Status   string  `db:"status"`
			Kind     string  `db:"kind"`
			Code     string  `db:"code"`
			Title    string  `db:"title"`
			Craft    *string `db:"craft"`
			Start    string  `db:"start"`
			End      string  `db:"end"`
			Min      float64 `db:"min_attendance_pct"`
			Hours    float64 `db:"hours"`
			Venue    *string `db:"venue"`
			District *string `db:"district"`
		}
		const cq = `
			SELECT c.status, c.kind, c.code, c.title, cr.name AS craft, to_char(c.start_date, 'DD/MM/YYYY') AS start,
			       to_char(c.end_date, 'DD/MM/YYYY') AS end, c.min_attendance_pct,
			       coalesce((SELECT sum(extract(epoch FROM s.ends_at - s.starts_at)) / 3600 FROM course_sessions s
			                 WHERE s.course_id = c.id AND s.status = 'scheduled'), 0)::float8 AS hours,
			       v.name AS venue, d.name AS district
			FROM courses c LEFT JOIN crafts cr ON cr.id = c.craft_id LEFT JOIN venues v ON v.id = c.venue_id
			LEFT JOIN admin_units cm ON cm.code = v.commune_code LEFT JOIN admin_units d ON d.code = cm.parent_code
			WHERE c.id = $1 FOR UPDATE OF c`
		if err := tx.GetContext(ctx, &c, cq, courseID); err != nil {
			return err
		}
		if c.Status != StatusCompleted {
			return &ValidationError{Fields: map[string]string{"course": "not_completed"}}
		}
		var rows []Eligibility
		if err := tx.SelectContext(ctx, &rows, eligibilityQuery, courseID); err != nil {
			return err
		}
		judge(rows, c.Kind, c.Min)
		var held []int64
		if err := tx.SelectContext(ctx, &held, `SELECT c.enrolment_id FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id
			WHERE e.course_id = $1 AND c.status = 'valid'`, courseID); err != nil {
			return err
		}
		has := map[int64]bool{}
		for _, id := range held {
			has[id] = true
		}
		var todo []Eligibility
		for _, r := range rows {
			switch {
			case has[r.EnrolmentID]:
				res.Skipped = append(res.Skipped, Skip{r.EnrolmentID, r.FullName, []string{"already_issued"}})
			case !r.Eligible:
				res.Skipped = append(res.Skipped, Skip{r.EnrolmentID, r.FullName, r.Reasons})
			default:
				todo = append(todo, r)
			}
		}
		if len(todo) == 0 {
			return nil
		}
		var is issuer
		if err := tx.GetContext(ctx, &is, `SELECT id, code, name, parent_name, place_name, serial_format, register_format,
			signer_name, signer_title FROM issuers ORDER BY id LIMIT 1`); err != nil {
			return fmt.Errorf("no issuer configured: %w", err)
		}
		year := issuedOn.Year()
		serial, err := allocate(ctx, tx, is.ID, "serial", 0, len(todo))
		if err != nil {
			return err
		}
		reg, err := allocate(ctx, tx, is.ID, "register", year, len(todo))
		if err != nil {
			return err
		}
		kind := "chung_chi"
		if c.Kind == KindWorkshop {
			kind = "giay_chung_nhan"
		}
		place := deref(c.Venue)
		if c.District != nil {
			place += ", " + *c.District
		}
		for i, r := range todo {
			var t struct {
				Birth *time.Time `db:"birth_date"`
				Grade *string    `db:"grade"`
			}
			if err := tx.GetContext(ctx, &t, `SELECT tr.birth_date, r.grade FROM enrolments e JOIN trainees tr ON tr.id = e.trainee_id
				LEFT JOIN results r ON r.enrolment_id = e.id WHERE e.id = $1`, r.EnrolmentID); err != nil {
				return err
			}
			snap := CertSnapshot{
				Kind: kind, Parent: is.Parent, Unit: is.Name, Holder: r.FullName, Course: c.Title, CourseCode: c.Code,
				CourseKind: c.Kind, Craft: deref(c.Craft), StartDate: c.Start, EndDate: c.End,
				Hours: strings.Replace(strconv.FormatFloat(c.Hours, 'f', -1, 64), ".", ",", 1), Place: place,
				IssuePlace: is.Place, IssuedOn: issuedOn.Format(time.DateOnly), SignerTitle: is.SignerTitle, SignerName: is.SignerName,
				Serial:   formatNumber(is.SerialFormat, is.Code, year, serial+i),
				Register: formatNumber(is.RegisterFormat, is.Code, year, reg+i),
			}
			if t.Birth != nil {
				snap.BirthDate = t.Birth.Format("02/01/2006")
			}
			if c.Kind != KindWorkshop {
				snap.Result = deref(t.Grade)
			}
			id, err := insertCertificate(ctx, tx, a, is.ID, r.EnrolmentID, serial+i, year, reg+i, snap, s.tokenSecret(), nil, nil)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return audit(ctx, tx, a, "certificate.issue_batch", "courses", courseID, nil, map[string]any{"issued": len(ids), "skipped": len(res.Skipped)})
	})
	if err != nil {
		return res, fmt.Errorf("issue certificates for course %d: %w", courseID, err)
	}
	for _, id := range ids {
		c, err := s.GetCertificate(ctx, id)
		if err != nil {
			return res, err
		}
		res.Issued = append(res.Issued, c)
	}
	return res, nil
}

// judge fills Eligible and Reasons, as CourseEligibility does.
func judge(rows []Eligibility, kind string, min float64) {
	for i := range rows {
		e := &rows[i]
		e.Reasons = []string{}
		if e.ScheduledHours == 0 || e.AttendedHours*100 < min*e.ScheduledHours-1e-9 {
			e.Reasons = append(e.Reasons, "not_enough_hours")
		}
		if kind != KindWorkshop {
			switch {
			case e.Passed == nil:
				e.Reasons = append(e.Reasons, "no_result")
			case !*e.Passed:
				e.Reasons = append(e.Reasons, "not_passed")
			}
		}
		e.Eligible = len(e.Reasons) == 0
	}
}

func insertCertificate(ctx context.Context, tx *sqlx.Tx, a Actor, issuerID, enrolmentID int64, serialNo, year, regNo int,
	snap CertSnapshot, secret []byte, replaces *int64, presetID *int64) (int64, error) {
	body, err := json.Marshal(snap)
	if err != nil {
		return 0, err
	}
	var by any
	if a.UserID > 0 {
		by = a.UserID
	}
	issuedOn, _ := time.Parse(time.DateOnly, snap.IssuedOn)
	token := CertificateToken(secret, snap.Serial)
	var id int64
	const q = `
		INSERT INTO certificates (id, issuer_id, enrolment_id, kind, serial_no, serial, register_year, register_no, register_label,
		                          token_hash, snapshot, template_version, issued_on, issued_by, replaces_id)
		VALUES (coalesce($15, nextval('certificates_id_seq')), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`
	if err := tx.GetContext(ctx, &id, q, issuerID, enrolmentID, snap.Kind, serialNo, snap.Serial, year, regNo, snap.Register,
		hashToken(token), body, CertTemplateVersion, issuedOn, by, replaces, presetID); err != nil {
		return 0, err
	}
	return id, audit(ctx, tx, a, "certificate.issue", "certificates", id, nil, map[string]any{
		"serial": snap.Serial, "register": snap.Register, "enrolment_id": enrolmentID})
}

// GetCertificate returns one certificate with its snapshot (not its PDF bytes).
func (s *Store) GetCertificate(ctx context.Context, id int64) (Certificate, error) {
	var c Certificate
	if err := s.db.GetContext(ctx, &c, certSelect+` WHERE c.id = $1`, id); err != nil {
		return Certificate{}, fmt.Errorf("certificate %d: %w", id, mapErr(err))
	}
	c.decode()
	return c, nil
}

// GetCertificateBySerial returns the certificate with a serial number.
func (s *Store) GetCertificateBySerial(ctx context.Context, serial string) (Certificate, error) {
	var c Certificate
	if err := s.get(ctx, &c, certBySerialQuery, strings.TrimSpace(serial)); err != nil {
		return Certificate{}, fmt.Errorf("certificate %q: %w", serial, mapErr(err))
	}
	c.decode()
	return c, nil
}

// GetCertificateByToken finds the certificate whose token hashes to the stored hash.
func (s *Store) GetCertificateByToken(ctx context.Context, token string) (Certificate, error) {
	var c Certificate
	if err := s.db.GetContext(ctx, &c, certSelect+` WHERE c.token_hash = $1`, hashToken(token)); err != nil {
		return Certificate{}, mapErr(err)
	}
	c.decode()
	return c, nil
}

// ListCourseCertificates returns a course's certificates in register order.
func (s *Store) ListCourseCertificates(ctx context.Context, courseID int64) ([]Certificate, error) {
	out := []Certificate{}
	if err := s.db.SelectContext(ctx, &out, certSelect+` WHERE e.course_id = $1 ORDER BY c.register_year, c.register_no`, courseID); err != nil {
		return nil, fmt.Errorf("certificates of course %d: %w", courseID, mapErr(err))
	}
	for i := range out {
		out[i].decode()
	}
	return out, nil
}

// CertificatePDF returns the stored PDF of a certificate, or nil when it has not been rendered yet.
func (s *Store) CertificatePDF(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	if err := s.get(ctx, &b, certPDFQuery, id); err != nil {
		return nil, mapErr(err)
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}

// StoreCertificatePDF keeps the rendered PDF and its SHA-256, once: a second render of the same
// certificate never replaces the first (the guard trigger refuses a change, this update skips it).
func (s *Store) StoreCertificatePDF(ctx context.Context, id int64, pdf []byte) ([]byte, error) {
	sum := sha256Sum(pdf)
	if _, err := s.db.ExecContext(ctx, `UPDATE certificates SET pdf = $2, pdf_sha256 = $3 WHERE id = $1 AND pdf IS NULL`, id, pdf, sum); err != nil {
		return nil, fmt.Errorf("store certificate pdf: %w", mapErr(err))
	}
	return s.CertificatePDF(ctx, id)
}
