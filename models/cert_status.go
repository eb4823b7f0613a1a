package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// RevokeInput is the decision that withdraws a certificate.
type RevokeInput struct {
	Decision string
	Date     time.Time
	Reason   string
}

// RevokeCertificate withdraws a valid certificate with a decision number, date and reason. The record
// stays, and verification shows it as revoked.
func (s *Store) RevokeCertificate(ctx context.Context, a Actor, serial string, in RevokeInput) (Certificate, error) {
	errs := map[string]string{}
	if NFC(in.Decision) == "" {
		errs["decision"] = "required"
	}
	if in.Date.IsZero() {
		errs["date"] = "required"
	}
	if NFC(in.Reason) == "" {
		errs["reason"] = "required"
	}
	if len(errs) > 0 {
		return Certificate{}, &ValidationError{Fields: errs}
	}
	var id int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var status string
		if err := tx.GetContext(ctx, &id, `SELECT id FROM certificates WHERE serial = $1`, serial); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &status, `SELECT status FROM certificates WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		if status != CertValid {
			return &ValidationError{Fields: map[string]string{"status": "cert_not_valid"}}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE certificates SET status = 'revoked', revoked_at = now(), revocation_decision = $2,
			revocation_date = $3, revocation_reason = $4 WHERE id = $1`, id, NFC(in.Decision), in.Date, NFC(in.Reason)); err != nil {
			return err
		}
		return audit(ctx, tx, a, "certificate.revoke", "certificates", id, map[string]any{"status": status},
			map[string]any{"status": CertRevoked, "decision": NFC(in.Decision), "reason": NFC(in.Reason)})
	})
	if err != nil {
		return Certificate{}, fmt.Errorf("revoke certificate %s: %w", serial, err)
	}
	return s.GetCertificate(ctx, id)
}

// CorrectCertificate issues a new version of a valid certificate from the current records (after the
// profile or course was corrected), with new numbers, linked to the old one, which becomes superseded.
// Both rows change in one transaction; nothing is deleted.
func (s *Store) CorrectCertificate(ctx context.Context, a Actor, serial, reason string, issuedOn time.Time) (Certificate, error) {
	reason = NFC(reason)
	if reason == "" {
		return Certificate{}, &ValidationError{Fields: map[string]string{"reason": "required"}}
	}
	var newID int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var old struct {
			ID          int64  `db:"id"`
			Status      string `db:"status"`
			EnrolmentID int64  `db:"enrolment_id"`
			IssuerID    int64  `db:"issuer_id"`
			Snapshot    []byte `db:"snapshot"`
		}
		if err := tx.GetContext(ctx, &old, `SELECT id, status, enrolment_id, issuer_id, snapshot FROM certificates WHERE serial = $1 FOR UPDATE`, serial); err != nil {
			return err
		}
		if old.Status != CertValid {
			return &ValidationError{Fields: map[string]string{"status": "cert_not_valid"}}
		}
		var snap CertSnapshot
		if err := json.Unmarshal(old.Snapshot, &snap); err != nil {
			return err
		}
		// What may have been corrected since: the holder's name and birth date, the course's title and craft.
		var cur struct {
			Name  string     `db:"full_name"`
			Birth *time.Time `db:"birth_date"`
			Title string     `db:"title"`
			Craft *string    `db:"craft"`
		}
		if err := tx.GetContext(ctx, &cur, `SELECT t.full_name, t.birth_date, c.title, cr.name AS craft FROM enrolments e
			JOIN trainees t ON t.id = e.trainee_id JOIN courses c ON c.id = e.course_id LEFT JOIN crafts cr ON cr.id = c.craft_id
			WHERE e.id = $1`, old.EnrolmentID); err != nil {
			return err
		}
		var is issuer
		if err := tx.GetContext(ctx, &is, `SELECT id, code, name, parent_name, place_name, serial_format, register_format,
			signer_name, signer_title FROM issuers WHERE id = $1`, old.IssuerID); err != nil {
			return err
		}
		year := issuedOn.Year()
		serialNo, err := allocate(ctx, tx, is.ID, "serial", 0, 1)
		if err != nil {
			return err
		}
		regNo, err := allocate(ctx, tx, is.ID, "register", year, 1)
		if err != nil {
			return err
		}
		snap.Holder, snap.Course, snap.Craft = cur.Name, cur.Title, deref(cur.Craft)
		snap.BirthDate = ""
		if cur.Birth != nil {
			snap.BirthDate = cur.Birth.Format("02/01/2006")
		}
		snap.IssuedOn = issuedOn.Format(time.DateOnly)
		snap.Serial = formatNumber(is.SerialFormat, is.Code, year, serialNo)
		snap.Register = formatNumber(is.RegisterFormat, is.Code, year, regNo)
		snap.SignerName, snap.SignerTitle, snap.Unit, snap.Parent, snap.IssuePlace = is.SignerName, is.SignerTitle, is.Name, is.Parent, is.Place
		// The old one steps aside first (the index allows one valid certificate per enrolment), pointing
		// at the id the new one will take; the deferred foreign key checks that link at commit.
		if err := tx.GetContext(ctx, &newID, `SELECT nextval('certificates_id_seq')`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE certificates SET status = 'superseded', superseded_by = $2, correction_reason = $3 WHERE id = $1`,
			old.ID, newID, reason); err != nil {
			return err
		}
		if _, err := insertCertificate(ctx, tx, a, is.ID, old.EnrolmentID, serialNo, year, regNo, snap, s.tokenSecret(), &old.ID, &newID); err != nil {
			return err
		}
		return audit(ctx, tx, a, "certificate.correct", "certificates", old.ID, map[string]any{"serial": serial, "status": CertValid},
			map[string]any{"status": CertSuperseded, "superseded_by": snap.Serial, "reason": reason})
	})
	if err != nil {
		return Certificate{}, fmt.Errorf("correct certificate %s: %w", serial, err)
	}
	return s.GetCertificate(ctx, newID)
}

// FindCertificateForHolder returns the certificate with a serial whose holder's name matches the one
// typed, ignoring case, diacritics and spacing; any mismatch is ErrNotFound, like an unknown serial.
func (s *Store) FindCertificateForHolder(ctx context.Context, serial, name string) (Certificate, error) {
	var c Certificate
	q := certSelect + ` WHERE c.serial = $1
		AND regexp_replace(search_key(c.snapshot->>'holder'), '\s+', ' ', 'g') = regexp_replace(search_key(btrim($2)), '\s+', ' ', 'g')`
	if err := s.db.GetContext(ctx, &c, q, serial, name); err != nil {
		return Certificate{}, mapErr(err)
	}
	c.decode()
	return c, nil
}

// RegisterRow is one line of the register book (sổ cấp chứng chỉ).
type RegisterRow struct {
	Serial    string     `db:"serial"`
	Register  string     `db:"register_label"`
	Holder    string     `db:"holder"`
	BirthDate string     `db:"birth_date"`
	Commune   *string    `db:"commune"`
	Course    string     `db:"course"`
	Start     string     `db:"start_date"`
	End       string     `db:"end_date"`
	Result    string     `db:"result"`
	IssuedOn  time.Time  `db:"issued_on"`
	Status    string     `db:"status"`
	Revoked   *time.Time `db:"revocation_date"`
	Reason    *string    `db:"note"`
}

// RegisterBook lists the certificates issued in [from, to] in register order, revoked and superseded
// ones included (flagged), as printed at issuance.
func (s *Store) RegisterBook(ctx context.Context, from, to time.Time) ([]RegisterRow, error) {
	out := []RegisterRow{}
	const q = `
		SELECT c.serial, c.register_label, c.snapshot->>'holder' AS holder, coalesce(c.snapshot->>'birth_date', '') AS birth_date,
		       cm.name AS commune, c.snapshot->>'course' AS course, c.snapshot->>'start_date' AS start_date,
		       c.snapshot->>'end_date' AS end_date, coalesce(c.snapshot->>'result', '') AS result, c.issued_on, c.status,
		       c.revocation_date, coalesce(c.revocation_reason, c.correction_reason) AS note
		FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id JOIN trainees t ON t.id = e.trainee_id
		LEFT JOIN admin_units cm ON cm.code = t.commune_code
		WHERE c.issued_on BETWEEN $1 AND $2
		ORDER BY c.register_year, c.register_no`
	if err := s.db.SelectContext(ctx, &out, q, from.Format(time.DateOnly), to.Format(time.DateOnly)); err != nil {
		return nil, fmt.Errorf("register book: %w", mapErr(err))
	}
	return out, nil
}
