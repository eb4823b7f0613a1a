package handlers

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

func (h *Handler) courseAPIRoutes(r *router) {
	r.get("/api/v1/courses", Teaching, h.APICourseList)
	r.post("/api/v1/courses", Registrars, h.APICourseCreate)
	r.get("/api/v1/courses/:id", Teaching, h.APICourseShow)
	r.patch("/api/v1/courses/:id", Registrars, h.APICourseUpdate)
	r.post("/api/v1/courses/:id/transitions", Registrars, h.APICourseTransition)
	r.get("/api/v1/courses/:id/sessions", Teaching, h.APISessionList)
	r.post("/api/v1/courses/:id/sessions", Registrars, h.APISessionCreate)
	r.post("/api/v1/courses/:id/sessions/generate", Registrars, h.APISessionGenerate)
	r.patch("/api/v1/courses/:id/sessions/:sid", Registrars, h.APISessionMove)
	r.post("/api/v1/courses/:id/sessions/:sid/cancel", Registrars, h.APISessionCancel)
	r.get("/api/v1/courses/:id/staff", Teaching, h.APIStaffList)
	r.post("/api/v1/courses/:id/staff", Staff, h.APIStaffAssign)
}

// courseJSON is the API's class registration; dates are yyyy-mm-dd.
type courseJSON struct {
	Kind                  string   `json:"kind"`
	CraftID               *int64   `json:"craft_id"`
	Title                 string   `json:"title"`
	Description           string   `json:"description"`
	TargetGroup           string   `json:"target_group"`
	VenueID               *int64   `json:"venue_id"`
	Capacity              int      `json:"capacity"`
	PerEstablishmentLimit *int     `json:"per_establishment_limit"`
	StartDate             string   `json:"start_date"`
	EndDate               string   `json:"end_date"`
	Budget                int64    `json:"budget"`
	MinAttendancePct      *float64 `json:"min_attendance_pct"`
	TrainerID             *int64   `json:"trainer_id"`
}

// APICourseList handles GET /api/v1/courses.
func (h *Handler) APICourseList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	f := models.CourseFilter{ListParams: p, Status: c.Query("status"), Kind: c.Query("kind")}
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

func (h *Handler) courseFromJSON(c *fiber.Ctx, j courseJSON) (models.CourseInput, error) {
	f := courseForm{Kind: j.Kind, Title: j.Title, Description: j.Description, TargetGroup: j.TargetGroup,
		Capacity: strconv.Itoa(j.Capacity), StartDate: j.StartDate, EndDate: j.EndDate, Budget: strconv.FormatInt(j.Budget, 10),
		CraftID: idString(j.CraftID), VenueID: idString(j.VenueID), TrainerID: idString(j.TrainerID)}
	if j.MinAttendancePct != nil {
		f.MinAttendancePct = strconv.FormatFloat(*j.MinAttendancePct, 'f', -1, 64)
	}
	if j.PerEstablishmentLimit != nil {
		f.PerEstablishmentLimit = strconv.Itoa(*j.PerEstablishmentLimit)
	}
	in, errs, err := h.courseInput(c, f)
	if err != nil {
		return in, err
	}
	if len(errs) > 0 {
		return in, errs
	}
	return in, nil
}

// APICourseCreate handles POST /api/v1/courses: 201 with the draft class.
func (h *Handler) APICourseCreate(c *fiber.Ctx) error {
	var j courseJSON
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	in, err := h.courseFromJSON(c, j)
	if err != nil {
		return err
	}
	course, err := h.store.CreateCourse(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/courses/%d", course.ID))
	return c.Status(fiber.StatusCreated).JSON(course)
}

// APICourseShow handles GET /api/v1/courses/:id.
func (h *Handler) APICourseShow(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	return c.JSON(course)
}

// APICourseUpdate handles PATCH /api/v1/courses/:id with the whole registration.
func (h *Handler) APICourseUpdate(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	j := courseJSON{Kind: course.Kind, CraftID: course.CraftID, Title: course.Title, Description: course.Description,
		TargetGroup: course.TargetGroup, VenueID: course.VenueID, Capacity: course.Capacity, PerEstablishmentLimit: course.PerEstablishmentLimit,
		StartDate: course.StartDate.Format(time.DateOnly), EndDate: course.EndDate.Format(time.DateOnly), Budget: course.Budget,
		MinAttendancePct: &course.MinAttendancePct, TrainerID: course.TrainerID}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	in, err := h.courseFromJSON(c, j)
	if err != nil {
		return err
	}
	updated, err := h.store.UpdateCourse(c.UserContext(), actor(c), course.ID, in)
	if err != nil {
		return err
	}
	return c.JSON(updated)
}

// APICourseTransition handles POST /api/v1/courses/:id/transitions {action, reason}.
func (h *Handler) APICourseTransition(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var j struct {
		Action string `json:"action"`
		Reason string `json:"reason"`
	}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	if !mayTransition(role, course.Status, j.Action) {
		return fiber.ErrForbidden
	}
	errs := fieldErrors{}
	reason := text(errs, "reason", j.Reason, 500)
	if len(errs) > 0 {
		return errs
	}
	updated, err := h.store.TransitionCourse(c.UserContext(), actor(c), course.ID, j.Action, reason)
	if err != nil {
		return err
	}
	return c.JSON(updated)
}

// APISessionList handles GET /api/v1/courses/:id/sessions.
func (h *Handler) APISessionList(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	sessions, err := h.store.ListSessions(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": sessions})
}

// sessionJSON is one session in the API: RFC 3339 times.
type sessionJSON struct {
	VenueID      int64     `json:"venue_id"`
	InstructorID int64     `json:"instructor_id"`
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"`
	Topic        string    `json:"topic"`
	Reason       string    `json:"reason"`
}

func (j sessionJSON) input() (models.SessionInput, error) {
	errs := fieldErrors{}
	in := models.SessionInput{VenueID: j.VenueID, InstructorID: j.InstructorID, StartsAt: j.StartsAt, EndsAt: j.EndsAt,
		Topic: text(errs, "topic", j.Topic, 300)}
	for k, v := range in.Validate() {
		errs[k] = v
	}
	if len(errs) > 0 {
		return in, errs
	}
	return in, nil
}

// APISessionCreate handles POST /api/v1/courses/:id/sessions: 201, or 409 with the clashes.
func (h *Handler) APISessionCreate(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var j sessionJSON
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	in, err := j.input()
	if err != nil {
		return err
	}
	s, err := h.store.AddSession(c.UserContext(), actor(c), course.ID, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s)
}

// APISessionGenerate handles POST /api/v1/courses/:id/sessions/generate.
func (h *Handler) APISessionGenerate(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var j struct {
		Weekdays     []int  `json:"weekdays"`
		StartTime    string `json:"start_time"`
		EndTime      string `json:"end_time"`
		From         string `json:"from"`
		Until        string `json:"until"`
		Count        int    `json:"count"`
		VenueID      int64  `json:"venue_id"`
		InstructorID int64  `json:"instructor_id"`
		Topic        string `json:"topic"`
		SaveOthers   bool   `json:"save_others"`
	}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	f := sessionForm{StartTime: j.StartTime, EndTime: j.EndTime, From: j.From, Until: j.Until, Topic: j.Topic,
		VenueID: strconv.FormatInt(j.VenueID, 10), InstructorID: strconv.FormatInt(j.InstructorID, 10)}
	if j.Count > 0 {
		f.Count = strconv.Itoa(j.Count)
	}
	for _, d := range j.Weekdays {
		f.Weekdays = append(f.Weekdays, strconv.Itoa(d))
	}
	r, errs := f.rule()
	if len(errs) > 0 {
		return errs
	}
	res, err := h.store.GenerateSessions(c.UserContext(), actor(c), course.ID, r, j.SaveOthers)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}

// APISessionMove handles PATCH /api/v1/courses/:id/sessions/:sid.
func (h *Handler) APISessionMove(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	sid, err := sessionIDParam(c)
	if err != nil {
		return err
	}
	var j sessionJSON
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	in, err := j.input()
	if err != nil {
		return err
	}
	s, err := h.store.MoveSession(c.UserContext(), actor(c), course.ID, sid, in, j.Reason)
	if err != nil {
		return err
	}
	return c.JSON(s)
}

// APISessionCancel handles POST /api/v1/courses/:id/sessions/:sid/cancel {reason}.
func (h *Handler) APISessionCancel(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	sid, err := sessionIDParam(c)
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
	if err := h.store.CancelSession(c.UserContext(), actor(c), course.ID, sid, reason); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// APIStaffList handles GET /api/v1/courses/:id/staff.
func (h *Handler) APIStaffList(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	staff, err := h.store.ListCourseStaff(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": staff})
}

// APIStaffAssign handles POST /api/v1/courses/:id/staff {instructor_id, role}.
func (h *Handler) APIStaffAssign(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	var j struct {
		InstructorID int64  `json:"instructor_id"`
		Role         string `json:"role"`
	}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	if j.InstructorID < 1 {
		return fieldErrors{"instructor_id": "required"}
	}
	if err := h.store.AssignStaff(c.UserContext(), actor(c), course.ID, j.InstructorID, j.Role); err != nil {
		return err
	}
	staff, err := h.store.ListCourseStaff(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"items": staff})
}
