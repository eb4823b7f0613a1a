package sheet

import (
	"fmt"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Table is a sheet to write: a bold header row and rows of text.
type Table struct {
	Sheet   string // the sheet's name (at most 31 characters)
	Headers []string
	Rows    [][]string
}

// textFormat is Excel's built-in number format "@" (text): a cell so formatted stays text when edited,
// so that ID numbers keep their leading zero and "=…" is not taken for a formula.
const textFormat = 49

// maxCell is Excel's limit on the characters of one cell.
const maxCell = 32767

// Write renders tables as an .xlsx workbook, one sheet each. Every cell is written as a string in a
// text-formatted column, never as a number or a formula: a value such as =HYPERLINK(…) from an
// uploaded file comes back as the text it was (no formula injection).
func Write(tables ...Table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	text, err := f.NewStyle(&excelize.Style{NumFmt: textFormat, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return nil, err
	}
	head, err := f.NewStyle(&excelize.Style{NumFmt: textFormat, Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7F4EE"}}})
	if err != nil {
		return nil, err
	}
	for i, t := range tables {
		name := t.Sheet
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		if err := writeTable(f, t, text, head); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeTable(f *excelize.File, t Table, text, head int) error {
	cols := len(t.Headers)
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return nil
	}
	last, err := excelize.ColumnNumberToName(cols)
	if err != nil {
		return err
	}
	if err := f.SetColStyle(t.Sheet, "A:"+last, text); err != nil {
		return err
	}
	if err := f.SetColWidth(t.Sheet, "A", last, 22); err != nil {
		return err
	}
	put := func(col, row int, v string, style int) error {
		if v == "" {
			return nil // the column's text style covers empty cells
		}
		ref, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if utf8.RuneCountInString(v) > maxCell {
			v = string([]rune(v)[:maxCell])
		}
		if err := f.SetCellStr(t.Sheet, ref, v); err != nil {
			return err
		}
		return f.SetCellStyle(t.Sheet, ref, ref, style)
	}
	for i, h := range t.Headers {
		if err := put(i+1, 1, h, head); err != nil {
			return err
		}
	}
	for r, row := range t.Rows {
		for i, v := range row {
			if err := put(i+1, r+2, v, text); err != nil {
				return err
			}
		}
	}
	return f.SetPanes(t.Sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}
