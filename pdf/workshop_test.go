package pdf_test

import (
	"strings"
	"testing"
	"time"

	"khuyencong/internal/pdftest"
	"khuyencong/pdf"
)

var wsHeader = pdf.Header{Parent: "SỞ CÔNG THƯƠNG TỈNH BẮC GIANG", Unit: "TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI"}

func TestInvitationsPrintEveryNameAndAReadableQR(t *testing.T) {
	inv := pdf.Invitations{
		Header: wsHeader, Title: "Nâng cao năng lực quản lý cho cơ sở công nghiệp nông thôn",
		Days:  []string{"Thứ Năm, 12/03/2026: 08:00 – 16:30 (đón đại biểu từ 07:30)", "Thứ Sáu, 13/03/2026: 08:00 – 11:30"},
		Venue: "Hội trường UBND huyện Lục Ngạn", Place: "Bắc Giang", Created: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	for i, n := range names[:4] {
		inv.Cards = append(inv.Cards, pdf.InvitationCard{Salutation: "Bà", Name: n, JobTitle: "Chủ nhiệm hợp tác xã",
			Establishment: "HTX Mỳ Chũ Thủ Dương", Address: "Nam Dương, Huyện Lục Ngạn",
			CheckinURL: "http://localhost:8080/checkin/tok" + strings.Repeat(string(rune('A'+i)), 40)})
	}
	b, err := pdf.RenderInvitations(inv)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, b)
	for _, want := range []string{"GIẤY MỜI", "Bà " + names[0], names[1], names[2], names[3], "HTX Mỳ Chũ Thủ Dương",
		"Nam Dương, Huyện Lục Ngạn", "Thứ Năm, 12/03/2026", "Hội trường UBND huyện Lục Ngạn", "Chủ nhiệm hợp tác xã"} {
		if !strings.Contains(text, want) {
			t.Errorf("the invitations lack %q", want)
		}
	}
	codes := pdftest.QRCodes(t, b)
	if len(codes) != 4 {
		t.Fatalf("%d pages, want 4", len(codes))
	}
	for i, c := range codes {
		if c != inv.Cards[i].CheckinURL {
			t.Errorf("page %d's QR reads %q, want %q", i+1, c, inv.Cards[i].CheckinURL)
		}
	}
}

func TestProgrammePrintsEveryDayTopicAndSpeaker(t *testing.T) {
	p := pdf.Programme{Header: wsHeader, Code: "KC2-2026-001", Title: "Nâng cao năng lực quản lý cho cơ sở CNNT",
		Dates: "12/03/2026 – 13/03/2026", Venue: "Hội trường UBND huyện Lục Ngạn", Created: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	long := strings.Repeat("Quản trị chuỗi cung ứng và tiêu thụ sản phẩm ", 4)
	for d := 1; d <= 2; d++ {
		day := pdf.ProgrammeDay{Title: "Ngày " + string(rune('0'+d)), Time: "08:00 – 16:30", DoorsOpen: "07:30"}
		for i := 0; i < 12; i++ {
			day.Items = append(day.Items, pdf.ProgrammeItem{Time: "08:00 – 08:30", Topic: "Chủ đề " + names[i%len(names)], Speaker: names[(i+1)%len(names)]})
		}
		day.Items = append(day.Items, pdf.ProgrammeItem{Time: "15:00 – 16:30", Topic: long, Speaker: "TS. Đỗ Thị Hương, Trường Đại học Nông Lâm Bắc Giang"})
		p.Days = append(p.Days, day)
	}
	b, err := pdf.RenderProgramme(p)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, b)
	for _, want := range []string{"CHƯƠNG TRÌNH", "Nâng cao năng lực quản lý cho cơ sở CNNT", "Ngày 1", "Ngày 2", "Đón đại biểu từ 07:30",
		"Chủ đề " + names[0], "Chủ đề " + names[7], names[6], "Trang 2/"} {
		if !strings.Contains(text, want) {
			t.Errorf("the programme lacks %q", want)
		}
	}
}
