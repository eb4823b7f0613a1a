package pdf_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"khuyencong/internal/pdftest"
	"khuyencong/pdf"
)

func sampleCert(name string) pdf.Certificate {
	return pdf.Certificate{
		Kind: "chung_chi", Parent: "SỞ CÔNG THƯƠNG TỈNH BẮC GIANG", Unit: "TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI",
		Holder: name, BirthDate: "05/07/1990", Course: "Truyền nghề mây tre đan", Craft: "Mây tre đan",
		StartDate: "02/03/2026", EndDate: "10/04/2026", Hours: "60", Place: "Nhà văn hóa xã Tăng Tiến, Việt Yên",
		Result: "Khá", IssuePlace: "Bắc Giang", IssuedOn: "2026-04-15", SignerTitle: "Giám đốc", SignerName: "Nguyễn Văn Giám",
		Serial: "KC-2026-000123", Register: "0123/2026", VerifyURL: "http://localhost:8080/verify/AbC123xyz_-AbC123xyz_-AbC123xyz_-AbC",
	}
}

func TestCertificateTextQRAndStructure(t *testing.T) {
	names := []string{"Nguyễn Thị Ngọc Ánh", "Đặng Văn Lưỡng", "Hồ Thị Ẩn", "Lê Hữu Phước", "Nông Thị Thủy"}
	for _, name := range names {
		b, err := pdf.RenderCertificate(sampleCert(norm.NFD.String(name)))
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, b)
		for _, s := range []string{name, "CHỨNG CHỈ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
			"Bắc Giang, ngày 15 tháng 4 năm 2026", "KC-2026-000123", "0123/2026", "GIÁM ĐỐC", "Truyền nghề mây tre đan"} {
			if !strings.Contains(text, s) {
				t.Errorf("%s: %q missing from\n%s", name, s, text)
			}
		}
		pdftest.Check(t, b)
		if got := pdftest.QRCodes(t, b)[0]; got != sampleCert(name).VerifyURL {
			t.Errorf("QR decodes to %q", got)
		}
	}
}

func TestCertificateIsReproducibleAndLongNamesShrink(t *testing.T) {
	a, _ := pdf.RenderCertificate(sampleCert("Nguyễn Thị Ngọc Ánh"))
	b, _ := pdf.RenderCertificate(sampleCert("Nguyễn Thị Ngọc Ánh"))
	if !bytes.Equal(a, b) {
		t.Fatal("the same certificate rendered twice differs")
	}
	long := "Tôn Thất Nguyễn Thị Ngọc Ánh Phương Thảo Hoàng Minh Châu Lan Anh"
	text := pdftest.Text(t, mustRender(t, sampleCert(long)))
	if !strings.Contains(strings.Join(strings.Fields(text), " "), long) {
		t.Fatalf("a long name is cut:\n%s", text)
	}
}

func mustRender(t *testing.T, c pdf.Certificate) []byte {
	t.Helper()
	b, err := pdf.RenderCertificate(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBatchOfCertificates(t *testing.T) {
	var cs []pdf.Certificate
	for i := 0; i < 40; i++ {
		c := sampleCert(fmt.Sprintf("Học Viên Số %d", i+1))
		c.Serial = fmt.Sprintf("KC-2026-%06d", i+1)
		cs = append(cs, c)
	}
	start := time.Now()
	b, err := pdf.RenderCertificates(cs, time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("40 pages in %v, %d bytes", time.Since(start), len(b))
	text := pdftest.Text(t, b)
	if strings.Count(text, "CHỨNG CHỈ") != 40 || strings.Index(text, "KC-2026-000001") > strings.Index(text, "KC-2026-000040") {
		t.Fatal("the batch does not hold 40 pages in order")
	}
	pdftest.Check(t, b)
}

// A class of 500 prints as one PDF of 500 pages, QR codes included, in under 1 MB: each page's text
// compresses on its own (about 1.4 KB a page) and its QR code is a one-bit image of a few hundred bytes
// (drawn as rectangles it was about 1 KB more a page, 1.2 MB in all).
func TestFiveHundredCertificatesInOneSmallPDF(t *testing.T) {
	var cs []pdf.Certificate
	for i := 0; i < 500; i++ {
		c := sampleCert(fmt.Sprintf("Nguyễn Thị Học Viên %03d", i+1))
		c.Serial = fmt.Sprintf("KC-2026-%06d", i+1)
		c.Register = fmt.Sprintf("%04d/2026", i+1)
		c.VerifyURL = fmt.Sprintf("https://khuyencong.bacgiang.gov.vn/verify/%043d", i)
		cs = append(cs, c)
	}
	start := time.Now()
	b, err := pdf.RenderCertificates(cs, time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("500 certificates: %v, %d bytes", time.Since(start), len(b))
	if len(b) >= 1_000_000 {
		t.Fatalf("%d bytes, want under 1 MB", len(b))
	}
	p := filepath.Join(t.TempDir(), "batch.pdf")
	os.WriteFile(p, b, 0o600)
	out, err := exec.Command("pdfinfo", p).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	if !strings.Contains(string(out), "Pages:           500") {
		t.Fatalf("pdfinfo:\n%s", out)
	}
}

// Certificates rendered at the same time (as several requests do) stay correct under -race.
func TestConcurrentCertificateRendering(t *testing.T) {
	want, _ := pdf.RenderCertificate(sampleCert("Lê Hữu Phước"))
	errs := make(chan error, 6)
	for i := 0; i < 6; i++ {
		go func() {
			b, err := pdf.RenderCertificate(sampleCert("Lê Hữu Phước"))
			if err == nil && !bytes.Equal(b, want) {
				err = fmt.Errorf("a concurrent render differs")
			}
			errs <- err
		}()
	}
	for i := 0; i < 6; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// The batch encodes its QR codes on several goroutines while it lays out the pages: each page must
// still carry its own certificate's code, and the document must not depend on which worker was first.
func TestBatchQRCodesStayOnTheirPages(t *testing.T) {
	var cs []pdf.Certificate
	for i := 0; i < 12; i++ {
		c := sampleCert(fmt.Sprintf("Học Viên Số %d", i+1))
		c.Serial = fmt.Sprintf("KC-2026-%06d", i+1)
		c.VerifyURL = fmt.Sprintf("https://khuyencong.example.vn/verify/token-%02d", i+1)
		cs = append(cs, c)
	}
	created := time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC)
	first, err := pdf.RenderCertificates(cs, created)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := pdf.RenderCertificates(cs, created)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("the same batch rendered twice differs")
		}
	}
	codes := pdftest.QRCodes(t, first)
	if len(codes) != len(cs) {
		t.Fatalf("%d pages decoded for %d certificates", len(codes), len(cs))
	}
	for i, c := range cs {
		if codes[i] != c.VerifyURL {
			t.Errorf("page %d: QR %q, want %q", i+1, codes[i], c.VerifyURL)
		}
	}
}
