// Package sheet reads uploaded spreadsheets (.xlsx and .csv) defensively and writes small .xlsx
// files. It is the only package that imports excelize. Everything that can be refused — size,
// type, a zip bomb, text that is not UTF-8 — is refused before a row is read, with an *Error whose
// code the caller turns into a message.
package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Limits bound what Open accepts. The zero value is not useful; start from DefaultLimits.
type Limits struct {
	MaxBytes    int64 // the file as uploaded
	MaxUnzipped int64 // the sum of an .xlsx's uncompressed parts
	MaxPart     int64 // any one part: excelize holds a parsed worksheet in memory, several times its size
	MaxRatio    int64 // uncompressed/compressed size of any large part of an .xlsx
	MaxParts    int   // entries in an .xlsx's zip
}

// DefaultLimits are 5 MB uploads, 50 MB unzipped (20 MB a part), parts compressed at most 200 to 1,
// 1,000 parts. A real sheet of 2,000 trainees is about 1 MB of XML and compresses about 10 to 1.
var DefaultLimits = Limits{MaxBytes: 5 << 20, MaxUnzipped: 50 << 20, MaxPart: 20 << 20, MaxRatio: 200, MaxParts: 1000}

// ratioFloor is the part size below which the compression ratio is not judged: small runs of
// identical XML compress absurdly well and are harmless.
const ratioFloor = 1 << 20

// Error codes.
const (
	CodeTooBig        = "too_big"          // the upload is over MaxBytes
	CodeUnzippedBig   = "unzipped_too_big" // the .xlsx unpacks to more than MaxUnzipped (or a part to MaxPart): a zip bomb or a huge sheet
	CodeZipBomb       = "zip_bomb"         // a part compresses beyond MaxRatio, or too many parts
	CodeNotXLSX       = "not_xlsx"         // named .xlsx but not an Excel workbook
	CodeOldExcel      = "old_excel"        // an .xls (Excel 97–2003) or an encrypted workbook
	CodeMacros        = "macros"           // a macro-enabled workbook (.xlsm) renamed .xlsx
	CodeNotText       = "not_utf8"         // a .csv that is not UTF-8 text
	CodeBadCSV        = "bad_csv"          // a .csv that does not parse (a stray quote…)
	CodeUnknownFormat = "unknown_format"   // neither .xlsx nor .csv
	CodeEmpty         = "empty"            // no sheet, or nothing in it
)

// Error is a refusal of the file, with a code and, for some codes, a detail (a line number).
type Error struct {
	Code string
	Line int
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return "sheet: " + e.Code + " at line " + strconv.Itoa(e.Line)
	}
	return "sheet: " + e.Code
}

func refuse(code string) error { return &Error{Code: code} }

// Cell is one cell as text, with whether the workbook stored it as a number: a date cell comes as
// its serial number, and an ID number typed into a number cell has lost its leading zero.
type Cell struct {
	Text   string
	Number bool
}

// Row is one non-blank row with its number as the user sees it (the sheet's row or the file's line).
type Row struct {
	Number int
	Cells  []Cell
}

// Book is an opened upload: one or more sheets of rows.
type Book struct {
	sheets   []string
	xl       *excelize.File
	csvRows  []Row
	date1904 bool
}

// Open checks an upload by its name and bytes and opens it. An .xlsx is inspected through its zip
// central directory (sizes, ratio, content types) before excelize reads it.
func Open(name string, data []byte, lim Limits) (*Book, error) {
	if int64(len(data)) > lim.MaxBytes {
		return nil, refuse(CodeTooBig)
	}
	switch strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/"))) {
	case ".xlsx":
		return openXLSX(data, lim)
	case ".csv":
		rows, err := readCSV(data)
		if err != nil {
			return nil, err
		}
		return &Book{sheets: []string{""}, csvRows: rows}, nil
	case ".xls", ".xlsm", ".xlsb", ".ods":
		return nil, refuse(CodeOldExcel)
	}
	return nil, refuse(CodeUnknownFormat)
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

const (
	xlsxMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	xlsmMain = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
)

func openXLSX(data []byte, lim Limits) (*Book, error) {
	if bytes.HasPrefix(data, oleMagic) {
		return nil, refuse(CodeOldExcel)
	}
	if !bytes.HasPrefix(data, zipMagic) {
		return nil, refuse(CodeNotXLSX)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, refuse(CodeNotXLSX)
	}
	if err := checkZip(zr, lim); err != nil {
		return nil, err
	}
	if err := checkContentTypes(zr); err != nil {
		return nil, err
	}
	// The declared sizes were checked above and archive/zip refuses a part that inflates past its
	// declared size, so excelize's own limits are only a second fence.
	xl, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.MaxUnzipped, UnzipXMLSizeLimit: lim.MaxUnzipped})
	if err != nil {
		return nil, refuse(CodeNotXLSX)
	}
	b := &Book{xl: xl}
	if props, err := xl.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		b.date1904 = *props.Date1904
	}
	// The active sheet first (where the user was when saving), then the other visible ones in order.
	all := xl.GetSheetList()
	active := xl.GetSheetName(xl.GetActiveSheetIndex())
	for _, s := range append([]string{active}, all...) {
		if visible, _ := xl.GetSheetVisible(s); s != "" && visible && !contains(b.sheets, s) {
			b.sheets = append(b.sheets, s)
		}
	}
	if len(b.sheets) == 0 {
		_ = xl.Close()
		return nil, refuse(CodeEmpty)
	}
	return b, nil
}

// checkZip reads the central directory only: nothing is inflated here.
func checkZip(zr *zip.Reader, lim Limits) error {
	if len(zr.File) > lim.MaxParts {
		return refuse(CodeZipBomb)
	}
	var total uint64
	for _, f := range zr.File {
		if f.Flags&0x1 != 0 {
			return refuse(CodeOldExcel) // an encrypted part
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzipped) || f.UncompressedSize64 > uint64(lim.MaxPart) {
			return refuse(CodeUnzippedBig)
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(lim.MaxRatio) {
			return refuse(CodeZipBomb)
		}
	}
	return nil
}

// checkContentTypes requires the package's [Content_Types].xml to declare an Excel workbook.
func checkContentTypes(zr *zip.Reader) error {
	for _, f := range zr.File {
		if !strings.EqualFold(f.Name, "[Content_Types].xml") {
			continue
		}
		if f.UncompressedSize64 > 1<<20 {
			return refuse(CodeNotXLSX)
		}
		rc, err := f.Open()
		if err != nil {
			return refuse(CodeNotXLSX)
		}
		defer rc.Close()
		var ct struct {
			Overrides []struct {
				ContentType string `xml:"ContentType,attr"`
			} `xml:"Override"`
		}
		if err := xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&ct); err != nil {
			return refuse(CodeNotXLSX)
		}
		for _, o := range ct.Overrides {
			switch o.ContentType {
			case xlsxMain:
				return nil
			case xlsmMain:
				return refuse(CodeMacros)
			}
		}
		return refuse(CodeNotXLSX)
	}
	return refuse(CodeNotXLSX)
}

// Sheets names the sheets worth reading, the active one first ("" for a .csv).
func (b *Book) Sheets() []string { return b.sheets }

// Close releases the workbook.
func (b *Book) Close() error {
	if b.xl != nil {
		return b.xl.Close()
	}
	return nil
}

// Rows returns at most limit non-blank rows of a sheet, and whether more followed. Cells are raw:
// dates come as serial numbers (see DateOf), never formatted by the cell's number format, which
// depends on the locale of whoever made the file.
func (b *Book) Rows(sheet string, limit int) ([]Row, bool, error) {
	if b.xl == nil {
		if len(b.csvRows) > limit {
			return b.csvRows[:limit], true, nil
		}
		return b.csvRows, false, nil
	}
	it, err := b.xl.Rows(sheet)
	if err != nil {
		return nil, false, refuse(CodeNotXLSX)
	}
	defer it.Close()
	var out []Row
	more := false
	for n := 1; it.Next(); n++ {
		cols, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, false, refuse(CodeNotXLSX)
		}
		if blank(cols) {
			continue
		}
		if len(out) == limit {
			more = true
			break
		}
		row := Row{Number: n, Cells: make([]Cell, len(cols))}
		for i, v := range cols {
			row.Cells[i] = Cell{Text: v}
		}
		out = append(out, row)
	}
	if it.Error() != nil {
		return nil, false, refuse(CodeNotXLSX)
	}
	if more {
		return out, true, nil // the caller refuses the file: no need to load the worksheet
	}
	// Types are asked once the stream is done: GetCellType loads the whole worksheet.
	for _, r := range out {
		for i := range r.Cells {
			r.Cells[i].Number = b.isNumber(sheet, r.Number, i, r.Cells[i].Text)
		}
	}
	return out, more, nil
}

// isNumber asks the workbook for a cell's type, only for cells that look like numbers.
func (b *Book) isNumber(sheet string, row, col int, v string) bool {
	if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
		return false
	}
	ref, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return false
	}
	t, err := b.xl.GetCellType(sheet, ref)
	return err == nil && (t == excelize.CellTypeNumber || t == excelize.CellTypeUnset)
}

// Date1904 reports whether the workbook counts dates from 1904 (old Mac Excel).
func (b *Book) Date1904() bool { return b.date1904 }

func blank(cols []string) bool {
	for _, c := range cols {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// readCSV reads UTF-8 text (a BOM is dropped) separated by commas or by semicolons, as Excel saves
// it in locales whose decimal mark is a comma — Vietnamese among them.
func readCSV(data []byte) ([]Row, error) {
	data = bytes.TrimPrefix(data, bom)
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, refuse(CodeNotText)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(data)
	r.FieldsPerRecord = -1
	var out []Row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, &Error{Code: CodeBadCSV, Line: line}
		}
		if blank(rec) {
			continue
		}
		line, _ := r.FieldPos(0)
		row := Row{Number: line, Cells: make([]Cell, len(rec))}
		for i, v := range rec {
			row.Cells[i] = Cell{Text: v}
		}
		out = append(out, row)
	}
	return out, nil
}

// separator picks ';' when the first line has more semicolons than commas (outside quotes).
func separator(data []byte) rune {
	commas, semis, quoted := 0, 0, false
	for _, c := range data {
		if c == '\n' && !quoted && commas+semis > 0 {
			break
		}
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

// DateOf reads a date cell stored as a serial number (days since 1899-12-30, or since 1904-01-01 in
// old Mac workbooks). It reports false for any other cell.
func (b *Book) DateOf(c Cell) (time.Time, bool) {
	if !c.Number {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(c.Text), 64)
	if err != nil || f < 1 || f > 2958465 {
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(f, b.date1904)
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
}
