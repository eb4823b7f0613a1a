package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

func (h *Handler) enrolmentRoutes(r *router) {
	r.get("/courses/:id/trainees", Teaching, h.EnrolmentList)
	r.post("/courses/:id/enrolments", Registrars, h.EnrolmentCreate)
	r.post("/courses/:id/enrolments/:eid/withdraw", Registrars, h.EnrolmentWithdraw)
	r.post("/courses/:id/capacity", Staff, h.CourseCapacity)
	r.get("/courses/:id/sessions/:sid/attendance", Teaching, h.AttendanceSheet)
	r.post("/courses/:id/sessions/:sid/attendance", Teaching, h.AttendanceMark)
	r.get("/courses/:id/results", Teaching, h.ResultList)
	r.post("/courses/:id/enrolments/:eid/result", Registrars, h.ResultSave)
}

// enrolmentsPage is the data of the class's trainee list.
type enrolmentsPage struct {
	Course     models.Course
	Role       int
	Enrolments []models.Enrolment
	Query      string
	Matches    []models.TraineeMatch
	Overlaps   []models.Overlap
	Pending    int64 // the trainee whose enrolment waits for "go ahead" after an overlap warning
	Done       *models.Enrolment
	Reasons    []string
}

// EnrolmentList handles GET /courses/:id/trainees: the enrolled, the queue, the withdrawn, and a search
// (without diacritics) to enrol more.
func (h *Handler) EnrolmentList(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	q := text(errs, "q", c.Query("q"), 200)
	if len(errs) > 0 {
		return errs
	}
	return h.renderEnrolments(c, fiber.StatusOK, course, role, enrolmentsPage{Query: q}, nil)
}

func (h *Handler) renderEnrolments(c *fiber.Ctx, status int, course models.Course, role models.CourseRole, p enrolmentsPage, errs fieldErrors) error {
	var err error
	if p.Enrolments, err = h.store.ListEnrolments(c.UserContext(), course.ID); err != nil {
		return err
	}
	if p.Query != "" && role >= models.CourseOwner {
		if p.Matches, err = h.store.FindTraineesForCourse(c.UserContext(), course.ID, p.Query); err != nil {
			return err
		}
	}
	if course, err = h.store.GetCourse(c.UserContext(), course.ID); err != nil {
		return err
	}
	p.Course, p.Role, p.Reasons = course, int(role), models.WithdrawReasons
	return h.render(c, status, "enrolments/list", "enrol.title", form{Errors: errs, Data: p})
}

// EnrolmentCreate handles POST /courses/:id/enrolments: a seat, or a place in the queue. An overlap
// with another class of the trainee is shown first; allow_overlap=1 goes ahead.
func (h *Handler) EnrolmentCreate(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	tid := optionalID(errs, "trainee_id", c.FormValue("trainee_id"))
	if tid == nil {
		errs["trainee_id"] = "required"
		return h.renderEnrolments(c, fiber.StatusUnprocessableEntity, course, role, enrolmentsPage{}, errs)
	}
	e, err := h.store.Enrol(c.UserContext(), actor(c), course.ID, *tid, models.EnrolOptions{AllowOverlap: c.FormValue("allow_overlap") == "1"})
	var oe *models.OverlapError
	switch {
	case errors.As(err, &oe):
		return h.renderEnrolments(c, fiber.StatusConflict, course, role, enrolmentsPage{Overlaps: oe.Overlaps, Pending: *tid, Query: c.FormValue("q")}, nil)
	case err != nil && formError(err, errs, nil):
		return h.renderEnrolments(c, fiber.StatusUnprocessableEntity, course, role, enrolmentsPage{Query: c.FormValue("q")}, errs)
	case err != nil:
		return err
	}
	return h.renderEnrolments(c, fiber.StatusCreated, course, role, enrolmentsPage{Done: &e}, nil)
}

// EnrolmentWithdraw handles POST /courses/:id/enrolments/:eid/withdraw with a reason.
func (h *Handler) EnrolmentWithdraw(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	eid, err := strconv.ParseInt(c.Params("eid"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := h.enrolmentOf(c, course.ID, eid); err != nil {
		return err
	}
	errs := fieldErrors{}
	note := text(errs, "note", c.FormValue("note"), 500)
	if len(errs) == 0 {
		_, err = h.store.Withdraw(c.UserContext(), actor(c), eid, c.FormValue("reason"), note)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/courses/%d/trainees", course.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderEnrolments(c, fiber.StatusUnprocessableEntity, course, role, enrolmentsPage{}, errs)
}

// enrolmentOf makes sure an enrolment belongs to the course in the URL (no reaching across classes).
func (h *Handler) enrolmentOf(c *fiber.Ctx, courseID, enrolmentID int64) error {
	e, err := h.store.GetEnrolment(c.UserContext(), enrolmentID)
	if err != nil {
		return err
	}
	if e.CourseID != courseID {
		return fiber.ErrNotFound
	}
	return nil
}

// CourseCapacity handles POST /courses/:id/capacity (staff): raising it promotes from the queue.
func (h *Handler) CourseCapacity(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	n := integer(errs, "capacity", c.FormValue("capacity"))
	if len(errs) == 0 {
		if err = h.store.SetCapacity(c.UserContext(), actor(c), course.ID, int(n)); err == nil {
			return c.Redirect(fmt.Sprintf("/courses/%d/trainees", course.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderEnrolments(c, fiber.StatusUnprocessableEntity, course, role, enrolmentsPage{}, errs)
}

// sessionAccess loads a session of a course the user may mark: staff, the class's trainer, or the
// session's own instructor.
func (h *Handler) sessionAccess(c *fiber.Ctx) (models.Course, models.CourseSession, bool, error) {
	course, role, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return course, models.CourseSession{}, false, err
	}
	sess, err := h.sessionOf(c, course)
	if err != nil {
		return course, sess, false, err
	}
	u := currentUser(c)
	teaches := sess.InstructorUser != nil && *sess.InstructorUser == u.ID
	if role < models.CourseOwner && !teaches {
		return course, sess, false, fiber.ErrNotFound
	}
	return course, sess, role == models.CourseStaff, nil
}

// AttendanceSheet handles GET /courses/:id/sessions/:sid/attendance: one row per trainee with four
// buttons, each row saved on its own so that two people never overwrite each other.
func (h *Handler) AttendanceSheet(c *fiber.Ctx) error {
	course, _, staff, err := h.sessionAccess(c)
	if err != nil {
		return err
	}
	return h.renderAttendance(c, fiber.StatusOK, course, staff, nil)
}

func (h *Handler) renderAttendance(c *fiber.Ctx, status int, course models.Course, staff bool, errs fieldErrors) error {
	sid, _ := sessionIDParam(c)
	sess, rows, err := h.store.SessionAttendance(c.UserContext(), sid)
	if err != nil {
		return err
	}
	now := time.Now()
	open := !now.Before(sess.StartsAt.Add(-models.MarkOpensBefore)) && (staff || !now.After(sess.EndsAt.Add(models.MarkClosesAfter)))
	return h.render(c, status, "enrolments/attendance", "attendance.title", form{Errors: errs, Data: map[string]any{
		"Course": course, "Session": sess, "Rows": rows, "Marks": models.AttendanceMarks, "Open": open}})
}

// AttendanceMark handles POST /courses/:id/sessions/:sid/attendance: one cell (enrolment_id, status,
// and the mark the person saw as expected).
func (h *Handler) AttendanceMark(c *fiber.Ctx) error {
	course, sess, staff, err := h.sessionAccess(c)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	eid := optionalID(errs, "enrolment_id", c.FormValue("enrolment_id"))
	if eid == nil {
		errs["enrolment_id"] = "required"
		return h.renderAttendance(c, fiber.StatusUnprocessableEntity, course, staff, errs)
	}
	in := models.MarkInput{EnrolmentID: *eid, Status: c.FormValue("status")}
	if exp, ok := formValue(c, "expected"); ok {
		in.Expected = &exp
	}
	if _, err := h.store.MarkAttendance(c.UserContext(), actor(c), sess.ID, in, staff, time.Now()); err != nil {
		if formError(err, errs, nil) {
			return h.renderAttendance(c, fiber.StatusUnprocessableEntity, course, staff, errs)
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/courses/%d/sessions/%d/attendance#e%d", course.ID, sess.ID, *eid), fiber.StatusSeeOther)
}

// formValue reports whether the field was sent at all (an empty value is a real "not marked yet").
func formValue(c *fiber.Ctx, name string) (string, bool) {
	args := c.Request().PostArgs()
	if !args.Has(name) {
		return "", false
	}
	return string(args.Peek(name)), true
}

// ResultList handles GET /courses/:id/results: hours, percentage, assessment and eligibility per trainee.
func (h *Handler) ResultList(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	return h.renderResults(c, fiber.StatusOK, course, role, nil)
}

func (h *Handler) renderResults(c *fiber.Ctx, status int, course models.Course, role models.CourseRole, errs fieldErrors) error {
	rows, err := h.store.CourseEligibility(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return h.render(c, status, "enrolments/results", "results.title", form{Errors: errs, Data: map[string]any{
		"Course": course, "Rows": rows, "Role": int(role)}})
}

// ResultSave handles POST /courses/:id/enrolments/:eid/result (score 0–10 with a decimal comma, passed).
func (h *Handler) ResultSave(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	eid, err := strconv.ParseInt(c.Params("eid"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := h.enrolmentOf(c, course.ID, eid); err != nil {
		return err
	}
	errs := fieldErrors{}
	in := models.ResultInput{Passed: c.FormValue("passed") == "1"}
	if s := strings.TrimSpace(c.FormValue("score")); s != "" {
		v := decimal(errs, "score", s)
		in.Score = &v
	}
	if len(errs) == 0 {
		if err = h.store.SetResult(c.UserContext(), actor(c), eid, in); err == nil {
			return c.Redirect(fmt.Sprintf("/courses/%d/results#e%d", course.ID, eid), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderResults(c, fiber.StatusUnprocessableEntity, course, role, errs)
}
