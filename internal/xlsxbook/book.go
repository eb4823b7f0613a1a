// Package xlsxbook writes the reports' Excel workbooks (.xlsx) with excelize, the Vietnamese way: headers
// in Vietnamese, dates as real dates shown dd/mm/yyyy, counts and whole đồng as numbers shown "#,##0"
// (1.234.567 in a Vietnamese locale), shares as "0.0%". Text is always written as a text cell with the
// text format "@", so a name that starts with = + - or @ stays text and is never a formula.
// The handlers decide what goes in a report; this package only knows cells, rows and sheets.
package xlsxbook

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// Cell is one value to write.
type Cell struct {
	kind  int
	text  string
	n     int64
	share float64
	date  time.Time
	bold  bool
}

const (
	kindText = iota
	kindInt
	kindShare
	kindDate
	kindEmpty
	kindPlain
)

// Text is a text cell.
func Text(s string) Cell { return Cell{kind: kindText, text: s} }

// Int is a whole number (a count, or đồng), shown with thousands separators.
func Int(n int64) Cell { return Cell{kind: kindInt, n: n} }

// Plain is a whole number shown without separators: a year, a line number.
func Plain(n int64) Cell { return Cell{kind: kindPlain, n: n} }

// Share is a share (0..1) shown as a percentage with one decimal.
func Share(f float64) Cell { return Cell{kind: kindShare, share: f} }

// Date is a calendar date shown dd/mm/yyyy.
func Date(t time.Time) Cell { return Cell{kind: kindDate, date: t} }

// Empty is a blank cell.
func Empty() Cell { return Cell{kind: kindEmpty} }

// Bold returns the cell in bold (totals).
func (c Cell) Bold() Cell { c.bold = true; return c }

// Book is a workbook being written, one sheet at a time, row after row.
type Book struct {
	f      *excelize.File
	sheet  string
	row    int
	styles map[[2]int]int // (kind, bold) → style id
	header int
	title  int
	sheets int
}

// New starts an empty workbook.
func New() (*Book, error) {
	b := &Book{f: excelize.NewFile(), styles: map[[2]int]int{}}
	text := 49 // the built-in text format "@"
	fmts := map[int]*excelize.Style{
		kindText:  {NumFmt: text, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}},
		kindInt:   {NumFmt: 3}, // "#,##0"
		kindShare: {CustomNumFmt: ptr("0.0%")},
		kindDate:  {CustomNumFmt: ptr("dd/mm/yyyy"), Alignment: &excelize.Alignment{Horizontal: "left"}},
		kindEmpty: {},
		kindPlain: {NumFmt: 1}, // "0"
	}
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	for kind, st := range fmts {
		for _, bold := range []bool{false, true} {
			s := *st
			s.Border = border
			s.Font = &excelize.Font{Family: "Times New Roman", Size: 12, Bold: bold}
			id, err := b.f.NewStyle(&s)
			if err != nil {
				return nil, fmt.Errorf("sheet style: %w", err)
			}
			b.styles[[2]int{kind, boolInt(bold)}] = id
		}
	}
	var err error
	if b.header, err = b.f.NewStyle(&excelize.Style{NumFmt: text, Border: border,
		Font:      &excelize.Font{Family: "Times New Roman", Size: 12, Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E4ECE7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}); err != nil {
		return nil, fmt.Errorf("sheet style: %w", err)
	}
	if b.title, err = b.f.NewStyle(&excelize.Style{NumFmt: text,
		Font: &excelize.Font{Family: "Times New Roman", Size: 12, Bold: true}}); err != nil {
		return nil, fmt.Errorf("sheet style: %w", err)
	}
	return b, nil
}

func ptr[T any](v T) *T { return &v }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Sheet starts a new sheet (the first call names the workbook's first sheet), landscape, fitted to
// one page wide when printed, with the given column widths (in characters).
func (b *Book) Sheet(name string, widths ...float64) error {
	var err error
	if b.sheets == 0 {
		err = b.f.SetSheetName("Sheet1", name)
	} else {
		_, err = b.f.NewSheet(name)
	}
	if err != nil {
		return fmt.Errorf("sheet %q: %w", name, err)
	}
	b.sheets++
	b.sheet, b.row = name, 0
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := b.f.SetColWidth(name, col, col, w); err != nil {
			return fmt.Errorf("sheet %q width: %w", name, err)
		}
	}
	if err := b.f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return fmt.Errorf("sheet %q: %w", name, err)
	}
	return b.f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape"),
		FitToWidth: ptr(1), FitToHeight: ptr(0)})
}

// Lines writes lines of plain bold text (the organisation, the title, the period), one per row.
func (b *Book) Lines(lines ...string) error {
	for _, l := range lines {
		b.row++
		cell, _ := excelize.CoordinatesToCellName(1, b.row)
		if err := b.f.SetCellStr(b.sheet, cell, l); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(b.sheet, cell, cell, b.title); err != nil {
			return err
		}
	}
	return nil
}

// Skip leaves n empty rows.
func (b *Book) Skip(n int) { b.row += n }

// Header writes a row of column headings.
func (b *Book) Header(names ...string) error {
	b.row++
	for i, n := range names {
		cell, _ := excelize.CoordinatesToCellName(i+1, b.row)
		if err := b.f.SetCellStr(b.sheet, cell, n); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(b.sheet, cell, cell, b.header); err != nil {
			return err
		}
	}
	return nil
}

// Row writes one row of cells.
func (b *Book) Row(cells ...Cell) error {
	b.row++
	for i, c := range cells {
		cell, _ := excelize.CoordinatesToCellName(i+1, b.row)
		var err error
		switch c.kind {
		case kindText:
			err = b.f.SetCellStr(b.sheet, cell, c.text)
		case kindInt, kindPlain:
			err = b.f.SetCellInt(b.sheet, cell, c.n)
		case kindShare:
			err = b.f.SetCellFloat(b.sheet, cell, c.share, -1, 64)
		case kindDate:
			err = b.f.SetCellValue(b.sheet, cell, time.Date(c.date.Year(), c.date.Month(), c.date.Day(), 0, 0, 0, 0, time.UTC))
		}
		if err != nil {
			return fmt.Errorf("cell %s: %w", cell, err)
		}
		if err := b.f.SetCellStyle(b.sheet, cell, cell, b.styles[[2]int{c.kind, boolInt(c.bold)}]); err != nil {
			return err
		}
	}
	return nil
}

// Signature writes the signing block under a report: the place and date on the right, then "Người lập
// biểu" on the left and "Giám đốc" on the right, with room to sign. placeDate is "Bắc Giang, ngày …".
func (b *Book) Signature(placeDate string, rightCol int) error {
	b.row += 2
	at := func(col int, s string) error {
		cell, _ := excelize.CoordinatesToCellName(col, b.row)
		if err := b.f.SetCellStr(b.sheet, cell, s); err != nil {
			return err
		}
		return b.f.SetCellStyle(b.sheet, cell, cell, b.title)
	}
	if err := at(rightCol, placeDate); err != nil {
		return err
	}
	b.row++
	if err := at(1, "NGƯỜI LẬP BIỂU"); err != nil {
		return err
	}
	return at(rightCol, "GIÁM ĐỐC")
}

// Write writes the workbook as .xlsx.
func (b *Book) Write(w io.Writer) error {
	b.f.SetActiveSheet(0)
	if _, err := b.f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return b.f.Close()
}
