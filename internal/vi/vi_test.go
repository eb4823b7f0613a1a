package vi

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	cases := []struct{ got, want string }{
		{Int(0), "0"},
		{Int(999), "999"},
		{Int(1000), "1.000"},
		{Int(1234567), "1.234.567"},
		{Int(-40000000000), "-40.000.000.000"},
		{Money(10520000000), "10.520.000.000 đ"},
		{Percent(142.0 / 269.0), "52,8%"},
		{Percent(10520.0 / 40000.0), "26,3%"},
		{Date(time.Date(2012, 7, 4, 20, 0, 0, 0, time.UTC)), "05/07/2012"},
		{DateTime(time.Date(2026, 3, 2, 0, 30, 0, 0, time.UTC)), "02/03/2026 07:30"},
		{DateInWords(time.Date(2026, 7, 5, 3, 0, 0, 0, time.UTC)), "ngày 05 tháng 7 năm 2026"},
		{NFC(" Nguye\u0302\u0303n "), "Nguyễn"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}
