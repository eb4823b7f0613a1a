// Package ical writes iCalendar feeds (RFC 5545): CRLF line endings, content lines folded at 75
// octets without splitting a UTF-8 character, TEXT values escaped, and times in UTC ("Z"), which every
// calendar shows in its own zone: a 07:30 session in Vietnam is written 003000Z and shows at 07:30
// there. It is small enough to own, and owning it keeps CRLF and folding under test.
package ical

import (
	"bytes"
	"strings"
	"time"
)

// Event is one VEVENT.
type Event struct {
	UID         string // stable across feeds, so that calendars update the event instead of adding one
	Start, End  time.Time
	Stamp       time.Time // DTSTAMP: when the event last changed
	Summary     string
	Location    string
	Description string
	URL         string
	Cancelled   bool // STATUS:CANCELLED; the event stays, so subscribers see the cancellation
}

// Calendar is one VCALENDAR feed.
type Calendar struct {
	ProdID  string // e.g. "-//Khuyến công Bắc Giang//Lịch học//VI"
	Name    string // shown by calendar apps as the subscription's name
	Refresh time.Duration
	Events  []Event
}

const utc = "20060102T150405Z"

// Bytes writes the calendar.
func (c Calendar) Bytes() []byte {
	var b bytes.Buffer
	line := func(name, value string) { writeLine(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", escape(c.ProdID))
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if c.Name != "" {
		line("NAME", escape(c.Name))
		line("X-WR-CALNAME", escape(c.Name))
	}
	line("X-WR-TIMEZONE", "Asia/Ho_Chi_Minh")
	if c.Refresh > 0 {
		d := "PT" + strings.TrimSuffix(strings.TrimSuffix(c.Refresh.Round(time.Minute).String(), "0s"), "0m")
		line("REFRESH-INTERVAL;VALUE=DURATION", strings.ToUpper(d))
		line("X-PUBLISHED-TTL", strings.ToUpper(d))
	}
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", escape(e.UID))
		line("DTSTAMP", e.Stamp.UTC().Format(utc))
		line("LAST-MODIFIED", e.Stamp.UTC().Format(utc))
		line("DTSTART", e.Start.UTC().Format(utc))
		line("DTEND", e.End.UTC().Format(utc))
		line("SUMMARY", escape(e.Summary))
		if e.Location != "" {
			line("LOCATION", escape(e.Location))
		}
		if e.Description != "" {
			line("DESCRIPTION", escape(e.Description))
		}
		if e.URL != "" {
			line("URL", e.URL)
		}
		if e.Cancelled {
			line("STATUS", "CANCELLED")
		} else {
			line("STATUS", "CONFIRMED")
		}
		line("TRANSP", "OPAQUE")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return b.Bytes()
}

// escape writes a TEXT value: backslash, semicolon and comma escaped, line breaks as \n, other
// control characters dropped.
func escape(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeLine writes one content line folded so that no physical line is longer than 75 octets (CRLF
// excluded): a continuation starts with one space, which counts in its 75. A multi-byte character is
// never cut.
func writeLine(b *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !startsRune(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}

// startsRune reports whether c is the first byte of a UTF-8 sequence (not a continuation byte).
func startsRune(c byte) bool { return c&0xC0 != 0x80 }
