package pdf

import (
	"fmt"
	"strconv"
	"time"
)

// Header is the issuing body printed at the top left of centre documents.
type Header struct {
	Parent string // e.g. SỞ CÔNG THƯƠNG TỈNH BẮC GIANG
	Unit   string // e.g. TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI
}

// SignInRow is one trainee on a sign-in sheet.
type SignInRow struct {
	Name      string
	BirthDate string // dd/mm/yyyy or ""
	Commune   string
}

// SignInSheet is the printed list (danh sách ký nhận) of one session.
type SignInSheet struct {
	Header     Header
	CourseCode string
	Course     string
	Date       string // dd/mm/yyyy
	Time       string // 07:30 – 11:30
	Venue      string
	Instructor string
	Topic      string
	Rows       []SignInRow
	Created    time.Time
}

// RenderSignInSheet lays out the sheet on A4 portrait pages with a signature column and page numbers.
func RenderSignInSheet(s SignInSheet) ([]byte, error) {
	doc, err := New(Portrait, s.Created)
	if err != nil {
		return nil, err
	}
	doc.SetMargins(15, 15, 15)
	doc.SetAutoPageBreak(true, 18)
	pageNumbers(doc)
	widths := []float64{12, 62, 26, 40, 40}
	heads := []string{"STT", "Họ và tên", "Ngày sinh", "Xã/phường", "Chữ ký"}
	tableHead := func() {
		doc.SetFont(Sans, "B", 9)
		doc.SetFillColor(235, 240, 236)
		for i, h := range heads {
			doc.CellFormat(widths[i], 8, h, "1", 0, "C", true, 0, "")
		}
		doc.Ln(-1)
	}
	doc.SetHeaderFunc(func() {
		if doc.PageNo() > 1 {
			tableHead()
		}
	})
	doc.AddPage()
	letterhead(doc, s.Header)
	doc.Ln(6)
	doc.SetFont(Sans, "B", 14)
	doc.CellFormat(0, 8, "DANH SÁCH KÝ NHẬN", "", 1, "C", false, 0, "")
	doc.SetFont(Sans, "", 10)
	line := func(label, value string) {
		if value == "" {
			return
		}
		doc.SetFont(Sans, "B", 10)
		doc.CellFormat(28, 6, label, "", 0, "L", false, 0, "")
		doc.SetFont(Sans, "", 10)
		doc.MultiCell(0, 6, Clean(value), "", "L", false)
	}
	line("Lớp:", s.CourseCode+" — "+s.Course)
	line("Buổi học:", s.Date+", "+s.Time)
	line("Địa điểm:", s.Venue)
	line("Giảng dạy:", s.Instructor)
	line("Nội dung:", s.Topic)
	doc.Ln(3)
	tableHead()
	doc.SetFont(Sans, "", 10)
	for i, r := range s.Rows {
		name := Clean(r.Name)
		size := FitFontSize(doc, Sans, "", name, widths[1]-2, 10, 7)
		doc.SetFont(Sans, "", 10)
		doc.CellFormat(widths[0], 9, strconv.Itoa(i+1), "1", 0, "C", false, 0, "")
		doc.SetFont(Sans, "", size)
		doc.CellFormat(widths[1], 9, name, "1", 0, "L", false, 0, "")
		doc.SetFont(Sans, "", 10)
		doc.CellFormat(widths[2], 9, r.BirthDate, "1", 0, "C", false, 0, "")
		doc.CellFormat(widths[3], 9, Clean(r.Commune), "1", 0, "L", false, 0, "")
		doc.CellFormat(widths[4], 9, "", "1", 1, "L", false, 0, "")
	}
	doc.Ln(4)
	doc.SetFont(Sans, "", 10)
	doc.CellFormat(0, 6, fmt.Sprintf("Tổng số: %d học viên", len(s.Rows)), "", 1, "L", false, 0, "")
	doc.Ln(2)
	doc.CellFormat(95, 6, "NGƯỜI LẬP DANH SÁCH", "", 0, "C", false, 0, "")
	doc.CellFormat(0, 6, "GIẢNG VIÊN", "", 1, "C", false, 0, "")
	return Output(doc)
}
