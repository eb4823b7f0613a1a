package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// establishmentRoutes registers the establishments, their support records, the venues and the place
// pickers. Establishments and their money are staff work. Venues may be read by trainers and masters
// (Teaching), because trainers pick a venue when they register a class and masters look up where they
// teach; only staff create or change them. The place pickers serve every logged-in form.
func (h *Handler) establishmentRoutes(r *router) {
	r.get("/establishments", Staff, h.EstablishmentList)
	r.get("/establishments/new", Staff, h.EstablishmentNew)
	r.post("/establishments", Staff, h.EstablishmentCreate)
	r.get("/establishments/:id", Staff, h.EstablishmentShow)
	r.get("/establishments/:id/edit", Staff, h.EstablishmentEdit)
	r.post("/establishments/:id", Staff, h.EstablishmentUpdate)
	r.post("/establishments/:id/supports", Staff, h.SupportCreate)

	r.get("/venues", Teaching, h.VenueList)
	r.get("/venues/new", Staff, h.VenueNew)
	r.post("/venues", Staff, h.VenueCreate)
	r.get("/venues/:id", Teaching, h.VenueShow)
	r.get("/venues/:id/edit", Staff, h.VenueEdit)
	r.post("/venues/:id", Staff, h.VenueUpdate)

	r.get("/api/v1/establishments", Staff, h.APIEstablishmentList)
	r.post("/api/v1/establishments", Staff, h.APIEstablishmentCreate)
	r.get("/api/v1/establishments/:id", Staff, h.APIEstablishmentShow)
	r.patch("/api/v1/establishments/:id", Staff, h.APIEstablishmentUpdate)
	r.post("/api/v1/establishments/:id/supports", Staff, h.APISupportCreate)

	r.get("/api/v1/venues", Teaching, h.APIVenueList)
	r.post("/api/v1/venues", Staff, h.APIVenueCreate)
	r.get("/api/v1/venues/:id", Teaching, h.APIVenueShow)
	r.patch("/api/v1/venues/:id", Staff, h.APIVenueUpdate)

	r.get("/api/v1/places/districts", AnyAccount, h.APIDistricts)
	r.get("/api/v1/places/communes", AnyAccount, h.APICommunes)
}

// establishmentForm is what the establishment form submits; it binds nothing else (no mass assignment).
type establishmentForm struct {
	Name           string `form:"name"`
	Kind           string `form:"kind"`
	RegistrationNo string `form:"registration_no"`
	CommuneCode    string `form:"commune_code"`
	MainCraftID    string `form:"main_craft_id"`
	Products       string `form:"products"`
	Representative string `form:"representative"`
	Phone          string `form:"phone"`
}

// clean turns the form into the model's input, with the field errors found on the way.
func (f establishmentForm) clean() (models.EstablishmentInput, fieldErrors) {
	errs := fieldErrors{}
	in := models.EstablishmentInput{
		Name:           text(errs, "name", f.Name, 300),
		Kind:           text(errs, "kind", f.Kind, 40),
		RegistrationNo: text(errs, "registration_no", f.RegistrationNo, 40),
		CommuneCode:    text(errs, "commune_code", f.CommuneCode, 10),
		Products:       text(errs, "products", f.Products, 2000),
		Representative: text(errs, "representative", f.Representative, 200),
		Phone:          text(errs, "phone", f.Phone, 30),
	}
	if s := strings.TrimSpace(f.MainCraftID); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			errs["main_craft_id"] = "est_invalid_craft"
		} else {
			in.MainCraftID = &id
		}
	}
	return in, mergeErrors(errs, in.Validate())
}

// mergeErrors adds the model's static findings to the handler's, keeping the handler's where both
// speak of a field, so that a form shows every problem at once.
func mergeErrors(errs fieldErrors, more map[string]string) fieldErrors {
	for k, v := range more {
		if errs[k] == "" {
			errs[k] = v
		}
	}
	return errs
}

func (f establishmentForm) values() map[string]string {
	return map[string]string{
		"name": f.Name, "kind": f.Kind, "registration_no": f.RegistrationNo, "commune_code": f.CommuneCode,
		"main_craft_id": f.MainCraftID, "products": f.Products, "representative": f.Representative, "phone": f.Phone,
	}
}

func establishmentValues(e models.Establishment) map[string]string {
	in := e.Input()
	v := map[string]string{
		"name": in.Name, "kind": in.Kind, "registration_no": in.RegistrationNo, "commune_code": in.CommuneCode,
		"products": in.Products, "representative": in.Representative, "phone": in.Phone,
	}
	if in.MainCraftID != nil {
		v["main_craft_id"] = strconv.FormatInt(*in.MainCraftID, 10)
	}
	return v
}

// establishmentError maps a refused write to field errors: the registration number already in use gets
// its own message beside the field.
func establishmentError(err error, errs fieldErrors) bool {
	if !formError(err, errs, map[string]string{"establishments_registration_no_key": "registration_no"}) {
		return false
	}
	if errs["registration_no"] == "duplicate" {
		errs["registration_no"] = "est_registration_taken"
	}
	return true
}

// EstablishmentList handles GET /establishments: search, filters by district and kind, sortable columns.
func (h *Handler) EstablishmentList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	f := models.EstablishmentFilter{District: c.Query("district"), Kind: c.Query("kind")}
	list, err := h.store.ListEstablishments(c.UserContext(), p, f)
	if err != nil {
		return listError(err)
	}
	districts, err := h.store.ListDistricts(c.UserContext())
	if err != nil {
		return err
	}
	links := newListLinks("/establishments", p, url.Values{"district": {f.District}, "kind": {f.Kind}}, models.EstablishmentSortKeys, list)
	return h.render(c, fiber.StatusOK, "establishments/list", "est.title", map[string]any{
		"List": list, "Params": p, "Filter": f, "Districts": districts, "Kinds": models.EstablishmentKinds, "Links": links,
	})
}

// communeGroup is a district's communes, for an <optgroup>.
type communeGroup struct {
	District string
	Communes []models.Commune
}

// communeGroups lists today's communes by district; the record's current commune is kept as a choice
// even when it has since been merged away, so that an old record can be saved unchanged.
func (h *Handler) communeGroups(ctx context.Context, current string) ([]communeGroup, error) {
	cs, err := h.store.ListCommunes(ctx, "")
	if err != nil {
		return nil, err
	}
	found := current == ""
	var out []communeGroup
	add := func(cm models.Commune) {
		if n := len(out); n == 0 || out[n-1].District != cm.DistrictName {
			out = append(out, communeGroup{District: cm.DistrictName})
		}
		out[len(out)-1].Communes = append(out[len(out)-1].Communes, cm)
		found = found || cm.Code == current
	}
	for _, cm := range cs {
		add(cm)
	}
	if !found && models.ValidUnitCode(current) {
		if cm, err := h.store.GetCommune(ctx, current); err == nil {
			add(cm)
		}
	}
	return out, nil
}

// establishmentFormData is what the new and edit forms offer.
type establishmentFormData struct {
	ID       int64
	Kinds    []string
	Communes []communeGroup
	Crafts   []models.CraftChoice
}

func (h *Handler) renderEstablishmentForm(c *fiber.Ctx, status int, id int64, values, errs map[string]string) error {
	groups, err := h.communeGroups(c.UserContext(), values["commune_code"])
	if err != nil {
		return err
	}
	crafts, err := h.store.ListCraftChoices(c.UserContext())
	if err != nil {
		return err
	}
	title := "est.new"
	if id > 0 {
		title = "est.edit"
	}
	return h.render(c, status, "establishments/form", title, form{Values: values, Errors: errs, Data: establishmentFormData{
		ID: id, Kinds: models.EstablishmentKinds, Communes: groups, Crafts: crafts,
	}})
}

// EstablishmentNew handles GET /establishments/new.
func (h *Handler) EstablishmentNew(c *fiber.Ctx) error {
	return h.renderEstablishmentForm(c, fiber.StatusOK, 0, map[string]string{"kind": models.KindHouseholdBusiness}, nil)
}

// EstablishmentCreate handles POST /establishments.
func (h *Handler) EstablishmentCreate(c *fiber.Ctx) error {
	var f establishmentForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := f.clean()
	if len(errs) == 0 {
		e, err := h.store.CreateEstablishment(c.UserContext(), actor(c), in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/establishments/%d", e.ID), fiber.StatusSeeOther)
		}
		if !establishmentError(err, errs) {
			return err
		}
	}
	return h.renderEstablishmentForm(c, fiber.StatusUnprocessableEntity, 0, f.values(), errs)
}

// EstablishmentEdit handles GET /establishments/:id/edit.
func (h *Handler) EstablishmentEdit(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	e, err := h.store.GetEstablishment(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.renderEstablishmentForm(c, fiber.StatusOK, id, establishmentValues(e), nil)
}

// EstablishmentUpdate handles POST /establishments/:id.
func (h *Handler) EstablishmentUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var f establishmentForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := f.clean()
	if len(errs) == 0 {
		_, err := h.store.UpdateEstablishment(c.UserContext(), actor(c), id, in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/establishments/%d", id), fiber.StatusSeeOther)
		}
		if !establishmentError(err, errs) {
			return err
		}
	}
	if _, err := h.store.GetEstablishment(c.UserContext(), id); err != nil {
		return err
	}
	return h.renderEstablishmentForm(c, fiber.StatusUnprocessableEntity, id, f.values(), errs)
}

// establishmentShowData is the show page: the establishment with its history, and the support form.
type establishmentShowData struct {
	models.EstablishmentDetail
	Activities []models.ActivityKind
	Funding    []string
}

func (h *Handler) renderEstablishment(c *fiber.Ctx, status int, id int64, values, errs map[string]string) error {
	d, err := h.store.GetEstablishmentDetail(c.UserContext(), id)
	if err != nil {
		return err
	}
	acts, err := h.store.ListActivityKinds(c.UserContext())
	if err != nil {
		return err
	}
	return h.render(c, status, "establishments/show", "est.title", form{Values: values, Errors: errs, Data: establishmentShowData{
		EstablishmentDetail: d, Activities: acts, Funding: models.FundingSources,
	}})
}

// EstablishmentShow handles GET /establishments/:id: details, support history with totals, trainees.
func (h *Handler) EstablishmentShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderEstablishment(c, fiber.StatusOK, id, map[string]string{"funding_source": models.FundingLocal}, nil)
}

// SupportCreate handles POST /establishments/:id/supports: a support record in the establishment's
// current commune.
func (h *Handler) SupportCreate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var f supportForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	n, errs := f.clean()
	if len(errs) == 0 {
		_, err := h.store.AddSupport(c.UserContext(), actor(c), id, n)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/establishments/%d#supports", id), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderEstablishment(c, fiber.StatusUnprocessableEntity, id, f.values(), errs)
}
