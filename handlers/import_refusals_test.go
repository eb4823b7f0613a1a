package handlers_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"khuyencong/internal/sheet"
	"khuyencong/models"
)

// impZipBomb is an .xlsx-looking zip whose sheet inflates to 200 MB of zeros (sheet.ZipBomb).
func impZipBomb(t *testing.T) []byte {
	t.Helper()
	b, err := sheet.ZipBomb(200 << 20)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// impCSV is a valid .csv of n trainees.
func impCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("Họ và tên,Ngày sinh,Giới tính,Số CCCD\n")
	for i := range n {
		fmt.Fprintf(&b, "Trần Văn Nam,01/01/1990,Nam,%s\n", impCCCD(i))
	}
	return []byte(b.String())
}

// Files that are refused are refused whole, before any row is written, with a reason on the form and
// a problem on "file" in the API.
func TestImportRefusesBadFilesWritingNothing(t *testing.T) {
	e := newEnv(t)
	staff, id, _ := impClass(t, e)
	api := e.apiAs(models.RoleStaff)
	header, _, _ := impFortyTwo()
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rand.IntN(256))
	}
	big := bytes.Repeat([]byte("Nguyễn Thị Ánh,01/01/1990,Nữ,024190001234\n"), 6<<20/45)
	latin1 := []byte("H\xf5 v\xe0 t\xean,Ng\xe0y sinh,Gi\xf3i t\xednh,S\xf5 CCCD\nNguy\xean,01/01/1990,N\xf5,024190001234\n")
	noID := impXLSX(t, header[:4], [][]any{{"1", "Nguyễn Thị Ánh", "01/01/1990", "Nữ"}})
	cases := []struct {
		name, file string
		data       []byte
		status     int
		message    string
	}{
		{"random bytes", "danh-sach.xlsx", random, 415, "không phải bảng tính Excel .xlsx hợp lệ"},
		{"six megabytes", "danh-sach.csv", big, 413, "lớn hơn 5 MB"},
		{"2,001 rows", "danh-sach.csv", impCSV(2001), 413, "hơn 2.000 dòng"},
		{"a zip bomb", "danh-sach.xlsx", impZipBomb(t), 413, "giải nén ra quá lớn"},
		{"not UTF-8", "danh-sach.csv", latin1, 415, "UTF-8"},
		{"an old .xls", "danh-sach.xls", random, 415, "Excel Workbook (.xlsx)"},
		{"a picture", "anh.png", random, 415, "Chỉ nhận tệp .xlsx hoặc .csv"},
		{"no ID column", "danh-sach.xlsx", noID, 422, "Thiếu cột bắt buộc: Số CCCD"},
		{"no header", "danh-sach.csv", []byte("a,b,c\n1,2,3\n"), 422, "Không tìm thấy dòng tiêu đề"},
		{"a broken quote", "danh-sach.csv", []byte("Họ và tên,Ngày sinh,Giới tính,Số CCCD\n\"Lê,01/01/1990,Nữ,024190001234\n"), 422, "dòng"},
	}
	counts := func() string {
		return fmt.Sprint(e.count(`SELECT count(*) FROM trainees`), e.count(`SELECT count(*) FROM enrolments`),
			e.count(`SELECT count(*) FROM enrolment_imports`), e.count(`SELECT count(*) FROM audit_log`))
	}
	before := counts()
	for _, c := range cases {
		staff.get("/courses/" + id + "/import")
		r := staff.upload("/courses/"+id+"/import", c.file, c.data)
		if r.Status != c.status || !strings.Contains(r.Body, c.message) || !strings.Contains(r.Body, `id="import-error"`) {
			t.Errorf("%s (form): %d, want %d with %q: %.300s", c.name, r.Status, c.status, c.message, r.Body)
		}
		r = api.upload("/api/v1/courses/"+id+"/import", c.file, c.data)
		var p struct {
			Status int               `json:"status"`
			Errors map[string]string `json:"errors"`
		}
		r.json(t, &p)
		if r.Status != c.status || p.Status != c.status || !strings.Contains(p.Errors["file"], c.message) {
			t.Errorf("%s (API): %d %s", c.name, r.Status, r.Body)
		}
		if after := counts(); after != before {
			t.Fatalf("%s: rows written (%s before, %s after)", c.name, before, after)
		}
	}
	// Exactly 2,000 rows are taken (every one rejected here, which keeps the test fast).
	exactly := bytes.ReplaceAll(impCSV(2000), []byte(",Nam,"), []byte(",?,"))
	r := api.upload("/api/v1/courses/"+id+"/import", "danh-sach.csv", exactly)
	var out struct {
		Total    int `json:"total"`
		Rejected int `json:"rejected_count"`
	}
	r.json(t, &out)
	if r.Status != 200 || out.Total != 2000 || out.Rejected != 2000 {
		t.Fatalf("2,000 rows: %d %.300s", r.Status, r.Body)
	}
}

// Communes are found by name within the class's province, with or without diacritics or the type
// word; a name two districts share needs the district. Establishments by registration number.
func TestImportMatchesCommunesAndEstablishments(t *testing.T) {
	e := newEnv(t)
	_, id, _ := impClass(t, e)
	for _, q := range []string{
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('221', 'district', 'huyen', 'Huyện Lục Ngạn', '24')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('22003', 'commune', 'xa', 'Xã Tân Lập', '220')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('22101', 'commune', 'xa', 'Xã Tân Lập', '221')`,
		`INSERT INTO admin_units (code, level, unit_type, name) VALUES ('01', 'province', 'tinh', 'Hà Nội')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('001', 'district', 'huyen', 'Quận Ba Đình', '01')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('00101', 'commune', 'phuong', 'Phường Phúc Xá', '001')`,
		`INSERT INTO establishments (name, kind, commune_code, registration_no) VALUES ('HTX Tân Lập', 'cooperative', '22101', '2021/HTX-01')`,
		`INSERT INTO establishments (name, kind, commune_code) VALUES ('HTX Tân Lập', 'cooperative', '22003')`,
	} {
		if _, err := e.store.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	csv := "Họ;Tên đệm;Tên;Ngày sinh;Giới tính;CMND/CCCD;Xã;Huyện;Cơ sở\n" +
		"Lý;;Bình;02/02/1990;Nam;024090000001;Tân Lập;;\n" + // two districts: refused
		"Lý;Văn;Chung;02/02/1990;Nam;024090000002;tan lap;Lục Ngạn;2021/htx-01\n" + // district and registration number
		"Lý;Văn;Dũng;02/02/1990;Nam;024090000003;Xã Tân Lập, Huyện Sơn Động;;\n" + // district after a comma
		"Lý;Văn;Đức;02/02/1990;Nam;024090000004;Phúc Xá;;\n" + // another province
		"Lý;Văn;Em;1990;Nam;024090000005;;;HTX Tân Lập\n" + // year only; an establishment name two share
		"Lý;Văn;Giang;02/02/1990;x;24090000006;;;\n" // neither sex nor a CCCD
	r := e.apiAs(models.RoleStaff).upload("/api/v1/courses/"+id+"/import", "xa.csv", []byte(csv))
	var out struct {
		Rows []struct {
			Row int `json:"row"`
		} `json:"rows"`
		Rejected []struct {
			Row    int    `json:"row"`
			Reason string `json:"reason"`
		} `json:"rejected"`
	}
	r.json(t, &out)
	want := map[int][]string{
		2: {"Tên xã trùng ở nhiều huyện (Tân Lập — Huyện Lục Ngạn; Huyện Sơn Động)"},
		5: {"Không tìm thấy xã/phường «Phúc Xá» trong tỉnh của lớp"},
		6: {"chỉ có năm", "Có nhiều cơ sở tên «HTX Tân Lập»"},
		7: {"Giới tính «x» không rõ", "CCCD phải có 12 chữ số (CMND cũ: 9 chữ số): «24090000006»"},
	}
	if r.Status != 200 || len(out.Rows) != 2 || len(out.Rejected) != len(want) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	for _, rj := range out.Rejected {
		for _, w := range want[rj.Row] {
			if !strings.Contains(rj.Reason, w) {
				t.Errorf("row %d: %q lacks %q", rj.Row, rj.Reason, w)
			}
		}
	}
	if n := e.count(`SELECT count(*) FROM trainees t JOIN enrolments en ON en.trainee_id = t.id
		WHERE (t.id_number = '024090000002' AND t.commune_code = '22101' AND en.establishment_id IS NOT NULL
		       AND t.middle_name = 'Văn' AND t.given_name = 'Chung')
		   OR (t.id_number = '024090000003' AND t.commune_code = '22003' AND en.establishment_id IS NULL)`); n != 2 {
		t.Fatalf("communes or establishment matched wrongly (%d of 2)", n)
	}
}

// Imports are for staff: trainers and masters do not see the pages; a course that is not open
// refuses the file.
func TestImportAccess(t *testing.T) {
	e := newEnv(t)
	staff, id, f := impClass(t, e)
	for _, role := range []string{models.RoleTrainer, models.RoleMaster} {
		c, _ := e.as(role)
		for _, path := range []string{"/courses/" + id + "/import", "/courses/" + id + "/import/template.xlsx"} {
			if r := c.get(path); r.Status != 404 {
				t.Errorf("%s GET %s: %d, want 404", role, path, r.Status)
			}
		}
		if r := e.apiAs(role).upload("/api/v1/courses/"+id+"/import", "a.csv", impCSV(1)); r.Status != 404 {
			t.Errorf("%s API import: %d, want 404", role, r.Status)
		}
	}
	draft := registerClass(t, staff, f, "vocational", "Mộc dân dụng")
	staff.get(draft + "/import")
	if r := staff.upload(draft+"/import", "a.csv", impCSV(1)); r.Status != 422 || !strings.Contains(r.Body, "Lớp chưa mở ghi danh") {
		t.Fatalf("a draft class: %d %.300s", r.Status, r.Body)
	}
	if n := e.count(`SELECT count(*) FROM trainees`); n != 0 {
		t.Fatalf("%d trainees written for a closed class", n)
	}
}
