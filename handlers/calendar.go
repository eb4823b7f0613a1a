package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// calendarRoutes wires the calendar, a teacher's own schedule, the public catalogue and the
// master-hours report.
func (h *Handler) calendarRoutes(r *router) {
	r.get("/calendar", Teaching, h.CalendarShow)
	r.get("/api/v1/calendar", Teaching, h.APICalendar)
	r.get("/my/schedule", AnyAccount, h.MySchedule)
	r.get("/catalogue", Public, h.CatalogueList)
	r.get("/catalogue/:id", Public, h.CatalogueShow)
	r.get("/api/v1/catalogue", Public, h.APICatalogueList)
	r.get("/api/v1/catalogue/:id", Public, h.APICatalogueShow)
	r.get("/reports/master-hours", Staff, h.MasterHoursReport)
	r.get("/api/v1/reports/master-hours", Staff, h.APIMasterHours)
}

// calendarQuery is the filter part of a calendar request, kept as typed so that links and select
// boxes can repeat it.
type calendarQuery struct {
	Venue, Trainer, Master, District string
}

// calendarFilter parses ?venue=&trainer=&master=&district= and limits trainers and masters to their own
// classes, as the class list does.
func calendarFilter(c *fiber.Ctx) (models.CalendarFilter, calendarQuery, error) {
	q := calendarQuery{Venue: c.Query("venue"), Trainer: c.Query("trainer"), Master: c.Query("master"), District: c.Query("district")}
	errs := fieldErrors{}
	var f models.CalendarFilter
	f.VenueID = calFilterID(errs, "venue", q.Venue)
	f.TrainerID = calFilterID(errs, "trainer", q.Trainer)
	f.MasterID = calFilterID(errs, "master", q.Master)
	f.District = calDistrict(errs, q.District)
	if u := currentUser(c); u.Role == models.RoleTrainer || u.Role == models.RoleMaster {
		f.OwnerUserID = u.ID
	}
	if len(errs) > 0 {
		return f, q, errs
	}
	return f, q, nil
}

// calFilterID parses an optional id of a filter: empty or 0 means no filter.
func calFilterID(errs fieldErrors, name, v string) int64 {
	if p := optionalID(errs, name, v); p != nil {
		return *p
	}
	return 0
}

// calDistrict checks a district code. Select boxes carry it as a number (Choices reads codes as
// bigint), which drops the leading zeros of the three-digit GSO district codes; they are put back.
func calDistrict(errs fieldErrors, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if len(v) > 5 || strings.Trim(v, "0123456789") != "" {
		errs["district"] = "invalid_choice"
		return ""
	}
	for len(v) < 3 {
		v = "0" + v
	}
	return v
}

// calDay is one day of a calendar with its sessions.
type calDay struct {
	Date    time.Time
	Key     string // yyyy-mm-dd
	InMonth bool
	Today   bool
	Entries []models.CalendarEntry
}

// calendarPage is everything the calendar template shows.
type calendarPage struct {
	View    string
	Anchor  time.Time
	From    time.Time
	Last    time.Time // the last day shown
	Days    []calDay
	Weeks   [][]calDay
	Count   int
	Query   calendarQuery
	Links   map[string]string
	Choices map[string][]models.Choice
}

// calMidnight is the start of t's day in Vietnam.
func calMidnight(t time.Time) time.Time {
	y, m, d := t.In(models.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, models.Zone)
}

// calendarRange gives the days a view shows: the week (Monday to Sunday) of the anchor, or the weeks
// that hold its month.
func calendarRange(view string, anchor time.Time) (from, to time.Time) {
	monday := func(t time.Time) time.Time { return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)) }
	if view == "month" {
		first := time.Date(anchor.Year(), anchor.Month(), 1, 0, 0, 0, 0, models.Zone)
		last := first.AddDate(0, 1, -1)
		return monday(first), monday(last).AddDate(0, 0, 7)
	}
	from = monday(anchor)
	return from, from.AddDate(0, 0, 7)
}

// CalendarShow handles GET /calendar?view=week|month&date=yyyy-mm-dd with the filters.
func (h *Handler) CalendarShow(c *fiber.Ctx) error {
	view := c.Query("view", "week")
	if view != "week" && view != "month" {
		return fieldErrors{"view": "invalid_choice"}
	}
	errs := fieldErrors{}
	now := time.Now()
	anchor := calMidnight(now)
	if d := date(errs, "date", c.Query("date")); !d.IsZero() {
		anchor = calMidnight(d)
	}
	f, q, err := calendarFilter(c)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs
	}
	f.From, f.To = calendarRange(view, anchor)
	entries, err := h.store.ListCalendar(c.UserContext(), f)
	if err != nil {
		return err
	}
	p := calendarPage{View: view, Anchor: anchor, From: f.From, Last: f.To.AddDate(0, 0, -1), Count: len(entries), Query: q}
	today := calMidnight(now)
	for d := f.From; d.Before(f.To); d = d.AddDate(0, 0, 1) {
		p.Days = append(p.Days, calDay{Date: d, Key: d.Format(time.DateOnly), InMonth: d.Month() == anchor.Month(), Today: d.Equal(today)})
	}
	for _, e := range entries {
		// A session goes on the day it starts in Vietnam; one that began before the range (overnight)
		// goes on the first day.
		i := int(calMidnight(e.StartsAt).Sub(f.From).Hours() / 24)
		if i < 0 {
			i = 0
		}
		p.Days[i].Entries = append(p.Days[i].Entries, e)
	}
	for i := 0; i < len(p.Days); i += 7 {
		p.Weeks = append(p.Weeks, p.Days[i:i+7])
	}
	step := func(n int) time.Time {
		if view == "month" {
			return time.Date(anchor.Year(), anchor.Month()+time.Month(n), 1, 0, 0, 0, 0, models.Zone)
		}
		return anchor.AddDate(0, 0, 7*n)
	}
	p.Links = map[string]string{
		"prev": q.link(view, step(-1)), "next": q.link(view, step(1)), "today": q.link(view, today),
		"week": q.link("week", anchor), "month": q.link("month", anchor),
	}
	if p.Choices, err = h.calChoices(c, "venues", "trainers", "masters", "districts"); err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "calendar/show", "cal.title", p)
}

// link is the calendar URL of a view and date with the same filters.
func (q calendarQuery) link(view string, d time.Time) string {
	v := url.Values{"view": {view}, "date": {d.Format(time.DateOnly)}}
	for k, s := range map[string]string{"venue": q.Venue, "trainer": q.Trainer, "master": q.Master, "district": q.District} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return "/calendar?" + v.Encode()
}

// calChoices loads the named select boxes.
func (h *Handler) calChoices(c *fiber.Ctx, names ...string) (map[string][]models.Choice, error) {
	out := map[string][]models.Choice{}
	for _, n := range names {
		ch, err := h.store.Choices(c.UserContext(), n)
		if err != nil {
			return nil, err
		}
		out[n] = ch
	}
	return out, nil
}

// APICalendar handles GET /api/v1/calendar?from=&to=&venue=&trainer=&master=&district=: the sessions
// overlapping [from, to). from and to are dates (midnight in Vietnam) or RFC 3339 times; from defaults
// to today and to to a week after from.
func (h *Handler) APICalendar(c *fiber.Ctx) error {
	errs := fieldErrors{}
	from := calInstant(errs, "from", c.Query("from"))
	to := calInstant(errs, "to", c.Query("to"))
	f, _, err := calendarFilter(c)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs
	}
	if from.IsZero() {
		from = calMidnight(time.Now())
	}
	if to.IsZero() {
		to = from.AddDate(0, 0, 7)
	}
	f.From, f.To = from, to
	entries, err := h.store.ListCalendar(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"from": from, "to": to, "items": entries})
}

// calInstant parses an API time: yyyy-mm-dd (midnight in Vietnam) or RFC 3339.
func calInstant(errs fieldErrors, name, v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, models.Zone); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
		return t
	}
	errs[name] = "invalid_date"
	return time.Time{}
}

// hoursYear reads ?year=, defaulting to this year in Vietnam.
func hoursYear(c *fiber.Ctx) (int, error) {
	v := c.Query("year")
	if v == "" {
		return time.Now().In(models.Zone).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, fieldErrors{"year": "invalid_number"}
	}
	return y, nil
}
