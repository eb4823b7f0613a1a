package demo

import (
	"fmt"
	"time"

	"khuyencong/internal/vi"
)

// session is one dated slot of a course.
type session struct {
	venue, instr int
	start, end   time.Time // in Asia/Ho_Chi_Minh
	topic        string
	cancelled    bool
}

// span is a half-open time interval [start, end).
type span struct{ start, end time.Time }

func (a span) overlaps(b span) bool { return a.start.Before(b.end) && b.start.Before(a.end) }

// calendar books venues and instructors so that no two live sessions of either ever overlap: the
// database's exclusion constraints would refuse them, and the seed would fail.
type calendar struct {
	venues, instrs map[int][]span
}

func newCalendar() *calendar {
	return &calendar{venues: map[int][]span{}, instrs: map[int][]span{}}
}

// free reports whether every session's venue and instructor are free, among themselves too.
func (c *calendar) free(ss []session) bool {
	for i, s := range ss {
		sp := span{s.start, s.end}
		for _, o := range c.venues[s.venue] {
			if sp.overlaps(o) {
				return false
			}
		}
		for _, o := range c.instrs[s.instr] {
			if sp.overlaps(o) {
				return false
			}
		}
		for _, o := range ss[:i] {
			if (o.venue == s.venue || o.instr == s.instr) && sp.overlaps(span{o.start, o.end}) {
				return false
			}
		}
	}
	return true
}

func (c *calendar) book(ss []session) {
	for _, s := range ss {
		if s.cancelled {
			continue
		}
		c.venues[s.venue] = append(c.venues[s.venue], span{s.start, s.end})
		c.instrs[s.instr] = append(c.instrs[s.instr], span{s.start, s.end})
	}
}

// Weekly patterns of training courses.
var (
	monWedFri = []time.Weekday{time.Monday, time.Wednesday, time.Friday}
	monToFri  = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	tueThuSat = []time.Weekday{time.Tuesday, time.Thursday, time.Saturday}
)

// holidays are the public holidays (table public_holidays) on which no session is held, by date.
type holidays map[string]bool

func (h holidays) has(d time.Time) bool { return h[d.Format(time.DateOnly)] }

// anyOn reports whether a session falls on a holiday.
func (h holidays) anyOn(ss []session) bool {
	for _, s := range ss {
		if h.has(s.start) {
			return true
		}
	}
	return false
}

// at returns the instant of a clock time on a date, in Vietnam.
func at(d time.Time, hour, minute int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, vi.Zone)
}

// trainingPlan lays out the sessions of a training course.
type trainingPlan struct {
	monday  time.Time // the Monday of the first week
	weeks   int
	days    []time.Weekday
	morning bool
	venue   int
	who     func(i, n int) int // the instructor of session i of n
	phrase  string
	skip    holidays
}

// sessions returns the course's sessions: 07:30–11:30 or 13:30–16:30, on the pattern's weekdays,
// skipping public holidays; the first opens the course and the last is the final assessment.
func (p trainingPlan) sessions() []session {
	var dates []time.Time
	for w := range p.weeks {
		for _, wd := range p.days {
			d := p.monday.AddDate(0, 0, 7*w+int(wd-time.Monday))
			if !p.skip.has(d) {
				dates = append(dates, d)
			}
		}
	}
	out := make([]session, len(dates))
	for i, d := range dates {
		s := session{venue: p.venue, instr: p.who(i, len(dates)), start: at(d, 7, 30), end: at(d, 11, 30)}
		if !p.morning {
			s.start, s.end = at(d, 13, 30), at(d, 16, 30)
		}
		switch {
		case i == 0:
			s.topic = "Khai giảng; giới thiệu nghề, an toàn lao động"
		case i == len(dates)-1:
			s.topic = "Kiểm tra, đánh giá cuối khóa"
		case i%5 == 1:
			s.topic = fmt.Sprintf("Lý thuyết: %s (phần %d)", p.phrase, i/5+1)
		default:
			s.topic = fmt.Sprintf("Thực hành: %s (buổi %d)", p.phrase, i)
		}
		out[i] = s
	}
	return out
}

// workshopSessions lays out a workshop: full days, a morning and an afternoon session each, the two
// trainers taking turns.
func workshopSessions(first time.Time, days, venue, morningInstr, afternoonInstr int, topic string) []session {
	var out []session
	for d := range days {
		date := first.AddDate(0, 0, d)
		out = append(out,
			session{venue: venue, instr: morningInstr, start: at(date, 8, 0), end: at(date, 11, 30),
				topic: fmt.Sprintf("Ngày %d, sáng: %s", d+1, topic)},
			session{venue: venue, instr: afternoonInstr, start: at(date, 13, 30), end: at(date, 17, 0),
				topic: fmt.Sprintf("Ngày %d, chiều: thảo luận, thực hành", d+1)})
	}
	return out
}

// mondayOnOrAfter returns d when it is a Monday, else the next Monday.
func mondayOnOrAfter(d time.Time) time.Time {
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
