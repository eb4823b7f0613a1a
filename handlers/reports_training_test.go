package handlers_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// trainingAPI is the part of the training report's JSON the tests compare with the page and the file.
type trainingAPI struct {
	Report struct {
		Total  map[string]int64 `json:"total"`
		ByYear []struct {
			Key       string `json:"key"`
			Enrolled  int64  `json:"enrolled"`
			Completed int64  `json:"completed"`
		} `json:"by_year"`
		People int64 `json:"people"`
	} `json:"report"`
}

func checkTrainingOnDemo(t *testing.T, staff *client) {
	const q = "from=2012-01-01&to=2022-12-31"
	var api trainingAPI
	staff.api("GET", "/api/v1/reports/training?"+q, nil).json(t, &api)
	tot := api.Report.Total
	if tot["classes"] < 55 || tot["enrolled"] < 1700 || tot["completed"] == 0 || tot["completed"] > tot["enrolled"] || len(api.Report.ByYear) != 11 {
		t.Fatalf("API: %+v", api.Report)
	}

	r := staff.get("/reports/training?" + q)
	if r.Status != 200 {
		t.Fatalf("status %d", r.Status)
	}
	row := cells(t, r.Body, `id="training-total"`)
	for _, k := range []string{"classes", "enrolled", "female", "minority", "completed", "certified"} {
		if digits(row[k]) != tot[apiKey(k)] {
			t.Errorf("page total %s = %q, API %d", k, row[k], tot[k])
		}
	}
	for _, s := range []string{"/reports/master-hours?year=2012", "/reports/master-hours?year=2022", `id="by-gender"`, `id="by-age"`,
		`id="by-ethnicity"`, `id="certificates-table"`, "Người lập biểu"} {
		if !strings.Contains(r.Body, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
	bars := svgBars(t, r.Body, "chart-trainees")
	if len(bars) != len(api.Report.ByYear) {
		t.Fatalf("%d bars for %d years", len(bars), len(api.Report.ByYear))
	}
	for i, b := range bars {
		y := api.Report.ByYear[i]
		if b.Total != y.Enrolled || b.Values["completed"] != y.Completed || b.Values["not_completed"] != y.Enrolled-y.Completed {
			t.Errorf("year %s: bar %+v, table enrolled %d completed %d", y.Key, b, y.Enrolled, y.Completed)
		}
	}

	x := staff.do("GET", "/api/v1/reports/training.xlsx?"+q, nil, nil)
	if x.Status != 200 {
		t.Fatalf("xlsx status %d", x.Status)
	}
	f, err := excelize.OpenReader(strings.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.GetSheetList(), ","); got != "Kết quả đào tạo,Theo năm,Giới tính,Dân tộc,Độ tuổi,Chứng chỉ" {
		t.Errorf("sheets %s", got)
	}
	rows, _ := f.GetRows("Kết quả đào tạo", excelize.Options{RawCellValue: true})
	var total []string
	for _, r := range rows {
		if len(r) > 0 && r[0] == "Tổng cộng" {
			total = r
		}
	}
	for i, k := range []string{"classes", "enrolled", "female", "minority", "completed", "certified"} {
		if len(total) < 10 || total[4+i] != strconv.FormatInt(tot[apiKey(k)], 10) {
			t.Errorf("xlsx total %s: %v, API %d", k, total, tot[k])
		}
	}
	if v, _ := f.GetCellValue("Kết quả đào tạo", "B5"); v != "01/01/2012" {
		t.Errorf("the period's first day shows as %q, want 01/01/2012", v)
	}
	csvRows := libreOfficeCSV(t, []byte(x.Body))
	ok := false
	for _, r := range csvRows {
		if len(r) > 9 && r[0] == "Tổng cộng" && digits(r[5]) == tot["enrolled"] && digits(r[8]) == tot["completed"] {
			ok = true
		}
		if len(r) > 1 && r[0] == "2012" && r[1] == "" {
			t.Errorf("a year was read as empty: %q", r)
		}
	}
	if !ok {
		t.Errorf("LibreOffice does not read the totals: %q", csvRows)
	}
}

// apiKey is the JSON name of a page column.
func apiKey(col string) string {
	if col == "minority" {
		return "ethnic_minority"
	}
	return col
}

// Text that looks like a formula stays text in the workbook and in LibreOffice.
func TestReportWorkbooksKeepFormulasAsText(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff, u := e.as("staff")
	db := e.store.DB()
	db.MustExec(`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
		('24', 'province', 'tinh', 'Tỉnh Bắc Giang', NULL), ('219', 'district', 'huyen', 'Huyện Lục Ngạn', '24'),
		('21901', 'commune', 'xa', 'Xã Sa Lý', '219');
		INSERT INTO crafts (name) VALUES ('=1+2'), ('@SUM(1;2)'), ('-3+4'), ('+84 mây tre');
		INSERT INTO venues (name, seats, commune_code) VALUES ('Nhà văn hóa', 40, '21901');`)
	db.MustExec(`INSERT INTO courses (code, kind, activity_code, craft_id, title, capacity, start_date, end_date, status, created_by,
		submitted_at, approved_at, approved_by, venue_id)
		SELECT 'KC1-2023-0' || cr.id, 'vocational', 'KC1', cr.id, 'Lớp ' || cr.id, 30, '2023-05-02', '2023-06-02', 'approved', $1,
		       now(), now(), $1, (SELECT id FROM venues)
		FROM crafts cr`, u.ID)
	x := staff.do("GET", "/api/v1/reports/training.xlsx?from=2023-01-01&to=2023-12-31", nil, nil)
	if x.Status != 200 {
		t.Fatalf("xlsx status %d: %s", x.Status, x.Body)
	}
	f, err := excelize.OpenReader(strings.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Kết quả đào tạo")
	seen := map[string]bool{}
	for i, r := range rows {
		if len(r) > 2 && r[0] == "2023" {
			seen[r[2]] = true
			cell, _ := excelize.CoordinatesToCellName(3, i+1)
			if formula, _ := f.GetCellFormula("Kết quả đào tạo", cell); formula != "" {
				t.Errorf("%s holds the formula %q", cell, formula)
			}
		}
	}
	csvRows := libreOfficeCSV(t, []byte(x.Body))
	for _, r := range csvRows {
		if len(r) > 2 && r[0] == "2023" {
			seen["csv "+r[2]] = true
		}
	}
	for _, name := range []string{"=1+2", "@SUM(1;2)", "-3+4", "+84 mây tre"} {
		if !seen[name] || !seen["csv "+name] {
			t.Errorf("%q is not kept as text (workbook %v)", name, seen)
		}
	}
}

func TestReportsInputAccessAndDashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff, _ := e.as("staff")
	trainer, _ := e.as("trainer")

	r := staff.get("/reports/reach?from=2022-12-31&to=2012-01-01")
	if r.Status != 422 || !strings.Contains(r.Body, `id="to-error"`) {
		t.Errorf("reversed period: %d", r.Status)
	}
	for _, q := range []string{"from=31/02/2020&to=2020-12-31", "from=2020-01-01&to=2020-12-31&kinds=KC1;DROP", "from=2020-01-01&to=2020-12-31&courses=maybe",
		"from=1899-01-01&to=2020-12-31", "from=2020-01-01"} {
		res := staff.api("GET", "/api/v1/reports/reach?"+q, nil)
		if res.Status != 422 || !strings.Contains(res.Body, `"errors"`) {
			t.Errorf("%s: %d %s", q, res.Status, res.Body)
		}
	}
	if res := staff.api("GET", "/api/v1/reports/training?from=2020-01-01&to=2019-01-01", nil); res.Status != 422 {
		t.Errorf("training reversed period: %d", res.Status)
	}
	if res := staff.do("GET", "/api/v1/reports/reach.xlsx?from=x", nil, nil); res.Status != 422 {
		t.Errorf("xlsx with a bad date: %d", res.Status)
	}
	// Without a period: this year. Kinds as checkboxes or a list; both are accepted.
	if res := staff.get("/reports/reach"); res.Status != 200 || !strings.Contains(res.Body, `id="reach-total"`) {
		t.Errorf("default period: %d", res.Status)
	}
	if res := staff.get("/reports/reach?from=2020-01-01&to=2020-12-31&kinds=KC1&kinds=KC3&courses=1"); res.Status != 200 ||
		!strings.Contains(res.Body, `value="KC3" checked`) || !strings.Contains(res.Body, `name="courses" value="1" checked`) {
		t.Errorf("kinds as checkboxes: %d", res.Status)
	}
	if res := staff.get("/reports/training"); res.Status != 200 || !strings.Contains(res.Body, `id="training-empty"`) {
		t.Errorf("training default period: %d", res.Status)
	}

	// Staff only: a trainer is told nothing exists.
	for _, p := range []string{"/reports", "/reports/reach", "/reports/training"} {
		if res := trainer.get(p); res.Status != 404 {
			t.Errorf("trainer GET %s: %d", p, res.Status)
		}
	}
	for _, p := range []string{"/api/v1/reports/reach", "/api/v1/reports/reach.xlsx", "/api/v1/reports/training", "/api/v1/reports/training.xlsx"} {
		if res := trainer.api("GET", p, nil); res.Status != 404 {
			t.Errorf("trainer GET %s: %d", p, res.Status)
		}
	}

	idx := staff.get("/reports")
	for _, s := range []string{`href="/reports/reach?from=2012-01-01&amp;to=2022-12-31"`, `href="/reports/training?`, "/reports/master-hours?year=",
		`<a href="/reports">`} {
		if !strings.Contains(idx.Body, s) {
			t.Errorf("the reports index lacks %q", s)
		}
	}
	if home := staff.get("/app"); !strings.Contains(home.Body, `id="dashboard"`) || !strings.Contains(home.Body, `data-stat="at-risk"`) {
		t.Errorf("no dashboard for staff: %.300s", home.Body)
	}
	if home := trainer.get("/app"); home.Status != 200 || strings.Contains(home.Body, `id="dashboard"`) || strings.Contains(home.Body, `<a href="/reports">`) {
		t.Errorf("a trainer sees the dashboard or the reports link")
	}
}
