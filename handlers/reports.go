package handlers

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
)

// reportRoutes wires the reports: the index, the reach and training reports as pages (with a print
// version), as JSON and as Excel. The master-hours report lives with the calendar.
func (h *Handler) reportRoutes(r *router) {
	r.get("/reports", Staff, h.ReportsIndex)
	r.get("/reports/reach", Staff, h.ReachReport)
	r.get("/reports/training", Staff, h.TrainingReport)
	r.get("/api/v1/reports/reach", Staff, h.APIReachReport)
	r.get("/api/v1/reports/reach.xlsx", Staff, h.ReachReportXLSX)
	r.get("/api/v1/reports/training", Staff, h.APITrainingReport)
	r.get("/api/v1/reports/training.xlsx", Staff, h.TrainingReportXLSX)
}

// periodForm is a report period as typed (yyyy-mm-dd from date inputs, or dd/mm/yyyy).
type periodForm struct {
	From, To string
}

// reachForm is the reach report's query: ?from=&to=&kinds=KC1&kinds=KC3 (or kinds=KC1,KC3)&courses=1.
type reachForm struct {
	periodForm
	Kinds   []string
	Courses bool
}

// thisYear is the default period: the current year in Vietnam.
func thisYear() (time.Time, time.Time) {
	y := time.Now().In(vi.Zone).Year()
	return time.Date(y, 1, 1, 0, 0, 0, 0, models.Zone), time.Date(y, 12, 31, 0, 0, 0, 0, models.Zone)
}

// parsePeriod reads ?from=&to=; both absent means this year.
func parsePeriod(c *fiber.Ctx, errs fieldErrors) (periodForm, time.Time, time.Time) {
	p := periodForm{From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	if p.From == "" && p.To == "" {
		from, to := thisYear()
		p.From, p.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
	}
	if len(p.From) > 20 || len(p.To) > 20 {
		errs["from"] = "invalid_date"
		return p, time.Time{}, time.Time{}
	}
	from, to := date(errs, "from", p.From), date(errs, "to", p.To)
	if errs["from"] == "" && from.IsZero() {
		errs["from"] = "required"
	}
	if errs["to"] == "" && to.IsZero() {
		errs["to"] = "required"
	}
	return p, from, to
}

// parseReach reads the reach report's query into the model's filter.
func parseReach(c *fiber.Ctx) (models.ReachFilter, reachForm, error) {
	errs := fieldErrors{}
	var q reachForm
	var f models.ReachFilter
	q.periodForm, f.From, f.To = parsePeriod(c, errs)
	for _, v := range c.Context().QueryArgs().PeekMulti("kinds") {
		for _, k := range strings.Split(string(v), ",") {
			if k = strings.ToUpper(strings.TrimSpace(k)); k != "" && !slices.Contains(q.Kinds, k) {
				q.Kinds = append(q.Kinds, k)
			}
		}
	}
	if len(q.Kinds) > 20 {
		errs["kinds"] = "invalid_choice"
	}
	f.Kinds = q.Kinds
	switch c.Query("courses") {
	case "", "0", "false":
	case "1", "true", "on":
		q.Courses, f.WithCourses = true, true
	default:
		errs["courses"] = "invalid_choice"
	}
	if len(errs) == 0 {
		for k, v := range f.Validate() {
			errs[k] = v
		}
	}
	if len(errs) > 0 {
		return f, q, errs
	}
	return f, q, nil
}

// parseTraining reads the training report's period.
func parseTraining(c *fiber.Ctx) (models.TrainingFilter, periodForm, error) {
	errs := fieldErrors{}
	var f models.TrainingFilter
	p, from, to := parsePeriod(c, errs)
	f.From, f.To = from, to
	if len(errs) == 0 {
		for k, v := range f.Validate() {
			errs[k] = v
		}
	}
	if len(errs) > 0 {
		return f, p, errs
	}
	return f, p, nil
}

// query is the report's query string, for the links to its Excel file and its print version.
func (q reachForm) query() string {
	v := url.Values{"from": {q.From}, "to": {q.To}}
	if len(q.Kinds) > 0 {
		v.Set("kinds", strings.Join(q.Kinds, ","))
	}
	if q.Courses {
		v.Set("courses", "1")
	}
	return v.Encode()
}

func (p periodForm) query() string { return url.Values{"from": {p.From}, "to": {p.To}}.Encode() }

// presets are the one-click periods of the index page.
func presets() []map[string]any {
	this := time.Now().In(vi.Zone).Year()
	out := []map[string]any{{"Key": "report.decade", "Query": template.URL("from=2012-01-01&to=2022-12-31"), "Year": ""}}
	for _, y := range []struct {
		key  string
		year int
	}{{"report.this_year", this}, {"report.last_year", this - 1}} {
		out = append(out, map[string]any{"Key": y.key,
			"Query": template.URL(fmt.Sprintf("from=%d-01-01&to=%d-12-31", y.year, y.year)), "Year": fmt.Sprint(y.year)})
	}
	return out
}

// ReportsIndex handles GET /reports: the reports with their usual periods.
func (h *Handler) ReportsIndex(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusOK, "reports/index", "report.title", map[string]any{
		"Presets": presets(), "Year": time.Now().In(vi.Zone).Year()})
}

// reportPage is what the report pages share: the form as typed, its errors, the print flag and the
// signature line's date.
type reportPage struct {
	Errors    map[string]string
	Print     bool
	Query     template.URL // the report's query string, already encoded
	PlaceDate string
	OrgParent string
	OrgUnit   string
}

func (h *Handler) newReportPage(c *fiber.Ctx, query string) reportPage {
	return reportPage{Errors: map[string]string{}, Print: c.Query("print") == "1", Query: template.URL(query), // #nosec: url.Values.Encode
		PlaceDate: vi.DateInWords(time.Now()), OrgParent: h.cfg.OrgParent, OrgUnit: h.cfg.OrgUnit}
}

// renderReport renders a report page in the main layout, or, for ?print=1, in the print layout (no
// navigation, the organisation's heading and the signature block).
func (h *Handler) renderReport(c *fiber.Ctx, status int, name, title string, print bool, data any) error {
	if !print {
		return h.render(c, status, name, title, data)
	}
	p := Page{Lang: Lang(c), Title: T(Lang(c), title), Path: c.Path(), RequestID: requestID(c), User: currentUser(c), Data: data}
	c.Status(status)
	return h.renderIn(c, "layouts/report_print", name, &p)
}

// ReachReport handles GET /reports/reach: the report, its charts, and its form.
func (h *Handler) ReachReport(c *fiber.Ctx) error {
	f, q, perr := parseReach(c)
	kinds, err := h.store.ListActivityKinds(c.UserContext())
	if err != nil {
		return err
	}
	page := h.newReportPage(c, q.query())
	checked := map[string]bool{}
	for _, k := range q.Kinds {
		checked[k] = true
	}
	data := map[string]any{"Form": q, "Kinds": kinds, "Page": &page, "Checked": checked}
	if perr != nil {
		page.Errors = translateFields(Lang(c), perr.(fieldErrors))
		return h.renderReport(c, fiber.StatusUnprocessableEntity, "reports/reach", "report.reach.title", false, data)
	}
	rep, err := h.store.GetReachReport(c.UserContext(), f)
	if err != nil {
		return err
	}
	view, err := newReachView(Lang(c), rep, kinds)
	if err != nil {
		return err
	}
	data["Report"] = view
	return h.renderReport(c, fiber.StatusOK, "reports/reach", "report.reach.title", page.Print, data)
}

// TrainingReport handles GET /reports/training.
func (h *Handler) TrainingReport(c *fiber.Ctx) error {
	f, p, perr := parseTraining(c)
	page := h.newReportPage(c, p.query())
	data := map[string]any{"Form": p, "Page": &page}
	if perr != nil {
		page.Errors = translateFields(Lang(c), perr.(fieldErrors))
		return h.renderReport(c, fiber.StatusUnprocessableEntity, "reports/training", "report.training.title", false, data)
	}
	rep, err := h.store.GetTrainingReport(c.UserContext(), f)
	if err != nil {
		return err
	}
	view, err := newTrainingView(Lang(c), rep)
	if err != nil {
		return err
	}
	data["Report"] = view
	return h.renderReport(c, fiber.StatusOK, "reports/training", "report.training.title", page.Print, data)
}
