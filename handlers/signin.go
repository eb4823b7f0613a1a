package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
	"khuyencong/pdf"
)

// SessionSignInSheet handles GET /courses/:id/sessions/:sid/signin.pdf: the printable sign-in sheet.
func (h *Handler) SessionSignInSheet(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	sess, err := h.sessionOf(c, course)
	if err != nil {
		return err
	}
	people, err := h.store.SessionAttendees(c.UserContext(), course.ID, sess.ID)
	if err != nil {
		return err
	}
	sheet := pdf.SignInSheet{
		Header:     pdf.Header{Parent: h.cfg.OrgParent, Unit: h.cfg.OrgUnit},
		CourseCode: course.Code, Course: course.Title,
		Date:  vi.Date(sess.StartsAt),
		Time:  sess.StartsAt.In(vi.Zone).Format("15:04") + " – " + sess.EndsAt.In(vi.Zone).Format("15:04"),
		Venue: sess.VenueName, Instructor: sess.InstructorName, Topic: sess.Topic,
		Created: sess.StartsAt.Truncate(24 * time.Hour),
	}
	for _, p := range people {
		row := pdf.SignInRow{Name: p.FullName}
		if p.BirthDate != nil {
			row.BirthDate = p.BirthDate.Format("02/01/2006")
		}
		if p.Commune != nil {
			row.Commune = *p.Commune
		}
		sheet.Rows = append(sheet.Rows, row)
	}
	b, err := pdf.RenderSignInSheet(sheet)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="ky-nhan-%s-%s.pdf"`, course.Code, sess.StartsAt.In(vi.Zone).Format("20060102")))
	return c.Send(b)
}
