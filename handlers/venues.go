package handlers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// venueForm is what the venue form submits. An unticked checkbox sends nothing, so Active is "" then.
type venueForm struct {
	Name            string `form:"name"`
	Address         string `form:"address"`
	CommuneCode     string `form:"commune_code"`
	Seats           string `form:"seats"`
	EstablishmentID string `form:"establishment_id"`
	Active          string `form:"active"`
}

func (f venueForm) clean() (models.VenueInput, fieldErrors) {
	errs := fieldErrors{}
	in := models.VenueInput{
		Name:        text(errs, "name", f.Name, 300),
		Address:     text(errs, "address", f.Address, 500),
		CommuneCode: text(errs, "commune_code", f.CommuneCode, 10),
		Active:      f.Active != "",
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.Seats)); err == nil {
		in.Seats = n
	}
	if s := strings.TrimSpace(f.EstablishmentID); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			errs["establishment_id"] = "venue_invalid_establishment"
		} else {
			in.EstablishmentID = &id
		}
	}
	return in, mergeErrors(errs, in.Validate())
}

func (f venueForm) values() map[string]string {
	return map[string]string{"name": f.Name, "address": f.Address, "commune_code": f.CommuneCode,
		"seats": f.Seats, "establishment_id": f.EstablishmentID, "active": f.Active}
}

func venueValues(v models.Venue) map[string]string {
	out := map[string]string{"name": v.Name, "address": v.Address, "seats": strconv.Itoa(v.Seats)}
	if v.CommuneCode != nil {
		out["commune_code"] = *v.CommuneCode
	}
	if v.EstablishmentID != nil {
		out["establishment_id"] = strconv.FormatInt(*v.EstablishmentID, 10)
	}
	if v.Active {
		out["active"] = "on"
	}
	return out
}

// activeFilter reads ?active=1|0 (or true|false); empty means all.
func activeFilter(c *fiber.Ctx) (*bool, error) {
	switch c.Query("active") {
	case "":
		return nil, nil
	case "1", "true":
		t := true
		return &t, nil
	case "0", "false":
		f := false
		return &f, nil
	}
	return nil, fieldErrors{"active": "est_invalid_choice"}
}

// VenueList handles GET /venues.
func (h *Handler) VenueList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	active, err := activeFilter(c)
	if err != nil {
		return err
	}
	f := models.VenueFilter{District: c.Query("district"), Active: active}
	list, err := h.store.ListVenues(c.UserContext(), p, f)
	if err != nil {
		return listError(err)
	}
	districts, err := h.store.ListDistricts(c.UserContext())
	if err != nil {
		return err
	}
	links := newListLinks("/venues", p, url.Values{"district": {f.District}, "active": {c.Query("active")}}, models.VenueSortKeys, list)
	return h.render(c, fiber.StatusOK, "venues/list", "venue.title", map[string]any{
		"List": list, "Params": p, "District": f.District, "Active": c.Query("active"), "Districts": districts, "Links": links,
	})
}

// venueFormData is what the venue form offers.
type venueFormData struct {
	ID             int64
	Communes       []communeGroup
	Establishments []models.EstablishmentChoice
}

func (h *Handler) renderVenueForm(c *fiber.Ctx, status int, id int64, values, errs map[string]string) error {
	groups, err := h.communeGroups(c.UserContext(), values["commune_code"])
	if err != nil {
		return err
	}
	ests, err := h.store.ListEstablishmentChoices(c.UserContext())
	if err != nil {
		return err
	}
	title := "venue.new"
	if id > 0 {
		title = "venue.edit"
	}
	return h.render(c, status, "venues/form", title, form{Values: values, Errors: errs, Data: venueFormData{ID: id, Communes: groups, Establishments: ests}})
}

// VenueNew handles GET /venues/new.
func (h *Handler) VenueNew(c *fiber.Ctx) error {
	return h.renderVenueForm(c, fiber.StatusOK, 0, map[string]string{"active": "on"}, nil)
}

// VenueCreate handles POST /venues.
func (h *Handler) VenueCreate(c *fiber.Ctx) error {
	var f venueForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := f.clean()
	if len(errs) == 0 {
		v, err := h.store.CreateVenue(c.UserContext(), actor(c), in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/venues/%d", v.ID), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	return h.renderVenueForm(c, fiber.StatusUnprocessableEntity, 0, f.values(), errs)
}

// VenueShow handles GET /venues/:id.
func (h *Handler) VenueShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	v, err := h.store.GetVenue(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "venues/show", "venue.title", v)
}

// VenueEdit handles GET /venues/:id/edit.
func (h *Handler) VenueEdit(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	v, err := h.store.GetVenue(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.renderVenueForm(c, fiber.StatusOK, id, venueValues(v), nil)
}

// VenueUpdate handles POST /venues/:id.
func (h *Handler) VenueUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var f venueForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := f.clean()
	if len(errs) == 0 {
		_, err := h.store.UpdateVenue(c.UserContext(), actor(c), id, in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/venues/%d", id), fiber.StatusSeeOther)
		}
		if !formError(err, errs, nil) {
			return err
		}
	}
	if _, err := h.store.GetVenue(c.UserContext(), id); err != nil {
		return err
	}
	return h.renderVenueForm(c, fiber.StatusUnprocessableEntity, id, f.values(), errs)
}

// venueJSON is the body of POST and PATCH /api/v1/venues; absent fields keep their value on PATCH.
type venueJSON struct {
	Name            *string `json:"name"`
	Address         *string `json:"address"`
	CommuneCode     *string `json:"commune_code"`
	Seats           *int    `json:"seats"`
	EstablishmentID jsonRef `json:"establishment_id"`
	Active          *bool   `json:"active"`
}

func (b venueJSON) apply(in models.VenueInput) (models.VenueInput, fieldErrors) {
	errs := fieldErrors{}
	if b.Name != nil {
		in.Name = text(errs, "name", *b.Name, 300)
	}
	if b.Address != nil {
		in.Address = text(errs, "address", *b.Address, 500)
	}
	if b.CommuneCode != nil {
		in.CommuneCode = text(errs, "commune_code", *b.CommuneCode, 10)
	}
	if b.Seats != nil {
		in.Seats = *b.Seats
	}
	if b.EstablishmentID.Set {
		in.EstablishmentID = b.EstablishmentID.Value
	}
	if b.Active != nil {
		in.Active = *b.Active
	}
	return in, mergeErrors(errs, in.Validate())
}

// APIVenueList handles GET /api/v1/venues (?q, sort, page, per_page, district, active).
func (h *Handler) APIVenueList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	active, err := activeFilter(c)
	if err != nil {
		return err
	}
	list, err := h.store.ListVenues(c.UserContext(), p, models.VenueFilter{District: c.Query("district"), Active: active})
	if err != nil {
		return listError(err)
	}
	return c.JSON(list)
}

// APIVenueCreate handles POST /api/v1/venues: 201 with Location; a new venue is active unless told.
func (h *Handler) APIVenueCreate(c *fiber.Ctx) error {
	var b venueJSON
	if err := c.BodyParser(&b); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := b.apply(models.VenueInput{Active: true})
	if len(errs) > 0 {
		return errs
	}
	v, err := h.store.CreateVenue(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/venues/%d", v.ID))
	return c.Status(fiber.StatusCreated).JSON(v)
}

// APIVenueShow handles GET /api/v1/venues/:id.
func (h *Handler) APIVenueShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	v, err := h.store.GetVenue(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// APIVenueUpdate handles PATCH /api/v1/venues/:id.
func (h *Handler) APIVenueUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var b venueJSON
	if err := c.BodyParser(&b); err != nil {
		return fiber.ErrBadRequest
	}
	v, err := h.store.GetVenue(c.UserContext(), id)
	if err != nil {
		return err
	}
	in, errs := b.apply(v.Input())
	if len(errs) > 0 {
		return errs
	}
	if v, err = h.store.UpdateVenue(c.UserContext(), actor(c), id, in); err != nil {
		return err
	}
	return c.JSON(v)
}
