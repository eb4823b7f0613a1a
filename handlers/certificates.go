package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
	"khuyencong/pdf"
)

func (h *Handler) certificateRoutes(r *router) {
	r.get("/courses/:id/certificates", Teaching, h.CertificateList)
	r.post("/courses/:id/certificates", Staff, h.CertificateIssue)
	r.post("/courses/:id/certificates/print", Staff, h.CertificatePrint)
	r.get("/certificates/preview.pdf", Staff, h.CertificatePreview)
	r.get("/certificates/register.xlsx", Staff, h.RegisterBook)
	r.get("/certificates/:serial.pdf", Teaching, h.CertificatePDF)
	r.get("/certificates/:serial", Teaching, h.CertificateShow)
	r.post("/certificates/:serial/revoke", Staff, h.CertificateRevoke)
	r.post("/certificates/:serial/correct", Staff, h.CertificateCorrect)
	r.get("/jobs/:id", Staff, h.JobShow)
	r.get("/jobs/:id/file", Staff, h.JobFile)
	r.get("/verify", Public, h.VerifyForm)
	r.post("/verify", Public, h.VerifyLookup)
	r.get("/verify/:token", Public, h.VerifyShow)
}

// printable turns a stored snapshot into what the PDF prints, with the QR's verification URL.
func (h *Handler) printable(snap models.CertSnapshot, revoked bool) pdf.Certificate {
	return pdf.Certificate{
		Kind: snap.Kind, Parent: snap.Parent, Unit: snap.Unit, Holder: snap.Holder, BirthDate: snap.BirthDate,
		Course: snap.Course, Craft: snap.Craft, StartDate: snap.StartDate, EndDate: snap.EndDate, Hours: snap.Hours,
		Place: snap.Place, Result: snap.Result, IssuePlace: snap.IssuePlace, IssuedOn: snap.IssuedOn,
		SignerTitle: snap.SignerTitle, SignerName: snap.SignerName, Serial: snap.Serial, Register: snap.Register,
		VerifyURL: h.verifyURL(snap.Serial), Revoked: revoked,
	}
}

func (h *Handler) verifyURL(serial string) string {
	return h.cfg.BaseURL + "/verify/" + h.store.CertificateToken(serial)
}

// certificatePDF returns the certificate's kept PDF, rendering and keeping it the first time. Once
// kept, every download is the same bytes, whatever has changed in the records since.
func (h *Handler) certificatePDF(ctx context.Context, c models.Certificate) ([]byte, error) {
	b, err := h.store.CertificatePDF(ctx, c.ID)
	if err != nil || b != nil {
		return b, err
	}
	b, err = pdf.RenderCertificate(h.printable(c.Snapshot, false))
	if err != nil {
		return nil, err
	}
	return h.store.StoreCertificatePDF(ctx, c.ID, b)
}

// CertificateList handles GET /courses/:id/certificates: who is eligible and why not, and what was issued.
func (h *Handler) CertificateList(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	return h.renderCertificates(c, fiber.StatusOK, course, role, nil, nil)
}

func (h *Handler) renderCertificates(c *fiber.Ctx, status int, course models.Course, role models.CourseRole, res *models.IssueResult, errs fieldErrors) error {
	rows, err := h.store.CourseEligibility(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	certs, err := h.store.ListCourseCertificates(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return h.render(c, status, "certificates/course", "certs.title", form{Errors: errs, Data: map[string]any{
		"Course": course, "Role": int(role), "Rows": rows, "Certificates": certs, "Result": res}})
}

// syncRenderLimit is how many certificates an "issue" request renders itself; above it, PDFs are
// rendered on first download or by the batch-print job, so the request stays short.
const syncRenderLimit = 100

// CertificateIssue handles POST /courses/:id/certificates: one certificate per eligible trainee, in one
// transaction; the page then lists who was skipped and why.
func (h *Handler) CertificateIssue(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	issued := date(errs, "issued_on", c.FormValue("issued_on"))
	if issued.IsZero() {
		issued = time.Now().In(vi.Zone)
	}
	if len(errs) == 0 {
		res, err := h.store.IssueCertificates(c.UserContext(), actor(c), course.ID, issued)
		if err == nil {
			if len(res.Issued) <= syncRenderLimit {
				for _, cert := range res.Issued {
					if _, err := h.certificatePDF(c.UserContext(), cert); err != nil {
						return err
					}
				}
			}
			return h.renderCertificates(c, fiber.StatusOK, course, role, &res, nil)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderCertificates(c, fiber.StatusUnprocessableEntity, course, role, nil, errs)
}

// certificateAccess loads a certificate whose course the user may read.
func (h *Handler) certificateAccess(c *fiber.Ctx) (models.Certificate, models.CourseRole, error) {
	serial, err := url.PathUnescape(c.Params("serial"))
	if err != nil || serial == "" || len(serial) > 60 {
		return models.Certificate{}, models.CourseNone, fiber.ErrNotFound
	}
	cert, err := h.store.GetCertificateBySerial(c.UserContext(), serial)
	if err != nil {
		return cert, models.CourseNone, err
	}
	role, err := h.store.CourseAccess(c.UserContext(), *currentUser(c), cert.CourseID)
	if err != nil {
		return cert, role, err
	}
	if role == models.CourseNone {
		return cert, role, fiber.ErrNotFound
	}
	return cert, role, nil
}

// CertificateShow handles GET /certificates/:serial.
func (h *Handler) CertificateShow(c *fiber.Ctx) error {
	cert, role, err := h.certificateAccess(c)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "certificates/show", "certs.one", form{Data: map[string]any{"Cert": cert, "Role": int(role)}})
}

// CertificatePDF handles GET /certificates/:serial.pdf: the kept PDF, byte for byte; a revoked
// certificate is stamped "ĐÃ THU HỒI" on the copy shown to staff.
func (h *Handler) CertificatePDF(c *fiber.Ctx) error {
	cert, _, err := h.certificateAccess(c)
	if err != nil {
		return err
	}
	var b []byte
	if cert.Status == models.CertRevoked {
		b, err = pdf.RenderCertificate(h.printable(cert.Snapshot, true))
	} else {
		b, err = h.certificatePDF(c.UserContext(), cert)
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s.pdf"`, cert.Serial))
	return c.Send(b)
}

// CertificatePreview handles GET /certificates/preview.pdf: the template with sample data, stamped MẪU.
func (h *Handler) CertificatePreview(c *fiber.Ctx) error {
	kind := "chung_chi"
	if c.Query("kind") == "giay_chung_nhan" {
		kind = "giay_chung_nhan"
	}
	sample := pdf.Certificate{Kind: kind, Parent: h.cfg.OrgParent, Unit: h.cfg.OrgUnit, Holder: "Nguyễn Thị Ngọc Ánh",
		BirthDate: "05/07/1990", Course: "Truyền nghề mây tre đan", Craft: "Mây tre đan", StartDate: "02/03/2026",
		EndDate: "10/04/2026", Hours: "60", Place: "Nhà văn hóa xã Tăng Tiến, Việt Yên", Result: "Khá", IssuePlace: "Bắc Giang",
		IssuedOn: time.Now().In(vi.Zone).Format(time.DateOnly), SignerTitle: "Giám đốc", SignerName: "Nguyễn Văn Giám",
		Serial: "KC-0000-000000", Register: "0000/0000", VerifyURL: h.cfg.BaseURL + "/verify/mau", SampleWarning: true}
	b, err := pdf.RenderCertificate(sample)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	return c.Send(b)
}

type revokeForm struct {
	Decision string `form:"decision"`
	Date     string `form:"date"`
	Reason   string `form:"reason"`
}

// CertificateRevoke handles POST /certificates/:serial/revoke (decision, date, reason).
func (h *Handler) CertificateRevoke(c *fiber.Ctx) error {
	cert, role, err := h.certificateAccess(c)
	if err != nil {
		return err
	}
	var f revokeForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	errs := fieldErrors{}
	in := models.RevokeInput{Decision: text(errs, "decision", f.Decision, 100), Date: date(errs, "date", f.Date), Reason: text(errs, "reason", f.Reason, 500)}
	if len(errs) == 0 {
		if _, err = h.store.RevokeCertificate(c.UserContext(), actor(c), cert.Serial, in); err == nil {
			return c.Redirect("/certificates/"+url.PathEscape(cert.Serial), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.render(c, fiber.StatusUnprocessableEntity, "certificates/show", "certs.one", form{Errors: errs,
		Values: map[string]string{"decision": f.Decision, "date": f.Date, "reason": f.Reason}, Data: map[string]any{"Cert": cert, "Role": int(role)}})
}

// CertificateCorrect handles POST /certificates/:serial/correct (reason): a new version from the
// corrected records; the old one becomes superseded.
func (h *Handler) CertificateCorrect(c *fiber.Ctx) error {
	cert, role, err := h.certificateAccess(c)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	reason := text(errs, "correct_reason", c.FormValue("reason"), 500)
	if len(errs) == 0 {
		nc, err := h.store.CorrectCertificate(c.UserContext(), actor(c), cert.Serial, reason, time.Now().In(vi.Zone))
		if err == nil {
			if _, err := h.certificatePDF(c.UserContext(), nc); err != nil {
				return err
			}
			return c.Redirect("/certificates/"+url.PathEscape(nc.Serial), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
		if errs["reason"] != "" {
			errs["correct_reason"] = errs["reason"]
			delete(errs, "reason")
		}
	}
	return h.render(c, fiber.StatusUnprocessableEntity, "certificates/show", "certs.one", form{Errors: errs, Data: map[string]any{"Cert": cert, "Role": int(role)}})
}

// verifyView is what the public may see of a certificate: never the national ID, full birth date or phone.
type verifyView struct {
	Holder     string `json:"holder"`
	BirthYear  string `json:"birth_year"`
	Course     string `json:"course"`
	Hours      string `json:"hours"`
	Result     string `json:"result,omitempty"`
	IssuedOn   string `json:"issued_on"`
	Serial     string `json:"serial"`
	Register   string `json:"register"`
	Issuer     string `json:"issuer"`
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	RevokedOn  string `json:"revoked_on,omitempty"`
	Decision   string `json:"revocation_decision,omitempty"`
	Reason     string `json:"revocation_reason,omitempty"`
	Superseded string `json:"superseded_by,omitempty"`
}

func viewOf(c models.Certificate) verifyView {
	v := verifyView{Holder: c.Snapshot.Holder, Course: c.Snapshot.Course, Hours: c.Snapshot.Hours, Result: c.Snapshot.Result,
		IssuedOn: vi.Date(c.IssuedOn), Serial: c.Serial, Register: c.RegisterLabel, Issuer: c.Snapshot.Unit, Kind: c.Kind, Status: c.Status}
	if parts := strings.Split(c.Snapshot.BirthDate, "/"); len(parts) == 3 {
		v.BirthYear = parts[2]
	}
	if c.RevocationDate != nil {
		v.RevokedOn = c.RevocationDate.Format("02/01/2006")
	}
	if c.RevocationDecision != nil {
		v.Decision = *c.RevocationDecision
	}
	if c.RevocationReason != nil {
		v.Reason = *c.RevocationReason
	}
	if c.SupersededBy != nil {
		v.Superseded = *c.SupersededBy
	}
	return v
}
