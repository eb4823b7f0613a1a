package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// jsonRef is a JSON id that tells "absent" (keep) from null (clear) and from a number (set).
type jsonRef struct {
	Set   bool
	Value *int64
}

// UnmarshalJSON is called only when the key is present, null included.
func (o *jsonRef) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.Value = nil
		return nil
	}
	var v int64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

// establishmentJSON is the body of POST and PATCH /api/v1/establishments; absent fields keep their
// value on PATCH, and an empty string clears an optional text.
type establishmentJSON struct {
	Name           *string `json:"name"`
	Kind           *string `json:"kind"`
	RegistrationNo *string `json:"registration_no"`
	CommuneCode    *string `json:"commune_code"`
	MainCraftID    jsonRef `json:"main_craft_id"`
	Products       *string `json:"products"`
	Representative *string `json:"representative"`
	Phone          *string `json:"phone"`
}

// apply lays the body over in, cleaning each text field given.
func (b establishmentJSON) apply(in models.EstablishmentInput) (models.EstablishmentInput, fieldErrors) {
	errs := fieldErrors{}
	set := func(dst *string, v *string, name string, max int) {
		if v != nil {
			*dst = text(errs, name, *v, max)
		}
	}
	set(&in.Name, b.Name, "name", 300)
	set(&in.Kind, b.Kind, "kind", 40)
	set(&in.RegistrationNo, b.RegistrationNo, "registration_no", 40)
	set(&in.CommuneCode, b.CommuneCode, "commune_code", 10)
	set(&in.Products, b.Products, "products", 2000)
	set(&in.Representative, b.Representative, "representative", 200)
	set(&in.Phone, b.Phone, "phone", 30)
	if b.MainCraftID.Set {
		in.MainCraftID = b.MainCraftID.Value
	}
	return in, mergeErrors(errs, in.Validate())
}

// APIEstablishmentList handles GET /api/v1/establishments (?q, sort, page, per_page, district, commune, kind).
func (h *Handler) APIEstablishmentList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	f := models.EstablishmentFilter{District: c.Query("district"), Commune: c.Query("commune"), Kind: c.Query("kind")}
	list, err := h.store.ListEstablishments(c.UserContext(), p, f)
	if err != nil {
		return listError(err)
	}
	return c.JSON(list)
}

// APIEstablishmentCreate handles POST /api/v1/establishments: 201 with Location.
func (h *Handler) APIEstablishmentCreate(c *fiber.Ctx) error {
	var b establishmentJSON
	if err := c.BodyParser(&b); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := b.apply(models.EstablishmentInput{})
	if len(errs) > 0 {
		return errs
	}
	e, err := h.store.CreateEstablishment(c.UserContext(), actor(c), in)
	if err != nil {
		if establishmentError(err, errs) {
			return errs
		}
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/establishments/%d", e.ID))
	return c.Status(fiber.StatusCreated).JSON(e)
}

// APIEstablishmentShow handles GET /api/v1/establishments/:id: the establishment, its support history
// with totals, and its trainees' count.
func (h *Handler) APIEstablishmentShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	d, err := h.store.GetEstablishmentDetail(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// APIEstablishmentUpdate handles PATCH /api/v1/establishments/:id.
func (h *Handler) APIEstablishmentUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var b establishmentJSON
	if err := c.BodyParser(&b); err != nil {
		return fiber.ErrBadRequest
	}
	e, err := h.store.GetEstablishment(c.UserContext(), id)
	if err != nil {
		return err
	}
	in, errs := b.apply(e.Input())
	if len(errs) > 0 {
		return errs
	}
	e, err = h.store.UpdateEstablishment(c.UserContext(), actor(c), id, in)
	if err != nil {
		if establishmentError(err, errs) {
			return errs
		}
		return err
	}
	return c.JSON(e)
}

// supportJSON is the body of POST /api/v1/establishments/:id/supports.
type supportJSON struct {
	SupportDate   string `json:"support_date"`
	ActivityCode  string `json:"activity_code"`
	Amount        *int64 `json:"amount"`
	FundingSource string `json:"funding_source"`
	CourseID      *int64 `json:"course_id"`
	Description   string `json:"description"`
}

// APISupportCreate handles POST /api/v1/establishments/:id/supports: 201 with the record, which carries
// the establishment's commune of now.
func (h *Handler) APISupportCreate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var b supportJSON
	if err := c.BodyParser(&b); err != nil {
		return fiber.ErrBadRequest
	}
	errs := fieldErrors{}
	n := models.NewSupport{
		ActivityCode:  text(errs, "activity_code", b.ActivityCode, 10),
		FundingSource: text(errs, "funding_source", b.FundingSource, 20),
		Description:   text(errs, "description", b.Description, 2000),
		CourseID:      b.CourseID,
	}
	if b.FundingSource == "" {
		n.FundingSource = models.FundingLocal // the schema's default
	}
	if b.SupportDate != "" {
		if d, ok := parseDate(b.SupportDate); ok {
			n.Date = d
		} else {
			errs["support_date"] = "est_invalid_date"
		}
	}
	if b.Amount == nil {
		errs["amount"] = "required"
	} else {
		n.Amount = *b.Amount
	}
	if errs = mergeErrors(errs, n.Validate()); len(errs) > 0 {
		return errs
	}
	r, err := h.store.AddSupport(c.UserContext(), actor(c), id, n)
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/establishments/%d", id))
	return c.Status(fiber.StatusCreated).JSON(r)
}

// APIDistricts handles GET /api/v1/places/districts: today's districts in Vietnamese order.
func (h *Handler) APIDistricts(c *fiber.Ctx) error {
	ds, err := h.store.ListDistricts(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ds})
}

// APICommunes handles GET /api/v1/places/communes?district=219: today's communes, of one district or all.
func (h *Handler) APICommunes(c *fiber.Ctx) error {
	cs, err := h.store.ListCommunes(c.UserContext(), c.Query("district"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": cs})
}
