package pdf_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"khuyencong/internal/pdftest"
	"khuyencong/pdf"
)

// Names with every kind of Vietnamese mark, typed precomposed and decomposed.
var names = []string{
	"Nguyễn Thị Ngọc Ánh", "Đặng Văn Lưỡng", "Hồ Thị Ẩn", "Lê Hữu Phước", "Nông Thị Thủy",
	"Triệu Văn Quế", "Lăng Thị Hoà", "Ưng Ơn Ỷ Ỹ Ỵ Ữ Ự Ở Ợ Ẵ Ặ Ẫ Ậ Ễ Ệ Ỗ Ộ",
}

func render(t *testing.T, lines []string) []byte {
	t.Helper()
	doc, err := pdf.New(pdf.Portrait, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	doc.AddPage()
	for i, l := range lines {
		family := pdf.Sans
		if i%2 == 1 {
			family = pdf.Serif
		}
		doc.SetFont(family, "", 14)
		doc.CellFormat(0, 10, pdf.Clean(l), "", 1, "L", false, 0, "")
	}
	b, err := pdf.Output(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVietnameseTextPrintsIntact(t *testing.T) {
	var typed []string
	for _, n := range names {
		typed = append(typed, norm.NFD.String(n)) // decomposed input must print as the same letters
	}
	text := pdftest.Text(t, render(t, typed))
	for _, n := range names {
		if !strings.Contains(text, n) {
			t.Errorf("%q is not in the extracted text:\n%s", n, text)
		}
	}
}

func TestCleanDropsWhatCannotPrint(t *testing.T) {
	got := pdf.Clean("An\u0007 😀 Bình\u200b\tThủy")
	if got != "An  Bình Thủy" {
		t.Fatalf("Clean = %q", got)
	}
	// And an emoji that reached a document does not panic it.
	text := pdftest.Text(t, render(t, []string{"Chúc mừng 🎉 Nguyễn Văn An"}))
	if !strings.Contains(text, "Nguyễn Văn An") {
		t.Fatalf("extracted %q", text)
	}
}

func TestOutputIsReproducibleAndSafeInParallel(t *testing.T) {
	first := render(t, names)
	var wg sync.WaitGroup
	outs := make([][]byte, 8)
	for i := range outs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			outs[i] = render(t, names)
		}(i)
	}
	wg.Wait()
	for i, b := range outs {
		if !bytes.Equal(b, first) {
			t.Fatalf("document %d differs from the first one built alone", i)
		}
	}
}

func TestFitFontSizeShrinksLongNames(t *testing.T) {
	doc, err := pdf.New(pdf.Landscape, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	short := pdf.FitFontSize(doc, pdf.Serif, "B", "Lý Bình", 120, 28, 12)
	long := pdf.FitFontSize(doc, pdf.Serif, "B", "Tôn Thất Nguyễn Thị Ngọc Ánh Phương Thảo Hoàng Minh Châu", 120, 28, 12)
	if short != 28 || long >= short || long < 12 {
		t.Fatalf("short %v, long %v", short, long)
	}
	doc.SetFont(pdf.Serif, "B", long)
	if w := doc.GetStringWidth("Tôn Thất Nguyễn Thị Ngọc Ánh Phương Thảo Hoàng Minh Châu"); w > 120 && long > 12 {
		t.Fatalf("width %v at size %v overflows 120 mm", w, long)
	}
}
