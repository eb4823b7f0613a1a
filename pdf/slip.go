package pdf

import (
	"bytes"
	"fmt"
	"time"

	"github.com/jung-kurt/gofpdf"
	"github.com/skip2/go-qrcode"
)

// SlipSession is one session printed on an enrolment slip, already formatted.
type SlipSession struct {
	Date       string // e.g. "Thứ Hai, 07/12/2026"
	Time       string // e.g. "07:30 – 11:30"
	Place      string
	Instructor string
	Cancelled  bool
}

// SlipClass is one class on an enrolment slip.
type SlipClass struct {
	Code     string
	Title    string
	Dates    string // "07/12/2026 – 15/01/2027"
	Venue    string // the class's venue with its address and district
	Status   string // "Đã có chỗ", "Danh sách chờ số 3"
	Sessions []SlipSession
	More     int // sessions after those printed
}

// Slip is a trainee's enrolment slip (phiếu ghi danh): their name, classes and first sessions, and the
// personal link to their own page, printed in full and as a QR code.
type Slip struct {
	Header  Header
	Name    string
	Link    string
	Classes []SlipClass
	Printed string // dd/mm/yyyy
}

// slipQRSize is the printed side of the QR code in mm: large enough for a cheap phone's camera, and
// read back by zbarimg from a 150 dpi rendering in the tests.
const slipQRSize = 48

// RenderSlips lays out the slips on A4 portrait pages, one slip per page (a long one runs over), in
// one document, so that a whole class prints as one file with one parse of the fonts.
func RenderSlips(slips []Slip, created time.Time) ([]byte, error) {
	doc, err := New(Portrait, created)
	if err != nil {
		return nil, err
	}
	doc.SetMargins(15, 15, 15)
	doc.SetAutoPageBreak(true, 15)
	for i, s := range slips {
		if err := slipPage(doc, s, fmt.Sprintf("qr-%d", i)); err != nil {
			return nil, err
		}
	}
	if len(slips) == 0 {
		doc.AddPage()
	}
	return Output(doc)
}

func slipPage(doc *gofpdf.Fpdf, s Slip, qrName string) error {
	png, err := qrcode.Encode(s.Link, qrcode.Medium, 512)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	doc.AddPage()
	letterhead(doc, s.Header)
	doc.Ln(7)
	doc.SetFont(Sans, "B", 16)
	doc.CellFormat(0, 9, "PHIẾU GHI DANH", "", 1, "C", false, 0, "")
	doc.SetFont(Sans, "", 10)
	doc.CellFormat(0, 5, "Lớp đào tạo, truyền nghề khuyến công", "", 1, "C", false, 0, "")
	doc.Ln(5)

	// The name, then the QR code on the right with what to do with it on the left.
	doc.SetFont(Sans, "", 11)
	doc.CellFormat(28, 8, "Học viên:", "", 0, "L", false, 0, "")
	name := Clean(s.Name)
	doc.SetFont(Sans, "B", FitFontSize(doc, Sans, "B", name, 152, 15, 9))
	doc.CellFormat(0, 8, name, "", 1, "L", false, 0, "")
	doc.Ln(3)
	top := doc.GetY()
	left, _, right, _ := doc.GetMargins()
	pageW, _ := doc.GetPageSize()
	qrX := pageW - right - slipQRSize
	doc.RegisterImageOptionsReader(qrName, gofpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	doc.ImageOptions(qrName, qrX, top, slipQRSize, slipQRSize, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, s.Link)
	textW := qrX - left - 6
	doc.SetFont(Sans, "B", 11)
	doc.MultiCell(textW, 6, "Quét mã QR để xem lịch học, điểm danh và chứng chỉ của bạn trên điện thoại — không cần tài khoản, không cần mật khẩu.", "", "L", false)
	doc.Ln(1)
	doc.SetFont(Sans, "", 10)
	for _, p := range []string{
		"Trang của bạn cho biết buổi học tiếp theo: ngày, giờ, địa điểm và người dạy. Chọn «Thêm vào lịch» để lịch học hiện trong lịch của điện thoại.",
		"Giữ phiếu này cẩn thận: ai có đường link đều xem được lịch học của bạn. Nếu mất phiếu, hãy báo Trung tâm để in phiếu mới; đường link cũ sẽ hết hiệu lực.",
	} {
		doc.MultiCell(textW, 5, p, "", "L", false)
		doc.Ln(1)
	}
	if y := top + slipQRSize + 2; doc.GetY() < y {
		doc.SetY(y)
	}
	// The link in full, on one line of its own, so that it can be typed when scanning is not possible.
	doc.SetFont(Sans, "", 10)
	doc.CellFormat(0, 5, "Hoặc mở đường link:", "", 1, "L", false, 0, "")
	link := Clean(s.Link)
	doc.SetFont(Sans, "B", FitFontSize(doc, Sans, "B", link, pageW-left-right, 11, 6))
	doc.CellFormat(0, 7, link, "", 1, "L", false, 0, s.Link)
	doc.Ln(4)

	if len(s.Classes) == 0 {
		doc.SetFont(Sans, "", 10)
		doc.MultiCell(0, 6, "Bạn chưa được xếp vào lớp nào đang mở. Lịch học sẽ hiện trên trang của bạn khi được xếp lớp.", "", "L", false)
	}
	for _, c := range s.Classes {
		slipClass(doc, c)
	}
	doc.Ln(4)
	doc.SetFont(Sans, "", 9)
	doc.CellFormat(0, 5, "In ngày "+s.Printed, "", 1, "R", false, 0, "")
	return doc.Error()
}

func slipClass(doc *gofpdf.Fpdf, c SlipClass) {
	doc.SetFillColor(235, 240, 236)
	doc.SetFont(Sans, "B", 11)
	doc.MultiCell(0, 7, Clean(c.Code+" — "+c.Title), "", "L", true)
	line := func(label, value string) {
		if value == "" {
			return
		}
		doc.SetFont(Sans, "B", 10)
		doc.CellFormat(28, 6, label, "", 0, "L", false, 0, "")
		doc.SetFont(Sans, "", 10)
		doc.MultiCell(0, 6, Clean(value), "", "L", false)
	}
	line("Thời gian:", c.Dates)
	line("Địa điểm:", c.Venue)
	line("Ghi danh:", c.Status)
	if len(c.Sessions) == 0 {
		doc.Ln(3)
		return
	}
	doc.Ln(1)
	doc.SetFont(Sans, "B", 10)
	doc.CellFormat(0, 6, "Các buổi học đầu tiên:", "", 1, "L", false, 0, "")
	widths := []float64{40, 28, 72, 40}
	doc.SetFont(Sans, "B", 9)
	for i, h := range []string{"Ngày", "Giờ", "Địa điểm", "Người dạy"} {
		doc.CellFormat(widths[i], 7, h, "1", 0, "C", true, 0, "")
	}
	doc.Ln(-1)
	for _, s := range c.Sessions {
		doc.SetFont(Sans, "", 9)
		place := s.Place
		if s.Cancelled {
			place = "ĐÃ HỦY — " + place
		}
		cells := []string{s.Date, s.Time, place, s.Instructor}
		for i, v := range cells {
			v = Clean(v)
			size := FitFontSize(doc, Sans, "", v, widths[i]-2, 9, 6)
			doc.SetFont(Sans, "", size)
			doc.CellFormat(widths[i], 7, v, "1", 0, "L", false, 0, "")
		}
		doc.Ln(-1)
	}
	if c.More > 0 {
		doc.SetFont(Sans, "", 9)
		doc.CellFormat(0, 6, fmt.Sprintf("… và %d buổi sau: xem đủ lịch trên trang của bạn.", c.More), "", 1, "L", false, 0, "")
	}
	doc.Ln(4)
}
