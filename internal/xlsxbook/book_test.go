package xlsxbook_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/xlsxbook"
)

func TestCellsKeepTheirKinds(t *testing.T) {
	b, err := xlsxbook.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Sheet("Báo cáo", 30, 14, 14, 14); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(b.Lines("TRUNG TÂM KHUYẾN CÔNG"))
	must(b.Header("Tên", "Số", "Tỷ lệ", "Ngày"))
	must(b.Row(xlsxbook.Text("Huyện Lục Ngạn"), xlsxbook.Int(1_234_567), xlsxbook.Share(0.527881), xlsxbook.Date(time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC))))
	for _, s := range []string{"=SUM(A1:A3)", "+84912345678", "-1", "@cmd", "=HYPERLINK(\"http://x\")"} {
		must(b.Row(xlsxbook.Text(s).Bold(), xlsxbook.Empty()))
	}
	must(b.Signature("Bắc Giang, ngày 27 tháng 11 năm 2026", 3))
	var buf bytes.Buffer
	must(b.Write(&buf))

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Báo cáo" {
		t.Fatalf("sheets %v", got)
	}
	numFmt := func(cell string) int {
		id, _ := f.GetCellStyle("Báo cáo", cell)
		st, _ := f.GetStyle(id)
		if st.CustomNumFmt != nil {
			return -1
		}
		return st.NumFmt
	}
	if v, _ := f.GetCellValue("Báo cáo", "B3", excelize.Options{RawCellValue: true}); v != "1234567" || numFmt("B3") != 3 {
		t.Errorf("B3 = %q, format %d; want the number 1234567 shown #,##0", v, numFmt("B3"))
	}
	if ct, _ := f.GetCellType("Báo cáo", "D3"); ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString {
		t.Errorf("the date is written as text")
	}
	for row := 4; row <= 8; row++ {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		formula, _ := f.GetCellFormula("Báo cáo", cell)
		ct, _ := f.GetCellType("Báo cáo", cell)
		v, _ := f.GetCellValue("Báo cáo", cell)
		if formula != "" || (ct != excelize.CellTypeSharedString && ct != excelize.CellTypeInlineString) || numFmt(cell) != 49 {
			t.Errorf("%s %q: formula %q, type %v, format %d; want text with the text format", cell, v, formula, ct, numFmt(cell))
		}
	}
}
