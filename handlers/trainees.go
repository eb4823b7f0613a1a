package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// Trainees (học viên): staff and admins only. National IDs, birth dates and phone numbers never
// travel in a URL: the list searches names only, and finding by national ID is a POST.
func (h *Handler) traineeRoutes(r *router) {
	r.get("/trainees", Staff, h.TraineeList)
	r.get("/trainees/new", Staff, h.TraineeNew)
	r.post("/trainees", Staff, h.TraineeCreate)
	r.post("/trainees/find", Staff, h.TraineeFind)
	r.get("/trainees/:id", Staff, h.TraineeShow)
	r.get("/trainees/:id/edit", Staff, h.TraineeEdit)
	r.post("/trainees/:id", Staff, h.TraineeUpdate)

	r.get("/api/v1/trainees", Staff, h.APITraineeList)
	r.post("/api/v1/trainees", Staff, h.APITraineeCreate)
	r.post("/api/v1/trainees/find", Staff, h.APITraineeFind)
	r.get("/api/v1/trainees/:id", Staff, h.APITraineeShow)
	r.patch("/api/v1/trainees/:id", Staff, h.APITraineeUpdate)
}

// traineeForm is what the trainee form submits; it binds nothing else (no mass assignment).
type traineeForm struct {
	FullName        string `form:"full_name"`
	FamilyName      string `form:"family_name"`
	MiddleName      string `form:"middle_name"`
	GivenName       string `form:"given_name"`
	Gender          string `form:"gender"`
	BirthDate       string `form:"birth_date"`
	IDKind          string `form:"id_kind"`
	IDNumber        string `form:"id_number"`
	Phone           string `form:"phone"`
	Ethnicity       string `form:"ethnicity"`
	CommuneCode     string `form:"commune_code"`
	EstablishmentID string `form:"establishment_id"`
}

func (f traineeForm) values() map[string]string {
	return map[string]string{
		"full_name": f.FullName, "family_name": f.FamilyName, "middle_name": f.MiddleName, "given_name": f.GivenName,
		"gender": f.Gender, "birth_date": f.BirthDate, "id_kind": f.IDKind, "id_number": f.IDNumber,
		"phone": f.Phone, "ethnicity": f.Ethnicity, "commune_code": f.CommuneCode, "establishment_id": f.EstablishmentID,
	}
}

// input turns the form into the model's input, with the problems the form alone shows (overlong
// fields, an establishment that is not a number).
func (f traineeForm) input() (models.TraineeInput, fieldErrors) {
	errs := fieldErrors{}
	for k, v := range f.values() {
		if utf8.RuneCountInString(v) > 300 {
			errs[k] = "too_long"
		}
	}
	in := models.TraineeInput{
		FullName: f.FullName, FamilyName: f.FamilyName, MiddleName: f.MiddleName, GivenName: f.GivenName,
		Gender: f.Gender, BirthDate: f.BirthDate, IDKind: f.IDKind, IDNumber: f.IDNumber, Phone: f.Phone,
		Ethnicity: f.Ethnicity, CommuneCode: f.CommuneCode,
	}
	if s := strings.TrimSpace(f.EstablishmentID); s != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
		if err != nil || id < 1 {
			errs["establishment_id"] = "unknown_establishment"
		}
		in.EstablishmentID = id
	}
	return in, errs
}

// traineeValues fills the form from a stored trainee; dates are shown as dd/mm/yyyy.
func traineeValues(t models.Trainee) map[string]string {
	v := map[string]string{
		"family_name": t.FamilyName, "middle_name": t.MiddleName, "given_name": t.GivenName,
		"gender": t.Gender, "ethnicity": t.Ethnicity, "id_kind": models.IDKindCCCD,
	}
	if t.BirthDate != nil {
		v["birth_date"] = t.BirthDate.Format("02/01/2006")
	}
	if t.IDKind != nil {
		v["id_kind"], v["id_number"] = *t.IDKind, deref(t.IDNumber)
	}
	v["phone"], v["commune_code"] = deref(t.Phone), deref(t.CommuneCode)
	if t.EstablishmentID != nil {
		v["establishment_id"] = strconv.FormatInt(*t.EstablishmentID, 10)
	}
	return v
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// traineeFormData is what the new and edit pages need besides the values typed.
type traineeFormData struct {
	Trainee     models.Trainee
	New         bool
	Communes    []communeGroup
	Ethnicities []string
	IDKinds     []string
	Genders     []string
	ExistingID  int64 // the trainee who already has the national ID typed
	Warnings    []warningView
}

func groupCommunes(cs []models.Commune) []communeGroup {
	var out []communeGroup
	for _, c := range cs {
		if len(out) == 0 || out[len(out)-1].District != c.DistrictName {
			out = append(out, communeGroup{District: c.DistrictName})
		}
		out[len(out)-1].Communes = append(out[len(out)-1].Communes, c)
	}
	return out
}

// renderTraineeForm shows the new or edit page with the values typed and the problems found.
func (h *Handler) renderTraineeForm(c *fiber.Ctx, status int, f form, d traineeFormData) error {
	communes, err := h.store.ListAllCommunes(c.UserContext())
	if err != nil {
		return err
	}
	d.Communes = groupCommunes(communes)
	d.Ethnicities, d.IDKinds, d.Genders = models.Ethnicities, models.IDKinds, models.Genders
	f.Data = d
	if d.New {
		return h.render(c, status, "trainees/new", "trainees.new", f)
	}
	return h.render(c, status, "trainees/edit", "trainees.edit", f)
}

// warningView is a warning with its message in the page's language.
type warningView struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func warningViews(lang string, ws []models.Warning) []warningView {
	out := make([]warningView, 0, len(ws))
	for _, w := range ws {
		out = append(out, warningView{Field: w.Field, Code: w.Code, Message: T(lang, "warning."+w.Code)})
	}
	return out
}

// traineeListData is what the list page shows.
type traineeListData struct {
	List     models.List[models.Trainee]
	Params   models.ListParams
	Sorts    map[string]string // the sort each column header switches to
	NotFound bool              // a find by national ID found nobody
	IDNumber string
}

func traineeSortLinks(current string) map[string]string {
	out := map[string]string{}
	for _, k := range models.TraineeSortKeys {
		out[k] = k
		if current == k || (current == "" && k == "name") {
			out[k] = "-" + k
		}
	}
	return out
}

// TraineeList handles GET /trainees: names searched without diacritics, IDs masked.
func (h *Handler) TraineeList(c *fiber.Ctx) error {
	p, err := listParams(c)
	if err != nil {
		return err
	}
	list, err := h.store.ListTrainees(c.UserContext(), p)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "trainees/list", "trainees.title", traineeListData{List: list, Params: p, Sorts: traineeSortLinks(p.Sort)})
}

// TraineeFind handles POST /trainees/find: the national ID comes in the body, never in a URL; the
// answer is a redirect to the trainee, or the list saying that nobody has it.
func (h *Handler) TraineeFind(c *fiber.Ctx) error {
	number := models.NormalizeIDNumber(c.FormValue("id_number"))
	if number != "" && utf8.ValidString(number) && len(number) <= 40 {
		t, err := h.store.FindTraineeByIDNumber(c.UserContext(), number)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/trainees/%d", t.ID), fiber.StatusSeeOther)
		}
		if !errors.Is(err, models.ErrNotFound) {
			return err
		}
	}
	p := models.ListParams{}.Normalize()
	list, err := h.store.ListTrainees(c.UserContext(), p)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusNotFound, "trainees/list", "trainees.title", traineeListData{
		List: list, Params: p, Sorts: traineeSortLinks(""), NotFound: true, IDNumber: c.FormValue("id_number"),
	})
}

// TraineeNew handles GET /trainees/new.
func (h *Handler) TraineeNew(c *fiber.Ctx) error {
	f := form{Values: map[string]string{"ethnicity": "Kinh", "id_kind": models.IDKindCCCD}}
	return h.renderTraineeForm(c, fiber.StatusOK, f, traineeFormData{New: true})
}

// TraineeCreate handles POST /trainees. A national ID that is already registered is refused with a
// link to the trainee who has it.
func (h *Handler) TraineeCreate(c *fiber.Ctx) error {
	var f traineeForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	in, errs := f.input()
	d := traineeFormData{New: true}
	status := fiber.StatusUnprocessableEntity
	if len(errs) == 0 {
		t, _, err := h.store.CreateTrainee(c.UserContext(), actor(c), in)
		if err == nil {
			flag := "created=1"
			if strings.TrimSpace(f.FamilyName+f.MiddleName+f.GivenName) == "" {
				flag += "&split=1"
			}
			return c.Redirect(fmt.Sprintf("/trainees/%d?%s", t.ID, flag), fiber.StatusSeeOther)
		}
		if status, err = traineeFormError(err, errs, &d, in); err != nil {
			return err
		}
	} else {
		_, more := in.Validate(models.Today())
		for k, v := range more {
			if errs[k] == "" {
				errs[k] = v
			}
		}
	}
	return h.renderTraineeForm(c, status, form{Values: f.values(), Errors: errs}, d)
}

// traineeFormError turns a model error into field errors (and the trainee who holds a duplicate
// national ID) with the status of the page; any other error is returned for the error handler.
func traineeFormError(err error, errs fieldErrors, d *traineeFormData, in models.TraineeInput) (int, error) {
	var dup *models.DuplicateIDError
	if errors.As(err, &dup) {
		errs["id_number"] = duplicateIDKey(in.IDKind, in.IDNumber)
		d.ExistingID = dup.ExistingID
		return fiber.StatusConflict, nil
	}
	if formError(err, errs, nil) {
		return fiber.StatusUnprocessableEntity, nil
	}
	return 0, err
}

// duplicateIDKey is the message for a national ID already registered: CCCD numbers (12 digits, the
// same number as a CMND12) say "Số CCCD…", other papers "Số giấy tờ…".
func duplicateIDKey(kind, number string) string {
	k := strings.ToLower(strings.TrimSpace(kind))
	if k == models.IDKindCCCD || k == models.IDKindCMND12 || (k == "" && len(models.NormalizeIDNumber(number)) == 12) {
		return "duplicate_cccd"
	}
	return "duplicate_id"
}

// traineeShowData is what the trainee's page shows.
type traineeShowData struct {
	Trainee    models.Trainee
	Warnings   []warningView
	Enrolments []models.TraineeEnrolment
	Similar    []models.Trainee
	Link       models.LinkStatus // the trainee's own page (traineelink.go)
	Created    bool
	Saved      bool
	Split      bool
}

// TraineeShow handles GET /trainees/:id: every detail, the national ID in full, the warnings about
// the data, possible duplicates and the trainee's enrolments.
func (h *Handler) TraineeShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	t, err := h.store.GetTrainee(ctx, id)
	if err != nil {
		return err
	}
	enrolments, err := h.store.TraineeEnrolments(ctx, id)
	if err != nil {
		return err
	}
	similar, err := h.store.SimilarTrainees(ctx, t)
	if err != nil {
		return err
	}
	link, err := h.store.TraineeLinkStatus(ctx, id)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "trainees/show", "trainees.title", traineeShowData{
		Trainee: t, Warnings: warningViews(Lang(c), t.Warnings(models.Today())), Enrolments: enrolments, Similar: similar, Link: link,
		Created: c.Query("created") == "1", Saved: c.Query("saved") == "1", Split: c.Query("split") == "1",
	})
}

// TraineeEdit handles GET /trainees/:id/edit.
func (h *Handler) TraineeEdit(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	t, err := h.store.GetTrainee(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.renderTraineeForm(c, fiber.StatusOK, form{Values: traineeValues(t)}, traineeFormData{
		Trainee: t, Warnings: warningViews(Lang(c), t.Warnings(models.Today())),
	})
}

// TraineeUpdate handles POST /trainees/:id.
func (h *Handler) TraineeUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	t, err := h.store.GetTrainee(c.UserContext(), id)
	if err != nil {
		return err
	}
	var f traineeForm
	if err := c.BodyParser(&f); err != nil {
		return fiber.ErrBadRequest
	}
	f.FullName = "" // the edit form has the three parts only
	in, errs := f.input()
	d := traineeFormData{Trainee: t}
	status := fiber.StatusUnprocessableEntity
	if len(errs) == 0 {
		_, _, err := h.store.UpdateTrainee(c.UserContext(), actor(c), id, in)
		if err == nil {
			return c.Redirect(fmt.Sprintf("/trainees/%d?saved=1", id), fiber.StatusSeeOther)
		}
		if status, err = traineeFormError(err, errs, &d, in); err != nil {
			return err
		}
	}
	return h.renderTraineeForm(c, status, form{Values: f.values(), Errors: errs}, d)
}
