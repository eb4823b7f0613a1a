package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

func (h *Handler) craftRoutes(r *router) {
	r.get("/crafts", instructorReaders, h.CraftList)
	r.get("/crafts/new", Staff, h.CraftNew)
	r.post("/crafts", Staff, h.CraftCreate)
	r.get("/crafts/:id", instructorReaders, h.CraftShow)
	r.post("/crafts/:id", Staff, h.CraftRename)

	r.get("/api/v1/crafts", instructorReaders, h.APICraftList)
	r.post("/api/v1/crafts", Staff, h.APICraftCreate)
	r.get("/api/v1/crafts/:id", instructorReaders, h.APICraftShow)
	r.patch("/api/v1/crafts/:id", Staff, h.APICraftUpdate)
}

// craftUnique names the field behind both unique constraints of crafts: the exact name, and the name
// folded by search_key (so "may tre dan" is refused beside "Mây tre đan").
var craftUnique = map[string]string{"crafts_name_key": "name", "crafts_search_key_key": "name"}

// craftInput is what staff submit for a craft.
type craftInput struct {
	Name string `form:"name" json:"name"`
}

func (in craftInput) clean() (string, fieldErrors) {
	errs := fieldErrors{}
	return text(errs, "name", in.Name, models.MaxCraftName), errs
}

// CraftList handles GET /crafts.
func (h *Handler) CraftList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	list, err := h.store.ListCrafts(c.UserContext(), p)
	if err != nil {
		return instrSortErr(err)
	}
	return h.render(c, fiber.StatusOK, "crafts/list", "craft.title", map[string]any{
		"List": list, "Params": p, "Staff": instrIsStaff(c)})
}

// CraftNew handles GET /crafts/new.
func (h *Handler) CraftNew(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusOK, "crafts/new", "craft.new", form{})
}

// CraftCreate handles POST /crafts.
func (h *Handler) CraftCreate(c *fiber.Ctx) error {
	var in craftInput
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	name, errs := in.clean()
	if len(errs) == 0 {
		cr, err := h.store.CreateCraft(c.UserContext(), actor(c), name)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/crafts/%d", cr.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, craftUnique) {
			return err
		}
	}
	return h.render(c, fiber.StatusUnprocessableEntity, "crafts/new", "craft.new",
		form{Values: map[string]string{"name": in.Name}, Errors: errs})
}

// CraftShow handles GET /crafts/:id: the craft, its masters and trainers, and for staff the rename form.
func (h *Handler) CraftShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderCraftShow(c, fiber.StatusOK, id, form{})
}

func (h *Handler) renderCraftShow(c *fiber.Ctx, status int, id int64, f form) error {
	cr, err := h.store.GetCraft(c.UserContext(), id)
	if err != nil {
		return err
	}
	people, err := h.store.ListInstructors(c.UserContext(), models.InstructorFilter{CraftID: id},
		models.ListParams{PerPage: models.MaxPerPage})
	if err != nil {
		return err
	}
	instrRedact(c, people.Items)
	if f.Values == nil {
		f.Values = map[string]string{"name": cr.Name}
	}
	f.Data = map[string]any{"Craft": cr, "People": people, "Staff": instrIsStaff(c)}
	return h.render(c, status, "crafts/show", "craft.title", f)
}

// CraftRename handles POST /crafts/:id.
func (h *Handler) CraftRename(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in craftInput
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	name, errs := in.clean()
	if len(errs) == 0 {
		_, err := h.store.RenameCraft(c.UserContext(), actor(c), id, name)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/crafts/%d", id), fiber.StatusSeeOther)
		}
		if !formError(err, errs, craftUnique) {
			return err
		}
	}
	return h.renderCraftShow(c, fiber.StatusUnprocessableEntity, id, form{Values: map[string]string{"name": in.Name}, Errors: errs})
}

// APICraftList handles GET /api/v1/crafts.
func (h *Handler) APICraftList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	list, err := h.store.ListCrafts(c.UserContext(), p)
	if err != nil {
		return instrSortErr(err)
	}
	return c.JSON(list)
}

// APICraftCreate handles POST /api/v1/crafts: 201 with the craft and its Location.
func (h *Handler) APICraftCreate(c *fiber.Ctx) error {
	var in craftInput
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	name, errs := in.clean()
	if len(errs) > 0 {
		return errs
	}
	cr, err := h.store.CreateCraft(c.UserContext(), actor(c), name)
	if err != nil {
		if formError(err, errs, craftUnique) {
			return errs
		}
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/crafts/%d", cr.ID))
	return c.Status(fiber.StatusCreated).JSON(cr)
}

// APICraftShow handles GET /api/v1/crafts/:id.
func (h *Handler) APICraftShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	cr, err := h.store.GetCraft(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(cr)
}

// APICraftUpdate handles PATCH /api/v1/crafts/:id (the name).
func (h *Handler) APICraftUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Name *string `json:"name"`
	}
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	if in.Name == nil {
		cr, err := h.store.GetCraft(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(cr)
	}
	name, errs := craftInput{Name: *in.Name}.clean()
	if len(errs) > 0 {
		return errs
	}
	cr, err := h.store.RenameCraft(c.UserContext(), actor(c), id, name)
	if err != nil {
		if formError(err, errs, craftUnique) {
			return errs
		}
		return err
	}
	return c.JSON(cr)
}
