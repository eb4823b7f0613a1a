package handlers

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// instructorReaders may read the registries of masters, trainers and crafts: staff, and trainers, who
// pick masters and crafts when they register a class. Masters have no use for the lists and get 404.
// Contact details and account links are shown to staff only (see instrRedact).
var instructorReaders = Access{Roles: []string{models.RoleAdmin, models.RoleStaff, models.RoleTrainer}}

func (h *Handler) instructorRoutes(r *router) {
	r.get("/instructors", instructorReaders, h.InstructorList)
	r.get("/masters", instructorReaders, h.MasterList)
	r.get("/trainers", instructorReaders, h.TrainerList)
	r.get("/instructors/new", Staff, h.InstructorNew)
	r.post("/instructors", Staff, h.InstructorCreate)
	r.get("/instructors/:id", instructorReaders, h.InstructorShow)
	r.get("/instructors/:id/edit", Staff, h.InstructorEdit)
	r.post("/instructors/:id", Staff, h.InstructorUpdate)
	r.post("/instructors/:id/titles", Staff, h.MasterTitleAdd)
	r.post("/instructors/:id/titles/:title_id/delete", Staff, h.MasterTitleRemove)
	h.instructorAPIRoutes(r)
	h.craftRoutes(r)
}

// instrUnique names the field behind each unique constraint of instructors and titles.
var instrUnique = map[string]string{
	"instructors_user_id_key":                        "user_id",
	"master_titles_instructor_id_title_craft_id_key": "title",
}

// instrIsStaff reports whether the requester may see contact details and change the registries.
func instrIsStaff(c *fiber.Ctx) bool {
	u := currentUser(c)
	return u != nil && (u.Role == models.RoleAdmin || u.Role == models.RoleStaff)
}

// instrRedact drops phone, e-mail and the account id for readers who are not staff: a trainer picking a
// master needs the name, crafts and titles, not the master's personal data.
func instrRedact(c *fiber.Ctx, items []models.Instructor) {
	if instrIsStaff(c) {
		return
	}
	for n := range items {
		items[n].Phone, items[n].Email, items[n].UserID = "", "", nil
	}
}

// instrSortErr turns the models' unknown-sort error into a field error, so that the API names the field.
func instrSortErr(err error) error {
	var se *models.SortError
	if errors.As(err, &se) {
		return fieldErrors{"sort": "invalid_sort"}
	}
	return err
}

// InstructorList handles GET /instructors: masters and trainers together. ?kind= goes to the list of
// that kind, whose own address keeps the kind through pages and sorting.
func (h *Handler) InstructorList(c *fiber.Ctx) error {
	switch kind := c.Query("kind"); kind {
	case models.InstructorMaster, models.InstructorTrainer:
		q := url.Values{}
		for _, k := range []string{"q", "sort", "page", "per_page"} {
			if v := c.Query(k); v != "" {
				q.Set(k, v)
			}
		}
		return c.Redirect("/"+kind+"s?"+q.Encode(), fiber.StatusSeeOther)
	case "":
	default:
		return fieldErrors{"kind": "instr_invalid_kind"}
	}
	return h.instructorList(c, "")
}

// MasterList handles GET /masters.
func (h *Handler) MasterList(c *fiber.Ctx) error { return h.instructorList(c, models.InstructorMaster) }

// TrainerList handles GET /trainers.
func (h *Handler) TrainerList(c *fiber.Ctx) error {
	return h.instructorList(c, models.InstructorTrainer)
}

func (h *Handler) instructorList(c *fiber.Ctx, kind string) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	list, err := h.store.ListInstructors(c.UserContext(), models.InstructorFilter{Kind: kind}, p)
	if err != nil {
		return instrSortErr(err)
	}
	instrRedact(c, list.Items)
	title := "instr.title_all"
	if kind != "" {
		title = "instr.list." + kind
	}
	return h.render(c, fiber.StatusOK, "instructors/list", title, map[string]any{
		"List": list, "Params": p, "Kind": kind, "Staff": instrIsStaff(c)})
}

// instructorForm is what staff submit on the instructor form; it binds nothing else.
type instructorForm struct {
	Kind         string   `form:"kind"`
	FullName     string   `form:"full_name"`
	Phone        string   `form:"phone"`
	Email        string   `form:"email"`
	Organisation string   `form:"organisation"`
	CommuneCode  string   `form:"commune_code"`
	UserID       string   `form:"user_id"`
	Active       string   `form:"active"`
	Crafts       []string `form:"crafts"`
}

// clean turns the form into the model's input, with field errors for what cannot even be read.
func (f instructorForm) clean() (models.InstructorInput, fieldErrors) {
	errs := fieldErrors{}
	in := models.InstructorInput{
		Kind: strings.TrimSpace(f.Kind), FullName: f.FullName, Phone: f.Phone, Email: f.Email,
		Organisation: f.Organisation, CommuneCode: f.CommuneCode, Active: f.Active != "",
	}
	instrText(errs, &in)
	if v := strings.TrimSpace(f.UserID); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			errs["user_id"] = "instr_unknown_user"
		}
		in.UserID = &id
	}
	if len(f.Crafts) > models.MaxInstructorCrafts {
		errs["crafts"] = "instr_too_many_crafts"
	}
	for _, v := range f.Crafts {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id < 1 {
			errs["crafts"] = "instr_unknown_craft"
			continue
		}
		in.CraftIDs = append(in.CraftIDs, id)
	}
	instrMerge(errs, in.Validate())
	return in, errs
}

// instrText cleans the text fields of an instructor (NFC, trimmed) and records those that are not
// valid UTF-8, hold control characters, or are far too long.
func instrText(errs fieldErrors, in *models.InstructorInput) {
	in.FullName = text(errs, "full_name", in.FullName, models.MaxInstructorName)
	in.Phone = text(errs, "phone", in.Phone, 40)
	in.Email = text(errs, "email", in.Email, 254)
	in.Organisation = text(errs, "organisation", in.Organisation, models.MaxOrganisation)
	in.CommuneCode = text(errs, "commune_code", in.CommuneCode, 10)
}

// instrMerge adds the model's messages for fields that have none yet, so that one submission shows
// every problem at once.
func instrMerge(errs fieldErrors, more map[string]string) {
	for k, v := range more {
		if _, ok := errs[k]; !ok {
			errs[k] = v
		}
	}
}

func (f instructorForm) values() map[string]string {
	active := ""
	if f.Active != "" {
		active = "1"
	}
	return map[string]string{"kind": f.Kind, "full_name": f.FullName, "phone": f.Phone, "email": f.Email,
		"organisation": f.Organisation, "commune_code": f.CommuneCode, "user_id": f.UserID, "active": active}
}

func instrValues(i models.Instructor) map[string]string {
	v := map[string]string{"kind": i.Kind, "full_name": i.FullName, "phone": i.Phone, "email": i.Email,
		"organisation": i.Organisation, "commune_code": i.CommuneCode}
	if i.UserID != nil {
		v["user_id"] = strconv.FormatInt(*i.UserID, 10)
	}
	if i.Active {
		v["active"] = "1"
	}
	return v
}

// renderInstructorForm shows the new or edit form with its pickers: crafts, communes and accounts.
func (h *Handler) renderInstructorForm(c *fiber.Ctx, status int, inst *models.Instructor, f form, craftIDs []string) error {
	ctx := c.UserContext()
	kind := f.Values["kind"]
	var id int64
	title := "instr.new." + kind
	if inst != nil {
		kind, id, title = inst.Kind, inst.ID, "instr.edit"
	}
	crafts, err := h.store.CraftChoices(ctx)
	if err != nil {
		return err
	}
	communes, err := h.store.InstructorCommuneChoices(ctx, f.Values["commune_code"])
	if err != nil {
		return err
	}
	accounts, err := h.store.InstructorAccountChoices(ctx, kind, id)
	if err != nil {
		return err
	}
	selected := map[string]bool{}
	for _, v := range craftIDs {
		selected[strings.TrimSpace(v)] = true
	}
	f.Data = map[string]any{"Instructor": inst, "Kind": kind, "Crafts": crafts, "Communes": communes,
		"Accounts": accounts, "Selected": selected}
	return h.render(c, status, "instructors/form", title, f)
}

// InstructorNew handles GET /instructors/new?kind=master|trainer.
func (h *Handler) InstructorNew(c *fiber.Ctx) error {
	kind := c.Query("kind", models.InstructorMaster)
	if kind != models.InstructorMaster && kind != models.InstructorTrainer {
		return fiber.ErrNotFound
	}
	return h.renderInstructorForm(c, fiber.StatusOK, nil, form{Values: map[string]string{"kind": kind, "active": "1"}}, nil)
}

// InstructorCreate handles POST /instructors.
func (h *Handler) InstructorCreate(c *fiber.Ctx) error {
	var f instructorForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	if f.Kind != models.InstructorMaster && f.Kind != models.InstructorTrainer {
		return fieldErrors{"kind": "instr_invalid_kind"}
	}
	in, errs := f.clean()
	if len(errs) == 0 {
		inst, err := h.store.CreateInstructor(c.UserContext(), actor(c), in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/instructors/%d", inst.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, instrUnique) {
			return err
		}
	}
	return h.renderInstructorForm(c, fiber.StatusUnprocessableEntity, nil, form{Values: f.values(), Errors: errs}, f.Crafts)
}

// InstructorShow handles GET /instructors/:id: the person, crafts, titles, and for staff the title form.
func (h *Handler) InstructorShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderInstructorShow(c, fiber.StatusOK, id, form{})
}

func (h *Handler) renderInstructorShow(c *fiber.Ctx, status int, id int64, f form) error {
	inst, err := h.store.GetInstructor(c.UserContext(), id)
	if err != nil {
		return err
	}
	items := []models.Instructor{inst}
	instrRedact(c, items)
	var crafts []models.CraftRef
	if instrIsStaff(c) && inst.Kind == models.InstructorMaster {
		if crafts, err = h.store.CraftChoices(c.UserContext()); err != nil {
			return err
		}
	}
	f.Data = map[string]any{"Instructor": items[0], "Crafts": crafts, "Titles": models.MasterTitles, "Staff": instrIsStaff(c)}
	return h.render(c, status, "instructors/show", "instr.kind."+inst.Kind, f)
}

// InstructorEdit handles GET /instructors/:id/edit.
func (h *Handler) InstructorEdit(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	inst, err := h.store.GetInstructor(c.UserContext(), id)
	if err != nil {
		return err
	}
	var crafts []string
	for _, cid := range inst.CraftIDs() {
		crafts = append(crafts, strconv.FormatInt(cid, 10))
	}
	return h.renderInstructorForm(c, fiber.StatusOK, &inst, form{Values: instrValues(inst)}, crafts)
}

// InstructorUpdate handles POST /instructors/:id.
func (h *Handler) InstructorUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	inst, err := h.store.GetInstructor(c.UserContext(), id)
	if err != nil {
		return err
	}
	var f instructorForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	f.Kind = inst.Kind // the kind never changes
	in, errs := f.clean()
	if len(errs) == 0 {
		_, err := h.store.UpdateInstructor(c.UserContext(), actor(c), id, in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/instructors/%d", id), fiber.StatusSeeOther)
		}
		if !formError(err, errs, instrUnique) {
			return err
		}
	}
	return h.renderInstructorForm(c, fiber.StatusUnprocessableEntity, &inst, form{Values: f.values(), Errors: errs}, f.Crafts)
}
