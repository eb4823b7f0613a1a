package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// Anti-automation on the public registration page: at most wsRegisterLimit posts per client address
// per window, a honeypot field that people never see, and the time the form was shown, signed by the
// server, which must be at least wsMinFill and at most wsMaxFormAge old.
const (
	wsRegisterLimit   = 10
	wsRegisterWindow  = 10 * time.Minute
	wsMinFill         = 3 * time.Second
	wsMaxFormAge      = 12 * time.Hour
	wsRegisterPurpose = "workshop-register"
	wsHoneypot        = "website"
)

// wsRegistration is a registration form as read: the model's input, the values typed (to show again)
// and the form row of each participant sent (blank rows are skipped).
type wsRegistration struct {
	In     models.WorkshopRegistrationInput
	Values map[string]string
	Rows   []int
}

// wsParseRegistration reads the establishment (chosen by establishment_id where staff may choose one,
// or typed as establishment.*) and the participant rows participants.N.* of a registration form.
func wsParseRegistration(c *fiber.Ctx, mayChoose bool) (wsRegistration, fieldErrors) {
	errs := fieldErrors{}
	r := wsRegistration{Values: map[string]string{}}
	get := func(name string, max int) string {
		v := c.FormValue(name)
		r.Values[name] = v
		return text(errs, name, v, max)
	}
	if id := strings.TrimSpace(c.FormValue("establishment_id")); id != "" && mayChoose {
		r.Values["establishment_id"] = id
		if eid := optionalID(errs, "establishment_id", id); eid != nil {
			r.In.EstablishmentID = *eid
		}
	}
	if r.In.EstablishmentID == 0 {
		r.In.Establishment = models.EstablishmentInput{
			Name: get("establishment.name", 300), Kind: get("establishment.kind", 40),
			RegistrationNo: get("establishment.registration_no", 40), CommuneCode: get("establishment.commune_code", 10),
			Representative: get("establishment.representative", 200), Phone: get("establishment.phone", 30),
		}
	}
	for i := 0; i < models.MaxParticipants; i++ {
		pre := fmt.Sprintf("participants.%d.", i)
		p := models.ParticipantInput{FullName: get(pre+"full_name", 200), Gender: get(pre+"gender", 20),
			JobTitle: get(pre+"job_title", 200), Phone: get(pre+"phone", 30), IDNumber: get(pre+"id_number", 30)}
		if p.FullName == "" && p.JobTitle == "" && p.Phone == "" && p.IDNumber == "" {
			continue // an empty row; its gender select always sends a value
		}
		r.Rows = append(r.Rows, i)
		r.In.Participants = append(r.In.Participants, p)
	}
	return r, errs
}

// fieldErrors puts the model's refusal on the form: participant K of the model is row Rows[K] of the
// form, and the per-establishment limit is said with its number.
func (r wsRegistration) fieldErrors(lang string, course models.Course, err error, errs fieldErrors) bool {
	got := fieldErrors{}
	if !formError(err, got, map[string]string{"establishments_registration_no_key": "establishment.registration_no"}) {
		return false
	}
	for k, v := range got {
		var i int
		var field string
		if n, _ := fmt.Sscanf(strings.Replace(k, ".", " ", 2), "participants %d %s", &i, &field); n == 2 && i < len(r.Rows) {
			k = fmt.Sprintf("participants.%d.%s", r.Rows[i], field)
		}
		errs[k] = v
	}
	wsLimitMessage(lang, course, errs)
	return true
}

// wsLimitMessage replaces the per-establishment limit's key by the message with its number: the
// forms and the API say "Mỗi cơ sở được cử tối đa 2 người".
func wsLimitMessage(lang string, course models.Course, errs fieldErrors) {
	if errs["participants"] == "ws_establishment_limit" && course.PerEstablishmentLimit != nil {
		errs["participants"] = fmt.Sprintf(T(lang, "ws.limit"), *course.PerEstablishmentLimit)
	}
}

// wsRows is how many participant rows a form shows: the per-establishment limit (2 by default), and
// enough for every row typed.
func wsRows(course models.Course, typed []int) []int {
	n := 2
	if l := course.PerEstablishmentLimit; l != nil {
		n = min(max(*l, 1), 5)
	}
	if len(typed) > 0 {
		n = max(n, typed[len(typed)-1]+1)
	}
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// wsRegPage is the data of the staff registration page and of the public registration page.
type wsRegPage struct {
	Course        models.Course
	Query         string
	Matches       []models.Establishment
	Chosen        *models.Establishment
	Communes      []communeGroup
	Kinds         []string
	Rows          []int
	Registrations []models.EstablishmentRegistrations
	Done          *models.WorkshopRegistration
	Started       string // the signed time the public form was shown
	Honeypot      string
	Limit         int // people per establishment; 0 without a limit
}

func (h *Handler) wsRegPageData(c *fiber.Ctx, course models.Course, values map[string]string, typed []int) (wsRegPage, error) {
	p := wsRegPage{Course: course, Kinds: models.EstablishmentKinds, Rows: wsRows(course, typed), Honeypot: wsHoneypot}
	if course.PerEstablishmentLimit != nil {
		p.Limit = *course.PerEstablishmentLimit
	}
	var err error
	p.Communes, err = h.communeGroups(c.UserContext(), values["establishment.commune_code"])
	return p, err
}

// RegistrationForm handles GET /workshops/:id/registrations: find the establishment (by name or tax or
// registration number, diacritics optional) or type a new one, and list the people it sends.
func (h *Handler) RegistrationForm(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	q := text(errs, "q", c.Query("q"), 200)
	values := map[string]string{"establishment.kind": models.KindHouseholdBusiness}
	if id := optionalID(errs, "establishment_id", c.Query("establishment_id")); id != nil {
		values["establishment_id"] = strconv.FormatInt(*id, 10)
	}
	if len(errs) > 0 {
		return errs
	}
	return h.renderRegistrations(c, fiber.StatusOK, course, q, form{Values: values}, nil, nil)
}

func (h *Handler) renderRegistrations(c *fiber.Ctx, status int, course models.Course, q string, f form, typed []int, done *models.WorkshopRegistration) error {
	ctx := c.UserContext()
	p, err := h.wsRegPageData(c, course, f.Values, typed)
	if err != nil {
		return err
	}
	p.Query, p.Done = q, done
	if q != "" {
		list, err := h.store.ListEstablishments(ctx, models.ListParams{Q: q, PerPage: 10}, models.EstablishmentFilter{})
		if err != nil {
			return err
		}
		p.Matches = list.Items
	}
	if id, err := strconv.ParseInt(f.Values["establishment_id"], 10, 64); err == nil && id > 0 {
		e, err := h.store.GetEstablishment(ctx, id)
		switch {
		case err == nil:
			p.Chosen = &e
		case !errors.Is(err, models.ErrNotFound):
			return err
		}
	}
	if p.Registrations, err = h.store.WorkshopRegistrations(ctx, course.ID, 0); err != nil {
		return err
	}
	f.Data = p
	return h.render(c, status, "workshops/registrations", "ws.registrations", f)
}

// RegistrationCreate handles POST /workshops/:id/registrations: the establishment and its people in
// one transaction; 201 with each person's seat or waitlist place, or the form again with what is wrong.
func (h *Handler) RegistrationCreate(c *fiber.Ctx) error {
	course, _, err := h.workshopAccess(c, models.CourseOwner)
	if err != nil {
		return err
	}
	r, errs := wsParseRegistration(c, true)
	if len(errs) == 0 {
		done, err := h.store.RegisterForWorkshop(c.UserContext(), actor(c), course.ID, r.In)
		if err == nil {
			course, _ = h.store.GetCourse(c.UserContext(), course.ID)
			return h.renderRegistrations(c, fiber.StatusCreated, course, "",
				form{Values: map[string]string{"establishment.kind": models.KindHouseholdBusiness}}, nil, &done)
		}
		if !r.fieldErrors(Lang(c), course, err, errs) {
			return err
		}
	}
	return h.renderRegistrations(c, fiber.StatusUnprocessableEntity, course, "", form{Values: r.Values, Errors: errs}, r.Rows, nil)
}

// publicWorkshop loads a workshop open for registration (approved or running); anything else is 404.
func (h *Handler) publicWorkshop(c *fiber.Ctx) (models.Course, error) {
	id, err := idParam(c)
	if err != nil {
		return models.Course{}, err
	}
	course, err := h.store.GetCourse(c.UserContext(), id)
	if err != nil {
		return course, err
	}
	if course.Kind != models.KindWorkshop || (course.Status != models.StatusApproved && course.Status != models.StatusRunning) {
		return course, fiber.ErrNotFound
	}
	return course, nil
}

// PublicRegisterForm handles GET /workshops/:id/register: the public registration page of an approved
// workshop, for an establishment to register the people it sends.
func (h *Handler) PublicRegisterForm(c *fiber.Ctx) error {
	course, err := h.publicWorkshop(c)
	if err != nil {
		return err
	}
	if _, err := h.ensureSession(c); err != nil {
		return err
	}
	return h.renderPublicRegister(c, fiber.StatusOK, course, form{Values: map[string]string{"establishment.kind": models.KindHouseholdBusiness}}, nil, nil)
}

func (h *Handler) renderPublicRegister(c *fiber.Ctx, status int, course models.Course, f form, typed []int, done *models.WorkshopRegistration) error {
	p, err := h.wsRegPageData(c, course, f.Values, typed)
	if err != nil {
		return err
	}
	p.Done = done
	if p.Started, err = h.wsSignStart(c, course.ID, time.Now()); err != nil {
		return err
	}
	f.Data = p
	return h.render(c, status, "workshops/register", "ws.register", f)
}

// PublicRegister handles POST /workshops/:id/register. Automated posts are turned away: too many from
// one address (429), the honeypot filled in, or a form sent faster than a person can fill it in or
// older than a day's work — those see the form again with a request to check and send it.
func (h *Handler) PublicRegister(c *fiber.Ctx) error {
	course, err := h.publicWorkshop(c)
	if err != nil {
		return err
	}
	if err := h.limit(c, "ws-register:ip:"+c.IP(), wsRegisterLimit, wsRegisterWindow); err != nil {
		return err
	}
	// The public never names an establishment on file by id: it types its own, found or created.
	r, errs := wsParseRegistration(c, false)
	ok, err := h.wsCheckStart(c, course.ID, c.FormValue("started"), time.Now())
	if err != nil {
		return err
	}
	if !ok || c.FormValue(wsHoneypot) != "" {
		return h.renderPublicRegister(c, fiber.StatusUnprocessableEntity, course, form{Values: r.Values, Errors: errs, Error: "ws.too_fast"}, r.Rows, nil)
	}
	if len(errs) == 0 {
		a := actor(c)
		a.Label = "public-registration"
		done, err := h.store.RegisterForWorkshop(c.UserContext(), a, course.ID, r.In)
		if err == nil {
			return h.renderPublicRegister(c, fiber.StatusCreated, course, form{Values: map[string]string{}}, nil, &done)
		}
		if !r.fieldErrors(Lang(c), course, err, errs) {
			return err
		}
	}
	return h.renderPublicRegister(c, fiber.StatusUnprocessableEntity, course, form{Values: r.Values, Errors: errs}, r.Rows, nil)
}

// wsSignStart signs the time a public form is shown, with a server key the browser never sees.
func (h *Handler) wsSignStart(c *fiber.Ctx, courseID int64, at time.Time) (string, error) {
	key, err := h.store.SigningKey(c.UserContext(), wsRegisterPurpose)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(at.Unix(), 10) + "." + wsMAC(key, courseID, at.Unix()), nil
}

func wsMAC(key []byte, courseID, unix int64) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "ws-register|%d|%d", courseID, unix)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// wsCheckStart tells whether the signed start time is genuine, for this workshop, and neither too
// recent nor too old at now.
func (h *Handler) wsCheckStart(c *fiber.Ctx, courseID int64, v string, now time.Time) (bool, error) {
	ts, sig, found := strings.Cut(v, ".")
	unix, err := strconv.ParseInt(ts, 10, 64)
	if !found || err != nil || len(v) > 100 {
		return false, nil
	}
	key, err := h.store.SigningKey(c.UserContext(), wsRegisterPurpose)
	if err != nil {
		return false, err
	}
	if !hmac.Equal([]byte(sig), []byte(wsMAC(key, courseID, unix))) {
		return false, nil
	}
	age := now.Sub(time.Unix(unix, 0))
	return age >= wsMinFill && age <= wsMaxFormAge, nil
}
