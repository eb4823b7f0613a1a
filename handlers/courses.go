package handlers

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// Registering classes is for staff and trainers; reading them for anyone who teaches.
var Registrars = Access{Roles: []string{models.RoleAdmin, models.RoleStaff, models.RoleTrainer}}

func (h *Handler) courseRoutes(r *router) {
	r.get("/courses", Teaching, h.CourseList)
	r.get("/courses/new", Registrars, h.CourseNew)
	r.post("/courses", Registrars, h.CourseCreate)
	r.get("/courses/:id", Teaching, h.CourseShow)
	r.get("/courses/:id/edit", Registrars, h.CourseEdit)
	r.post("/courses/:id", Registrars, h.CourseUpdate)
	r.post("/courses/:id/transition", Registrars, h.CourseTransition)
	r.post("/courses/:id/sessions", Registrars, h.SessionCreate)
	r.post("/courses/:id/sessions/generate", Registrars, h.SessionGenerate)
	r.post("/courses/:id/sessions/:sid/move", Registrars, h.SessionMove)
	r.post("/courses/:id/sessions/:sid/cancel", Registrars, h.SessionCancel)
	r.get("/courses/:id/sessions/:sid/signin.pdf", Teaching, h.SessionSignInSheet)
	r.post("/courses/:id/staff", Staff, h.StaffAssign)
	r.post("/courses/:id/staff/:iid/remove", Staff, h.StaffRemove)
}

// courseAccess loads a course the user may see, with what they may do. A course that is not theirs
// answers 404 to trainers and masters, as if it did not exist; need raises the bar for changes.
func (h *Handler) courseAccess(c *fiber.Ctx, need models.CourseRole) (models.Course, models.CourseRole, error) {
	id, err := idParam(c)
	if err != nil {
		return models.Course{}, models.CourseNone, err
	}
	course, role, err := h.store.CourseAs(c.UserContext(), *currentUser(c), id) // one query: course and access
	if err != nil {
		return models.Course{}, models.CourseNone, err
	}
	if role < need || role == models.CourseNone {
		return models.Course{}, role, fiber.ErrNotFound
	}
	return course, role, nil
}

// courseRole is courseAccess for handlers that need only the course's id. Staff and admins may
// handle every course, so it costs them no query (for a course that does not exist the model answers
// ErrNotFound); trainers' and masters' access is checked. The enrolment API uses it: under a burst
// of enrolments, loading the whole course for each request (with its seat counts) cost more than
// the enrolment itself.
func (h *Handler) courseRole(c *fiber.Ctx, need models.CourseRole) (int64, models.CourseRole, error) {
	id, err := idParam(c)
	if err != nil {
		return 0, models.CourseNone, err
	}
	u := currentUser(c)
	role := models.CourseStaff
	if u.Role != models.RoleStaff && u.Role != models.RoleAdmin {
		if role, err = h.store.CourseAccess(c.UserContext(), *u, id); err != nil {
			return 0, models.CourseNone, err
		}
	}
	if role < need || role == models.CourseNone {
		return 0, role, fiber.ErrNotFound
	}
	return id, role, nil
}

// courseForm is what the class registration form submits; it binds nothing else.
type courseForm struct {
	Kind                  string `form:"kind"`
	CraftID               string `form:"craft_id"`
	Title                 string `form:"title"`
	Description           string `form:"description"`
	TargetGroup           string `form:"target_group"`
	VenueID               string `form:"venue_id"`
	Capacity              string `form:"capacity"`
	PerEstablishmentLimit string `form:"per_establishment_limit"`
	StartDate             string `form:"start_date"`
	EndDate               string `form:"end_date"`
	Budget                string `form:"budget"`
	MinAttendancePct      string `form:"min_attendance_pct"`
	TrainerID             string `form:"trainer_id"`
}

func (f courseForm) values() map[string]string {
	return map[string]string{
		"kind": f.Kind, "craft_id": f.CraftID, "title": f.Title, "description": f.Description,
		"target_group": f.TargetGroup, "venue_id": f.VenueID, "capacity": f.Capacity,
		"per_establishment_limit": f.PerEstablishmentLimit, "start_date": f.StartDate, "end_date": f.EndDate,
		"budget": f.Budget, "min_attendance_pct": f.MinAttendancePct, "trainer_id": f.TrainerID,
	}
}

func formOfCourse(c models.Course) courseForm {
	id := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	f := courseForm{
		Kind: c.Kind, CraftID: id(c.CraftID), Title: c.Title, Description: c.Description, TargetGroup: c.TargetGroup,
		VenueID: id(c.VenueID), Capacity: strconv.Itoa(c.Capacity), StartDate: c.StartDate.Format("02/01/2006"),
		EndDate: c.EndDate.Format("02/01/2006"), Budget: strconv.FormatInt(c.Budget, 10),
		MinAttendancePct: strconv.FormatFloat(c.MinAttendancePct, 'f', -1, 64), TrainerID: id(c.TrainerID),
	}
	if c.PerEstablishmentLimit != nil {
		f.PerEstablishmentLimit = strconv.Itoa(*c.PerEstablishmentLimit)
	}
	return f
}

// input parses the form; a trainer always registers for themself.
func (h *Handler) courseInput(c *fiber.Ctx, f courseForm) (models.CourseInput, fieldErrors, error) {
	errs := fieldErrors{}
	in := models.CourseInput{
		Kind:             f.Kind,
		CraftID:          optionalID(errs, "craft_id", f.CraftID),
		Title:            text(errs, "title", f.Title, 300),
		Description:      text(errs, "description", f.Description, 5000),
		TargetGroup:      text(errs, "target_group", f.TargetGroup, 500),
		VenueID:          optionalID(errs, "venue_id", f.VenueID),
		Capacity:         int(integer(errs, "capacity", f.Capacity)),
		StartDate:        date(errs, "start_date", f.StartDate),
		EndDate:          date(errs, "end_date", f.EndDate),
		Budget:           integer(errs, "budget", f.Budget),
		MinAttendancePct: 80,
		TrainerID:        optionalID(errs, "trainer_id", f.TrainerID),
	}
	if f.MinAttendancePct != "" {
		in.MinAttendancePct = decimal(errs, "min_attendance_pct", f.MinAttendancePct)
	}
	if f.PerEstablishmentLimit != "" {
		n := int(integer(errs, "per_establishment_limit", f.PerEstablishmentLimit))
		in.PerEstablishmentLimit = &n
	} else if in.Kind == models.KindWorkshop {
		two := 2
		in.PerEstablishmentLimit = &two
	}
	if u := currentUser(c); u.Role == models.RoleTrainer {
		id, err := h.store.TrainerInstructorID(c.UserContext(), *u)
		if err != nil {
			return in, errs, err
		}
		in.TrainerID = &id
	}
	for k, v := range in.Validate() {
		if _, ok := errs[k]; !ok {
			errs[k] = v
		}
	}
	return in, errs, nil
}

// courseChoices are the select boxes of the course form.
func (h *Handler) courseChoices(c *fiber.Ctx) (map[string][]models.Choice, error) {
	out := map[string][]models.Choice{}
	for _, what := range []string{"crafts", "venues", "trainers", "masters", "instructors"} {
		ch, err := h.store.Choices(c.UserContext(), what)
		if err != nil {
			return nil, err
		}
		out[what] = ch
	}
	return out, nil
}

func (h *Handler) renderCourseForm(c *fiber.Ctx, status int, page string, f courseForm, errs fieldErrors, course *models.Course) error {
	choices, err := h.courseChoices(c)
	if err != nil {
		return err
	}
	return h.render(c, status, page, "courses.register", form{Values: f.values(), Errors: errs,
		Data: map[string]any{"Choices": choices, "Kinds": models.CourseKinds, "Course": course}})
}

// CourseList handles GET /courses: all classes for staff; their own for trainers and masters.
func (h *Handler) CourseList(c *fiber.Ctx) error {
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
	return h.render(c, fiber.StatusOK, "courses/list", "courses.title", map[string]any{"List": list, "Params": p, "Filter": f, "Kinds": models.CourseKinds})
}

// CourseNew handles GET /courses/new.
func (h *Handler) CourseNew(c *fiber.Ctx) error {
	return h.renderCourseForm(c, fiber.StatusOK, "courses/new", courseForm{Kind: models.KindVocational, MinAttendancePct: "80", Capacity: "30"}, nil, nil)
}

// CourseCreate handles POST /courses: the class is saved as a draft and its page shown.
func (h *Handler) CourseCreate(c *fiber.Ctx) error {
	var f courseForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs, err := h.courseInput(c, f)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		course, err := h.store.CreateCourse(c.UserContext(), actor(c), in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/courses/%d", course.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderCourseForm(c, fiber.StatusUnprocessableEntity, "courses/new", f, errs, nil)
}

// CourseShow handles GET /courses/:id: details, sessions with hours, staff and seats.
func (h *Handler) CourseShow(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	return h.renderCourse(c, fiber.StatusOK, course, role, nil)
}

// renderCourse shows the course page, with the outcome of a refused action (field errors or clashes).
func (h *Handler) renderCourse(c *fiber.Ctx, status int, course models.Course, role models.CourseRole, problem *form) error {
	sessions, err := h.store.ListSessions(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	staff, err := h.store.ListCourseStaff(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	var choices map[string][]models.Choice
	if role >= models.CourseOwner {
		if choices, err = h.courseChoices(c); err != nil {
			return err
		}
	}
	if problem == nil {
		problem = &form{}
	}
	if problem.Values == nil {
		problem.Values = map[string]string{"venue_id": idString(course.VenueID), "instructor_id": idString(course.TrainerID),
			"start_time": "07:30", "end_time": "11:30", "from": course.StartDate.Format("02/01/2006"), "until": course.EndDate.Format("02/01/2006")}
	}
	problem.Data = map[string]any{"Course": course, "Sessions": sessions, "Staff": staff, "Role": int(role), "Choices": choices}
	return h.render(c, status, "courses/show", "courses.title", *problem)
}

func idString(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// CourseEdit handles GET /courses/:id/edit.
func (h *Handler) CourseEdit(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	return h.renderCourseForm(c, fiber.StatusOK, "courses/edit", formOfCourse(course), nil, &course)
}

// CourseUpdate handles POST /courses/:id.
func (h *Handler) CourseUpdate(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var f courseForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs, err := h.courseInput(c, f)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		_, err := h.store.UpdateCourse(c.UserContext(), actor(c), course.ID, in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/courses/%d", course.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderCourseForm(c, fiber.StatusUnprocessableEntity, "courses/edit", f, errs, &course)
}

// CourseTransition handles POST /courses/:id/transition: submit (the class's trainer or staff); return,
// approve, start, complete (staff); cancel with a reason (staff, or the trainer before approval).
func (h *Handler) CourseTransition(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	action, reason := c.FormValue("action"), c.FormValue("reason")
	if !mayTransition(role, course.Status, action) {
		return fiber.ErrForbidden
	}
	errs := fieldErrors{}
	reason = text(errs, "reason", reason, 500)
	if len(errs) == 0 {
		_, err = h.store.TransitionCourse(c.UserContext(), actor(c), course.ID, action, reason)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/courses/%d", course.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderCourse(c, fiber.StatusUnprocessableEntity, course, role, &form{Errors: errs})
}

// mayTransition: staff may take any step; a class's own trainer may submit it, and withdraw
// (cancel) it before it is approved.
func mayTransition(role models.CourseRole, status, action string) bool {
	if role == models.CourseStaff {
		return true
	}
	return role == models.CourseOwner && (action == models.ActionSubmit ||
		(action == models.ActionCancel && (status == models.StatusDraft || status == models.StatusSubmitted)))
}

// clashOrFieldErrors re-renders the course page with the clashes of a refused booking, or returns other errors.
func (h *Handler) clashOrFieldErrors(c *fiber.Ctx, course models.Course, role models.CourseRole, values map[string]string, err error) error {
	errs := fieldErrors{}
	var ce *models.ClashError
	switch {
	case errors.As(err, &ce):
		return h.renderCourse(c, fiber.StatusConflict, course, role, &form{Values: values, Error: "courses.clash", Clashes: ce.Clashes})
	case formError(err, errs, nil):
		return h.renderCourse(c, fiber.StatusUnprocessableEntity, course, role, &form{Values: values, Errors: errs})
	}
	return err
}
