package handlers

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// APIWorkshopList handles GET /api/v1/workshops: all workshops for staff, their own for trainers.
func (h *Handler) APIWorkshopList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	f := models.CourseFilter{ListParams: p, Status: c.Query("status"), Kind: models.KindWorkshop}
	f.Year, _ = strconv.Atoi(c.Query("year"))
	if u := currentUser(c); u.Role == models.RoleTrainer || u.Role == models.RoleMaster {
		f.OwnerUserID = u.ID
	}
	list, err := h.store.ListCourses(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// APIWorkshopCreate handles POST /api/v1/workshops: 201 with a draft course of kind
// management_workshop (per-establishment limit 2 and attendance 100% unless given).
func (h *Handler) APIWorkshopCreate(c *fiber.Ctx) error {
	var j courseJSON
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	j.Kind, j.CraftID = models.KindWorkshop, nil
	if j.MinAttendancePct == nil {
		all := 100.0
		j.MinAttendancePct = &all
	}
	in, err := h.courseFromJSON(c, j)
	if err != nil {
		return err
	}
	course, err := h.store.CreateCourse(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/workshops/%d", course.ID))
	return c.Status(fiber.StatusCreated).JSON(course)
}

// APIWorkshopShow handles GET /api/v1/workshops/:id: the workshop, its days with their agenda, and
// its reach.
func (h *Handler) APIWorkshopShow(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	days, err := h.store.WorkshopDays(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	reach, err := h.store.WorkshopReach(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"workshop": course, "days": days, "reach": reach})
}

// APIAgendaList handles GET /api/v1/workshops/:id/agenda.
func (h *Handler) APIAgendaList(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	items, err := h.store.ListAgenda(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// APIAgendaCreate handles POST /api/v1/workshops/:id/agenda: 201 with the item.
func (h *Handler) APIAgendaCreate(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var j struct {
		SessionID           int64  `json:"session_id"`
		StartTime           string `json:"start_time"`
		EndTime             string `json:"end_time"`
		Topic               string `json:"topic"`
		SpeakerUserID       *int64 `json:"speaker_user_id"`
		SpeakerInstructorID *int64 `json:"speaker_instructor_id"`
		SpeakerName         string `json:"speaker_name"`
		SpeakerOrg          string `json:"speaker_org"`
	}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs, err := h.wsAgendaInput(c, course.ID, wsAgendaFields{SessionID: strconv.FormatInt(j.SessionID, 10), StartTime: j.StartTime,
		EndTime: j.EndTime, Topic: j.Topic, SpeakerName: j.SpeakerName, SpeakerOrg: j.SpeakerOrg,
		SpeakerUserID: j.SpeakerUserID, SpeakerInstructorID: j.SpeakerInstructorID})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs
	}
	item, err := h.store.AddAgendaItem(c.UserContext(), actor(c), course.ID, in)
	if err != nil {
		if wsAgendaErrors(err, errs) {
			return errs
		}
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/workshops/%d/agenda", course.ID))
	return c.Status(fiber.StatusCreated).JSON(item)
}

// APIRegistrationList handles GET /api/v1/workshops/:id/registrations: by establishment, with each
// person's status and first check-in (personal data: staff and the workshop's trainer only).
func (h *Handler) APIRegistrationList(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	regs, err := h.store.WorkshopRegistrations(c.UserContext(), course.ID, 0)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": regs})
}

// wsRegistrationJSON is a registration sent to the API: an establishment on file or a new one, and
// the people it sends.
type wsRegistrationJSON struct {
	EstablishmentID int64 `json:"establishment_id"`
	Establishment   *struct {
		Name           string `json:"name"`
		Kind           string `json:"kind"`
		RegistrationNo string `json:"registration_no"`
		CommuneCode    string `json:"commune_code"`
		Representative string `json:"representative"`
		Phone          string `json:"phone"`
	} `json:"establishment"`
	Participants []struct {
		FullName string `json:"full_name"`
		Gender   string `json:"gender"`
		JobTitle string `json:"job_title"`
		Phone    string `json:"phone"`
		IDNumber string `json:"id_number"`
	} `json:"participants"`
}

func (j wsRegistrationJSON) input() (models.WorkshopRegistrationInput, fieldErrors) {
	errs := fieldErrors{}
	in := models.WorkshopRegistrationInput{EstablishmentID: j.EstablishmentID}
	if j.EstablishmentID < 0 {
		errs["establishment_id"] = "invalid_choice"
	}
	if e := j.Establishment; e != nil && j.EstablishmentID == 0 {
		in.Establishment = models.EstablishmentInput{Name: text(errs, "establishment.name", e.Name, 300),
			Kind: text(errs, "establishment.kind", e.Kind, 40), RegistrationNo: text(errs, "establishment.registration_no", e.RegistrationNo, 40),
			CommuneCode: text(errs, "establishment.commune_code", e.CommuneCode, 10), Representative: text(errs, "establishment.representative", e.Representative, 200),
			Phone: text(errs, "establishment.phone", e.Phone, 30)}
	}
	if len(j.Participants) > models.MaxParticipants {
		errs["participants"] = "ws_too_many_participants"
		return in, errs
	}
	for i, p := range j.Participants {
		pre := fmt.Sprintf("participants.%d.", i)
		in.Participants = append(in.Participants, models.ParticipantInput{FullName: text(errs, pre+"full_name", p.FullName, 200),
			Gender: text(errs, pre+"gender", p.Gender, 20), JobTitle: text(errs, pre+"job_title", p.JobTitle, 200),
			Phone: text(errs, pre+"phone", p.Phone, 30), IDNumber: text(errs, pre+"id_number", p.IDNumber, 30)})
	}
	return in, errs
}

// APIRegistrationCreate handles POST /api/v1/workshops/:id/registrations: 201 with the establishment and
// each participant's status and waitlist position; 422 says what is wrong ("Mỗi cơ sở được cử tối đa
// 2 người" in detail when the establishment would send too many).
func (h *Handler) APIRegistrationCreate(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var j wsRegistrationJSON
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := j.input()
	if len(errs) > 0 {
		return errs
	}
	done, err := h.store.RegisterForWorkshop(c.UserContext(), actor(c), course.ID, in)
	if err != nil {
		if !formError(err, errs, map[string]string{"establishments_registration_no_key": "establishment.registration_no"}) {
			return err
		}
		lang := Lang(c)
		wsLimitMessage(lang, course, errs)
		detail := T(lang, "error.422")
		if errs["participants"] != "" {
			detail = fieldMessage(lang, errs["participants"])
		}
		return h.wsProblem(c, fiber.StatusUnprocessableEntity, detail, errs)
	}
	c.Location(fmt.Sprintf("/api/v1/workshops/%d/registrations", course.ID))
	return c.Status(fiber.StatusCreated).JSON(done)
}

// wsProblem answers application/problem+json with a detail of the handler's own.
func (h *Handler) wsProblem(c *fiber.Ctx, status int, detail string, errs fieldErrors) error {
	c.Status(status)
	return c.JSON(Problem{Type: "about:blank", Title: httpTitle(status), Status: status, Detail: detail,
		Errors: translateFields(Lang(c), errs), RequestID: requestID(c)}, "application/problem+json; charset=utf-8")
}

// APIWorkshopReach handles GET /api/v1/workshops/:id/reach.
func (h *Handler) APIWorkshopReach(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	reach, err := h.store.WorkshopReach(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return c.JSON(reach)
}

// APICheckIn handles POST /api/v1/registrations/:id/check-in ({id} is the enrolment): 201 for the first
// check-in of the day, 200 with already=true and the first time for a repeat, 422 before the doors open.
func (h *Handler) APICheckIn(c *fiber.Ctx) error {
	e, err := h.enrolmentAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	done, err := h.store.CheckIn(c.UserContext(), actor(c), e.ID, time.Now(), "api")
	if err != nil {
		if msg, ok := wsCheckinMessage(Lang(c), err); ok {
			return h.wsProblem(c, fiber.StatusUnprocessableEntity, msg, fieldErrors{"check_in": msg})
		}
		return err
	}
	if done.Already {
		return c.JSON(done)
	}
	return c.Status(fiber.StatusCreated).JSON(done)
}
