package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// sessionForm is what the add, move and generate forms submit.
type sessionForm struct {
	VenueID      string   `form:"venue_id"`
	InstructorID string   `form:"instructor_id"`
	Date         string   `form:"date"`
	StartTime    string   `form:"start_time"`
	EndTime      string   `form:"end_time"`
	Topic        string   `form:"topic"`
	Reason       string   `form:"reason"`
	Weekdays     []string `form:"weekdays"`
	From         string   `form:"from"`
	Until        string   `form:"until"`
	Count        string   `form:"count"`
	SaveOthers   string   `form:"save_others"`
}

func (f sessionForm) values() map[string]string {
	v := map[string]string{"venue_id": f.VenueID, "instructor_id": f.InstructorID, "date": f.Date, "start_time": f.StartTime,
		"end_time": f.EndTime, "topic": f.Topic, "reason": f.Reason, "from": f.From, "until": f.Until, "count": f.Count}
	for _, d := range f.Weekdays {
		v["wd"+d] = "on"
	}
	return v
}

func (f sessionForm) input() (models.SessionInput, fieldErrors) {
	errs := fieldErrors{}
	in := models.SessionInput{Topic: text(errs, "topic", f.Topic, 300)}
	if id := optionalID(errs, "venue_id", f.VenueID); id != nil {
		in.VenueID = *id
	}
	if id := optionalID(errs, "instructor_id", f.InstructorID); id != nil {
		in.InstructorID = *id
	}
	d := date(errs, "date", f.Date)
	if d.IsZero() && errs["date"] == "" {
		errs["date"] = "required"
	}
	start, end := clock(errs, "start_time", f.StartTime), clock(errs, "end_time", f.EndTime)
	if len(errs) == 0 {
		in.StartsAt, in.EndsAt = d.Add(start), d.Add(end)
		for k, v := range in.Validate() {
			errs[k] = v
		}
	}
	return in, errs
}

// SessionCreate handles POST /courses/:id/sessions: one session, refused with the clashing class shown.
func (h *Handler) SessionCreate(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var f sessionForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := f.input()
	if len(errs) > 0 {
		return h.renderCourse(c, fiber.StatusUnprocessableEntity, course, role, &form{Values: f.values(), Errors: errs})
	}
	if _, err := h.store.AddSession(c.UserContext(), actor(c), course.ID, in); err != nil {
		return h.clashOrFieldErrors(c, course, role, f.values(), err)
	}
	return c.Redirect(fmt.Sprintf("/courses/%d#sessions", course.ID), fiber.StatusSeeOther)
}

// rule parses the recurring-session form.
func (f sessionForm) rule() (models.Rule, fieldErrors) {
	errs := fieldErrors{}
	r := models.Rule{Topic: text(errs, "topic", f.Topic, 300)}
	for _, d := range f.Weekdays {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 6 {
			errs["weekdays"] = "invalid_choice"
			continue
		}
		r.Weekdays = append(r.Weekdays, time.Weekday(n))
	}
	if id := optionalID(errs, "venue_id", f.VenueID); id != nil {
		r.VenueID = *id
	}
	if id := optionalID(errs, "instructor_id", f.InstructorID); id != nil {
		r.InstructorID = *id
	}
	r.StartClock, r.EndClock = clock(errs, "start_time", f.StartTime), clock(errs, "end_time", f.EndTime)
	r.From, r.Until = date(errs, "from", f.From), date(errs, "until", f.Until)
	if strings.TrimSpace(f.Count) != "" {
		r.Count = int(integer(errs, "count", f.Count))
		if r.Count > 0 {
			r.Until = time.Time{}
		}
	}
	for k, v := range r.Validate() {
		if _, ok := errs[k]; !ok {
			errs[k] = v
		}
	}
	return r, errs
}

// SessionGenerate handles POST /courses/:id/sessions/generate: all or nothing, unless "save the others".
func (h *Handler) SessionGenerate(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var f sessionForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	r, errs := f.rule()
	if len(errs) > 0 {
		return h.renderCourse(c, fiber.StatusUnprocessableEntity, course, role, &form{Values: f.values(), Errors: errs})
	}
	res, err := h.store.GenerateSessions(c.UserContext(), actor(c), course.ID, r, f.SaveOthers != "")
	if err != nil {
		return h.clashOrFieldErrors(c, course, role, f.values(), err)
	}
	// Show what was made, what holidays were skipped and, when saving the others, what clashed.
	course, err = h.store.GetCourse(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	return h.renderCourse(c, fiber.StatusOK, course, role, &form{Values: f.values(), Clashes: res.Clashes, Generated: &res})
}

// SessionMove handles POST /courses/:id/sessions/:sid/move.
func (h *Handler) SessionMove(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	sid, err := sessionIDParam(c)
	if err != nil {
		return err
	}
	var f sessionForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := f.input()
	if len(errs) > 0 {
		return h.renderCourse(c, fiber.StatusUnprocessableEntity, course, role, &form{Values: f.values(), Errors: errs})
	}
	if _, err := h.store.MoveSession(c.UserContext(), actor(c), course.ID, sid, in, f.Reason); err != nil {
		return h.clashOrFieldErrors(c, course, role, f.values(), err)
	}
	return c.Redirect(fmt.Sprintf("/courses/%d#sessions", course.ID), fiber.StatusSeeOther)
}

// SessionCancel handles POST /courses/:id/sessions/:sid/cancel (a reason is required).
func (h *Handler) SessionCancel(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	sid, err := sessionIDParam(c)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	reason := text(errs, "reason", c.FormValue("reason"), 500)
	if len(errs) == 0 {
		err = h.store.CancelSession(c.UserContext(), actor(c), course.ID, sid, reason)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/courses/%d#sessions", course.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderCourse(c, fiber.StatusUnprocessableEntity, course, role, &form{Errors: errs})
}

// StaffAssign handles POST /courses/:id/staff (staff only): a master or trainer with a role.
func (h *Handler) StaffAssign(c *fiber.Ctx) error {
	course, role, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	id := optionalID(errs, "instructor_id", c.FormValue("instructor_id"))
	if id == nil && errs["instructor_id"] == "" {
		errs["instructor_id"] = "required"
	}
	values := map[string]string{"instructor_id": c.FormValue("instructor_id"), "staff_role": c.FormValue("role")}
	if len(errs) > 0 {
		return h.renderCourse(c, fiber.StatusUnprocessableEntity, course, role, &form{Values: values, Errors: errs})
	}
	if err := h.store.AssignStaff(c.UserContext(), actor(c), course.ID, *id, c.FormValue("role")); err != nil {
		return h.clashOrFieldErrors(c, course, role, values, err)
	}
	return c.Redirect(fmt.Sprintf("/courses/%d#staff", course.ID), fiber.StatusSeeOther)
}

// StaffRemove handles POST /courses/:id/staff/:iid/remove.
func (h *Handler) StaffRemove(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	iid, err := strconv.ParseInt(c.Params("iid"), 10, 64)
	if err != nil || iid < 1 {
		return fiber.ErrNotFound
	}
	if err := h.store.RemoveStaff(c.UserContext(), actor(c), course.ID, iid); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/courses/%d#staff", course.ID), fiber.StatusSeeOther)
}
