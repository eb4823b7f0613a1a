package pdf

import (
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"
)

// ProgrammeItem is one timed item of a workshop day.
type ProgrammeItem struct {
	Time    string // 08:00 – 09:30
	Topic   string
	Speaker string // name, then organisation: "TS. Đỗ Thị Hương, Trường Đại học Nông Lâm Bắc Giang"
}

// ProgrammeDay is one day of a workshop with its agenda.
type ProgrammeDay struct {
	Title     string // Ngày 1 — Thứ Năm, 12/03/2026
	Time      string // 08:00 – 16:30
	DoorsOpen string // 07:30
	Venue     string
	Items     []ProgrammeItem
}

// Programme is the printed programme (chương trình) of a workshop.
type Programme struct {
	Header  Header
	Code    string
	Title   string
	Dates   string // 12/03/2026 – 13/03/2026
	Venue   string
	Days    []ProgrammeDay
	Created time.Time
}

// RenderProgramme lays out the programme on A4 portrait pages: the issuing body, the title, the dates
// and venue, then each day's agenda as a table of times, topics and speakers.
func RenderProgramme(p Programme) ([]byte, error) {
	doc, err := New(Portrait, p.Created)
	if err != nil {
		return nil, err
	}
	doc.SetMargins(15, 15, 15)
	doc.SetAutoPageBreak(true, 18)
	pageNumbers(doc)
	doc.AddPage()
	letterhead(doc, p.Header)
	doc.Ln(6)
	doc.SetFont(Sans, "B", 16)
	doc.CellFormat(0, 9, "CHƯƠNG TRÌNH HỘI THẢO, TẬP HUẤN", "", 1, "C", false, 0, "")
	doc.SetFont(Sans, "B", 13)
	doc.MultiCell(0, 7, Clean(p.Title), "", "C", false)
	doc.SetFont(Sans, "", 10)
	if p.Code != "" {
		doc.CellFormat(0, 6, "Mã: "+Clean(p.Code), "", 1, "C", false, 0, "")
	}
	doc.Ln(3)
	labelLine(doc, "Thời gian:", p.Dates)
	labelLine(doc, "Địa điểm:", p.Venue)
	widths := []float64{30, 90, 60}
	head := func() {
		doc.SetFont(Sans, "B", 9)
		doc.SetFillColor(235, 240, 236)
		for i, h := range []string{"Thời gian", "Nội dung", "Người trình bày"} {
			doc.CellFormat(widths[i], 8, h, "1", 0, "C", true, 0, "")
		}
		doc.Ln(-1)
		doc.SetFont(Sans, "", 10)
	}
	for _, d := range p.Days {
		doc.Ln(4)
		if doc.GetY() > 250 { // a day's heading never ends a page alone
			doc.AddPage()
		}
		doc.SetFont(Sans, "B", 11)
		doc.CellFormat(0, 7, Clean(d.Title)+"   "+Clean(d.Time), "", 1, "L", false, 0, "")
		doc.SetFont(Sans, "", 9)
		var notes []string
		if d.DoorsOpen != "" {
			notes = append(notes, "Đón đại biểu từ "+d.DoorsOpen)
		}
		if d.Venue != "" && d.Venue != p.Venue {
			notes = append(notes, "Địa điểm: "+Clean(d.Venue))
		}
		if len(notes) > 0 {
			doc.CellFormat(0, 5, strings.Join(notes, " · "), "", 1, "L", false, 0, "")
		}
		head()
		if len(d.Items) == 0 {
			doc.CellFormat(180, 8, "Chương trình chi tiết sẽ được thông báo sau.", "1", 1, "C", false, 0, "")
			continue
		}
		for _, it := range d.Items {
			wrapRow(doc, widths, []string{it.Time, Clean(it.Topic), Clean(it.Speaker)}, 5, head)
		}
	}
	return Output(doc)
}

// labelLine prints "label value", the value wrapping under itself; nothing when the value is empty.
func labelLine(doc *gofpdf.Fpdf, label, value string) {
	if value == "" {
		return
	}
	doc.SetFont(Sans, "B", 10)
	doc.CellFormat(25, 6, label, "", 0, "L", false, 0, "")
	doc.SetFont(Sans, "", 10)
	doc.MultiCell(0, 6, Clean(value), "", "L", false)
}

// wrapRow draws one table row whose cells wrap at word boundaries, on a new page (with the table head
// again) when the row does not fit on this one.
func wrapRow(doc *gofpdf.Fpdf, widths []float64, cells []string, lineH float64, head func()) {
	lines := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		lines[i] = splitWords(doc, c, widths[i]-3)
		n = max(n, len(lines[i]))
	}
	h := float64(n)*lineH + 2
	_, pageH := doc.GetPageSize()
	left, _, _, bottom := doc.GetMargins()
	if doc.GetY()+h > pageH-bottom {
		doc.AddPage()
		head()
	}
	x, y := left, doc.GetY()
	for i := range cells {
		doc.Rect(x, y, widths[i], h, "D")
		for j, l := range lines[i] {
			doc.SetXY(x+1.5, y+1+float64(j)*lineH)
			doc.CellFormat(widths[i]-3, lineH, l, "", 0, "L", false, 0, "")
		}
		x += widths[i]
	}
	doc.SetXY(left, y+h)
}

// splitWords breaks text into lines no wider than w (mm) in the current font; a single word wider than
// the column keeps a line of its own.
func splitWords(doc *gofpdf.Fpdf, text string, w float64) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(text) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if cur == "" || doc.GetStringWidth(try) <= w {
			cur = try
			continue
		}
		lines = append(lines, cur)
		cur = word
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}
