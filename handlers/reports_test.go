package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/vi"
	"khuyencong/models/demo"
)

// demoEnv is an app on a database holding the demo data set, and a staff member's browser.
func demoEnv(t *testing.T) (*env, *client) {
	t.Helper()
	e := newEnv(t)
	if _, err := demo.Seed(context.Background(), e.store); err != nil {
		t.Fatalf("seed: %v", err)
	}
	staff, _ := e.as("staff")
	return e, staff
}

// cells returns the data-col cells of the table row whose opening tag matches rowTag.
func cells(t *testing.T, body, rowTag string) map[string]string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr ` + rowTag + `>(.*?)</tr>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no row <tr %s> in %.3000s", rowTag, body)
	}
	out := map[string]string{}
	for _, c := range regexp.MustCompile(`data-col="([a-z_]+)">([^<]*)<`).FindAllStringSubmatch(m[1], -1) {
		out[c[1]] = c[2]
	}
	return out
}

// svgBars reads the bars of the page's chart with the id: per data-label of a bar group, its
// data-total and the data-value of each series.
type svgBar struct {
	Total  int64
	Values map[string]int64
	Widths map[string]float64
}

func svgBars(t *testing.T, body, id string) []svgBar {
	t.Helper()
	m := regexp.MustCompile(`(?s)<svg [^>]*id="` + id + `".*?</svg>`).FindString(body)
	if m == "" {
		t.Fatalf("no chart %s", id)
	}
	dec := xml.NewDecoder(strings.NewReader(m))
	var bars []svgBar
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("chart %s is not valid XML: %v", id, err)
			}
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := map[string]string{}
		for _, a := range el.Attr {
			attr[a.Name.Local] = a.Value
		}
		switch {
		case el.Name.Local == "svg" && el.Name.Space != "http://www.w3.org/2000/svg":
			t.Fatalf("chart %s is not in the SVG namespace", id)
		case el.Name.Local == "g" && attr["class"] == "bar":
			total, _ := strconv.ParseInt(attr["data-total"], 10, 64)
			bars = append(bars, svgBar{Total: total, Values: map[string]int64{}, Widths: map[string]float64{}})
		case el.Name.Local == "rect" && attr["data-series"] != "":
			v, _ := strconv.ParseInt(attr["data-value"], 10, 64)
			w, _ := strconv.ParseFloat(attr["width"], 64)
			if len(bars) == 0 {
				bars = append(bars, svgBar{Values: map[string]int64{}, Widths: map[string]float64{}})
			}
			bars[len(bars)-1].Values[attr["data-series"]] = v
			bars[len(bars)-1].Widths[attr["data-series"]] = w
		}
	}
	return bars
}

func digits(s string) int64 {
	n, _ := strconv.ParseInt(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s), 10, 64)
	return n
}

// reachAPI is the JSON of the reach report.
type reachAPI struct {
	Rows  []reachAPIRow `json:"rows"`
	Total reachAPIRow   `json:"total"`
}

type reachAPIRow struct {
	DistrictCode   string  `json:"district_code"`
	DistrictName   string  `json:"district_name"`
	Establishments int64   `json:"establishments"`
	Difficult      int64   `json:"difficult_establishments"`
	Especially     int64   `json:"especially_difficult_establishments"`
	Events         int64   `json:"events"`
	Funding        int64   `json:"funding"`
	DifficultFund  int64   `json:"difficult_funding"`
	DifficultShare float64 `json:"difficult_share"`
	FundingShare   float64 `json:"funding_share"`
	Average        int64   `json:"average_per_establishment"`
}

// The reports on the demo data, loaded once: pages, JSON, charts, print version and workbooks.
func TestReportsOnTheDemo(t *testing.T) {
	t.Parallel()
	_, staff := demoEnv(t)
	// Not subtests: the client reports failures on the test that made it.
	checkReachOnDemo(t, staff)
	checkTrainingOnDemo(t, staff)
}

func checkReachOnDemo(t *testing.T, staff *client) {
	const q = "from=2012-01-01&to=2022-12-31"

	r := staff.get("/reports/reach?" + q)
	if r.Status != 200 {
		t.Fatalf("status %d: %.500s", r.Status, r.Body)
	}
	total := cells(t, r.Body, `id="reach-total"`)
	want := map[string]string{"establishments": "269", "difficult": "142", "difficult_share": "52,8%", "funding_share": "26,3%",
		"funding": "40.000.000.000", "difficult_funding": "10.520.000.000"}
	for k, v := range want {
		if total[k] != v {
			t.Errorf("total %s = %q, want %q", k, total[k], v)
		}
	}
	for code, n := range map[string]string{"220": "20", "218": "20", "219": "46", "215": "25", "223": "31"} {
		row := cells(t, r.Body, `data-district="`+code+`"`)
		if row["establishments"] != n || row["difficult"] != n {
			t.Errorf("district %s: %v, want %s establishments all in difficult areas", code, row, n)
		}
	}
	for _, s := range []string{"Từ ngày 01/01/2012 đến ngày 31/12/2022", "142 cơ sở ở địa bàn khó khăn", "tính cả cơ sở có người hoàn thành khóa học",
		`href="/api/v1/reports/reach.xlsx?from=2012-01-01&amp;to=2022-12-31"`, "data-print", "Người lập biểu", "Giám đốc"} {
		if !strings.Contains(r.Body, s) {
			t.Errorf("the page lacks %q", s)
		}
	}

	// The JSON says the same, and its numbers drive the rest of the test.
	var api reachAPI
	staff.api("GET", "/api/v1/reports/reach?"+q+"&kinds=", nil).json(t, &api)
	if api.Total.Establishments != 269 || api.Total.Difficult != 142 || api.Total.Funding != 40_000_000_000 ||
		vi.Percent(api.Total.FundingShare) != "26,3%" || len(api.Rows) != 10 {
		t.Fatalf("API total %+v, %d rows", api.Total, len(api.Rows))
	}

	// The chart's bars carry the table's counts, and their widths are proportional to them.
	bars := svgBars(t, r.Body, "chart-districts")
	if len(bars) != len(api.Rows) {
		t.Fatalf("%d bars for %d districts", len(bars), len(api.Rows))
	}
	scale := 0.0
	for i, b := range bars {
		row := api.Rows[i]
		if b.Values["difficult"] != row.Difficult || b.Values["difficult"]+b.Values["other"] != row.Establishments || b.Total != row.Establishments {
			t.Errorf("bar %d %+v, district %+v", i, b, row)
		}
		for s, v := range b.Values {
			if v == 0 {
				continue
			}
			if scale == 0 {
				scale = b.Widths[s] / float64(v)
			}
			if d := b.Widths[s] - float64(v)*scale; d > 0.02 || d < -0.02 {
				t.Errorf("bar %d %s: width %.2f for %d, not proportional (%.4f per unit)", i, s, b.Widths[s], v, scale)
			}
		}
	}
	share := svgBars(t, r.Body, "chart-funding")
	if len(share) != 1 || share[0].Values["difficult"] != 10_520_000_000 || share[0].Values["other"] != 29_480_000_000 {
		t.Errorf("funding chart %+v", share)
	}

	// The print version: no navigation, the organisation, the charts and the signature block.
	p := staff.get("/reports/reach?" + q + "&print=1")
	for _, s := range []string{`class="print-page"`, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", `id="chart-districts"`, "Người lập biểu",
		"Bắc Giang, ngày " + time.Now().In(vi.Zone).Format("02"), `id="reach-total"`} {
		if !strings.Contains(p.Body, s) {
			t.Errorf("the print version lacks %q", s)
		}
	}
	if strings.Contains(p.Body, `class="nav"`) {
		t.Error("the print version shows the navigation")
	}

	// The workbook: the same totals to the đồng, opened by excelize and by LibreOffice.
	x := staff.do("GET", "/api/v1/reports/reach.xlsx?"+q, nil, nil)
	if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") ||
		!strings.Contains(x.Header.Get("Content-Disposition"), "20120101_20221231.xlsx") {
		t.Fatalf("xlsx: %d %v", x.Status, x.Header)
	}
	f, err := excelize.OpenReader(strings.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
	var totalRow []string
	for _, row := range rows {
		if len(row) > 1 && row[1] == "Tổng cộng" {
			totalRow = row
		}
	}
	wantRaw := []int64{api.Total.Establishments, api.Total.Difficult, api.Total.Especially, -1, api.Total.Events,
		api.Total.Funding, api.Total.DifficultFund, -1, api.Total.Average}
	if len(totalRow) < 11 {
		t.Fatalf("no total row in %v", rows)
	}
	for i, w := range wantRaw {
		if w >= 0 && totalRow[i+2] != strconv.FormatInt(w, 10) {
			t.Errorf("xlsx total column %d = %q, want %d", i+3, totalRow[i+2], w)
		}
	}
	csvRows := libreOfficeCSV(t, []byte(x.Body))
	found := false
	for _, row := range csvRows {
		if len(row) > 10 && row[1] == "Tổng cộng" {
			found = true
			if digits(row[2]) != 269 || digits(row[3]) != 142 || digits(row[7]) != 40_000_000_000 || digits(row[8]) != 10_520_000_000 ||
				!strings.HasPrefix(row[5], "52") || !strings.HasPrefix(row[9], "26") {
				t.Errorf("LibreOffice reads the total row as %q", row)
			}
		}
		if len(row) > 3 && row[1] == "Huyện Lục Ngạn" && (digits(row[2]) != 46 || digits(row[3]) != 46) {
			t.Errorf("LibreOffice reads Lục Ngạn as %q", row)
		}
	}
	if !found {
		t.Errorf("LibreOffice found no total row in %q", csvRows)
	}
}

// libreOfficeCSV converts a workbook's first sheet to CSV with LibreOffice, headless, and reads it.
// Without LibreOffice the test fails: scripts/deps.sh installs it (libreoffice-calc-nogui).
func libreOfficeCSV(t *testing.T, xlsx []byte) [][]string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("soffice is not installed: run scripts/deps.sh (Debian package libreoffice-calc-nogui)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "report.xlsx")
	if err := os.WriteFile(in, xlsx, 0o600); err != nil {
		t.Fatal(err)
	}
	// Its own profile, so that conversions running at the same time do not share a lock; UTF-8 output.
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", dir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.csv"))
	if err != nil {
		t.Fatalf("soffice wrote no CSV: %v", err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	return rows
}
