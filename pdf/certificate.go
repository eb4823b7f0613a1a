package pdf

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jung-kurt/gofpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// TemplateVersion names the certificate layout; it is stored with each certificate so that a later
// layout never changes how an issued one prints.
const TemplateVersion = "cert-2026.1"

// Certificate is everything printed on one certificate: the snapshot taken at issuance plus the
// verification URL for its QR code.
type Certificate struct {
	Kind          string `json:"kind"` // chung_chi or giay_chung_nhan
	Parent        string `json:"parent"`
	Unit          string `json:"unit"`
	Holder        string `json:"holder"`
	BirthDate     string `json:"birth_date"` // dd/mm/yyyy
	Course        string `json:"course"`
	Craft         string `json:"craft"`
	StartDate     string `json:"start_date"`
	EndDate       string `json:"end_date"`
	Hours         string `json:"hours"` // "60"
	Place         string `json:"place"`
	Result        string `json:"result"` // "Khá", "Đạt"
	IssuePlace    string `json:"issue_place"`
	IssuedOn      string `json:"issued_on"` // yyyy-mm-dd
	SignerTitle   string `json:"signer_title"`
	SignerName    string `json:"signer_name"`
	Serial        string `json:"serial"`
	Register      string `json:"register"`
	VerifyURL     string `json:"-"` // never stored: it carries the token
	Revoked       bool   `json:"-"` // staff copies of revoked certificates are stamped
	SampleWarning bool   `json:"-"` // template previews are stamped as samples
}

// Title is the document's name: CHỨNG CHỈ for training, GIẤY CHỨNG NHẬN for workshops.
func (c Certificate) Title() string {
	if c.Kind == "giay_chung_nhan" {
		return "GIẤY CHỨNG NHẬN"
	}
	return "CHỨNG CHỈ"
}

// RenderCertificate lays out one certificate as its own PDF, as issued and kept.
func RenderCertificate(c Certificate) ([]byte, error) {
	doc, err := newCertDoc(c.IssuedOn)
	if err != nil {
		return nil, err
	}
	if err := certPage(doc, c); err != nil {
		return nil, err
	}
	return Output(doc)
}

// RenderCertificates lays out many certificates as one document, one page each, in the order given;
// the fonts are parsed once, so a class of 500 is one small file.
//
// The QR codes are encoded on every core while the pages are laid out (a document is built by one
// goroutine; encoding a code, which tries all eight masks, is most of a certificate's cost): the
// codes come in page order, each as soon as it is ready.
func RenderCertificates(cs []Certificate, created time.Time) ([]byte, error) {
	doc, err := New(Landscape, created)
	if err != nil {
		return nil, err
	}
	codes := encodeQRs(cs)
	defer codes.stop()
	for i, c := range cs {
		bm, err := codes.get(i)
		if err != nil {
			return nil, err
		}
		if err := certPageQR(doc, c, bm); err != nil {
			return nil, err
		}
	}
	return Output(doc)
}

// qrCodes are the certificates' QR bitmaps, encoded in the background by a few workers in order.
type qrCodes struct {
	items []qrItem
	quit  chan struct{}
	wg    sync.WaitGroup
}

type qrItem struct {
	bm   [][]bool
	err  error
	done chan struct{}
}

func encodeQRs(cs []Certificate) *qrCodes {
	q := &qrCodes{items: make([]qrItem, len(cs)), quit: make(chan struct{})}
	for i := range q.items {
		q.items[i].done = make(chan struct{})
	}
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0), len(cs)) {
		q.wg.Add(1)
		go func() {
			defer q.wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(cs) {
					return
				}
				select {
				case <-q.quit:
					return
				default:
				}
				if cs[i].VerifyURL != "" {
					q.items[i].bm, q.items[i].err = qrBitmap(cs[i].VerifyURL)
				}
				close(q.items[i].done)
			}
		}()
	}
	return q
}

// get waits for the i-th bitmap (nil for a certificate without a verification address).
func (q *qrCodes) get(i int) ([][]bool, error) {
	<-q.items[i].done
	return q.items[i].bm, q.items[i].err
}

// stop ends the workers early (a page failed) and waits for them.
func (q *qrCodes) stop() {
	close(q.quit)
	q.wg.Wait()
}

func newCertDoc(issuedOn string) (*gofpdf.Fpdf, error) {
	created, err := time.Parse(time.DateOnly, issuedOn)
	if err != nil {
		return nil, fmt.Errorf("issue date %q: %w", issuedOn, err)
	}
	return New(Landscape, created)
}

// certPage draws one certificate page (A4 landscape, 297 × 210 mm), encoding its QR code.
func certPage(doc *gofpdf.Fpdf, c Certificate) error {
	var bm [][]bool
	if c.VerifyURL != "" {
		var err error
		if bm, err = qrBitmap(c.VerifyURL); err != nil {
			return err
		}
	}
	return certPageQR(doc, c, bm)
}

// certPageQR draws one certificate page with its QR code already encoded (nil: no code).
func certPageQR(doc *gofpdf.Fpdf, c Certificate, bm [][]bool) error {
	doc.AddPage()
	doc.SetAutoPageBreak(false, 0)
	// A double frame in the centre's green.
	doc.SetDrawColor(11, 110, 79)
	doc.SetLineWidth(1.2)
	doc.Rect(8, 8, 281, 194, "D")
	doc.SetLineWidth(0.3)
	doc.Rect(11, 11, 275, 188, "D")

	// Issuing unit (left) and national motto (right).
	doc.SetTextColor(0, 0, 0)
	doc.SetXY(16, 16)
	doc.SetFont(Serif, "", 11)
	doc.CellFormat(110, 6, Clean(c.Parent), "", 2, "C", false, 0, "")
	unit := Clean(c.Unit)
	doc.SetFont(Serif, "B", FitFontSize(doc, Serif, "B", unit, 108, 11, 7))
	doc.CellFormat(110, 6, unit, "", 0, "C", false, 0, "")
	doc.SetXY(140, 16)
	doc.SetFont(Serif, "B", 11)
	doc.CellFormat(140, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", 2, "C", false, 0, "")
	doc.CellFormat(140, 6, "Độc lập - Tự do - Hạnh phúc", "", 0, "C", false, 0, "")
	doc.Line(190, 29, 230, 29)

	// Title.
	doc.SetTextColor(179, 38, 30)
	doc.SetFont(Serif, "B", 30)
	doc.SetXY(16, 40)
	doc.CellFormat(265, 14, c.Title(), "", 0, "C", false, 0, "")
	doc.SetTextColor(0, 0, 0)

	// Holder: long names shrink to fit instead of overflowing.
	holder := Clean(c.Holder)
	doc.SetXY(30, 62)
	doc.SetFont(Serif, "", 13)
	doc.CellFormat(40, 10, "Cấp cho:", "", 0, "L", false, 0, "")
	size := FitFontSize(doc, Serif, "B", holder, 190, 22, 11)
	doc.SetFont(Serif, "B", size)
	doc.CellFormat(195, 10, holder, "", 0, "L", false, 0, "")

	line := func(y float64, label, value string) {
		doc.SetXY(30, y)
		doc.SetFont(Serif, "", 12.5)
		doc.CellFormat(40, 8, label, "", 0, "L", false, 0, "")
		v := Clean(value)
		s := FitFontSize(doc, Serif, "B", v, 190, 12.5, 8)
		doc.SetFont(Serif, "B", s)
		doc.CellFormat(195, 8, v, "", 0, "L", false, 0, "")
	}
	line(76, "Ngày sinh:", c.BirthDate)
	course := c.Course
	if c.Craft != "" && !strings.Contains(strings.ToLower(c.Course), strings.ToLower(c.Craft)) {
		course += " (nghề " + c.Craft + ")"
	}
	if c.Kind == "giay_chung_nhan" {
		line(86, "Đã tham dự:", course)
	} else {
		line(86, "Đã hoàn thành:", course)
	}
	line(96, "Thời gian:", "từ "+c.StartDate+" đến "+c.EndDate+" ("+c.Hours+" giờ)")
	line(106, "Địa điểm:", c.Place)
	if c.Result != "" {
		line(116, "Kết quả:", c.Result)
	}

	// Place and date in words, signer.
	issued, err := time.Parse(time.DateOnly, c.IssuedOn)
	if err != nil {
		return fmt.Errorf("issue date %q: %w", c.IssuedOn, err)
	}
	doc.SetXY(150, 132)
	doc.SetFont(Serif, "", 12)
	doc.CellFormat(130, 7, fmt.Sprintf("%s, ngày %02d tháng %d năm %d", Clean(c.IssuePlace), issued.Day(), int(issued.Month()), issued.Year()), "", 2, "C", false, 0, "")
	doc.SetFont(Serif, "B", 12)
	doc.CellFormat(130, 7, Clean(strings.ToUpper(c.SignerTitle)), "", 2, "C", false, 0, "")
	doc.SetXY(150, 172)
	doc.CellFormat(130, 7, Clean(c.SignerName), "", 0, "C", false, 0, "")

	// Numbers and the QR code (bottom left).
	doc.SetFont(Serif, "", 10.5)
	doc.SetXY(52, 172)
	doc.CellFormat(90, 6, "Số hiệu: "+Clean(c.Serial), "", 2, "L", false, 0, "")
	doc.CellFormat(90, 6, "Số vào sổ cấp: "+Clean(c.Register), "", 2, "L", false, 0, "")
	doc.SetFont(Sans, "", 7)
	doc.CellFormat(90, 4, "Quét mã QR để kiểm tra chứng chỉ", "", 0, "L", false, 0, "")
	if bm != nil {
		if err := drawQR(doc, bm, 18, 160, 30); err != nil {
			return err
		}
	}
	if c.Revoked || c.SampleWarning {
		stamp := "ĐÃ THU HỒI"
		if c.SampleWarning {
			stamp = "MẪU"
		}
		doc.SetTextColor(179, 38, 30)
		// A plain line that text extraction and screen readers find, then the big rotated stamp.
		doc.SetFont(Sans, "B", 12)
		doc.SetXY(16, 33)
		doc.CellFormat(265, 6, stamp, "", 0, "C", false, 0, "")
		doc.SetFont(Sans, "B", 48)
		doc.TransformBegin()
		doc.TransformRotate(20, 148, 105)
		doc.SetXY(48, 95)
		doc.CellFormat(200, 20, stamp, "", 0, "C", false, 0, "")
		doc.TransformEnd()
		doc.SetTextColor(0, 0, 0)
	}
	return doc.Error()
}

// qrBitmap encodes content as a QR code (level M, with its quiet zone): true is a dark module.
func qrBitmap(content string) ([][]bool, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	q.DisableBorder = false
	return q.Bitmap(), nil
}

// drawQR draws a QR code as a one-bit image mask inline in the page: one bit per module, a few
// hundred bytes, painted in the fill colour and scaled without smoothing (a mask has no colours to
// blend), so it prints as crisp as vector squares. Rectangles per run of modules, as before, cost
// about 1 KB a page and most of a batch's time; a class of 500 was 1.2 MB.
func drawQR(doc *gofpdf.Fpdf, bm [][]bool, x, y, size float64) error {
	n := len(bm)
	k := doc.GetConversionRatio() // points per mm
	_, pageH := doc.GetPageSize()
	var b strings.Builder
	b.Grow(n*((n+7)/8)*2 + 160)
	// The unit square of the image maps to the code's box; its first row is the top one.
	fmt.Fprintf(&b, "q 0 g %.2f 0 0 %.2f %.2f %.2f cm\nBI /W %d /H %d /IM true /BPC 1 /D [1 0] /F /AHx ID\n",
		size*k, size*k, x*k, (pageH-y-size)*k, n, n)
	const hexDigits = "0123456789abcdef"
	for _, row := range bm {
		for c := 0; c < n; c += 8 {
			var v byte
			for i := 0; i < 8; i++ {
				if c+i < n && row[c+i] {
					v |= 0x80 >> i
				}
			}
			b.WriteByte(hexDigits[v>>4])
			b.WriteByte(hexDigits[v&15])
		}
		b.WriteByte('\n')
	}
	b.WriteString(">\nEI Q\n")
	doc.RawWriteStr(b.String())
	return doc.Error()
}
