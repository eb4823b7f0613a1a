package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"khuyencong/models"
)

// calClass registers a class through the form and returns its id.
func calClass(t *testing.T, c *client, f fixtures, kind, title string) int64 {
	t.Helper()
	return atoi(strings.TrimPrefix(registerClass(t, c, f, kind, title), "/courses/"))
}

// calSession adds a session through the store; times are in Vietnam unless given otherwise.
func calSession(t *testing.T, e *env, course int64, venue, instructor string, from time.Time, length time.Duration) int64 {
	t.Helper()
	s, err := e.store.AddSession(context.Background(), models.SystemActor("test"), course,
		models.SessionInput{VenueID: atoi(venue), InstructorID: atoi(instructor), StartsAt: from, EndsAt: from.Add(length)})
	if err != nil {
		t.Fatalf("session at %v: %v", from, err)
	}
	return s.ID
}

// calStatus walks a class through statuses with SQL, as the life-cycle trigger allows.
func calStatus(t *testing.T, e *env, course int64, statuses ...string) {
	t.Helper()
	for _, s := range statuses {
		if _, err := e.store.DB().Exec(`UPDATE courses SET status = $2, approved_at = coalesce(approved_at, CASE WHEN $2 <> 'submitted' THEN now() END),
			cancel_reason = CASE WHEN $2 = 'cancelled' THEN 'Không đủ học viên' END WHERE id = $1`, course, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func calAt(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, models.Zone)
}

// calDay returns the HTML of one day of a calendar page, or "" when the page does not show that day.
func calDay(body, key string) string {
	i := strings.Index(body, `data-day="`+key+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func calHas(html string, id int64) bool {
	return strings.Contains(html, `data-session="`+itoa(id)+`"`)
}

func TestCalendarWeekAndMonthViews(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	course := calClass(t, staff, f, "vocational", "Đan lát mây tre")
	monday := calSession(t, e, course, f.venue, f.master, calAt(2026, 3, 2, 7, 30), 4*time.Hour)
	cancelled := calSession(t, e, course, f.venue, f.master, calAt(2026, 3, 4, 7, 30), 4*time.Hour)
	if err := e.store.CancelSession(context.Background(), models.SystemActor("test"), course, cancelled, "Mưa bão"); err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on Sunday 8 March is 06:30 on Monday 9 March in Vietnam.
	late := calSession(t, e, course, f.venue, f.trainer, time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC), 2*time.Hour)

	r := staff.get("/calendar?view=week&date=2026-03-04")
	if r.Status != 200 {
		t.Fatalf("week: %d %s", r.Status, r.Body)
	}
	if d := calDay(r.Body, "2026-03-02"); !calHas(d, monday) || !strings.Contains(d, "07:30–11:30") || !strings.Contains(d, "Nhà văn hóa xã Tăng Tiến") ||
		!strings.Contains(d, "Nguyễn Văn Mây") || !strings.Contains(d, "Đan lát mây tre") {
		t.Errorf("Monday 2 March lacks its session: %s", d)
	}
	if calDay(r.Body, "2026-03-08") == "" || calDay(r.Body, "2026-03-09") != "" || calDay(r.Body, "2026-03-01") != "" {
		t.Error("the week is not Monday 2 to Sunday 8 March")
	}
	if calHas(r.Body, late) {
		t.Error("the session of Monday 9 March (Vietnam) shows in the week before")
	}
	c := calDay(r.Body, "2026-03-04")
	if !calHas(c, cancelled) || !strings.Contains(c, `cal-entry cancelled`) || !strings.Contains(c, "<s>") || !strings.Contains(c, "Đã hủy") {
		t.Errorf("the cancelled session is not marked: %s", c)
	}
	for _, link := range []string{`date=2026-02-25`, `date=2026-03-11`, `view=month`} {
		if !strings.Contains(r.Body, link) {
			t.Errorf("the week page has no link with %s", link)
		}
	}

	r = staff.get("/calendar?view=week&date=2026-03-09")
	if d := calDay(r.Body, "2026-03-09"); !calHas(d, late) || !strings.Contains(d, "06:30–08:30") {
		t.Errorf("the late-UTC session is not on Monday 9 March: %s", d)
	}
	if calHas(r.Body, monday) || calHas(calDay(r.Body, "2026-03-15"), late) {
		t.Error("the week of 9 March shows the wrong sessions")
	}

	r = staff.get("/calendar?view=month&date=2026-03-20")
	if r.Status != 200 {
		t.Fatalf("month: %d", r.Status)
	}
	if !calHas(calDay(r.Body, "2026-03-02"), monday) || !calHas(calDay(r.Body, "2026-03-09"), late) || calHas(calDay(r.Body, "2026-03-08"), late) {
		t.Error("the month puts sessions on the wrong days")
	}
	if !strings.Contains(calDay(r.Body, "2026-03-04"), "cancelled") {
		t.Error("the month does not mark the cancelled session")
	}
	// The grid runs from the Monday before the 1st to the Sunday after the 31st.
	if calDay(r.Body, "2026-02-23") == "" || calDay(r.Body, "2026-04-05") == "" || calDay(r.Body, "2026-02-22") != "" || calDay(r.Body, "2026-04-06") != "" {
		t.Error("the month grid has the wrong days")
	}
	if !strings.Contains(r.Body, "date=2026-02-01") || !strings.Contains(r.Body, "date=2026-04-01") {
		t.Error("the month has no previous and next links")
	}
	// By API: the same sessions, as JSON.
	var api struct {
		Items []models.CalendarEntry `json:"items"`
	}
	staff.api(http.MethodGet, "/api/v1/calendar?from=2026-03-02&to=2026-03-09", nil).json(t, &api)
	if len(api.Items) != 2 || api.Items[0].SessionID != monday || api.Items[1].Status != "cancelled" {
		t.Errorf("API week: %+v", api.Items)
	}
	if r := staff.api(http.MethodGet, "/api/v1/calendar?from=2026-03-09&to=2026-03-02", nil); r.Status != 422 {
		t.Errorf("reversed range: %d", r.Status)
	}
	if r := staff.get("/calendar?view=year"); r.Status != 422 {
		t.Errorf("unknown view: %d", r.Status)
	}
}

func TestCalendarFiltersAndAccess(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	db := e.store.DB()
	if _, err := db.Exec(`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
		('24', 'province', 'tinh', 'Bắc Giang', NULL), ('218', 'district', 'huyen', 'Lục Ngạn', '24'),
		('07000', 'commune', 'xa', 'Tân Hoa', '218');
		UPDATE venues SET commune_code = '07000' WHERE id = ` + f.venue); err != nil {
		t.Fatal(err)
	}
	staff, _ := e.as(models.RoleStaff)
	a := calClass(t, staff, f, "vocational", "Lớp ở Lục Ngạn")
	b := calClass(t, staff, f, "vocational", "Lớp ở Trung tâm")
	a1 := calSession(t, e, a, f.venue, f.master, calAt(2026, 3, 2, 7, 30), 4*time.Hour)
	b1 := calSession(t, e, b, f.venue2, f.trainer, calAt(2026, 3, 3, 7, 30), 4*time.Hour)
	week := "/calendar?view=week&date=2026-03-02"
	cases := []struct {
		query      string
		shows, not int64
	}{
		{"", a1, 0},
		{"&venue=" + f.venue, a1, b1},
		{"&venue=" + f.venue2, b1, a1},
		{"&master=" + f.master, a1, b1},
		{"&trainer=" + f.trainer, b1, a1},
		{"&district=218", a1, b1},
	}
	for _, tc := range cases {
		r := staff.get(week + tc.query)
		if r.Status != 200 || !calHas(r.Body, tc.shows) || (tc.not != 0 && calHas(r.Body, tc.not)) {
			t.Errorf("%q: %d, shows %d: %v, hides %d: %v", tc.query, r.Status, tc.shows, calHas(r.Body, tc.shows), tc.not, !calHas(r.Body, tc.not))
		}
	}
	if r := staff.get(week + "&venue=" + f.venue); !strings.Contains(r.Body, `value="`+f.venue+`" selected`) || !strings.Contains(r.Body, "venue="+f.venue+"&amp;view=week") {
		t.Error("the filter is not kept in the select box and the links")
	}
	if r := staff.get(week + "&venue=abc"); r.Status != 422 {
		t.Errorf("a bad filter: %d", r.Status)
	}
	// A trainer sees only their own classes; anonymous visitors go to the login page.
	trainer, _ := e.as(models.RoleTrainer)
	if r := trainer.get(week); r.Status != 200 || calHas(r.Body, a1) || calHas(r.Body, b1) {
		t.Errorf("a trainer sees other classes: %d", r.Status)
	}
	if r := e.client().get(week); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("anonymous: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := e.client().api(http.MethodGet, "/api/v1/calendar", nil); r.Status != 401 {
		t.Errorf("anonymous API: %d", r.Status)
	}
}

func TestMyScheduleShowsOnlyTheMastersOwn(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	master, mu := e.as(models.RoleMaster)
	if _, err := e.store.DB().Exec(`UPDATE instructors SET user_id = $2 WHERE id = $1`, f.master, mu.ID); err != nil {
		t.Fatal(err)
	}
	mine := calClass(t, staff, f, "craft_transmission", "Truyền nghề mây tre đan")
	theirs := calClass(t, staff, f, "vocational", "Lớp của giảng viên khác")
	next := time.Now().In(models.Zone).AddDate(0, 0, 7)
	soon := calSession(t, e, mine, f.venue, f.master, time.Date(next.Year(), next.Month(), next.Day(), 7, 30, 0, 0, models.Zone), 4*time.Hour)
	other := calSession(t, e, theirs, f.venue2, f.trainer, time.Date(next.Year(), next.Month(), next.Day(), 7, 30, 0, 0, models.Zone), 4*time.Hour)
	staff.get("/courses/" + itoa(mine))
	if r := staff.post("/courses/"+itoa(mine)+"/staff", map[string][]string{"instructor_id": {f.master}, "role": {"lead"}}); r.Status != 303 {
		t.Fatalf("assign: %d", r.Status)
	}
	r := master.get("/my/schedule")
	if r.Status != 200 || !calHas(r.Body, soon) || calHas(r.Body, other) || strings.Contains(r.Body, "Lớp của giảng viên khác") {
		t.Fatalf("the master's schedule: %d %s", r.Status, r.Body)
	}
	if !strings.Contains(r.Body, `href="/courses/`+itoa(mine)+`"`) || !strings.Contains(r.Body, "Nghệ nhân chính") {
		t.Error("the schedule has no link to the class or the role in it")
	}
	if r := master.get("/courses/" + itoa(mine)); r.Status != 200 {
		t.Errorf("the master follows the link: %d", r.Status)
	}
	if !strings.Contains(master.get("/app").Body, `href="/my/schedule"`) {
		t.Error("no link to the schedule in the nav")
	}
	if r := staff.get("/my/schedule"); r.Status != 200 || !strings.Contains(r.Body, `id="no-instructor"`) {
		t.Errorf("an account without an instructor record: %d", r.Status)
	}
	if r := e.client().get("/my/schedule"); r.Status != 303 {
		t.Errorf("anonymous: %d", r.Status)
	}
}

func TestMasterHoursReport(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	course := calClass(t, staff, f, "vocational", "Đan lát mây tre")
	// 18 sessions of 3 hours in March (Monday to Saturday, 2–21 March): 54 hours.
	for d := 2; d <= 21; d++ {
		if day := calAt(2026, 3, d, 13, 30); day.Weekday() != time.Sunday {
			calSession(t, e, course, f.venue, f.master, day, 3*time.Hour)
		}
	}
	calSession(t, e, course, f.venue, f.master, calAt(2026, 4, 6, 7, 30), 90*time.Minute)
	calSession(t, e, course, f.venue2, f.trainer, calAt(2026, 4, 7, 7, 30), 4*time.Hour) // a trainer's hours do not count
	calStatus(t, e, course, "submitted", "approved")

	r := staff.get("/reports/master-hours?year=2026")
	if r.Status != 200 {
		t.Fatalf("report: %d %s", r.Status, r.Body)
	}
	row := regexpFind(t, `(?s)data-instructor="`+f.master+`">(.*?)</tr>`, r.Body)
	cells := strings.Split(row, `<td class="num`)
	// cells[0] is the name; then January…December; then the total.
	if len(cells) != 14 || !strings.Contains(row, "Nguyễn Văn Mây") || !strings.Contains(cells[3], ">54<") || !strings.Contains(cells[4], ">1,5<") ||
		!strings.Contains(cells[13], ">55,5<") {
		t.Fatalf("the master's row: %s", row)
	}
	if strings.Contains(r.Body, "Phạm Thị Dạy") {
		t.Error("a trainer is listed")
	}
	if got := regexpFind(t, `id="grand-total">([^<]*)<`, r.Body); got != "55,5" {
		t.Errorf("grand total %q", got)
	}
	var api struct {
		Year  int `json:"year"`
		Items []struct {
			Hours []float64 `json:"hours"`
			Total float64   `json:"total_hours"`
		} `json:"items"`
		Total float64 `json:"total_hours"`
	}
	staff.api(http.MethodGet, "/api/v1/reports/master-hours?year=2026", nil).json(t, &api)
	if api.Year != 2026 || len(api.Items) != 1 || api.Items[0].Hours[2] != 54 || api.Items[0].Hours[3] != 1.5 || api.Total != 55.5 {
		t.Errorf("API: %+v", api)
	}
	trainer, _ := e.as(models.RoleTrainer)
	if r := trainer.get("/reports/master-hours?year=2026"); r.Status != 404 {
		t.Errorf("a trainer: %d, want 404", r.Status)
	}
	if r := trainer.api(http.MethodGet, "/api/v1/reports/master-hours", nil); r.Status != 404 {
		t.Errorf("a trainer by API: %d, want 404", r.Status)
	}
	if r := staff.get("/reports/master-hours?year=20x6"); r.Status != 422 {
		t.Errorf("a bad year: %d", r.Status)
	}
}
