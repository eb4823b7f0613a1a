package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// titleForm is what staff submit to record a master's title.
type titleForm struct {
	Title        string `form:"title"`
	CraftID      string `form:"craft_id"`
	AwardingBody string `form:"awarding_body"`
	DecisionNo   string `form:"decision_no"`
	DecisionDate string `form:"decision_date"`
}

func (f titleForm) clean() (models.TitleInput, fieldErrors) {
	errs := fieldErrors{}
	in := models.TitleInput{
		Title:        strings.TrimSpace(f.Title),
		AwardingBody: text(errs, "awarding_body", f.AwardingBody, models.MaxAwardingBody),
		DecisionNo:   text(errs, "decision_no", f.DecisionNo, models.MaxDecisionNo),
	}
	if v := strings.TrimSpace(f.CraftID); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			errs["craft_id"] = "instr_unknown_craft"
		}
		in.CraftID = id
	}
	if d, ok := instrParseDate(f.DecisionDate); ok {
		in.DecisionDate = d
	} else {
		errs["decision_date"] = "instr_invalid_date"
	}
	instrMerge(errs, in.Validate())
	return in, errs
}

// instrParseDate reads a date as people type it (dd/mm/yyyy, d/m/yyyy) or as ISO 8601 (yyyy-mm-dd).
// An empty string is a missing date (zero, ok); the model says it is required.
func instrParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func instrTitleErr(err error, errs fieldErrors) bool {
	if !formError(err, errs, instrUnique) {
		return false
	}
	if errs["title"] == "duplicate" {
		errs["title"] = "instr_title_duplicate"
	}
	return true
}

// MasterTitleAdd handles POST /instructors/:id/titles; on bad input the master's page comes back with
// the messages beside the title form.
func (h *Handler) MasterTitleAdd(c *fiber.Ctx) error {
	// Only masters hold titles: anyone else is not found, whatever the form says.
	m, err := h.instrOfKind(c, models.InstructorMaster)
	if err != nil {
		return err
	}
	id := m.ID
	var f titleForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := f.clean()
	if len(errs) == 0 {
		_, err := h.store.AddMasterTitle(c.UserContext(), actor(c), id, in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/instructors/%d#titles", id), fiber.StatusSeeOther)
		}
		if !instrTitleErr(err, errs) {
			return err
		}
	}
	values := map[string]string{"title": f.Title, "craft_id": f.CraftID, "awarding_body": f.AwardingBody,
		"decision_no": f.DecisionNo, "decision_date": f.DecisionDate}
	return h.renderInstructorShow(c, fiber.StatusUnprocessableEntity, id, form{Values: values, Errors: errs})
}

// MasterTitleRemove handles POST /instructors/:id/titles/:title_id/delete.
func (h *Handler) MasterTitleRemove(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	titleID, err := strconv.ParseInt(c.Params("title_id"), 10, 64)
	if err != nil || titleID < 1 {
		return fiber.ErrNotFound
	}
	if err := h.store.RemoveMasterTitle(c.UserContext(), actor(c), id, titleID); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/instructors/%d#titles", id), fiber.StatusSeeOther)
}
