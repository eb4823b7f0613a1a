package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
)

func (h *Handler) certificateAPIRoutes(r *router) {
	r.get("/api/v1/courses/:id/certificates", Teaching, h.APICertificateList)
	r.post("/api/v1/courses/:id/certificates", Staff, h.APICertificateIssue)
	r.post("/api/v1/courses/:id/certificates.pdf", Staff, h.CertificatePrint)
	r.get("/api/v1/jobs/:id", Staff, h.JobShow)
	r.get("/api/v1/jobs/:id/file", Staff, h.JobFile)
	r.get("/api/v1/certificates/:serial.pdf", Teaching, h.CertificatePDF)
	r.get("/api/v1/certificates/:serial", Teaching, h.APICertificateShow)
	r.post("/api/v1/certificates/:serial/revoke", Staff, h.APICertificateRevoke)
	r.post("/api/v1/certificates/:serial/correct", Staff, h.APICertificateCorrect)
	r.get("/api/v1/verify/:token", Public, h.APIVerify)
	r.get("/api/v1/register.xlsx", Staff, h.RegisterBook)
}

// APICertificateList handles GET /api/v1/courses/:id/certificates.
func (h *Handler) APICertificateList(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	certs, err := h.store.ListCourseCertificates(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": certs})
}

// APICertificateIssue handles POST /api/v1/courses/:id/certificates {issued_on}: 201 with what was
// issued and who was skipped and why.
func (h *Handler) APICertificateIssue(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	var j struct {
		IssuedOn string `json:"issued_on"`
	}
	if len(c.Body()) > 0 {
		if err := c.BodyParser(&j); err != nil {
			return fiber.ErrBadRequest
		}
	}
	errs := fieldErrors{}
	issued := date(errs, "issued_on", j.IssuedOn)
	if len(errs) > 0 {
		return errs
	}
	if issued.IsZero() {
		issued = time.Now().In(vi.Zone)
	}
	res, err := h.store.IssueCertificates(c.UserContext(), actor(c), course.ID, issued)
	if err != nil {
		return err
	}
	if len(res.Issued) <= syncRenderLimit {
		for _, cert := range res.Issued {
			if _, err := h.certificatePDF(c.UserContext(), cert); err != nil {
				return err
			}
		}
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}

// APICertificateShow handles GET /api/v1/certificates/:serial.
func (h *Handler) APICertificateShow(c *fiber.Ctx) error {
	cert, _, err := h.certificateAccess(c)
	if err != nil {
		return err
	}
	return c.JSON(cert)
}

// APICertificateRevoke handles POST /api/v1/certificates/:serial/revoke {decision, date, reason}.
func (h *Handler) APICertificateRevoke(c *fiber.Ctx) error {
	cert, _, err := h.certificateAccess(c)
	if err != nil {
		return err
	}
	var j struct {
		Decision string `json:"decision"`
		Date     string `json:"date"`
		Reason   string `json:"reason"`
	}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	errs := fieldErrors{}
	in := models.RevokeInput{Decision: text(errs, "decision", j.Decision, 100), Date: date(errs, "date", j.Date), Reason: text(errs, "reason", j.Reason, 500)}
	if len(errs) > 0 {
		return errs
	}
	out, err := h.store.RevokeCertificate(c.UserContext(), actor(c), cert.Serial, in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APICertificateCorrect handles POST /api/v1/certificates/:serial/correct {reason}: 201 with the new version.
func (h *Handler) APICertificateCorrect(c *fiber.Ctx) error {
	cert, _, err := h.certificateAccess(c)
	if err != nil {
		return err
	}
	var j struct {
		Reason string `json:"reason"`
	}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	errs := fieldErrors{}
	reason := text(errs, "reason", j.Reason, 500)
	if len(errs) > 0 {
		return errs
	}
	nc, err := h.store.CorrectCertificate(c.UserContext(), actor(c), cert.Serial, reason, time.Now().In(vi.Zone))
	if err != nil {
		return err
	}
	if _, err := h.certificatePDF(c.UserContext(), nc); err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/certificates/%s", nc.Serial))
	return c.Status(fiber.StatusCreated).JSON(nc)
}
