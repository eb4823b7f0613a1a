package pdf

import (
	"bytes"
	"fmt"
	"time"

	"github.com/jung-kurt/gofpdf"
	"github.com/skip2/go-qrcode"
)

// InvitationCard is one participant's invitation: who is invited and the check-in URL of their QR.
type InvitationCard struct {
	Salutation    string // Ông, Bà or Ông/Bà
	Name          string
	JobTitle      string
	Establishment string
	Address       string // commune, district
	CheckinURL    string
}

// Invitations is the set of invitations to one workshop, printed one participant per page.
type Invitations struct {
	Header  Header
	Title   string   // the workshop
	Days    []string // Thứ Năm, 12/03/2026: 08:00 – 16:30 (đón đại biểu từ 07:30)
	Venue   string
	Place   string // where it is signed: Bắc Giang
	Cards   []InvitationCard
	Created time.Time
}

// qrSize is the printed side of the check-in QR code, in mm: large enough for a phone's camera at
// arm's length and for a 150 dpi scan.
const qrSize = 48

// RenderInvitations lays out one A4 page per participant with the workshop, its days and venue, the
// person and their establishment, and a QR code holding their check-in URL.
func RenderInvitations(s Invitations) ([]byte, error) {
	doc, err := New(Portrait, s.Created)
	if err != nil {
		return nil, err
	}
	doc.SetMargins(20, 15, 20)
	doc.SetAutoPageBreak(false, 15)
	for i, c := range s.Cards {
		doc.AddPage()
		letterhead(doc, s.Header)
		doc.Ln(12)
		doc.SetFont(Sans, "B", 22)
		doc.CellFormat(0, 12, "GIẤY MỜI", "", 1, "C", false, 0, "")
		doc.Ln(4)
		doc.SetFont(Sans, "", 12)
		doc.MultiCell(0, 7, Clean(s.Header.Unit)+" trân trọng kính mời:", "", "C", false)
		doc.Ln(3)
		name := Clean(c.Salutation + " " + c.Name)
		doc.SetFont(Sans, "B", FitFontSize(doc, Sans, "B", name, 170, 18, 10))
		doc.CellFormat(0, 10, name, "", 1, "C", false, 0, "")
		doc.Ln(3)
		invLine(doc, "Chức vụ:", c.JobTitle)
		invLine(doc, "Đơn vị:", c.Establishment)
		invLine(doc, "Địa chỉ:", c.Address)
		doc.Ln(2)
		invLine(doc, "Đến dự:", s.Title)
		for j, d := range s.Days {
			label := ""
			if j == 0 {
				label = "Thời gian:"
			}
			invLine(doc, label, d)
		}
		invLine(doc, "Địa điểm:", s.Venue)
		doc.Ln(4)
		doc.SetFont(Sans, "", 11)
		doc.MultiCell(0, 6, "Rất mong "+Clean(c.Salutation)+" đến dự đúng giờ. Khi đến, xin đưa mã QR dưới đây để cán bộ đón tiếp điểm danh.", "", "L", false)
		if err := placeQR(doc, fmt.Sprintf("qr-%d", i), c.CheckinURL); err != nil {
			return nil, err
		}
		doc.SetY(doc.GetY() + 2)
		doc.SetFont(Sans, "", 8)
		doc.CellFormat(0, 5, "Mã điểm danh dành riêng cho người được mời; in lại giấy mời thì mã cũ hết hiệu lực.", "", 1, "C", false, 0, "")
		if s.Place != "" {
			doc.SetY(-40)
			doc.SetFont(Sans, "", 10)
			doc.CellFormat(0, 6, Clean(s.Place)+", ngày "+s.Created.Format("02")+" tháng "+s.Created.Format("01")+" năm "+s.Created.Format("2006"), "", 1, "R", false, 0, "")
			doc.SetFont(Sans, "B", 10)
			doc.CellFormat(0, 6, "BAN TỔ CHỨC", "", 1, "R", false, 0, "")
		}
	}
	if len(s.Cards) == 0 {
		doc.AddPage()
		letterhead(doc, s.Header)
		doc.Ln(12)
		doc.SetFont(Sans, "", 12)
		doc.CellFormat(0, 8, "Chưa có người tham dự nào được xác nhận chỗ.", "", 1, "C", false, 0, "")
	}
	return Output(doc)
}

// invLine prints a label and its value on an invitation, the value wrapping under itself.
func invLine(doc *gofpdf.Fpdf, label, value string) {
	if value == "" {
		return
	}
	doc.SetFont(Sans, "B", 12)
	doc.CellFormat(28, 7, label, "", 0, "L", false, 0, "")
	doc.SetFont(Sans, "", 12)
	doc.MultiCell(0, 7, Clean(value), "", "L", false)
}

// placeQR draws the QR code of url centred under the current line.
func placeQR(doc *gofpdf.Fpdf, name, url string) error {
	png, err := qrcode.Encode(url, qrcode.Medium, 512)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	opt := gofpdf.ImageOptions{ImageType: "PNG"}
	doc.RegisterImageOptionsReader(name, opt, bytes.NewReader(png))
	w, _ := doc.GetPageSize()
	y := doc.GetY() + 4
	doc.ImageOptions(name, (w-qrSize)/2, y, qrSize, qrSize, false, opt, 0, "")
	doc.SetY(y + qrSize)
	return doc.Error()
}
