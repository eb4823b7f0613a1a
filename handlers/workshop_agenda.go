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

// wsAgendaFields is an agenda item as a form or the API sends it: times of day on the chosen day, and
// the speaker as "u:<user id>" (staff), "i:<instructor id>" or empty for an outside speaker by name.
type wsAgendaFields struct {
	SessionID   string `form:"session_id"`
	StartTime   string `form:"start_time"`
	EndTime     string `form:"end_time"`
	Topic       string `form:"topic"`
	Speaker     string `form:"speaker"`
	SpeakerName string `form:"speaker_name"`
	SpeakerOrg  string `form:"speaker_org"`
	// The API names a speaker on file by id instead of Speaker.
	SpeakerUserID       *int64 `form:"-"`
	SpeakerInstructorID *int64 `form:"-"`
}

func (f wsAgendaFields) values() map[string]string {
	return map[string]string{"session_id": f.SessionID, "start_time": f.StartTime, "end_time": f.EndTime, "topic": f.Topic,
		"speaker": f.Speaker, "speaker_name": f.SpeakerName, "speaker_org": f.SpeakerOrg}
}

// wsAgendaInput turns the fields into the model's input: the times are placed on the day's date in Vietnam.
func (h *Handler) wsAgendaInput(c *fiber.Ctx, courseID int64, f wsAgendaFields) (models.AgendaInput, fieldErrors, error) {
	errs := fieldErrors{}
	in := models.AgendaInput{
		Topic:               text(errs, "topic", f.Topic, 300),
		SpeakerName:         text(errs, "speaker_name", f.SpeakerName, 200),
		SpeakerOrg:          text(errs, "speaker_org", f.SpeakerOrg, 300),
		SpeakerUserID:       f.SpeakerUserID,
		SpeakerInstructorID: f.SpeakerInstructorID,
	}
	start, end := clock(errs, "start_time", f.StartTime), clock(errs, "end_time", f.EndTime)
	switch kind, id, _ := strings.Cut(strings.TrimSpace(f.Speaker), ":"); kind {
	case "":
	case "u":
		in.SpeakerUserID = optionalID(errs, "speaker", id)
	case "i":
		in.SpeakerInstructorID = optionalID(errs, "speaker", id)
	default:
		errs["speaker"] = "invalid_choice"
	}
	sid := optionalID(errs, "session_id", f.SessionID)
	if sid == nil {
		if errs["session_id"] == "" {
			errs["session_id"] = "required"
		}
		return in, errs, nil
	}
	sess, err := h.store.GetSession(c.UserContext(), *sid)
	switch {
	case err == nil && sess.CourseID == courseID:
		d := sess.StartsAt.In(vi.Zone)
		midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, vi.Zone)
		in.SessionID = *sid
		if errs["start_time"] == "" && errs["end_time"] == "" {
			in.StartsAt, in.EndsAt = midnight.Add(start), midnight.Add(end)
		}
	case err == nil || errors.Is(err, models.ErrNotFound):
		errs["session_id"] = "not_found"
	default:
		return in, errs, err
	}
	for k, v := range in.Validate() {
		switch k { // the forms call the model's start and end start_time and end_time
		case "starts_at":
			k = "start_time"
		case "ends_at":
			k = "end_time"
		}
		if errs[k] == "" {
			errs[k] = v
		}
	}
	return in, errs, nil
}

// wsAgendaErrors renames the model's time fields to the form's.
func wsAgendaErrors(err error, errs fieldErrors) bool {
	if !formError(err, errs, nil) {
		return false
	}
	for model, form := range map[string]string{"starts_at": "start_time", "ends_at": "end_time"} {
		if v, ok := errs[model]; ok {
			errs[form] = v
			delete(errs, model)
		}
	}
	return true
}

// AgendaCreate handles POST /workshops/:id/agenda.
func (h *Handler) AgendaCreate(c *fiber.Ctx) error {
	course, role, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	var f wsAgendaFields
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs, err := h.wsAgendaInput(c, course.ID, f)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		_, err := h.store.AddAgendaItem(c.UserContext(), actor(c), course.ID, in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/workshops/%d#day-%d", course.ID, in.SessionID), fiber.StatusSeeOther)
		}
		if !wsAgendaErrors(err, errs) {
			return err
		}
	}
	return h.renderWorkshop(c, fiber.StatusUnprocessableEntity, course, role, &form{Values: f.values(), Errors: errs})
}

// AgendaDelete handles POST /workshops/:id/agenda/:aid/delete.
func (h *Handler) AgendaDelete(c *fiber.Ctx) error {
	course, role, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(c.Params("aid"), 10, 64)
	if err != nil || aid < 1 {
		return fiber.ErrNotFound
	}
	if err := h.store.DeleteAgendaItem(c.UserContext(), actor(c), course.ID, aid); err != nil {
		errs := fieldErrors{}
		if formError(err, errs, nil) {
			return h.renderWorkshop(c, fiber.StatusUnprocessableEntity, course, role, &form{Errors: errs})
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/workshops/%d", course.ID), fiber.StatusSeeOther)
}

// WorkshopDoors handles POST /workshops/:id/days/:sid/doors: when check-in opens that day (HH:MM).
func (h *Handler) WorkshopDoors(c *fiber.Ctx) error {
	course, role, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	sess, err := h.sessionOf(c, course)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	at := clock(errs, "doors_open_at", c.FormValue("doors_time"))
	if len(errs) == 0 {
		d := sess.StartsAt.In(vi.Zone)
		when := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, vi.Zone).Add(at)
		if err = h.store.SetDoorsOpen(c.UserContext(), actor(c), course.ID, sess.ID, when); err == nil {
			return c.Redirect(fmt.Sprintf("/workshops/%d#day-%d", course.ID, sess.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderWorkshop(c, fiber.StatusUnprocessableEntity, course, role, &form{Errors: errs})
}

// wsSpeakerLine is how a speaker is printed: their name, then their organisation (the centre for staff).
func wsSpeakerLine(it models.AgendaItem) string {
	org := it.SpeakerOrg
	if it.SpeakerKind == models.SpeakerStaff {
		org = T(LangVI, "app.centre")
	}
	if org == "" {
		return it.Speaker
	}
	return it.Speaker + ", " + org
}

// wsVenueLine is the workshop's venue with its address and district.
func wsVenueLine(c models.Course) string {
	v := deref(c.VenueName)
	if a := deref(c.VenueAddress); a != "" {
		v += ", " + a
	}
	if d := deref(c.DistrictName); d != "" {
		v += " (" + d + ")"
	}
	return v
}

// WorkshopProgramme handles GET /workshops/:id/programme.pdf: the printable programme in Vietnamese.
func (h *Handler) WorkshopProgramme(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseReader)
	if err != nil {
		return err
	}
	days, err := h.store.WorkshopDays(c.UserContext(), course.ID)
	if err != nil {
		return err
	}
	p := pdf.Programme{Header: pdf.Header{Parent: h.cfg.OrgParent, Unit: h.cfg.OrgUnit}, Code: course.Code, Title: course.Title,
		Dates: vi.Date(course.StartDate) + " – " + vi.Date(course.EndDate), Venue: wsVenueLine(course), Created: course.StartDate}
	n := 0
	for _, d := range days {
		if d.Session.Status != "scheduled" {
			continue
		}
		n++
		pd := pdf.ProgrammeDay{Title: fmt.Sprintf("Ngày %d — %s", n, wsDayName(LangVI, d.Session.StartsAt)),
			Time:      wsClockRange(d.Session.StartsAt, d.Session.EndsAt),
			DoorsOpen: d.DoorsOpenAt.In(vi.Zone).Format("15:04"), Venue: d.Session.VenueName}
		for _, it := range d.Items {
			pd.Items = append(pd.Items, pdf.ProgrammeItem{Time: wsClockRange(it.StartsAt, it.EndsAt), Topic: it.Topic, Speaker: wsSpeakerLine(it)})
		}
		p.Days = append(p.Days, pd)
	}
	b, err := pdf.RenderProgramme(p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="chuong-trinh-%s.pdf"`, course.Code))
	return c.Send(b)
}

func wsClockRange(from, to time.Time) string {
	return from.In(vi.Zone).Format("15:04") + " – " + to.In(vi.Zone).Format("15:04")
}

// wsDayName is a day with its weekday in full: Thứ Năm, 12/03/2026.
func wsDayName(lang string, t time.Time) string {
	return T(lang, "ws.weekday."+strconv.Itoa(int(t.In(vi.Zone).Weekday()))) + ", " + vi.Date(t)
}
