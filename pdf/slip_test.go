package pdf_test

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"khuyencong/internal/pdftest"
	"khuyencong/pdf"
)

func slip(name, link string) pdf.Slip {
	return pdf.Slip{
		Header: pdf.Header{Parent: "SỞ CÔNG THƯƠNG TỈNH BẮC GIANG", Unit: "TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI"},
		Name:   norm.NFD.String(name), Link: link, Printed: "27/11/2026",
		Classes: []pdf.SlipClass{{
			Code: "KC1-2026-014", Title: "Đan lát mây tre xuất khẩu", Dates: "07/12/2026 – 15/01/2027",
			Venue: "Nhà văn hóa xã Tăng Tiến, thôn Tăng Tiến, Việt Yên", Status: "Đã có chỗ",
			Sessions: []pdf.SlipSession{
				{Date: "Thứ Hai, 07/12/2026", Time: "07:30 – 11:30", Place: "Nhà văn hóa xã Tăng Tiến", Instructor: "Nguyễn Văn Mây"},
				{Date: "Thứ Tư, 09/12/2026", Time: "07:30 – 11:30", Place: "Nhà văn hóa xã Tăng Tiến", Instructor: "Nguyễn Văn Mây", Cancelled: true},
			},
			More: 16,
		}},
	}
}

func TestSlipPrintsNameLinkAndReadableQR(t *testing.T) {
	link := "https://khuyencong.bacgiang.gov.vn/t/Zx8_q2-LmN0pQrStUvWxYz0123456789abcdefghijk"
	b, err := pdf.RenderSlips([]pdf.Slip{slip("Nông Thị Thủy", link)}, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, b)
	for _, want := range []string{"PHIẾU GHI DANH", "Nông Thị Thủy", "KC1-2026-014 — Đan lát mây tre xuất khẩu", link,
		"Quét mã QR để xem lịch học", "Thứ Hai, 07/12/2026", "07:30 – 11:30", "Nguyễn Văn Mây", "ĐÃ HỦY", "16 buổi sau"} {
		if !strings.Contains(text, want) {
			t.Errorf("the slip lacks %q:\n%s", want, text)
		}
	}
	if codes := pdftest.QRCodes(t, b); len(codes) != 1 || codes[0] != link {
		t.Fatalf("QR codes %q, want exactly %q", codes, link)
	}
}

// A class prints as one document, one slip per page, each QR code with its own link.
func TestSlipsOfAClassAreOnePagePerTrainee(t *testing.T) {
	links := []string{"http://localhost:8080/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "http://localhost:8080/t/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"}
	b, err := pdf.RenderSlips([]pdf.Slip{slip("Hồ Thị Ẩn", links[0]), slip("Triệu Văn Quế", links[1])}, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	codes := pdftest.QRCodes(t, b)
	if len(codes) != 2 || codes[0] != links[0] || codes[1] != links[1] {
		t.Fatalf("QR codes %q, want %q", codes, links)
	}
	if text := pdftest.Text(t, b); !strings.Contains(text, "Hồ Thị Ẩn") || !strings.Contains(text, "Triệu Văn Quế") {
		t.Fatalf("names missing:\n%s", text)
	}
}
