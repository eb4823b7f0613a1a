package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

func (h *Handler) instructorAPIRoutes(r *router) {
	r.get("/api/v1/masters", instructorReaders, h.APIMasterList)
	r.post("/api/v1/masters", Staff, h.APIMasterCreate)
	r.get("/api/v1/masters/:id", instructorReaders, h.APIMasterShow)
	r.patch("/api/v1/masters/:id", Staff, h.APIMasterUpdate)
	r.post("/api/v1/masters/:id/titles", Staff, h.APIMasterTitleAdd)
	r.delete("/api/v1/masters/:id/titles/:title_id", Staff, h.APIMasterTitleRemove)

	r.get("/api/v1/trainers", instructorReaders, h.APITrainerList)
	r.post("/api/v1/trainers", Staff, h.APITrainerCreate)
	r.get("/api/v1/trainers/:id", instructorReaders, h.APITrainerShow)
	r.patch("/api/v1/trainers/:id", Staff, h.APITrainerUpdate)
}

// APIMasterList handles GET /api/v1/masters (?q, ?sort, ?page, ?per_page, ?craft_id).
func (h *Handler) APIMasterList(c *fiber.Ctx) error {
	return h.apiInstructorList(c, models.InstructorMaster)
}

// APITrainerList handles GET /api/v1/trainers.
func (h *Handler) APITrainerList(c *fiber.Ctx) error {
	return h.apiInstructorList(c, models.InstructorTrainer)
}

// APIMasterCreate handles POST /api/v1/masters.
func (h *Handler) APIMasterCreate(c *fiber.Ctx) error {
	return h.apiInstructorCreate(c, models.InstructorMaster)
}

// APITrainerCreate handles POST /api/v1/trainers.
func (h *Handler) APITrainerCreate(c *fiber.Ctx) error {
	return h.apiInstructorCreate(c, models.InstructorTrainer)
}

// APIMasterShow handles GET /api/v1/masters/:id: the master with crafts and titles.
func (h *Handler) APIMasterShow(c *fiber.Ctx) error {
	return h.apiInstructorShow(c, models.InstructorMaster)
}

// APITrainerShow handles GET /api/v1/trainers/:id.
func (h *Handler) APITrainerShow(c *fiber.Ctx) error {
	return h.apiInstructorShow(c, models.InstructorTrainer)
}

// APIMasterUpdate handles PATCH /api/v1/masters/:id.
func (h *Handler) APIMasterUpdate(c *fiber.Ctx) error {
	return h.apiInstructorUpdate(c, models.InstructorMaster)
}

// APITrainerUpdate handles PATCH /api/v1/trainers/:id.
func (h *Handler) APITrainerUpdate(c *fiber.Ctx) error {
	return h.apiInstructorUpdate(c, models.InstructorTrainer)
}

func (h *Handler) apiInstructorList(c *fiber.Ctx, kind string) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	f := models.InstructorFilter{Kind: kind}
	if v := c.Query("craft_id"); v != "" {
		if f.CraftID, err = strconv.ParseInt(v, 10, 64); err != nil || f.CraftID < 1 {
			return fieldErrors{"craft_id": "instr_unknown_craft"}
		}
	}
	list, err := h.store.ListInstructors(c.UserContext(), f, p)
	if err != nil {
		return instrSortErr(err)
	}
	instrRedact(c, list.Items)
	return c.JSON(list)
}

// instructorJSON is the body of POST /api/v1/masters and /trainers; it binds nothing else.
type instructorJSON struct {
	FullName     string  `json:"full_name"`
	Phone        string  `json:"phone"`
	Email        string  `json:"email"`
	Organisation string  `json:"organisation"`
	CommuneCode  string  `json:"commune_code"`
	UserID       *int64  `json:"user_id"`
	Active       *bool   `json:"active"`
	CraftIDs     []int64 `json:"craft_ids"`
}

func (h *Handler) apiInstructorCreate(c *fiber.Ctx, kind string) error {
	var body instructorJSON
	if err := c.BodyParser(&body); err != nil {
		return fiber.ErrBadRequest
	}
	in := models.InstructorInput{
		Kind: kind, FullName: body.FullName, Phone: body.Phone, Email: body.Email, Organisation: body.Organisation,
		CommuneCode: body.CommuneCode, UserID: body.UserID, Active: body.Active == nil || *body.Active, CraftIDs: body.CraftIDs,
	}
	errs := fieldErrors{}
	instrText(errs, &in)
	instrMerge(errs, in.Validate())
	if len(errs) > 0 {
		return errs
	}
	inst, err := h.store.CreateInstructor(c.UserContext(), actor(c), in)
	if err != nil {
		if formError(err, errs, instrUnique) {
			return errs
		}
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/%ss/%d", kind, inst.ID))
	return c.Status(fiber.StatusCreated).JSON(inst)
}

// instrOfKind reads the instructor of :id, which must be of the route's kind (a trainer is not found
// under /masters).
func (h *Handler) instrOfKind(c *fiber.Ctx, kind string) (models.Instructor, error) {
	id, err := idParam(c)
	if err != nil {
		return models.Instructor{}, err
	}
	inst, err := h.store.GetInstructor(c.UserContext(), id)
	if err != nil {
		return models.Instructor{}, err
	}
	if inst.Kind != kind {
		return models.Instructor{}, fiber.ErrNotFound
	}
	return inst, nil
}

func (h *Handler) apiInstructorShow(c *fiber.Ctx, kind string) error {
	inst, err := h.instrOfKind(c, kind)
	if err != nil {
		return err
	}
	items := []models.Instructor{inst}
	instrRedact(c, items)
	return c.JSON(items[0])
}

// instructorPatch is the body of PATCH: absent fields stay as they are; "user_id": null unlinks the
// login, which a plain pointer could not tell from an absent field.
type instructorPatch struct {
	FullName     *string         `json:"full_name"`
	Phone        *string         `json:"phone"`
	Email        *string         `json:"email"`
	Organisation *string         `json:"organisation"`
	CommuneCode  *string         `json:"commune_code"`
	UserID       json.RawMessage `json:"user_id"`
	Active       *bool           `json:"active"`
	CraftIDs     *[]int64        `json:"craft_ids"`
}

func (h *Handler) apiInstructorUpdate(c *fiber.Ctx, kind string) error {
	inst, err := h.instrOfKind(c, kind)
	if err != nil {
		return err
	}
	var p instructorPatch
	if err := c.BodyParser(&p); err != nil {
		return fiber.ErrBadRequest
	}
	in := models.InstructorInput{
		Kind: kind, FullName: inst.FullName, Phone: inst.Phone, Email: inst.Email, Organisation: inst.Organisation,
		CommuneCode: inst.CommuneCode, UserID: inst.UserID, Active: inst.Active, CraftIDs: inst.CraftIDs(),
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.FullName, p.FullName)
	set(&in.Phone, p.Phone)
	set(&in.Email, p.Email)
	set(&in.Organisation, p.Organisation)
	set(&in.CommuneCode, p.CommuneCode)
	if p.Active != nil {
		in.Active = *p.Active
	}
	if p.CraftIDs != nil {
		in.CraftIDs = *p.CraftIDs
	}
	errs := fieldErrors{}
	switch raw := bytes.TrimSpace(p.UserID); {
	case len(raw) == 0:
	case string(raw) == "null":
		in.UserID = nil
	default:
		var id int64
		if json.Unmarshal(raw, &id) != nil || id < 1 {
			errs["user_id"] = "instr_unknown_user"
		}
		in.UserID = &id
	}
	instrText(errs, &in)
	instrMerge(errs, in.Validate())
	if len(errs) > 0 {
		return errs
	}
	out, err := h.store.UpdateInstructor(c.UserContext(), actor(c), inst.ID, in)
	if err != nil {
		if formError(err, errs, instrUnique) {
			return errs
		}
		return err
	}
	return c.JSON(out)
}

// titleJSON is the body of POST /api/v1/masters/:id/titles.
type titleJSON struct {
	Title        string `json:"title"`
	CraftID      int64  `json:"craft_id"`
	AwardingBody string `json:"awarding_body"`
	DecisionNo   string `json:"decision_no"`
	DecisionDate string `json:"decision_date"` // 2019-11-20 or 20/11/2019
}

// APIMasterTitleAdd handles POST /api/v1/masters/:id/titles: 201 with the title.
func (h *Handler) APIMasterTitleAdd(c *fiber.Ctx) error {
	m, err := h.instrOfKind(c, models.InstructorMaster)
	if err != nil {
		return err
	}
	id := m.ID
	var body titleJSON
	if err := c.BodyParser(&body); err != nil {
		return fiber.ErrBadRequest
	}
	f := titleForm{Title: body.Title, AwardingBody: body.AwardingBody, DecisionNo: body.DecisionNo, DecisionDate: body.DecisionDate}
	if body.CraftID != 0 {
		f.CraftID = strconv.FormatInt(body.CraftID, 10)
	}
	in, errs := f.clean()
	if len(errs) > 0 {
		return errs
	}
	t, err := h.store.AddMasterTitle(c.UserContext(), actor(c), id, in)
	if err != nil {
		if instrTitleErr(err, errs) {
			return errs
		}
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/masters/%d", id))
	return c.Status(fiber.StatusCreated).JSON(t)
}

// APIMasterTitleRemove handles DELETE /api/v1/masters/:id/titles/:title_id: 204.
func (h *Handler) APIMasterTitleRemove(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	titleID, err := strconv.ParseInt(strings.TrimSpace(c.Params("title_id")), 10, 64)
	if err != nil || titleID < 1 {
		return fiber.ErrNotFound
	}
	if err := h.store.RemoveMasterTitle(c.UserContext(), actor(c), id, titleID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
