package models

import "strings"

// NormalizePhone turns a Vietnamese phone number written the ways people write it ("0912 345 678",
// "0912.345.678", "+84 912 345 678", "84912345678", "+84 (0) 912 345 678") into the stored form
// 0xxxxxxxxx, and reports whether it is one. The schema stores ten digits only, so the eleven-digit
// landlines (0204 …) are refused here rather than by a CHECK the user cannot read.
func NormalizePhone(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		case r == '+' && b.Len() == 0:
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+84"):
		d = "0" + d[3:]
	case strings.HasPrefix(d, "0084"):
		d = "0" + d[4:]
	case strings.HasPrefix(d, "+"):
		return "", false
	case strings.HasPrefix(d, "84") && len(d) == 11:
		d = "0" + d[2:]
	}
	// "+84 (0) 912 …" keeps the trunk zero after the country code.
	if len(d) == 11 && strings.HasPrefix(d, "00") {
		d = d[1:]
	}
	if len(d) != 10 || d[0] != '0' || d[1] == '0' {
		return "", false
	}
	return d, true
}
