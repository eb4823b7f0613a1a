package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
	"khuyencong/pdf"
)

// wsCheckinMessage says a check-in refusal in words, with the time the doors open when it is early.
func wsCheckinMessage(lang string, err error) (string, bool) {
	var r *models.CheckinRefusal
	if !errors.As(err, &r) {
		return "", false
	}
	if r.Reason == "ws_doors_not_open" {
		return fmt.Sprintf(T(lang, "ws.refuse.ws_doors_not_open"), r.DoorsOpenAt.In(vi.Zone).Format("15:04"), vi.Date(r.DoorsOpenAt)), true
	}
	return T(lang, "ws.refuse."+r.Reason), true
}

// wsCheckinPage is the data of the check-in list.
type wsCheckinPage struct {
	Course        models.Course
	Day           *models.CourseSession
	Closed        string // why nobody can be checked in now
	Registrations []models.EstablishmentRegistrations
	Confirmed     int
	CheckedIn     int
}

// CheckinList handles GET /workshops/:id/checkin: the phone-friendly list of today's participants by
// establishment; a tap on a name checks the person in.
func (h *Handler) CheckinList(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	return h.renderCheckin(c, fiber.StatusOK, course, "")
}

func (h *Handler) renderCheckin(c *fiber.Ctx, status int, course models.Course, problem string) error {
	ctx := c.UserContext()
	p := wsCheckinPage{Course: course}
	day, err := h.store.WorkshopDayNow(ctx, course.ID, time.Now())
	if msg, ok := wsCheckinMessage(Lang(c), err); ok {
		p.Closed = msg
	} else if err != nil {
		return err
	} else {
		sess, err := h.store.GetSession(ctx, day)
		if err != nil {
			return err
		}
		p.Day = &sess
	}
	if p.Registrations, err = h.store.WorkshopRegistrations(ctx, course.ID, day); err != nil {
		return err
	}
	for _, r := range p.Registrations {
		for _, pt := range r.Participants {
			if pt.Status == models.EnrolConfirmed {
				p.Confirmed++
				if pt.CheckedInAt != nil {
					p.CheckedIn++
				}
			}
		}
	}
	return h.render(c, status, "workshops/checkin", "ws.checkin", form{Error: problem, Data: p})
}

// CheckinTap handles POST /workshops/:id/checkin (enrolment_id): checks one person in from the list.
func (h *Handler) CheckinTap(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	eid, err := strconv.ParseInt(c.FormValue("enrolment_id"), 10, 64)
	if err != nil || eid < 1 {
		return fiber.ErrNotFound
	}
	if err := h.enrolmentOf(c, course.ID, eid); err != nil {
		return err
	}
	if _, err := h.store.CheckIn(c.UserContext(), actor(c), eid, time.Now(), "list"); err != nil {
		if msg, ok := wsCheckinMessage(Lang(c), err); ok {
			return h.renderCheckin(c, fiber.StatusUnprocessableEntity, course, msg)
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/workshops/%d/checkin#e%d", course.ID, eid), fiber.StatusSeeOther)
}

// checkinTarget finds the participant behind a scanned token, for staff or the workshop's trainer
// only; any other token or user answers 404.
func (h *Handler) checkinTarget(c *fiber.Ctx) (models.CheckinTarget, models.Course, error) {
	t, err := h.store.CheckinByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return t, models.Course{}, err
	}
	role, err := h.store.CourseAccess(c.UserContext(), *currentUser(c), t.CourseID)
	if err != nil {
		return t, models.Course{}, err
	}
	if role < models.CourseOwner {
		return t, models.Course{}, fiber.ErrNotFound
	}
	course, err := h.store.GetCourse(c.UserContext(), t.CourseID)
	if err == nil && course.Kind != models.KindWorkshop {
		err = fiber.ErrNotFound
	}
	return t, course, err
}

// CheckinConfirm handles GET /checkin/:token, the URL in an invitation's QR code: who it is, and a
// button to check them in. Opening the page changes nothing.
func (h *Handler) CheckinConfirm(c *fiber.Ctx) error {
	t, course, err := h.checkinTarget(c)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "workshops/checkin_confirm", "ws.checkin", form{Data: map[string]any{"Target": t, "Course": course}})
}

// CheckinByQR handles POST /checkin/:token: the check-in itself; a second one keeps the first time.
func (h *Handler) CheckinByQR(c *fiber.Ctx) error {
	t, course, err := h.checkinTarget(c)
	if err != nil {
		return err
	}
	data := map[string]any{"Target": t, "Course": course}
	done, err := h.store.CheckIn(c.UserContext(), actor(c), t.EnrolmentID, time.Now(), "qr")
	if err != nil {
		if msg, ok := wsCheckinMessage(Lang(c), err); ok {
			return h.render(c, fiber.StatusUnprocessableEntity, "workshops/checkin_confirm", "ws.checkin", form{Error: msg, Data: data})
		}
		return err
	}
	data["Done"] = done
	return h.render(c, fiber.StatusOK, "workshops/checkin_confirm", "ws.checkin", form{Data: data})
}

// InvitationsPDF handles POST /workshops/:id/invitations.pdf: one invitation page per confirmed
// participant, each with a new check-in QR; only_new=1 prints only those who never had one.
func (h *Handler) InvitationsPDF(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	inv, err := h.store.IssueInvitations(c.UserContext(), actor(c), course.ID, 0, c.FormValue("only_new") == "1")
	if err != nil {
		return err
	}
	return h.sendInvitations(c, course, inv, "giay-moi-"+course.Code)
}

// InvitationPDF handles POST /workshops/:id/registrations/:eid/invitation.pdf: one participant's
// invitation, printed again with a new QR (the old one stops working).
func (h *Handler) InvitationPDF(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	eid, err := strconv.ParseInt(c.Params("eid"), 10, 64)
	if err != nil || eid < 1 {
		return fiber.ErrNotFound
	}
	if err := h.enrolmentOf(c, course.ID, eid); err != nil {
		return err
	}
	inv, err := h.store.IssueInvitations(c.UserContext(), actor(c), course.ID, eid, false)
	if err != nil {
		return err
	}
	return h.sendInvitations(c, course, inv, fmt.Sprintf("giay-moi-%s-%d", course.Code, eid))
}

func (h *Handler) sendInvitations(c *fiber.Ctx, course models.Course, inv []models.Invitation, file string) error {
	days, err := h.store.WorkshopDays(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	set := pdf.Invitations{Header: pdf.Header{Parent: h.cfg.OrgParent, Unit: h.cfg.OrgUnit}, Title: course.Title,
		Venue: wsVenueLine(course), Place: "Bắc Giang", Created: models.Today()}
	for _, d := range days {
		if d.Session.Status != "scheduled" {
			continue
		}
		set.Days = append(set.Days, fmt.Sprintf("%s: %s (đón đại biểu từ %s)", wsDayName(LangVI, d.Session.StartsAt),
			wsClockRange(d.Session.StartsAt, d.Session.EndsAt), d.DoorsOpenAt.In(vi.Zone).Format("15:04")))
	}
	for _, i := range inv {
		salutation := map[string]string{"female": "Bà", "male": "Ông"}[i.Gender]
		if salutation == "" {
			salutation = "Ông/Bà"
		}
		addr := strings.Trim(i.CommuneName+", "+i.DistrictName, ", ")
		set.Cards = append(set.Cards, pdf.InvitationCard{Salutation: salutation, Name: i.FullName, JobTitle: i.JobTitle,
			Establishment: i.EstablishmentName, Address: addr, CheckinURL: h.cfg.BaseURL + "/checkin/" + i.Token})
	}
	b, err := pdf.RenderInvitations(set)
	if err != nil {
		return err
	}
	// The QR codes are live check-in tokens: no cache keeps them.
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s.pdf"`, file))
	return c.Send(b)
}
