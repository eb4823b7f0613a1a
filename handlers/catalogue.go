package handlers

import (
	"html"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
)

// catalogueFilter reads ?q=&kind=&district=&page= of the public catalogue.
func catalogueFilter(c *fiber.Ctx) (models.CatalogueFilter, error) {
	p, err := listParams(c)
	if err != nil {
		return models.CatalogueFilter{}, err
	}
	p.Sort = "" // the catalogue has one order: classes still to come first
	errs := fieldErrors{}
	f := models.CatalogueFilter{ListParams: p, Kind: c.Query("kind"), District: calDistrict(errs, c.Query("district"))}
	if f.Kind != "" && !slices.Contains(models.CourseKinds, f.Kind) {
		errs["kind"] = "invalid_choice"
	}
	if len(errs) > 0 {
		return f, errs
	}
	return f, nil
}

// calToday is the current date in Vietnam.
func calToday() time.Time { return calMidnight(time.Now()) }

// CatalogueList handles GET /catalogue: the classes open to the public, as cards, with a search
// (diacritics optional) and filters by kind and district. No login.
func (h *Handler) CatalogueList(c *fiber.Ctx) error {
	f, err := catalogueFilter(c)
	if err != nil {
		return err
	}
	list, err := h.store.ListCatalogue(c.UserContext(), f, calToday())
	if err != nil {
		return err
	}
	districts, err := h.store.Choices(c.UserContext(), "districts")
	if err != nil {
		return err
	}
	page := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		for k, s := range map[string]string{"q": f.Q, "kind": f.Kind, "district": c.Query("district")} {
			if s != "" {
				v.Set(k, s)
			}
		}
		return "/catalogue?" + v.Encode()
	}
	links := map[string]string{}
	if list.Page > 1 {
		links["prev"] = page(list.Page - 1)
	}
	if list.Page < list.Pages() {
		links["next"] = page(list.Page + 1)
	}
	return h.render(c, fiber.StatusOK, "catalogue/list", "cat.title", map[string]any{
		"List": list, "Filter": f, "District": c.Query("district"), "Kinds": models.CourseKinds, "Districts": districts, "Links": links})
}

// catalogueCourse loads a class of the catalogue with its sessions; any other class answers 404.
func (h *Handler) catalogueCourse(c *fiber.Ctx) (models.CatalogueEntry, []models.PublicSession, error) {
	id, err := idParam(c)
	if err != nil {
		return models.CatalogueEntry{}, nil, err
	}
	course, err := h.store.GetCatalogueCourse(c.UserContext(), id)
	if err != nil {
		return course, nil, err
	}
	sessions, err := h.store.ListPublicSessions(c.UserContext(), id)
	return course, sessions, err
}

// CatalogueShow handles GET /catalogue/:id: a class's public page with its schedule and how to register.
func (h *Handler) CatalogueShow(c *fiber.Ctx) error {
	course, sessions, err := h.catalogueCourse(c)
	if err != nil {
		return err
	}
	lang := Lang(c)
	facts := courseFacts{Kind: T(lang, "kind."+course.Kind), Status: T(lang, "status."+course.Status),
		Dates: vi.Date(course.StartDate) + " – " + vi.Date(course.EndDate), Hours: hoursComma(course.Hours)}
	if course.LeadTitle != nil {
		facts.LeadTitle = T(lang, "cat.mtitle."+*course.LeadTitle)
	}
	return h.render(c, fiber.StatusOK, "catalogue/show", "cat.title", map[string]any{"Course": course, "Facts": facts,
		"Sessions": publicSessionList(lang, sessions)})
}

// courseFacts are the public class page's labels and formatted values, made here rather than by
// template function calls (each a reflective call, on the most visited page).
type courseFacts struct{ Kind, Status, Dates, LeadTitle, Hours string }

// publicSessionList writes a public class's sessions as the list items of its page, in Go: the list
// is most of the page, and each field of each row cost the template a reflective escaper call. Every
// text is escaped here (html.EscapeString, as html/template escapes element text and quoted values).
func publicSessionList(lang string, sessions []models.PublicSession) template.HTML {
	var b strings.Builder
	b.Grow(len(sessions) * 200)
	cancelled := html.EscapeString(T(lang, "courses.cancelled"))
	for _, s := range sessions {
		start := s.StartsAt.In(vi.Zone)
		place := s.VenueName + " · " + s.InstructorName
		if s.Topic != "" {
			place += " · " + s.Topic
		}
		day := T(lang, "weekday."+strconv.Itoa(int(start.Weekday()))) + " " + vi.Date(start)
		when := start.Format("15:04") + "–" + s.EndsAt.In(vi.Zone).Format("15:04")
		if s.Status == "cancelled" {
			b.WriteString(`<li class="cancelled"><s><strong>` + html.EscapeString(day) + `</strong> ` + html.EscapeString(when) +
				`</s> <span class="badge bad">` + cancelled + `</span>`)
		} else {
			b.WriteString(`<li><strong>` + html.EscapeString(day) + `</strong> ` + html.EscapeString(when))
		}
		b.WriteString(`<br><span class="muted small">` + html.EscapeString(place) + "</span></li>\n")
	}
	return template.HTML(b.String()) // #nosec G203 -- every text in it is escaped above
}

// APICatalogueList handles GET /api/v1/catalogue.
func (h *Handler) APICatalogueList(c *fiber.Ctx) error {
	f, err := catalogueFilter(c)
	if err != nil {
		return err
	}
	list, err := h.store.ListCatalogue(c.UserContext(), f, calToday())
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// APICatalogueShow handles GET /api/v1/catalogue/:id: the class with its sessions.
func (h *Handler) APICatalogueShow(c *fiber.Ctx) error {
	course, sessions, err := h.catalogueCourse(c)
	if err != nil {
		return err
	}
	return c.JSON(struct {
		models.CatalogueEntry
		Sessions []models.PublicSession `json:"sessions"`
	}{course, sessions})
}
