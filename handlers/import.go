package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/sheet"
	"khuyencong/internal/vi"
	"khuyencong/models"
)

// Imports are for staff only: the issue says "staff upload", and an import creates trainees in the
// registry, which trainers do not otherwise do in bulk.
func (h *Handler) importRoutes(r *router) {
	r.get("/courses/:id/import", Staff, h.ImportForm)
	r.post("/courses/:id/import", Staff, h.ImportUpload)
	r.get("/courses/:id/import/template.xlsx", Staff, h.ImportTemplate)
	r.get("/courses/:id/imports/:import_id", Staff, h.ImportShow)
	r.get("/courses/:id/imports/:import_id/rejected.xlsx", Staff, h.ImportRejected)
	r.post("/api/v1/courses/:id/import", Staff, h.APIImport)
}

// importTimeout bounds one import: 2,000 rows take a few seconds, far over the usual request
// deadline, and stay under the server's write timeout.
const importTimeout = 50 * time.Second

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// importFormPage is the data of the upload form.
type importFormPage struct {
	Course models.Course
	Open   bool
	Error  string
	Latest *models.Import
	MaxMB  string
	MaxRow string
}

// ImportForm handles GET /courses/:id/import: the upload form, with the template to download.
func (h *Handler) ImportForm(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	return h.renderImportForm(c, fiber.StatusOK, course, "")
}

func (h *Handler) renderImportForm(c *fiber.Ctx, status int, course models.Course, msg string) error {
	p := importFormPage{Course: course, Error: msg, MaxMB: vi.Int(sheet.DefaultLimits.MaxBytes >> 20),
		MaxRow: vi.Int(models.MaxImportRows),
		Open:   course.Status == models.StatusApproved || course.Status == models.StatusRunning}
	latest, err := h.store.LatestImport(c.UserContext(), course.ID)
	switch {
	case err == nil:
		p.Latest = &latest
	case !errors.Is(err, models.ErrNotFound):
		return err
	}
	return h.render(c, status, "imports/form", "import.title", form{Data: p})
}

// ImportUpload handles POST /courses/:id/import (multipart, field "file"). A refused file comes back
// on the form with its reason and nothing written; an import, however many rows it rejected, goes
// to its result page (303).
func (h *Handler) ImportUpload(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	imp, err := h.runImport(c, course.ID)
	var refused *importRefusal
	if errors.As(err, &refused) {
		return h.renderImportForm(c, refused.status, course, refused.message(Lang(c)))
	}
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/courses/%d/imports/%d", course.ID, imp.ID), fiber.StatusSeeOther)
}

// runImport reads the upload and imports it. The import gets its own deadline, detached from the
// request's: rows are committed one by one, and stopping half-way because the client left would
// leave an import without its record.
func (h *Handler) runImport(c *fiber.Ctx, courseID int64) (models.Import, error) {
	f, err := readImportFile(c)
	if err != nil {
		return models.Import{}, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), importTimeout)
	defer cancel()
	imp, err := h.store.ImportTrainees(ctx, actor(c), courseID, f)
	var ve *models.ValidationError
	if errors.As(err, &ve) && ve.Fields["course"] == "enrolment_closed" {
		return imp, refuseImport(fiber.StatusUnprocessableEntity, "import.closed")
	}
	return imp, err
}

// importParam loads the import in the URL, which must belong to the course in the URL.
func (h *Handler) importParam(c *fiber.Ctx) (models.Course, models.Import, error) {
	course, _, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return course, models.Import{}, err
	}
	id, err := strconv.ParseInt(c.Params("import_id"), 10, 64)
	if err != nil || id < 1 {
		return course, models.Import{}, fiber.ErrNotFound
	}
	imp, err := h.store.GetImport(c.UserContext(), course.ID, id)
	return course, imp, err
}

// importedView is a row that enrolled a trainee, for the result page and the API.
type importedView struct {
	Row              int        `json:"row"`
	TraineeID        int64      `json:"trainee_id"`
	FullName         string     `json:"full_name"`
	Status           string     `json:"status"`
	WaitlistPosition *int       `json:"waitlist_position"`
	Created          bool       `json:"created"`
	Warnings         []noteView `json:"warnings"`
}

// rejectedView is a row that wrote nothing: its reasons in one line and one by one, and its values.
type rejectedView struct {
	Row     int               `json:"row"`
	Reason  string            `json:"reason"`
	Reasons []noteView        `json:"reasons"`
	Values  map[string]string `json:"values"`
}

// noteView is a reason or a warning: its code and column for scripts, its message for people.
type noteView struct {
	Code    string `json:"code"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// noteText translates a row note: a message for the code on that column, or for the code, or the
// trainee registry's warning of that code, or the field message prefixed by the column.
func noteText(lang string, n models.RowNote) string {
	for _, key := range []string{"import.note." + n.Code + "." + n.Column, "import.note." + n.Code, "warning." + n.Code} {
		if m := T(lang, key); m != key {
			if strings.Contains(m, "%s") {
				return fmt.Sprintf(m, n.Arg)
			}
			return m
		}
	}
	if n.Column != "" {
		return T(lang, "import.col."+n.Column) + ": " + fieldMessage(lang, n.Code)
	}
	return T(lang, "import.note.unexpected")
}

func noteViews(lang string, notes []models.RowNote) []noteView {
	out := make([]noteView, len(notes))
	for i, n := range notes {
		out[i] = noteView{Code: n.Code, Column: n.Column, Message: noteText(lang, n)}
	}
	return out
}

// reasonText joins a rejected row's reasons into one line, as in the "Lý do" column.
func reasonText(lang string, notes []models.RowNote) string {
	parts := make([]string, len(notes))
	for i, n := range notes {
		parts[i] = noteText(lang, n)
	}
	return strings.Join(parts, "; ")
}

// importView is an import's outcome, translated for the result page and the API.
type importView struct {
	ImportID   int64          `json:"import_id"`
	FileName   string         `json:"file_name"`
	Total      int            `json:"total"`
	Confirmed  int            `json:"confirmed"`
	Waitlisted int            `json:"waitlisted"`
	RejectedN  int            `json:"rejected_count"`
	Rejected   []rejectedView `json:"rejected"`
	Rows       []importedView `json:"rows"`
	RejectedAt string         `json:"rejected_sheet,omitempty"`
	Detailed   bool           `json:"-"`
	FirstPos   int            `json:"-"`
	LastPos    int            `json:"-"`
	CreatedAt  time.Time      `json:"created_at"`
	By         string         `json:"-"`
}

func newImportView(lang string, imp models.Import) importView {
	v := importView{ImportID: imp.ID, FileName: imp.FileName, Total: imp.Total, Confirmed: imp.Confirmed,
		Waitlisted: imp.Waitlisted, RejectedN: imp.Rejected, CreatedAt: imp.CreatedAt, By: imp.ByName,
		Rejected: []rejectedView{}, Rows: []importedView{}}
	if imp.Details == nil {
		return v
	}
	v.Detailed = true
	for _, r := range imp.Details.Accepted {
		v.Rows = append(v.Rows, importedView{Row: r.Line, TraineeID: r.TraineeID, FullName: r.FullName, Status: r.Status,
			WaitlistPosition: r.WaitlistPosition, Created: r.Created, Warnings: noteViews(lang, r.Warnings)})
		if p := r.WaitlistPosition; p != nil {
			if v.FirstPos == 0 || *p < v.FirstPos {
				v.FirstPos = *p
			}
			v.LastPos = max(v.LastPos, *p)
		}
	}
	for _, r := range imp.Details.Rejected {
		v.Rejected = append(v.Rejected, rejectedView{Row: r.Line, Reason: reasonText(lang, r.Reasons),
			Reasons: noteViews(lang, r.Reasons), Values: r.Values})
	}
	if len(v.Rejected) > 0 {
		v.RejectedAt = fmt.Sprintf("/courses/%d/imports/%d/rejected.xlsx", imp.CourseID, imp.ID)
	}
	return v
}

// ImportShow handles GET /courses/:id/imports/:import_id: the counts, the waitlist positions, the
// rejected rows with their reasons and the sheet of them to download.
func (h *Handler) ImportShow(c *fiber.Ctx) error {
	course, imp, err := h.importParam(c)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "imports/result", "import.result", form{Data: map[string]any{
		"Course": course, "Import": newImportView(Lang(c), imp)}})
}

// ImportRejected handles GET /courses/:id/imports/:import_id/rejected.xlsx: the rejected rows with
// the file's own columns plus "Lý do", to fix and import again. Only the latest import keeps them.
func (h *Handler) ImportRejected(c *fiber.Ctx) error {
	course, imp, err := h.importParam(c)
	if err != nil {
		return err
	}
	if imp.Details == nil {
		return fiber.ErrGone
	}
	lang := Lang(c)
	width := len(imp.Details.Headers)
	for _, r := range imp.Details.Rejected {
		width = max(width, len(r.Cells))
	}
	headers := make([]string, width, width+1)
	copy(headers, imp.Details.Headers)
	t := sheet.Table{Sheet: T(lang, "import.sheet_rejected"), Headers: append(headers, T(lang, "import.reason"))}
	for _, r := range imp.Details.Rejected {
		cells := make([]string, width, width+1)
		copy(cells, r.Cells)
		t.Rows = append(t.Rows, append(cells, reasonText(lang, r.Reasons)))
	}
	b, err := sheet.Write(t)
	if err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("dong-bi-loai-%s-%d.xlsx", course.Code, imp.ID), b)
}

// ImportTemplate handles GET /courses/:id/import/template.xlsx: the headers, one example row, and a
// sheet of instructions.
func (h *Handler) ImportTemplate(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	lang := Lang(c)
	cols := []string{models.ColFullName, models.ColBirthDate, models.ColGender, models.ColIDNumber, models.ColPhone,
		models.ColCommune, models.ColEstablishment}
	example := []string{"Nguyễn Thị Ánh", "15/03/1992", T(lang, "import.example.gender"), models.TemplateIDNumber,
		"0912345678", T(lang, "import.example.commune"), ""}
	main := sheet.Table{Sheet: T(lang, "import.sheet_trainees"), Rows: [][]string{example}}
	help := sheet.Table{Sheet: T(lang, "import.sheet_help"),
		Headers: []string{T(lang, "import.help_column"), T(lang, "import.help_required"), T(lang, "import.help_how")}}
	for i, col := range cols {
		main.Headers = append(main.Headers, T(lang, "import.col."+col))
		required := T(lang, "import.no")
		if i < 4 {
			required = T(lang, "import.yes")
		}
		help.Rows = append(help.Rows, []string{T(lang, "import.col."+col), required, T(lang, "import.help."+col)})
	}
	help.Rows = append(help.Rows, []string{"", "", T(lang, "import.help.example")})
	b, err := sheet.Write(main, help)
	if err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("mau-nhap-hoc-vien-%s.xlsx", course.Code), b)
}

func sendXLSX(c *fiber.Ctx, name string, b []byte) error {
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+strings.ReplaceAll(name, `"`, "")+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}

// APIImport handles POST /api/v1/courses/:id/import (multipart, field "file"): 200 with the counts,
// the rows enrolled with their status and position, and the rejected rows with reasons and values;
// a refused file is a problem on "file" with nothing written.
func (h *Handler) APIImport(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	imp, err := h.runImport(c, course.ID)
	var refused *importRefusal
	if errors.As(err, &refused) {
		msg := refused.message(Lang(c))
		c.Status(refused.status)
		return c.JSON(Problem{Type: "about:blank", Title: httpTitle(refused.status), Status: refused.status, Detail: msg,
			Errors: map[string]string{"file": msg}, RequestID: requestID(c)}, "application/problem+json; charset=utf-8")
	}
	if err != nil {
		return err
	}
	return c.JSON(newImportView(Lang(c), imp))
}
