package handlers

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// workshopRoutes registers the management-capacity workshops (activity KC2): pages, the public
// registration page, check-in by list or by the QR of an invitation, the PDFs and the JSON API.
// Registering for a workshop, printing invitations and checking people in are for staff and the
// workshop's own trainer (CourseOwner); anyone who teaches may read a workshop they have to do with.
func (h *Handler) workshopRoutes(r *router) {
	r.get("/workshops", Teaching, h.WorkshopList)
	r.get("/workshops/new", Registrars, h.WorkshopNew)
	r.post("/workshops", Registrars, h.WorkshopCreate)
	r.get("/workshops/:id", Teaching, h.WorkshopShow)
	r.post("/workshops/:id/agenda", Registrars, h.AgendaCreate)
	r.post("/workshops/:id/agenda/:aid/delete", Registrars, h.AgendaDelete)
	r.post("/workshops/:id/days/:sid/doors", Registrars, h.WorkshopDoors)
	r.get("/workshops/:id/programme.pdf", Teaching, h.WorkshopProgramme)
	r.get("/workshops/:id/registrations", Registrars, h.RegistrationForm)
	r.post("/workshops/:id/registrations", Registrars, h.RegistrationCreate)
	r.get("/workshops/:id/register", Public, h.PublicRegisterForm)
	r.post("/workshops/:id/register", Public, h.PublicRegister)
	r.get("/workshops/:id/checkin", Teaching, h.CheckinList)
	r.post("/workshops/:id/checkin", Teaching, h.CheckinTap)
	// Printing invitations issues new check-in tokens (the old printouts stop working), so it is a POST.
	r.post("/workshops/:id/invitations.pdf", Registrars, h.InvitationsPDF)
	r.post("/workshops/:id/registrations/:eid/invitation.pdf", Registrars, h.InvitationPDF)
	r.get("/checkin/:token", Teaching, h.CheckinConfirm)
	r.post("/checkin/:token", Teaching, h.CheckinByQR)

	r.get("/api/v1/workshops", Teaching, h.APIWorkshopList)
	r.post("/api/v1/workshops", Registrars, h.APIWorkshopCreate)
	r.get("/api/v1/workshops/:id", Teaching, h.APIWorkshopShow)
	r.get("/api/v1/workshops/:id/agenda", Teaching, h.APIAgendaList)
	r.post("/api/v1/workshops/:id/agenda", Registrars, h.APIAgendaCreate)
	r.get("/api/v1/workshops/:id/registrations", Teaching, h.APIRegistrationList)
	r.post("/api/v1/workshops/:id/registrations", Registrars, h.APIRegistrationCreate)
	r.get("/api/v1/workshops/:id/reach", Teaching, h.APIWorkshopReach)
	r.post("/api/v1/registrations/:id/check-in", Teaching, h.APICheckIn)
}

// workshopAccess loads a workshop the user may see at the given level; classes of other kinds and
// workshops that are not theirs answer 404.
func (h *Handler) workshopAccess(c *fiber.Ctx, need models.CourseRole) (models.Course, models.CourseRole, error) {
	course, role, err := h.courseAccess(c, need)
	if err != nil {
		return course, role, err
	}
	if course.Kind != models.KindWorkshop {
		return course, role, fiber.ErrNotFound
	}
	return course, role, nil
}

// workshopInput is the course input of a workshop form: the kind is fixed, there is no craft, and the
// certificate needs every day attended unless the form says otherwise.
func (h *Handler) workshopInput(c *fiber.Ctx, f courseForm) (models.CourseInput, fieldErrors, error) {
	f.Kind, f.CraftID = models.KindWorkshop, ""
	if f.MinAttendancePct == "" {
		f.MinAttendancePct = "100"
	}
	return h.courseInput(c, f)
}

// WorkshopList handles GET /workshops: every workshop for staff; their own for trainers and masters.
func (h *Handler) WorkshopList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	f := models.CourseFilter{ListParams: p, Status: c.Query("status"), Kind: models.KindWorkshop}
	if u := currentUser(c); u.Role == models.RoleTrainer || u.Role == models.RoleMaster {
		f.OwnerUserID = u.ID
	}
	list, err := h.store.ListCourses(c.UserContext(), f)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "workshops/list", "ws.title", map[string]any{"List": list, "Params": p, "Filter": f})
}

func (h *Handler) renderWorkshopForm(c *fiber.Ctx, status int, f courseForm, errs fieldErrors) error {
	choices, err := h.courseChoices(c)
	if err != nil {
		return err
	}
	return h.render(c, status, "workshops/new", "ws.new", form{Values: f.values(), Errors: errs, Data: map[string]any{"Choices": choices}})
}

// WorkshopNew handles GET /workshops/new.
func (h *Handler) WorkshopNew(c *fiber.Ctx) error {
	return h.renderWorkshopForm(c, fiber.StatusOK, courseForm{Capacity: "40", PerEstablishmentLimit: "2", MinAttendancePct: "100"}, nil)
}

// WorkshopCreate handles POST /workshops: a draft course of kind management_workshop.
func (h *Handler) WorkshopCreate(c *fiber.Ctx) error {
	var f courseForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs, err := h.workshopInput(c, f)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		course, err := h.store.CreateCourse(c.UserContext(), actor(c), in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/workshops/%d", course.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderWorkshopForm(c, fiber.StatusUnprocessableEntity, f, errs)
}

// workshopPage is the data of a workshop's page.
type workshopPage struct {
	Course        models.Course
	Role          int
	Days          []models.WorkshopDay
	Registrations []models.EstablishmentRegistrations
	Reach         models.WorkshopReach
	Eligible      map[int64]models.Eligibility
	EligibleCount int
	Staff         []models.Choice
	Instructors   []models.Choice
	PublicURL     string
	Open          bool // registration is open (approved or running)
}

// WorkshopShow handles GET /workshops/:id: the days and their agenda, registrations by establishment
// with each person's eligibility, the reach panel and the documents.
func (h *Handler) WorkshopShow(c *fiber.Ctx) error {
	course, role, err := h.workshopAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	return h.renderWorkshop(c, fiber.StatusOK, course, role, &form{})
}

func (h *Handler) renderWorkshop(c *fiber.Ctx, status int, course models.Course, role models.CourseRole, f *form) error {
	ctx := c.UserContext()
	p := workshopPage{Course: course, Role: int(role), Eligible: map[int64]models.Eligibility{},
		PublicURL: fmt.Sprintf("%s/workshops/%d/register", h.cfg.BaseURL, course.ID),
		Open:      course.Status == models.StatusApproved || course.Status == models.StatusRunning}
	var err error
	if p.Days, err = h.store.WorkshopDays(ctx, course.ID); err != nil {
		return err
	}
	if p.Registrations, err = h.store.WorkshopRegistrations(ctx, course.ID, 0); err != nil {
		return err
	}
	if p.Reach, err = h.store.WorkshopReach(ctx, course.ID); err != nil {
		return err
	}
	rows, err := h.store.CourseEligibility(ctx, course.ID)
	if err != nil {
		return err
	}
	for _, r := range rows {
		p.Eligible[r.EnrolmentID] = r
		if r.Eligible {
			p.EligibleCount++
		}
	}
	if role >= models.CourseOwner {
		if p.Staff, err = h.store.StaffChoices(ctx); err != nil {
			return err
		}
		if p.Instructors, err = h.store.Choices(ctx, "instructors"); err != nil {
			return err
		}
	}
	if f.Values == nil {
		f.Values = map[string]string{}
		if len(p.Days) > 0 {
			f.Values["session_id"] = strconv.FormatInt(p.Days[0].Session.ID, 10)
		}
	}
	f.Data = p
	return h.render(c, status, "workshops/show", "ws.title", *f)
}
