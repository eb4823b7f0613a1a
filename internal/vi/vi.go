// Package vi formats numbers, money, percentages and dates the Vietnamese way, and keeps text in NFC.
package vi

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Zone is the time zone of every date and time shown to people (UTC+7, no daylight saving).
var Zone = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// NFC returns s in Unicode normal form C, trimmed.
func NFC(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }

// Int formats n with dots between thousands: 1234567 → "1.234.567".
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Money formats whole đồng: 1234567 → "1.234.567 đ".
func Money(dong int64) string { return Int(dong) + " đ" }

// Percent formats a share (0.528) with one decimal and a decimal comma: "52,8%".
func Percent(share float64) string {
	return strings.Replace(strconv.FormatFloat(share*100, 'f', 1, 64), ".", ",", 1) + "%"
}

// Date formats a date as dd/mm/yyyy in Vietnam's time zone.
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("02/01/2006")
}

// DateTime formats a moment as dd/mm/yyyy HH:MM in Vietnam's time zone.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("02/01/2006 15:04")
}

// DateInWords gives the formal "ngày 05 tháng 7 năm 2026" used on certificates.
func DateInWords(t time.Time) string {
	t = t.In(Zone)
	return "ngày " + t.Format("02") + " tháng " + strconv.Itoa(int(t.Month())) + " năm " + strconv.Itoa(t.Year())
}
