package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Certificate statuses.
const (
	CertValid      = "valid"
	CertRevoked    = "revoked"
	CertSuperseded = "superseded"
)

// CertSnapshot is every field printed on a certificate, as it was when issued. Editing the trainee
// or the course later never changes it.
type CertSnapshot struct {
	Kind        string `json:"kind"`
	Parent      string `json:"parent"`
	Unit        string `json:"unit"`
	Holder      string `json:"holder"`
	BirthDate   string `json:"birth_date"`
	Course      string `json:"course"`
	CourseCode  string `json:"course_code"`
	CourseKind  string `json:"course_kind"`
	Craft       string `json:"craft"`
	StartDate   string `json:"start_date"`
	EndDate     string `json:"end_date"`
	Hours       string `json:"hours"`
	Place       string `json:"place"`
	Result      string `json:"result"`
	IssuePlace  string `json:"issue_place"`
	IssuedOn    string `json:"issued_on"`
	SignerTitle string `json:"signer_title"`
	SignerName  string `json:"signer_name"`
	Serial      string `json:"serial"`
	Register    string `json:"register"`
}

// Certificate is an issued certificate with its snapshot.
type Certificate struct {
	ID                 int64        `db:"id" json:"id"`
	EnrolmentID        int64        `db:"enrolment_id" json:"enrolment_id"`
	CourseID           int64        `db:"course_id" json:"course_id"`
	TraineeID          int64        `db:"trainee_id" json:"trainee_id"`
	Kind               string       `db:"kind" json:"kind"`
	Serial             string       `db:"serial" json:"serial"`
	RegisterYear       int          `db:"register_year" json:"register_year"`
	RegisterNo         int          `db:"register_no" json:"register_no"`
	RegisterLabel      string       `db:"register_label" json:"register_label"`
	SnapshotJSON       []byte       `db:"snapshot" json:"-"`
	Snapshot           CertSnapshot `db:"-" json:"snapshot"`
	TemplateVersion    string       `db:"template_version" json:"template_version"`
	HasPDF             bool         `db:"has_pdf" json:"has_pdf"`
	PDFSHA256          []byte       `db:"pdf_sha256" json:"-"`
	IssuedOn           time.Time    `db:"issued_on" json:"issued_on"`
	IssuedAt           time.Time    `db:"issued_at" json:"issued_at"`
	Status             string       `db:"status" json:"status"`
	RevokedAt          *time.Time   `db:"revoked_at" json:"revoked_at,omitempty"`
	RevocationDecision *string      `db:"revocation_decision" json:"revocation_decision,omitempty"`
	RevocationDate     *time.Time   `db:"revocation_date" json:"revocation_date,omitempty"`
	RevocationReason   *string      `db:"revocation_reason" json:"revocation_reason,omitempty"`
	SupersededBy       *string      `db:"superseded_by_serial" json:"superseded_by,omitempty"`
	CorrectionReason   *string      `db:"correction_reason" json:"correction_reason,omitempty"`
	Replaces           *string      `db:"replaces_serial" json:"replaces,omitempty"`
}

const certSelect = `
	SELECT c.id, c.enrolment_id, e.course_id, e.trainee_id, c.kind, c.serial, c.register_year, c.register_no,
	       c.register_label, c.snapshot, c.template_version, c.pdf IS NOT NULL AS has_pdf, c.pdf_sha256,
	       c.issued_on, c.issued_at, c.status, c.revoked_at, c.revocation_decision, c.revocation_date,
	       c.revocation_reason, n.serial AS superseded_by_serial, c.correction_reason, o.serial AS replaces_serial
	FROM certificates c
	JOIN enrolments e ON e.id = c.enrolment_id
	LEFT JOIN certificates n ON n.id = c.superseded_by
	LEFT JOIN certificates o ON o.id = c.replaces_id`

func (c *Certificate) decode() {
	_ = json.Unmarshal(c.SnapshotJSON, &c.Snapshot)
}

// DevTokenSecret is used when no secret is configured (development and tests only).
var DevTokenSecret = []byte("khuyencong-development-secret-do-not-use-in-production")

// CertificateToken is the verification token of a certificate: HMAC-SHA256 of its serial under the
// server's secret (256 bits, unguessable without the secret). Only its SHA-256 is stored, so the
// database alone does not reveal it, yet the server can print the QR of any certificate again.
func CertificateToken(secret []byte, serial string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("certificate:" + serial))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// WithTokenSecret sets the secret that certificate tokens are derived from.
func (s *Store) WithTokenSecret(secret []byte) *Store {
	s.secret = secret
	return s
}

func (s *Store) tokenSecret() []byte {
	if len(s.secret) == 0 {
		return DevTokenSecret
	}
	return s.secret
}

// CertificateToken derives the token of a serial with this store's secret.
func (s *Store) CertificateToken(serial string) string {
	return CertificateToken(s.tokenSecret(), serial)
}

// Skip says why an enrolment got no certificate.
type Skip struct {
	EnrolmentID int64    `json:"enrolment_id"`
	Name        string   `json:"trainee_name"`
	Reasons     []string `json:"reasons"`
}

// IssueResult lists the certificates made and the enrolments skipped, with reasons.
type IssueResult struct {
	Issued  []Certificate `json:"issued"`
	Skipped []Skip        `json:"skipped"`
}

// formatNumber fills a format such as "{code}-{year}-{n:06}" or "{n:04}/{year}".
func formatNumber(format, code string, year, n int) string {
	out := strings.NewReplacer("{code}", code, "{year}", strconv.Itoa(year)).Replace(format)
	for _, w := range []int{8, 7, 6, 5, 4, 3, 2} {
		out = strings.ReplaceAll(out, fmt.Sprintf("{n:%02d}", w), fmt.Sprintf("%0*d", w, n))
	}
	return strings.ReplaceAll(out, "{n}", strconv.Itoa(n))
}

type issuer struct {
	ID             int64  `db:"id"`
	Code           string `db:"code"`
	Name           string `db:"name"`
	Parent         string `db:"parent_name"`
	Place          string `db:"place_name"`
	SerialFormat   string `db:"serial_format"`
	RegisterFormat string `db:"register_format"`
	SignerName     string `db:"signer_name"`
	SignerTitle    string `db:"signer_title"`
}

// allocate takes n consecutive numbers from a counter row, locking it until the transaction ends:
// numbers are gap-free and never reused, whatever runs at the same time.
func allocate(ctx context.Context, tx *sqlx.Tx, issuerID int64, scope string, year, n int) (int, error) {
	var last int
	const q = `
		INSERT INTO certificate_counters (issuer_id, scope, year, last_value) VALUES ($1, $2, $3, $4)
		ON CONFLICT (issuer_id, scope, year) DO UPDATE SET last_value = certificate_counters.last_value + EXCLUDED.last_value
		RETURNING last_value`
	if err := tx.GetContext(ctx, &last, q, issuerID, scope, year, n); err != nil {
		return 0, err
	}
	return last - n + 1, nil
}
