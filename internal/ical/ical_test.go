package ical

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestFeedLinesAreCRLFAndFoldedAt75Octets(t *testing.T) {
	zone := time.FixedZone("ICT", 7*3600)
	start := time.Date(2026, 12, 7, 7, 30, 0, 0, zone)
	long := strings.Repeat("Nhà văn hóa thôn Tăng Tiến, xã Tăng Tiến; ", 6)
	cal := Calendar{ProdID: "-//Khuyến công//Lịch học//VI", Name: "Lịch học – Nông Thị Thủy", Refresh: 6 * time.Hour, Events: []Event{{
		UID: "session-1@example.vn", Start: start, End: start.Add(4 * time.Hour), Stamp: start.Add(-72 * time.Hour),
		Summary: "Đan lát mây tre", Location: long, Description: "Nghệ nhân: Nguyễn Văn Mây\nMang theo dao, kéo", Cancelled: true,
	}}}
	out := string(cal.Bytes())
	if !strings.HasSuffix(out, "END:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
		t.Fatalf("not CRLF throughout:\n%q", out)
	}
	var unfolded strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets: %q", i, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d cuts a character: %q", i, l)
		}
		if strings.HasPrefix(l, " ") {
			unfolded.WriteString(l[1:])
		} else {
			unfolded.WriteString("\n" + l)
		}
	}
	u := unfolded.String()
	for _, want := range []string{
		"\nDTSTART:20261207T003000Z", "\nDTEND:20261207T043000Z", "\nDTSTAMP:20261204T003000Z",
		"\nSTATUS:CANCELLED", "\nREFRESH-INTERVAL;VALUE=DURATION:PT6H",
		"\nLOCATION:" + strings.ReplaceAll(strings.ReplaceAll(long, ",", `\,`), ";", `\;`),
		"\nDESCRIPTION:" + `Nghệ nhân: Nguyễn Văn Mây\nMang theo dao\, kéo`,
	} {
		if !strings.Contains(u, want) {
			t.Errorf("feed lacks %q:\n%s", want, u)
		}
	}
}
