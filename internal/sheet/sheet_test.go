package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// zipWith builds a zip of the given parts, deflated.
func zipWith(t *testing.T, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func contentTypes(main string) []byte {
	return []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Override PartName="/xl/workbook.xml" ContentType="` + main + `"/></Types>`)
}

func TestOpenRefusesWhatIsNotASpreadsheet(t *testing.T) {
	cases := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"too big", "a.csv", make([]byte, DefaultLimits.MaxBytes+1), CodeTooBig},
		{"not a zip", "a.xlsx", []byte("Họ và tên,Ngày sinh\n"), CodeNotXLSX},
		{"an OLE file", "a.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), CodeOldExcel},
		{"a zip without content types", "a.xlsx", zipWith(t, map[string][]byte{"x.txt": []byte("x")}), CodeNotXLSX},
		{"a Word document", "a.xlsx", zipWith(t, map[string][]byte{"[Content_Types].xml": contentTypes(
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")}), CodeNotXLSX},
		{"a macro workbook", "a.xlsx", zipWith(t, map[string][]byte{"[Content_Types].xml": contentTypes(xlsmMain)}), CodeMacros},
		// 10 MB of zeros is under the 50 MB limit but compresses about 1,000 to 1.
		{"a ratio bomb", "a.xlsx", zipWith(t, map[string][]byte{"[Content_Types].xml": contentTypes(xlsxMain),
			"xl/worksheets/sheet1.xml": make([]byte, 10<<20)}), CodeZipBomb},
		{"Latin-1 text", "a.csv", []byte("H\xf5 t\xean\n"), CodeNotText},
		{"NUL bytes", "a.csv", []byte("a,b\x00\n"), CodeNotText},
		{"an .ods", "a.ods", []byte("x"), CodeOldExcel},
		{"a picture", "a.png", []byte("x"), CodeUnknownFormat},
	}
	for _, c := range cases {
		if _, err := Open(c.file, c.data, DefaultLimits); code(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
}

func TestCSVSeparatorsAndBOM(t *testing.T) {
	for _, data := range []string{
		"\ufeffHọ và tên;Ngày sinh;Ghi chú\r\n\"Lê, Thị Chi\";05/07/1991;\"a;b\"\r\n\r\n",
		"Họ và tên,Ngày sinh,Ghi chú\n\"Lê, Thị Chi\",05/07/1991,a;b\n",
	} {
		b, err := Open("x.csv", []byte(data), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		rows, more, err := b.Rows(b.Sheets()[0], 10)
		if err != nil || more || len(rows) != 2 {
			t.Fatalf("%q: %v %v %v", data, rows, more, err)
		}
		if rows[0].Cells[0].Text != "Họ và tên" || rows[1].Cells[0].Text != "Lê, Thị Chi" || rows[1].Cells[2].Text != "a;b" || rows[1].Number != 2 {
			t.Fatalf("%q: %+v", data, rows)
		}
	}
}

// A workbook written here reads back: text stays text (a formula-like value too), dates are serials
// that DateOf reads, numbers are marked as numbers, and blank rows are skipped but counted.
func TestWriteThenRead(t *testing.T) {
	data, err := Write(Table{Sheet: "Học viên", Headers: []string{"Họ và tên", "Ghi chú"},
		Rows: [][]string{{"Nguyễn Thị Ánh", `=HYPERLINK("http://x","a")`}, {"+84 912", "@SUM(1)"}}})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := excelize.OpenReader(bytes.NewReader(data))
	if f, _ := x.GetCellFormula("Học viên", "B2"); f != "" {
		t.Fatalf("B2 is a formula: %q", f)
	}
	_ = x.SetCellValue("Học viên", "C5", time.Date(1992, 3, 15, 0, 0, 0, 0, time.UTC))
	_ = x.SetCellInt("Học viên", "D5", 24192000123)
	buf, _ := x.WriteToBuffer()

	b, err := Open("x.xlsx", buf.Bytes(), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rows, _, err := b.Rows(b.Sheets()[0], 10)
	if err != nil || len(rows) != 4 || rows[3].Number != 5 {
		t.Fatalf("%+v %v", rows, err)
	}
	if c := rows[1].Cells[1]; c.Text != `=HYPERLINK("http://x","a")` || c.Number {
		t.Fatalf("B2: %+v", c)
	}
	d, ok := b.DateOf(rows[3].Cells[2])
	if !ok || !d.Equal(time.Date(1992, 3, 15, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("C5: %+v → %v %v", rows[3].Cells[2], d, ok)
	}
	if c := rows[3].Cells[3]; !c.Number || c.Text != "24192000123" {
		t.Fatalf("D5: %+v", c)
	}
	if _, ok := b.DateOf(rows[0].Cells[0]); ok {
		t.Fatal("a text cell read as a date")
	}
	if rows, more, _ := b.Rows(b.Sheets()[0], 2); len(rows) != 2 || !more {
		t.Fatalf("limit: %d rows, more %v", len(rows), more)
	}
}
