package handlers

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/unicode/norm"

	"khuyencong/internal/sheet"
	"khuyencong/internal/vi"
	"khuyencong/models"
)

// importRefusal is a file refused before any row is written: a status and a message key with its
// arguments. The import pages show it on the form; the API answers it as problem+json on "file".
type importRefusal struct {
	status int
	key    string
	args   []any
}

func (e *importRefusal) Error() string { return "import refused: " + e.key }

func refuseImport(status int, key string, args ...any) error {
	return &importRefusal{status: status, key: key, args: args}
}

// message is the refusal in the reader's language.
func (e *importRefusal) message(lang string) string {
	if len(e.args) == 0 {
		return T(lang, e.key)
	}
	return fmt.Sprintf(T(lang, e.key), e.args...)
}

// headerRows is how far down the header row is looked for: sheets often open with a title
// ("DANH SÁCH HỌC VIÊN LỚP …") and a blank line or two.
const headerRows = 10

// importAliases maps folded header names (no case, no diacritics, no punctuation but "/") to columns.
var importAliases = map[string]string{}

func init() {
	for col, names := range map[string][]string{
		models.ColFullName: {"ho va ten", "ho ten", "ho va ten hoc vien", "ho ten hoc vien", "ten hoc vien",
			"full name", "name", "trainee", "trainee name"},
		models.ColFamilyName: {"ho", "family name", "last name", "surname"},
		models.ColMiddleName: {"ten dem", "dem", "middle name"},
		models.ColGivenName:  {"ten", "given name", "first name"},
		models.ColBirthDate: {"ngay sinh", "ngay thang nam sinh", "sinh ngay", "birth date", "date of birth",
			"dob", "birthday"},
		models.ColGender: {"gioi tinh", "gioi", "nam/nu", "gender", "sex"},
		models.ColIDNumber: {"so cccd", "cccd", "cmnd", "so cmnd", "cccd/cmnd", "so cccd/cmnd", "cmnd/cccd",
			"so cmnd/cccd", "can cuoc", "so can cuoc", "can cuoc cong dan", "so dinh danh", "so dinh danh ca nhan",
			"id number", "national id", "national id number"},
		models.ColPhone: {"dien thoai", "so dien thoai", "sdt", "dt", "so dt", "phone", "phone number", "mobile"},
		models.ColCommune: {"xa", "xa/phuong", "xa/phuong/thi tran", "phuong/xa", "xa phuong", "dia chi xa",
			"commune", "ward", "commune/ward"},
		models.ColDistrict: {"huyen", "quan/huyen", "huyen/thanh pho", "huyen/thi xa/thanh pho", "district"},
		models.ColEstablishment: {"co so", "co so cnnt", "ten co so", "co so cong nghiep nong thon",
			"establishment"},
	} {
		for _, n := range names {
			importAliases[n] = col
		}
	}
}

// foldHeader folds a header for matching: without what is in brackets ("Ngày sinh (dd/mm/yyyy)"),
// case, diacritics or punctuation other than "/".
func foldHeader(s string) string {
	for {
		i, j := strings.IndexAny(s, "(["), strings.IndexAny(s, ")]")
		if i < 0 || j < i {
			break
		}
		s = s[:i] + " " + s[j+1:]
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		case r == '/' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	return strings.ReplaceAll(strings.ReplaceAll(out, " /", "/"), "/ ", "/")
}

// readImportFile reads the uploaded field "file" into rows, refusing — before anything is written —
// a missing or oversized file, anything but a real .xlsx or UTF-8 .csv, a zip bomb, more than
// models.MaxImportRows rows, and a sheet without the required columns.
func readImportFile(c *fiber.Ctx) (models.ImportFile, error) {
	var out models.ImportFile
	fh, err := c.FormFile("file")
	if err != nil || fh.Filename == "" {
		return out, refuseImport(fiber.StatusUnprocessableEntity, "import.refused.no_file")
	}
	out.FileName = cleanFileName(fh.Filename)
	if fh.Size > sheet.DefaultLimits.MaxBytes {
		return out, refuseImport(fiber.StatusRequestEntityTooLarge, "import.refused.too_big")
	}
	f, err := fh.Open()
	if err != nil {
		return out, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, sheet.DefaultLimits.MaxBytes+1))
	if err != nil {
		return out, err
	}
	book, err := sheet.Open(fh.Filename, data, sheet.DefaultLimits)
	if err != nil {
		return out, sheetRefusal(err)
	}
	defer book.Close()
	for _, name := range book.Sheets() {
		rows, more, err := book.Rows(name, models.MaxImportRows+headerRows+1)
		if err != nil {
			return out, sheetRefusal(err)
		}
		at, cols, err := findHeader(rows)
		if err != nil {
			return out, err
		}
		if at < 0 {
			continue
		}
		if more || len(rows)-at-1 > models.MaxImportRows {
			return out, refuseImport(fiber.StatusRequestEntityTooLarge, "import.refused.too_many_rows", vi.Int(models.MaxImportRows))
		}
		out.Columns = map[string]bool{}
		for _, col := range cols {
			if col != "" {
				out.Columns[col] = true
			}
		}
		for _, cell := range rows[at].Cells {
			out.Headers = append(out.Headers, models.NFC(cell.Text))
		}
		for _, r := range rows[at+1:] {
			out.Lines = append(out.Lines, importLine(book, r, cols))
		}
		if missing := out.MissingColumns(); len(missing) > 0 {
			return out, refuseImport(fiber.StatusUnprocessableEntity, "import.refused.missing_columns", columnList(Lang(c), missing))
		}
		if len(out.Lines) == 0 {
			return out, refuseImport(fiber.StatusUnprocessableEntity, "import.refused.no_rows")
		}
		return out, nil
	}
	return out, refuseImport(fiber.StatusUnprocessableEntity, "import.refused.no_header")
}

// findHeader picks, among the first rows, the one naming the most known columns (at least two). It
// returns its index and the column of each of its cells ("" for columns it does not know), or -1. A
// header naming a column twice is refused: which of the two cells to read would be a guess.
func findHeader(rows []sheet.Row) (int, []string, error) {
	best, bestN, dup := -1, 1, ""
	var bestCols []string
	for i := 0; i < len(rows) && i < headerRows; i++ {
		cols := make([]string, len(rows[i].Cells))
		n, seen, twice := 0, map[string]bool{}, ""
		for j, cell := range rows[i].Cells {
			col := importAliases[foldHeader(cell.Text)]
			switch {
			case col == "":
			case seen[col]:
				twice = models.NFC(cell.Text)
			default:
				seen[col], cols[j] = true, col
				n++
			}
		}
		if n > bestN {
			best, bestN, bestCols, dup = i, n, cols, twice
		}
	}
	if dup != "" {
		return -1, nil, refuseImport(fiber.StatusUnprocessableEntity, "import.refused.duplicate_column", dup)
	}
	return best, bestCols, nil
}

// importLine turns a sheet row into a line: recognised cells by column, every cell as written (date
// cells shown as dd/mm/yyyy), and which columns held numbers.
func importLine(book *sheet.Book, r sheet.Row, cols []string) models.ImportLine {
	l := models.ImportLine{Line: r.Number, Values: map[string]string{}, Numeric: map[string]bool{}}
	width := max(len(cols), len(r.Cells))
	l.Cells = make([]string, width)
	for i := 0; i < width; i++ {
		var cell sheet.Cell
		if i < len(r.Cells) {
			cell = r.Cells[i]
		}
		text := cell.Text
		col := ""
		if i < len(cols) {
			col = cols[i]
		}
		if col == models.ColBirthDate && cell.Number && !isYear(text) {
			if d, ok := book.DateOf(cell); ok {
				l.BirthDate, text = &d, d.Format("02/01/2006")
			}
		}
		l.Cells[i] = text
		if col != "" {
			l.Values[col] = text
			l.Numeric[col] = cell.Number
		}
	}
	return l
}

// isYear reports a bare year typed into a number cell (1992), which is not a date serial.
func isYear(s string) bool {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return err == nil && n >= 1900 && n <= 2100
}

// sheetRefusal maps the reader's refusals to statuses and messages.
func sheetRefusal(err error) error {
	var se *sheet.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code {
	case sheet.CodeTooBig, sheet.CodeUnzippedBig, sheet.CodeZipBomb:
		return refuseImport(fiber.StatusRequestEntityTooLarge, "import.refused."+se.Code)
	case sheet.CodeBadCSV:
		return refuseImport(fiber.StatusUnprocessableEntity, "import.refused.bad_csv", se.Line)
	case sheet.CodeEmpty:
		return refuseImport(fiber.StatusUnprocessableEntity, "import.refused.no_header")
	}
	return refuseImport(fiber.StatusUnsupportedMediaType, "import.refused."+se.Code)
}

// columnList names columns in the reader's language: "Ngày sinh, Giới tính".
func columnList(lang string, cols []string) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = T(lang, "import.col."+c)
	}
	return strings.Join(names, ", ")
}

// cleanFileName keeps the base name of an upload, without control characters, at most 255 bytes.
func cleanFileName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = models.NFC(path.Base(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "." || name == "/" {
		return ""
	}
	return name
}
