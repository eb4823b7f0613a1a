package pdf_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"khuyencong/pdf"
)

// decodeQRCodes renders every page of a PDF at 150 dpi and returns the QR codes zbarimg reads, in page order.
func decodeQRCodes(t *testing.T, b []byte) []string {
	t.Helper()
	for _, bin := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is missing: make test installs poppler-utils and zbar-tools", bin)
		}
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "slip.pdf")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	sort.Strings(pages)
	var codes []string
	for _, p := range pages {
		out, err := exec.Command("zbarimg", "--raw", "-q", p).Output()
		if err != nil {
			t.Fatalf("zbarimg %s: %v", filepath.Base(p), err)
		}
		codes = append(codes, strings.TrimRight(string(out), "\n"))
	}
	return codes
}

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
	text := pdftotext(t, b)
	for _, want := range []string{"PHIẾU GHI DANH", "Nông Thị Thủy", "KC1-2026-014 — Đan lát mây tre xuất khẩu", link,
		"Quét mã QR để xem lịch học", "Thứ Hai, 07/12/2026", "07:30 – 11:30", "Nguyễn Văn Mây", "ĐÃ HỦY", "16 buổi sau"} {
		if !strings.Contains(text, want) {
			t.Errorf("the slip lacks %q:\n%s", want, text)
		}
	}
	if codes := decodeQRCodes(t, b); len(codes) != 1 || codes[0] != link {
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
	codes := decodeQRCodes(t, b)
	if len(codes) != 2 || codes[0] != links[0] || codes[1] != links[1] {
		t.Fatalf("QR codes %q, want %q", codes, links)
	}
	if text := pdftotext(t, b); !strings.Contains(text, "Hồ Thị Ẩn") || !strings.Contains(text, "Triệu Văn Quế") {
		t.Fatalf("names missing:\n%s", text)
	}
}
