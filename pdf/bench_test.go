package pdf_test

import (
	"fmt"
	"testing"
	"time"

	"khuyencong/pdf"
)

// BenchmarkRenderCertificates lays out a class of 500 as one PDF, with and without QR codes.
func BenchmarkRenderCertificates(b *testing.B) {
	for _, qr := range []bool{true, false} {
		b.Run(fmt.Sprintf("500_pages_qr_%v", qr), func(b *testing.B) {
			cs := make([]pdf.Certificate, 500)
			for i := range cs {
				cs[i] = sampleCert(fmt.Sprintf("Nguyễn Thị Học Viên %03d", i+1))
				cs[i].Serial = fmt.Sprintf("KC-2026-%06d", i+1)
				if qr {
					cs[i].VerifyURL = fmt.Sprintf("https://khuyencong.bacgiang.gov.vn/verify/%043d", i)
				} else {
					cs[i].VerifyURL = ""
				}
			}
			var size int
			for b.Loop() {
				out, err := pdf.RenderCertificates(cs, time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(size), "bytes/pdf")
		})
	}
}
