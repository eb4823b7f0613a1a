package handlers_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"khuyencong/models"
)

// impClass is an approved class of 30 seats held at a venue of Sơn Động (province Bắc Giang), with
// the staff member who runs it logged in on the import form.
func impClass(t *testing.T, e *env) (staff *client, id string, f fixtures) {
	t.Helper()
	f = e.fixtures()
	e.places()
	if _, err := e.store.DB().Exec(`UPDATE venues SET commune_code = '22001' WHERE id = $1`, f.venue); err != nil {
		t.Fatal(err)
	}
	staff, _ = e.as(models.RoleStaff)
	_, id = approvedClass(t, e, staff, f, "30")
	if r := staff.get("/courses/" + id + "/import"); r.Status != 200 || !strings.Contains(r.Body, `enctype="multipart/form-data"`) {
		t.Fatalf("import form: %d %.300s", r.Status, r.Body)
	}
	return staff, id, f
}

// upload posts a file as the form does (field "file", with the CSRF token) or, for a client with a
// bearer token, to the API.
func (c *client) upload(path, name string, data []byte) resp {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	accept := "application/json"
	if !strings.HasPrefix(path, "/api/") {
		accept = "text/html"
		_ = mw.WriteField("_csrf", c.csrf)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	return c.do(http.MethodPost, path, &body, map[string]string{"Content-Type": mw.FormDataContentType(), "Accept": accept})
}

// impCCCD is the national ID of the i-th trainee of a test sheet: Bắc Giang (024), a woman born in
// the 1900s (1), in 1993, then a serial.
func impCCCD(i int) string { return fmt.Sprintf("024193%06d", 1000+i) }

var impFamilies = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"}
var impGivens = []string{"Ánh", "Bình", "Chi", "Dung", "Hoa", "Lan", "Mai", "Nga", "Oanh", "Yến"}

// impXLSX builds a workbook as staff make them: a title row, a blank row, then the header, and rows.
// A row's value may be a string, or a time.Time written as a date cell.
func impXLSX(t *testing.T, header []string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	s := "Sheet1"
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellStr(s, "A1", "DANH SÁCH HỌC VIÊN LỚP ĐAN LÁT MÂY TRE")
	for i, h := range header {
		ref, _ := excelize.CoordinatesToCellName(i+1, 3)
		_ = f.SetCellStr(s, ref, h)
	}
	for r, row := range rows {
		for i, v := range row {
			ref, _ := excelize.CoordinatesToCellName(i+1, r+4)
			switch v := v.(type) {
			case time.Time:
				_ = f.SetCellValue(s, ref, v)
				_ = f.SetCellStyle(s, ref, ref, date)
			case string:
				_ = f.SetCellStr(s, ref, v)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// impFortyTwo is the acceptance sheet: 42 trainees, of whom the 5th has an 11-digit CCCD (and a
// formula in its note) and the 16th repeats the CCCD of the 3rd. Sheet rows start at 4.
func impFortyTwo() (header []string, rows [][]any, valid []string) {
	header = []string{"STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "SĐT", "Xã/phường", "Cơ sở", "Ghi chú"}
	for i := range 42 {
		id := impCCCD(i)
		note := ""
		switch i {
		case 4:
			id, note = "02419300100", `=HYPERLINK("http://x","a")`
		case 15:
			id = impCCCD(2)
		default:
			valid = append(valid, id)
		}
		var birth any = fmt.Sprintf("%02d/03/1993", i%28+1)
		if i%3 == 0 {
			birth = time.Date(1993, 3, i%28+1, 0, 0, 0, 0, time.UTC) // a date cell: an Excel serial number
		}
		commune := "An Lập"
		if i%2 == 1 {
			commune = "xa an lap"
		}
		est := ""
		if i == 1 {
			est = "HTX Mây tre đan An Lập"
		}
		rows = append(rows, []any{fmt.Sprint(i + 1), impFamilies[i%8] + " Thị " + impGivens[i%10], birth, "Nữ", id,
			fmt.Sprintf("09123456%02d", i), commune, est, note})
	}
	return header, rows, valid
}

func TestImportFortyTwoRowsIntoThirtySeats(t *testing.T) {
	e := newEnv(t)
	staff, id, _ := impClass(t, e)
	header, rows, valid := impFortyTwo()
	file := impXLSX(t, header, rows)

	r := staff.upload("/courses/"+id+"/import", "danh-sach.xlsx", file)
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/courses/"+id+"/imports/") {
		t.Fatalf("import: %d %.500s", r.Status, r.Body)
	}
	result := r.Header.Get("Location")
	page := staff.get(result)
	for _, want := range []string{"42 dòng: 30 xác nhận, 10 vào danh sách chờ, 2 bị loại.", "Danh sách chờ từ thứ tự 1 đến 10.",
		"CCCD phải có 12 chữ số", "CCCD trùng với dòng 6 trong tệp", `href="` + result + `/rejected.xlsx"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("result page lacks %q", want)
		}
	}

	// 30 seats, then the queue in file order.
	var got []struct {
		ID     string `db:"id_number"`
		Status string `db:"status"`
		Pos    *int   `db:"waitlist_position"`
	}
	if err := e.store.DB().Select(&got, `SELECT t.id_number, e.status, e.waitlist_position FROM enrolments e
		JOIN trainees t ON t.id = e.trainee_id WHERE e.course_id = $1 ORDER BY e.id`, id); err != nil {
		t.Fatal(err)
	}
	if len(got) != 40 {
		t.Fatalf("%d enrolments, want 40", len(got))
	}
	for i, g := range got {
		want, pos := "confirmed", 0
		if i >= 30 {
			want, pos = "waitlisted", i-29
		}
		if g.ID != valid[i] || g.Status != want || (pos > 0) != (g.Pos != nil) || (g.Pos != nil && *g.Pos != pos) {
			t.Errorf("enrolment %d: %s %s %v, want %s %s %d", i, g.ID, g.Status, g.Pos, valid[i], want, pos)
		}
	}
	if n := e.count(`SELECT count(*) FROM enrolments WHERE course_id = $1 AND establishment_id IS NOT NULL`, id); n != 1 {
		t.Errorf("%d enrolments name their establishment, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM trainees WHERE birth_date = '1993-03-01' AND commune_code = '22001'`); n != 2 {
		t.Errorf("trainees born 01/03/1993 in An Lập (a date cell and a typed date): %d, want 2", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'enrolment.import' AND new_values->>'confirmed' = '30'
		AND new_values->>'waitlisted' = '10' AND new_values->>'rejected' = '2'`); n != 1 {
		t.Errorf("%d audit rows of the import, want 1", n)
	}

	// The rejected rows come back with the file's columns, a reason, and the formula as plain text.
	dl := staff.get(result + "/rejected.xlsx")
	if dl.Status != 200 || !strings.Contains(dl.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("download: %d %s", dl.Status, dl.Header.Get("Content-Type"))
	}
	x, err := excelize.OpenReader(strings.NewReader(dl.Body))
	if err != nil {
		t.Fatal(err)
	}
	sheetName := x.GetSheetList()[0]
	back, _ := x.GetRows(sheetName)
	if len(back) != 3 || back[0][len(header)] != "Lý do" || back[1][4] != "02419300100" || !strings.Contains(back[1][len(header)], "CCCD phải có 12 chữ số") ||
		back[2][4] != impCCCD(2) || back[2][len(header)] != "CCCD trùng với dòng 6 trong tệp" {
		t.Fatalf("rejected sheet: %q", back)
	}
	formula, _ := x.GetCellFormula(sheetName, "I2")
	value, _ := x.GetCellValue(sheetName, "I2")
	if formula != "" || value != `=HYPERLINK("http://x","a")` {
		t.Fatalf("the note cell: formula %q, value %q", formula, value)
	}

	// The same file again, through the API: nobody is created twice, everyone is already enrolled.
	api := e.apiAs(models.RoleStaff)
	r = api.upload("/api/v1/courses/"+id+"/import", "danh-sach.xlsx", file)
	var again struct {
		ImportID   int64 `json:"import_id"`
		Confirmed  int   `json:"confirmed"`
		Waitlisted int   `json:"waitlisted"`
		Rejected   []struct {
			Row    int               `json:"row"`
			Reason string            `json:"reason"`
			Values map[string]string `json:"values"`
		} `json:"rejected"`
	}
	r.json(t, &again)
	if r.Status != 200 || again.Confirmed != 0 || again.Waitlisted != 0 || len(again.Rejected) != 42 {
		t.Fatalf("second import: %d %.600s", r.Status, r.Body)
	}
	already := 0
	for _, rj := range again.Rejected {
		if rj.Reason == "Học viên đã có trong lớp" {
			already++
		}
	}
	if already != 40 || again.Rejected[0].Values["full_name"] != "Nguyễn Thị Ánh" {
		t.Fatalf("%d rows already enrolled, want 40: %+v", already, again.Rejected[:2])
	}
	if n := e.count(`SELECT count(*) FROM trainees`); n != 40 {
		t.Errorf("%d trainees, want 40", n)
	}
	if n := e.count(`SELECT count(*) FROM (SELECT id_number FROM trainees GROUP BY id_number HAVING count(*) > 1) d`); n != 0 {
		t.Errorf("%d national IDs were created twice", n)
	}
	// Only the latest import keeps its rows.
	if r := staff.get(result + "/rejected.xlsx"); r.Status != 410 {
		t.Errorf("rejected rows of the older import: %d, want 410", r.Status)
	}
	if r := staff.get(fmt.Sprintf("/courses/%s/imports/%d/rejected.xlsx", id, again.ImportID)); r.Status != 200 {
		t.Errorf("rejected rows of the latest import: %d", r.Status)
	}
}

// A .csv saved by Vietnamese Excel: UTF-8 with a BOM, semicolons; and one in English with commas.
func TestImportCSV(t *testing.T) {
	e := newEnv(t)
	_, id, _ := impClass(t, e)
	api := e.apiAs(models.RoleStaff)
	semi := "\ufeffHọ và tên;Ngày sinh;Giới tính;Số CCCD;Điện thoại;Xã/phường\r\n" +
		"Hoàng Văn Bình;1990-07-05;Nam;024090001234;0912 345 678;Xã An Lập\r\n" +
		"\"Lê Thị Chi\";05/07/1991;nữ;024191 001 235;;\r\n"
	english := "Full name,Birth date,Gender,ID number,Phone\nVũ Văn Dũng,1/2/1989,male,024089001236,\n"
	for _, c := range []struct{ name, body string }{{"semicolons.csv", semi}, {"english.CSV", english}} {
		r := api.upload("/api/v1/courses/"+id+"/import", c.name, []byte(c.body))
		var out struct {
			Confirmed int `json:"confirmed"`
			Rejected  []any
		}
		r.json(t, &out)
		if r.Status != 200 || len(out.Rejected) != 0 {
			t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
		}
	}
	if n := e.count(`SELECT count(*) FROM enrolments e JOIN trainees t ON t.id = e.trainee_id WHERE e.course_id = $1 AND e.status = 'confirmed'
		AND t.id_number IN ('024090001234', '024191001235', '024089001236')`, id); n != 3 {
		t.Fatalf("%d of 3 enrolled", n)
	}
	if n := e.count(`SELECT count(*) FROM trainees WHERE id_number = '024090001234' AND phone = '0912345678' AND gender = 'male'
		AND birth_date = '1990-07-05' AND commune_code = '22001' AND family_name = 'Hoàng' AND given_name = 'Bình'`); n != 1 {
		t.Fatal("the first trainee was not stored as written")
	}
}
