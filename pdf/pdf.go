// Package pdf lays out the printed documents (certificates, sign-in sheets, programmes) with gofpdf.
// It is the only package that imports gofpdf. Fonts are DejaVu TTFs embedded in the binary, so every
// Vietnamese letter prints; each document parses its own copy of them, because gofpdf's UTF-8 font
// code is not safe to share between documents built at the same time.
package pdf

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/text/unicode/norm"
)

//go:embed fonts/*.ttf
var fonts embed.FS

// Font families registered on every document.
const (
	Sans  = "sans"
	Serif = "serif"
)

var fontFiles = []struct{ family, style, file string }{
	{Sans, "", "fonts/DejaVuSans.ttf"},
	{Sans, "B", "fonts/DejaVuSans-Bold.ttf"},
	{Serif, "", "fonts/DejaVuSerif.ttf"},
	{Serif, "B", "fonts/DejaVuSerif-Bold.ttf"},
}

// Orientation of a page.
const (
	Portrait  = "P"
	Landscape = "L"
)

// New returns an A4 document with the Unicode fonts registered and output made reproducible:
// the same content gives the same bytes.
func New(orientation string, created time.Time) (*gofpdf.Fpdf, error) {
	doc := gofpdf.New(orientation, "mm", "A4", "")
	for _, f := range fontFiles {
		b, err := fonts.ReadFile(f.file)
		if err != nil {
			return nil, fmt.Errorf("font %s: %w", f.file, err)
		}
		doc.AddUTF8FontFromBytes(f.family, f.style, bytes.Clone(b))
	}
	if err := doc.Error(); err != nil {
		return nil, fmt.Errorf("fonts: %w", err)
	}
	doc.SetCatalogSort(true)
	doc.SetCreationDate(created)
	doc.SetModificationDate(created)
	doc.SetCreator("khuyencong", true)
	doc.SetFont(Sans, "", 11)
	return doc, nil
}

// Clean makes user text safe to print: NFC, no control characters, and nothing above U+FFFF (emoji),
// which makes gofpdf panic.
func Clean(s string) string {
	s = norm.NFC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r > 0xFFFF:
			return -1
		case r == '\t' || r == '\n':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
}

// Output renders doc to bytes, returning any error gofpdf kept on the document.
func Output(doc *gofpdf.Fpdf) ([]byte, error) {
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// FitFontSize returns the largest size ≤ max (in half points) at which text fits in width (mm), and
// never below min, so that long names shrink instead of overflowing. It sets the font once: a width
// grows in proportion to the size, and every SetFont call writes an operator into the page.
func FitFontSize(doc *gofpdf.Fpdf, family, style, text string, width, max, min float64) float64 {
	doc.SetFont(family, style, max)
	w := doc.GetStringWidth(text)
	size := max
	if w > width {
		size = float64(int(2*max*width/w)) / 2
	}
	if size < min {
		size = min
	}
	if size != max {
		doc.SetFont(family, style, size)
	}
	return size
}

// letterhead prints the issuing body at the left and the national motto at the right.
func letterhead(doc *gofpdf.Fpdf, h Header) {
	doc.SetFont(Sans, "", 9)
	doc.CellFormat(90, 5, Clean(h.Parent), "", 0, "C", false, 0, "")
	doc.SetFont(Sans, "B", 9)
	doc.CellFormat(0, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", 1, "C", false, 0, "")
	doc.CellFormat(90, 5, Clean(h.Unit), "", 0, "C", false, 0, "")
	doc.CellFormat(0, 5, "Độc lập - Tự do - Hạnh phúc", "", 1, "C", false, 0, "")
}

// pageNumbers prints "Trang n/N" at the foot of every page.
func pageNumbers(doc *gofpdf.Fpdf) {
	doc.AliasNbPages("{nb}")
	doc.SetFooterFunc(func() {
		doc.SetY(-12)
		doc.SetFont(Sans, "", 8)
		doc.CellFormat(0, 5, fmt.Sprintf("Trang %d/{nb}", doc.PageNo()), "", 0, "C", false, 0, "")
	})
}
