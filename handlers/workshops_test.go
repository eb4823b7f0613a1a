package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/pdftest"
	"khuyencong/internal/vi"
	"khuyencong/models"
)

// wsPlaces gives the env Lục Ngạn, Sơn Động and Việt Yên with communes: Nam Dương difficult and An Lập
// especially difficult today, Tân Sơn difficult only until 2021.
func wsPlaces(t *testing.T, e *env) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO admin_units (code, level, unit_type, name) VALUES ('24', 'province', 'tinh', 'Bắc Giang')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
			('219', 'district', 'huyen', 'Huyện Lục Ngạn', '24'), ('220', 'district', 'huyen', 'Huyện Sơn Động', '24'),
			('222', 'district', 'thi_xa', 'Thị xã Việt Yên', '24')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
			('21901', 'commune', 'xa', 'Nam Dương', '219'), ('21902', 'commune', 'xa', 'Phượng Sơn', '219'),
			('21903', 'commune', 'xa', 'Tân Sơn', '219'), ('22001', 'commune', 'xa', 'An Lập', '220'),
			('22002', 'commune', 'thi_tran', 'Thanh Sơn', '220'), ('22201', 'commune', 'xa', 'Vân Hà', '222'),
			('22202', 'commune', 'xa', 'Tăng Tiến', '222')`,
		`INSERT INTO area_classifications (unit_code, class, valid) VALUES
			('21901', 'difficult', '[2016-01-01,)'), ('22001', 'especially_difficult', '[2016-01-01,)'),
			('21903', 'difficult', '[2012-01-01,2021-01-01)')`,
	} {
		if _, err := e.store.DB().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// wsApproved makes an approved workshop (limit 2 per establishment) whose days are the given
// [start, end) times, hosted by the fixtures' trainer at the fixtures' venue; it returns its id.
func wsApproved(t *testing.T, e *env, f fixtures, capacity int, days ...[2]time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	staff := e.user(models.RoleStaff)
	a := models.Actor{UserID: staff.ID, Label: staff.Email}
	venue, trainer, two := atoi(f.venue), atoi(f.trainer), 2
	first, last := days[0][0].In(vi.Zone), days[len(days)-1][1].In(vi.Zone)
	c, err := e.store.CreateCourse(ctx, a, models.CourseInput{Kind: models.KindWorkshop, Title: "Nâng cao năng lực quản lý cho cơ sở CNNT",
		VenueID: &venue, Capacity: capacity, PerEstablishmentLimit: &two, MinAttendancePct: 100, TrainerID: &trainer,
		StartDate: time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, vi.Zone),
		EndDate:   time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, vi.Zone)})
	if err != nil {
		t.Fatalf("workshop: %v", err)
	}
	for _, d := range days {
		if _, err := e.store.AddSession(ctx, a, c.ID, models.SessionInput{VenueID: venue, InstructorID: trainer, StartsAt: d[0], EndsAt: d[1]}); err != nil {
			t.Fatalf("day %v: %v", d, err)
		}
	}
	for _, act := range []string{models.ActionSubmit, models.ActionApprove} {
		if _, err := e.store.TransitionCourse(ctx, a, c.ID, act, ""); err != nil {
			t.Fatal(err)
		}
	}
	return c.ID
}

// wsNow is a workshop day under way: it began an hour ago and ends in three hours.
func wsNow() [2]time.Time {
	now := time.Now().Truncate(time.Minute)
	return [2]time.Time{now.Add(-time.Hour), now.Add(3 * time.Hour)}
}

func wsDay(y int, m time.Month, d int) [2]time.Time {
	return [2]time.Time{time.Date(y, m, d, 8, 0, 0, 0, vi.Zone), time.Date(y, m, d, 16, 30, 0, 0, vi.Zone)}
}

type wsPerson = map[string]string

func wsRegistration(est any, people ...wsPerson) map[string]any {
	body := map[string]any{"participants": people}
	switch v := est.(type) {
	case int64:
		body["establishment_id"] = v
	default:
		body["establishment"] = v
	}
	return body
}

var wsPhones int

func wsP(name string) wsPerson {
	wsPhones++
	return wsPerson{"full_name": name, "gender": "female", "job_title": "Chủ cơ sở", "phone": fmt.Sprintf("0913%06d", wsPhones)}
}

type wsDone struct {
	Establishment struct {
		ID int64 `json:"id"`
	} `json:"establishment"`
	Participants []struct {
		EnrolmentID      int64  `json:"enrolment_id"`
		FullName         string `json:"full_name"`
		Status           string `json:"status"`
		WaitlistPosition *int   `json:"waitlist_position"`
	} `json:"participants"`
}

func TestWorkshopPagesAgendaAndProgramme(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, su := e.as(models.RoleStaff)
	staff.get("/workshops/new")
	r := staff.post("/workshops", valuesOf("title", "Quản trị hợp tác xã và hộ kinh doanh", "venue_id", f.venue, "trainer_id", f.trainer,
		"capacity", "40", "per_establishment_limit", "", "start_date", "12/03/2026", "end_date", "13/03/2026", "budget", "30.000.000", "min_attendance_pct", ""))
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/workshops/") {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	path := r.Header.Get("Location")
	id := atoi(strings.TrimPrefix(path, "/workshops/"))
	course, _ := e.store.GetCourse(context.Background(), id)
	if course.Kind != models.KindWorkshop || course.ActivityCode != "KC2" || course.MinAttendancePct != 100 || *course.PerEstablishmentLimit != 2 {
		t.Fatalf("workshop %+v", course)
	}
	// Two days, added on the class page.
	staff.get(fmt.Sprintf("/courses/%d", id))
	for _, d := range []string{"12/03/2026", "13/03/2026"} {
		if r := staff.post(fmt.Sprintf("/courses/%d/sessions", id), valuesOf("date", d, "start_time", "08:00", "end_time", "16:30",
			"venue_id", f.venue, "instructor_id", f.trainer)); r.Status != 303 {
			t.Fatalf("day %s: %d", d, r.Status)
		}
	}
	days, _ := e.store.WorkshopDays(context.Background(), id)
	page := staff.get(path)
	if page.Status != 200 || !strings.Contains(page.Body, "Quản trị hợp tác xã và hộ kinh doanh") || !strings.Contains(page.Body, "Thứ Năm, 12/03/2026") {
		t.Fatalf("page: %d %.600s", page.Status, page.Body)
	}
	items := []url.Values{
		valuesOf("session_id", itoa(days[0].Session.ID), "start_time", "08:00", "end_time", "08:30", "topic", "Khai mạc, giới thiệu chương trình", "speaker", "u:"+itoa(su.ID)),
		valuesOf("session_id", itoa(days[0].Session.ID), "start_time", "08:30", "end_time", "10:00", "topic", "Quản trị tài chính hộ kinh doanh", "speaker_name", "TS. Đỗ Thị Hương", "speaker_org", "Trường Đại học Nông Lâm Bắc Giang"),
		valuesOf("session_id", itoa(days[1].Session.ID), "start_time", "08:00", "end_time", "11:30", "topic", "Xây dựng thương hiệu mỳ Chũ", "speaker", "i:"+f.trainer),
	}
	for _, it := range items {
		if r := staff.post(path+"/agenda", it); r.Status != 303 {
			t.Fatalf("agenda %v: %d %.800s", it, r.Status, r.Body)
		}
	}
	bad := staff.post(path+"/agenda", valuesOf("session_id", itoa(days[0].Session.ID), "start_time", "16:00", "end_time", "18:00", "topic", "Quá giờ", "speaker_name", "Ông Ba"))
	if bad.Status != 422 || !strings.Contains(bad.Body, "Thời gian phải nằm trong giờ của ngày tổ chức.") {
		t.Fatalf("an item past the day: %d", bad.Status)
	}
	if r := staff.post(path+"/days/"+itoa(days[0].Session.ID)+"/doors", valuesOf("doors_time", "07:15")); r.Status != 303 {
		t.Fatalf("doors: %d", r.Status)
	}
	pdfResp := staff.get(path + "/programme.pdf")
	if pdfResp.Status != 200 || pdfResp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("programme: %d %s", pdfResp.Status, pdfResp.Header.Get("Content-Type"))
	}
	text := pdftest.Text(t, []byte(pdfResp.Body))
	for _, want := range []string{"CHƯƠNG TRÌNH", "Quản trị hợp tác xã và hộ kinh doanh", "Ngày 1 — Thứ Năm, 12/03/2026", "Ngày 2 — Thứ Sáu, 13/03/2026",
		"Đón đại biểu từ 07:15", "Khai mạc, giới thiệu chương trình", "Quản trị tài chính hộ kinh doanh", "TS. Đỗ Thị Hương",
		"Xây dựng thương hiệu mỳ Chũ", "Phạm Thị Dạy", su.FullName, "08:30 – 10:00", "12/03/2026 – 13/03/2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("the programme lacks %q:\n%s", want, text)
		}
	}
	// The list; a class of another kind is not a workshop; another trainer sees nothing.
	if r := staff.get("/workshops"); !strings.Contains(r.Body, "Quản trị hợp tác xã và hộ kinh doanh") {
		t.Fatal("the list lacks the workshop")
	}
	class := registerClass(t, staff, f, "vocational", "Đan lát mây tre")
	if r := staff.get(strings.Replace(class, "/courses/", "/workshops/", 1)); r.Status != 404 {
		t.Fatalf("a class as a workshop: %d", r.Status)
	}
	other, _ := e.as(models.RoleTrainer)
	for _, p := range []string{path, path + "/programme.pdf", path + "/registrations", path + "/checkin"} {
		if r := other.get(p); r.Status != 404 {
			t.Errorf("another trainer GET %s: %d", p, r.Status)
		}
	}
}

// A workshop of 40 seats and 2 per establishment: a third person of one establishment is refused
// with the limit said in words; the 41st person waits.
func TestWorkshopRegistrationLimitAndWaitlist(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	wsPlaces(t, e)
	id := wsApproved(t, e, f, 40, wsDay(2026, 3, 12))
	api := e.apiAs(models.RoleStaff)
	base := fmt.Sprintf("/api/v1/workshops/%d/registrations", id)
	var first int64
	for i := 0; i < 20; i++ {
		r := api.api(http.MethodPost, base, wsRegistration(map[string]string{"name": fmt.Sprintf("Hộ kinh doanh mỳ Chũ số %d", i+1),
			"kind": "household_business", "commune_code": "21901"}, wsP(fmt.Sprintf("Nguyễn Thị Ánh %d", i)), wsP(fmt.Sprintf("Lục Văn Bình %d", i))))
		if r.Status != 201 {
			t.Fatalf("establishment %d: %d %s", i, r.Status, r.Body)
		}
		var d wsDone
		r.json(t, &d)
		if i == 0 {
			first = d.Establishment.ID
		}
		for _, p := range d.Participants {
			if p.Status != "confirmed" {
				t.Fatalf("establishment %d: %+v", i, p)
			}
		}
	}
	r := api.api(http.MethodPost, base, wsRegistration(first, wsP("Hoàng Thị Thu")))
	var prob struct {
		Detail string            `json:"detail"`
		Errors map[string]string `json:"errors"`
	}
	r.json(t, &prob)
	if r.Status != 422 || prob.Detail != "Mỗi cơ sở được cử tối đa 2 người." || prob.Errors["participants"] != prob.Detail {
		t.Fatalf("third from one establishment: %d %s", r.Status, r.Body)
	}
	r = api.api(http.MethodPost, base, wsRegistration(map[string]string{"name": "Cơ sở rượu làng Vân", "kind": "household_business", "commune_code": "22201"}, wsP("Đặng Văn Vân")))
	var d wsDone
	r.json(t, &d)
	if r.Status != 201 || d.Participants[0].Status != "waitlisted" || *d.Participants[0].WaitlistPosition != 1 {
		t.Fatalf("41st: %d %s", r.Status, r.Body)
	}
	// The form says the same, beside the participants, and keeps what was typed.
	staff := e.browserAs(models.RoleStaff)
	form := staff.get(fmt.Sprintf("/workshops/%d/registrations?q=my+chu+so+1", id))
	if !strings.Contains(form.Body, "Hộ kinh doanh mỳ Chũ số 1") {
		t.Fatalf("search without diacritics: %.800s", form.Body)
	}
	staff.get(fmt.Sprintf("/workshops/%d/registrations?establishment_id=%d", id, first))
	page := staff.post(fmt.Sprintf("/workshops/%d/registrations", id), valuesOf("establishment_id", itoa(first),
		"participants.0.full_name", "Hoàng Thị Thu", "participants.0.gender", "female", "participants.0.job_title", "Kế toán", "participants.0.phone", "0912 888 777"))
	if page.Status != 422 || !strings.Contains(page.Body, "Mỗi cơ sở được cử tối đa 2 người.") || !strings.Contains(page.Body, `value="Hoàng Thị Thu"`) {
		t.Fatalf("the form: %d %.2000s", page.Status, page.Body)
	}
	// The same person twice, by form: refused on their row.
	staff.get(fmt.Sprintf("/workshops/%d/registrations", id))
	twice := staff.post(fmt.Sprintf("/workshops/%d/registrations", id), valuesOf("establishment.name", "Cơ sở rượu làng Vân", "establishment.kind", "household_business",
		"establishment.commune_code", "22201", "participants.1.full_name", "Đặng Văn Vân", "participants.1.gender", "male", "participants.1.job_title", "Chủ cơ sở",
		"participants.1.phone", d.phoneOf(t, e)))
	if twice.Status != 422 || !strings.Contains(twice.Body, "Người này đã được đăng ký tham dự.") {
		t.Fatalf("twice: %d %.1500s", twice.Status, twice.Body)
	}
}

// phoneOf reads the phone of the first participant of a registration.
func (d wsDone) phoneOf(t *testing.T, e *env) string {
	t.Helper()
	var p string
	if err := e.store.DB().Get(&p, `SELECT t.phone FROM enrolments en JOIN trainees t ON t.id = en.trainee_id WHERE en.id = $1`, d.Participants[0].EnrolmentID); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWorkshopCheckInTwiceKeepsTheFirstTime(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	wsPlaces(t, e)
	id := wsApproved(t, e, f, 40, wsNow())
	api := e.apiAs(models.RoleStaff)
	r := api.api(http.MethodPost, fmt.Sprintf("/api/v1/workshops/%d/registrations", id), wsRegistration(map[string]string{
		"name": "HTX Mỳ Chũ Thủ Dương", "kind": "cooperative", "commune_code": "21901", "registration_no": "2400123456"},
		wsP("Nguyễn Thị Ánh"), wsP("Lục Văn Bình")))
	var d wsDone
	r.json(t, &d)
	anh := d.Participants[0].EnrolmentID

	staff := e.browserAs(models.RoleStaff)
	list := staff.get(fmt.Sprintf("/workshops/%d/checkin", id))
	if list.Status != 200 || !strings.Contains(list.Body, "Đã đến 0/2 người") || !strings.Contains(list.Body, "HTX Mỳ Chũ Thủ Dương") {
		t.Fatalf("check-in list: %d %.1500s", list.Status, list.Body)
	}
	if r := staff.post(fmt.Sprintf("/workshops/%d/checkin", id), valuesOf("enrolment_id", itoa(anh))); r.Status != 303 {
		t.Fatalf("tap: %d %.800s", r.Status, r.Body)
	}
	var first time.Time
	if err := e.store.DB().Get(&first, `SELECT checked_in_at FROM attendance WHERE enrolment_id = $1`, anh); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	staff.get(fmt.Sprintf("/workshops/%d/checkin", id))
	if r := staff.post(fmt.Sprintf("/workshops/%d/checkin", id), valuesOf("enrolment_id", itoa(anh))); r.Status != 303 {
		t.Fatalf("second tap: %d", r.Status)
	}
	again := api.api(http.MethodPost, fmt.Sprintf("/api/v1/registrations/%d/check-in", anh), nil)
	var ci struct {
		CheckedInAt time.Time `json:"checked_in_at"`
		Already     bool      `json:"already"`
	}
	again.json(t, &ci)
	if again.Status != 200 || !ci.Already || !ci.CheckedInAt.Equal(first) {
		t.Fatalf("third check-in by API: %d %s (first %v)", again.Status, again.Body, first)
	}
	if n := e.count(`SELECT count(*) FROM attendance WHERE enrolment_id = $1 AND status = 'present'`, anh); n != 1 {
		t.Fatalf("%d attendance rows", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'workshop.checkin'`); n != 1 {
		t.Fatalf("%d check-ins audited", n)
	}
	list = staff.get(fmt.Sprintf("/workshops/%d/checkin", id))
	if !strings.Contains(list.Body, "Đã đến 1/2 người") || !strings.Contains(list.Body, "✓ "+first.In(vi.Zone).Format("15:04")) {
		t.Fatalf("after check-in: %.2000s", list.Body)
	}
	// The other participant checks in by API: 201.
	if r := api.api(http.MethodPost, fmt.Sprintf("/api/v1/registrations/%d/check-in", d.Participants[1].EnrolmentID), nil); r.Status != 201 {
		t.Fatalf("API check-in: %d %s", r.Status, r.Body)
	}

	// A workshop whose doors open later today refuses, saying when.
	later := time.Now().Truncate(time.Minute).Add(3*time.Hour + 10*time.Minute) // after the first workshop's day: same venue and host
	id2 := wsApproved(t, e, f, 10, [2]time.Time{later, later.Add(2 * time.Hour)})
	r = api.api(http.MethodPost, fmt.Sprintf("/api/v1/workshops/%d/registrations", id2), wsRegistration(d.Establishment.ID, wsP("Vi Thị Sớm")))
	var d2 wsDone
	r.json(t, &d2)
	early := api.api(http.MethodPost, fmt.Sprintf("/api/v1/registrations/%d/check-in", d2.Participants[0].EnrolmentID), nil)
	doors := later.Add(-30 * time.Minute)
	want := "Hôm nay không phải ngày tổ chức hội thảo này." // only when the doors open after midnight
	if vi.Date(doors) == vi.Date(time.Now()) {
		want = "Chưa đến giờ đón đại biểu: điểm danh bắt đầu lúc " + doors.In(vi.Zone).Format("15:04")
	}
	if early.Status != 422 || !strings.Contains(early.Body, want) {
		t.Fatalf("before the doors open: %d %s", early.Status, early.Body)
	}
}

// The reach panel of a workshop attended by 12 establishments, 5 of them in difficult communes of
// Lục Ngạn and Sơn Động: 12, 5 and the split by district.
func TestWorkshopReachPanel(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	wsPlaces(t, e)
	id := wsApproved(t, e, f, 60, wsDay(2026, 3, 12))
	api := e.apiAs(models.RoleStaff)
	ctx := context.Background()
	places := []string{"21901", "21901", "21901", "22001", "22001", "21902", "21903", "22002", "22201", "22201", "22202", "22202"}
	for i, commune := range places {
		r := api.api(http.MethodPost, fmt.Sprintf("/api/v1/workshops/%d/registrations", id), wsRegistration(map[string]string{
			"name": fmt.Sprintf("Cơ sở số %d", i+1), "kind": "household_business", "commune_code": commune},
			wsP(fmt.Sprintf("Người A %d", i)), wsP(fmt.Sprintf("Người B %d", i))))
		var d wsDone
		r.json(t, &d)
		for _, p := range d.Participants {
			if _, err := e.store.CheckIn(ctx, models.SystemActor("test"), p.EnrolmentID, time.Date(2026, 3, 12, 7, 45, 0, 0, vi.Zone), "list"); err != nil {
				t.Fatal(err)
			}
		}
	}
	api.api(http.MethodPost, fmt.Sprintf("/api/v1/workshops/%d/registrations", id), wsRegistration(map[string]string{
		"name": "Cơ sở vắng mặt", "kind": "household_business", "commune_code": "21901"}, wsP("Người Vắng")))

	staff := e.browserAs(models.RoleStaff)
	page := staff.get(fmt.Sprintf("/workshops/%d", id))
	for sel, want := range map[string]string{"reach-registered": "13", "reach-establishments": "12", "reach-difficult": "5", "reach-especially": "2"} {
		if got := regexpFind(t, `id="`+sel+`">([^<]*)<`, page.Body); got != want {
			t.Errorf("%s = %s, want %s", sel, got, want)
		}
	}
	for code, want := range map[string]string{"219": "Huyện Lục Ngạn 5 3 0", "220": "Huyện Sơn Động 3 2 2", "222": "Thị xã Việt Yên 4 0 0"} {
		row := regexpFind(t, `(?s)<tr data-district="`+code+`">(.*?)</tr>`, page.Body)
		cells := strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(row, " ")), " ")
		if cells != want {
			t.Errorf("district %s: %q, want %q", code, cells, want)
		}
	}
	r := api.api(http.MethodGet, fmt.Sprintf("/api/v1/workshops/%d/reach", id), nil)
	var reach models.WorkshopReach
	r.json(t, &reach)
	if reach.Establishments != 12 || reach.Difficult != 5 || len(reach.Districts) != 3 {
		t.Fatalf("API reach %+v", reach)
	}
}
