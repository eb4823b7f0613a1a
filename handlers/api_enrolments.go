package handlers

import (
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

func (h *Handler) enrolmentAPIRoutes(r *router) {
	r.get("/api/v1/courses/:id/enrolments", Teaching, h.APIEnrolmentList)
	r.post("/api/v1/courses/:id/enrolments", Registrars, h.APIEnrolmentCreate)
	r.get("/api/v1/courses/:id/eligibility", Teaching, h.APIEligibility)
	r.post("/api/v1/enrolments/:id/withdraw", Registrars, h.APIEnrolmentWithdraw)
	r.put("/api/v1/enrolments/:id/result", Registrars, h.APIResultSave)
	r.get("/api/v1/sessions/:id/attendance", Teaching, h.APIAttendance)
	r.put("/api/v1/sessions/:id/attendance", Teaching, h.APIAttendanceMark)
}

// APIEnrolmentList handles GET /api/v1/courses/:id/enrolments.
func (h *Handler) APIEnrolmentList(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	list, err := h.store.ListEnrolments(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

// APIEnrolmentCreate handles POST /api/v1/courses/:id/enrolments: 201 with status and waitlist_position,
// or 409 with the overlapping sessions unless allow_overlap is true.
func (h *Handler) APIEnrolmentCreate(c *fiber.Ctx) error {
	courseID, _, err := h.courseRole(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var j struct {
		TraineeID       int64  `json:"trainee_id"`
		AllowOverlap    bool   `json:"allow_overlap"`
		EstablishmentID *int64 `json:"establishment_id"`
		JobTitle        string `json:"job_title"`
	}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	errs := fieldErrors{}
	if j.TraineeID < 1 {
		errs["trainee_id"] = "required"
	}
	job := text(errs, "job_title", j.JobTitle, 200)
	if len(errs) > 0 {
		return errs
	}
	e, err := h.store.Enrol(c.UserContext(), actor(c), courseID, j.TraineeID, models.EnrolOptions{
		AllowOverlap: j.AllowOverlap, EstablishmentID: j.EstablishmentID, JobTitle: job})
	var oe *models.OverlapError
	if errors.As(err, &oe) {
		return c.Status(fiber.StatusConflict).JSON(Problem{Type: "about:blank", Title: "Conflict", Status: fiber.StatusConflict,
			Detail: T(Lang(c), "enrol.overlap"), Overlaps: oe.Overlaps, RequestID: requestID(c)}, "application/problem+json")
	}
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/courses/%d/enrolments", courseID))
	return c.Status(fiber.StatusCreated).JSON(e)
}

// enrolmentAccess loads an enrolment whose course the user may handle at the given level.
func (h *Handler) enrolmentAccess(c *fiber.Ctx, need models.CourseRole) (models.Enrolment, error) {
	id, err := idParam(c)
	if err != nil {
		return models.Enrolment{}, err
	}
	e, err := h.store.GetEnrolment(c.UserContext(), id)
	if err != nil {
		return e, err
	}
	role, err := h.store.CourseAccess(c.UserContext(), *currentUser(c), e.CourseID)
	if err != nil {
		return e, err
	}
	if role < need || role == models.CourseNone {
		return e, fiber.ErrNotFound
	}
	return e, nil
}

// APIEnrolmentWithdraw handles POST /api/v1/enrolments/:id/withdraw {reason, note}.
func (h *Handler) APIEnrolmentWithdraw(c *fiber.Ctx) error {
	e, err := h.enrolmentAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var j struct {
		Reason string `json:"reason"`
		Note   string `json:"note"`
	}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	errs := fieldErrors{}
	note := text(errs, "note", j.Note, 500)
	if len(errs) > 0 {
		return errs
	}
	out, err := h.store.Withdraw(c.UserContext(), actor(c), e.ID, j.Reason, note)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APIResultSave handles PUT /api/v1/enrolments/:id/result {score, passed}.
func (h *Handler) APIResultSave(c *fiber.Ctx) error {
	e, err := h.enrolmentAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var j struct {
		Score  *float64 `json:"score"`
		Passed bool     `json:"passed"`
	}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	if err := h.store.SetResult(c.UserContext(), actor(c), e.ID, models.ResultInput{Score: j.Score, Passed: j.Passed}); err != nil {
		return err
	}
	rows, err := h.store.CourseEligibility(c.UserContext(), e.CourseID)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.EnrolmentID == e.ID {
			return c.JSON(r)
		}
	}
	return fiber.ErrNotFound
}

// APIEligibility handles GET /api/v1/courses/:id/eligibility.
func (h *Handler) APIEligibility(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	rows, err := h.store.CourseEligibility(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rows, "min_attendance_pct": course.MinAttendancePct})
}

// apiSession loads a session the user may mark (staff, the class's trainer, the session's instructor).
func (h *Handler) apiSession(c *fiber.Ctx) (models.CourseSession, bool, error) {
	id, err := idParam(c)
	if err != nil {
		return models.CourseSession{}, false, err
	}
	sess, err := h.store.GetSession(c.UserContext(), id)
	if err != nil {
		return sess, false, err
	}
	u := currentUser(c)
	role, err := h.store.CourseAccess(c.UserContext(), *u, sess.CourseID)
	if err != nil {
		return sess, false, err
	}
	teaches := sess.InstructorUser != nil && *sess.InstructorUser == u.ID
	if role < models.CourseOwner && !teaches {
		return sess, false, fiber.ErrNotFound
	}
	return sess, role == models.CourseStaff, nil
}

// APIAttendance handles GET /api/v1/sessions/:id/attendance.
func (h *Handler) APIAttendance(c *fiber.Ctx) error {
	sess, _, err := h.apiSession(c)
	if err != nil {
		return err
	}
	_, rows, err := h.store.SessionAttendance(c.UserContext(), sess.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"session": sess, "items": rows})
}

// APIAttendanceMark handles PUT /api/v1/sessions/:id/attendance {enrolment_id, status, expected}: one cell.
func (h *Handler) APIAttendanceMark(c *fiber.Ctx) error {
	sess, staff, err := h.apiSession(c)
	if err != nil {
		return err
	}
	var j struct {
		EnrolmentID int64   `json:"enrolment_id"`
		Status      string  `json:"status"`
		Expected    *string `json:"expected"`
	}
	if err := c.BodyParser(&j); err != nil {
		return fiber.ErrBadRequest
	}
	if j.EnrolmentID < 1 {
		return fieldErrors{"enrolment_id": "required"}
	}
	row, err := h.store.MarkAttendance(c.UserContext(), actor(c), sess.ID, models.MarkInput{EnrolmentID: j.EnrolmentID, Status: j.Status, Expected: j.Expected}, staff, time.Now())
	if err != nil {
		return err
	}
	return c.JSON(row)
}
