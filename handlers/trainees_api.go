package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// APITraineeList handles GET /api/v1/trainees: a page of trainees, searched by name, national IDs
// masked as in every list.
func (h *Handler) APITraineeList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	list, err := h.store.ListTrainees(c.UserContext(), p)
	if err != nil {
		return err
	}
	for i, t := range list.Items {
		list.Items[i] = t.Masked()
	}
	return c.JSON(list)
}

// APITraineeShow handles GET /api/v1/trainees/:id: the trainee with the national ID in full.
func (h *Handler) APITraineeShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	t, err := h.store.GetTrainee(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

// APITraineeFind handles POST /api/v1/trainees/find {"id_number": "…"}: the national ID travels in
// the body, never in a URL.
func (h *Handler) APITraineeFind(c *fiber.Ctx) error {
	var body struct {
		IDNumber string `json:"id_number"`
	}
	if err := json.Unmarshal(c.Body(), &body); err != nil {
		return fiber.ErrBadRequest
	}
	number := models.NormalizeIDNumber(body.IDNumber)
	if number == "" || len(number) > 40 {
		return fieldErrors{"id_number": "required"}
	}
	t, err := h.store.FindTraineeByIDNumber(c.UserContext(), number)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

// APITraineeCreate handles POST /api/v1/trainees: 201 with Location, the trainee and the warnings
// about its data.
func (h *Handler) APITraineeCreate(c *fiber.Ctx) error {
	var in models.TraineeInput
	if err := applyTraineeJSON(c.Body(), &in); err != nil {
		return err
	}
	t, ws, err := h.store.CreateTrainee(c.UserContext(), actor(c), in)
	if err != nil {
		return apiTraineeError(c, err, in)
	}
	c.Location(fmt.Sprintf("/api/v1/trainees/%d", t.ID))
	return h.traineeJSON(c, fiber.StatusCreated, t, ws)
}

// APITraineeUpdate handles PATCH /api/v1/trainees/:id: the fields sent replace the stored ones; null
// clears an optional field.
func (h *Handler) APITraineeUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	t, err := h.store.GetTrainee(c.UserContext(), id)
	if err != nil {
		return err
	}
	in := models.TraineeInput{
		FamilyName: t.FamilyName, MiddleName: t.MiddleName, GivenName: t.GivenName, Gender: t.Gender,
		IDKind: deref(t.IDKind), IDNumber: deref(t.IDNumber), Phone: deref(t.Phone),
		Ethnicity: t.Ethnicity, CommuneCode: deref(t.CommuneCode),
	}
	if t.BirthDate != nil {
		in.BirthDate = t.BirthDate.Format("2006-01-02")
	}
	if t.EstablishmentID != nil {
		in.EstablishmentID = *t.EstablishmentID
	}
	if err := applyTraineeJSON(c.Body(), &in); err != nil {
		return err
	}
	t, ws, err := h.store.UpdateTrainee(c.UserContext(), actor(c), id, in)
	if err != nil {
		return apiTraineeError(c, err, in)
	}
	return h.traineeJSON(c, fiber.StatusOK, t, ws)
}

// apiTraineeError answers a duplicate national ID with 409, the field at fault and a Link to the
// trainee who has it; other errors go to the error handler.
func apiTraineeError(c *fiber.Ctx, err error, in models.TraineeInput) error {
	var dup *models.DuplicateIDError
	if errors.As(err, &dup) {
		if dup.ExistingID > 0 {
			c.Set(fiber.HeaderLink, fmt.Sprintf(`</api/v1/trainees/%d>; rel="duplicate"`, dup.ExistingID))
		}
		return conflictFields{"id_number": duplicateIDKey(in.IDKind, in.IDNumber)}
	}
	return err
}

// traineeJSON writes the trainee with a warnings array (each with a message in the client's language).
func (h *Handler) traineeJSON(c *fiber.Ctx, status int, t models.Trainee, ws []models.Warning) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if m["warnings"], err = json.Marshal(warningViews(Lang(c), ws)); err != nil {
		return err
	}
	return c.Status(status).JSON(m)
}

var isoDateOnly = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// traineeReadOnly are fields of a trainee's JSON that a client may send back and that are ignored.
var traineeReadOnly = map[string]bool{"id": true, "created_at": true, "updated_at": true, "warnings": true}

// applyTraineeJSON sets the input's fields from a JSON object: strings (null clears), establishment_id
// a number or null, birth_date yyyy-mm-dd. full_name sets the name only when no part of it is sent.
// Unknown fields are refused.
func applyTraineeJSON(body []byte, in *models.TraineeInput) error {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil || m == nil {
		return fiber.ErrBadRequest
	}
	errs := fieldErrors{}
	str := func(key string, dst *string) {
		raw, ok := m[key]
		if !ok {
			return
		}
		if string(raw) == "null" {
			*dst = ""
			return
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			errs[key] = "invalid_type"
			return
		}
		if len(s) > 1000 {
			errs[key] = "too_long"
			return
		}
		*dst = s
	}
	_, family := m["family_name"]
	_, middle := m["middle_name"]
	_, given := m["given_name"]
	if _, ok := m["full_name"]; ok && !family && !middle && !given {
		in.FamilyName, in.MiddleName, in.GivenName = "", "", ""
		str("full_name", &in.FullName)
	}
	str("family_name", &in.FamilyName)
	str("middle_name", &in.MiddleName)
	str("given_name", &in.GivenName)
	str("gender", &in.Gender)
	str("birth_date", &in.BirthDate)
	if b := strings.TrimSpace(in.BirthDate); b != "" && errs["birth_date"] == "" && !isoDateOnly.MatchString(b) {
		errs["birth_date"] = "invalid_date_iso"
	}
	str("id_kind", &in.IDKind)
	str("id_number", &in.IDNumber)
	str("phone", &in.Phone)
	str("ethnicity", &in.Ethnicity)
	str("commune_code", &in.CommuneCode)
	if raw, ok := m["establishment_id"]; ok {
		var id *json.Number
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if d.Decode(&id) != nil {
			errs["establishment_id"] = "invalid_type"
		} else if id == nil {
			in.EstablishmentID = 0
		} else if n, err := strconv.ParseInt(id.String(), 10, 64); err != nil || n < 1 {
			errs["establishment_id"] = "unknown_establishment"
		} else {
			in.EstablishmentID = n
		}
	}
	known := map[string]bool{"full_name": true, "family_name": true, "middle_name": true, "given_name": true,
		"gender": true, "birth_date": true, "id_kind": true, "id_number": true, "phone": true, "ethnicity": true,
		"commune_code": true, "establishment_id": true}
	for k := range m {
		if !known[k] && !traineeReadOnly[k] {
			errs[k] = "unknown_field"
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
