package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"time"
)

// builder holds the data set while it is made up; every reference is an index into its slices.
type builder struct {
	r           *rand.Rand
	places      *places
	ests        []est
	supports    []support
	regNos      map[string]bool
	estNames    map[string]bool
	instructors []instructor
	titles      []title
	venues      []venue
	courses     []course
	cal         *calendar
	trainees    []trainee
	byDistrict  map[string][]int
	enrols      []enrol
	ids         ids
	holidays    holidays
	attendance  []attend
	results     []result
}

// attend is one attendance mark; session is the index within the course's sessions.
type attend struct {
	enrol, session  int
	status, by      string
	marked, checkIn time.Time
}

// result is a final assessment.
type result struct {
	enrol  int
	score  string
	passed bool
	grade  string
	at     time.Time
}

// build makes up the whole data set from the fixed seed and the public holidays. It touches no database.
func build(skip holidays) (b *builder, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("%v\n%s", p, debug.Stack())
		}
	}()
	p, err := buildPlaces()
	if err != nil {
		return nil, err
	}
	b = &builder{r: newRand(), places: p, regNos: map[string]bool{}, estNames: map[string]bool{}, cal: newCalendar(),
		byDistrict: map[string][]int{}, ids: ids{used: map[string]bool{}}, holidays: skip}
	b.buildEstablishments()
	b.buildInstructors()
	b.buildVenues()
	b.buildCourses()
	b.linkSupports()
	b.enrolAll()
	b.buildAttendance()
	return b, nil
}

// buildAttendance marks every confirmed trainee in every held session (up to demoToday for the running
// course, up to their withdrawal for those who left), and gives training-course trainees a result.
func (b *builder) buildAttendance() {
	r := b.r
	for ei, e := range b.enrols {
		c := b.courses[e.course]
		if e.status == "waitlisted" || (c.status != "completed" && c.status != "running") {
			continue
		}
		by := "staff"
		if l := b.instructors[c.trainer].login; l != "" {
			by = l
		}
		present := 0.95
		if e.weak {
			present = 0.62
		}
		for si, s := range c.sessions {
			if s.cancelled || (c.status == "running" && !s.end.Before(demoToday)) ||
				(!e.withdrawn.IsZero() && !s.start.Before(e.withdrawn)) {
				continue
			}
			a := attend{enrol: ei, session: si, status: "present", by: by, marked: s.end}
			switch u := r.Float64(); {
			case u < present && r.Float64() < 0.04:
				a.status, a.checkIn = "late", s.start.Add(time.Duration(10+r.IntN(35))*time.Minute)
			case u < present:
				a.checkIn = s.start.Add(-time.Duration(r.IntN(20)) * time.Minute)
			case r.Float64() < 0.55:
				a.status = "excused"
			default:
				a.status = "absent"
			}
			b.attendance = append(b.attendance, a)
		}
		if c.status != "completed" || c.kind == "management_workshop" || e.status != "confirmed" {
			continue
		}
		res := result{enrol: ei, passed: true, at: at(c.end, 16, 30)}
		var score float64
		if (e.weak && r.Float64() < 0.3) || r.Float64() < 0.006 {
			score, res.passed = 2.5+0.5*float64(r.IntN(5)), false
		} else {
			score = math.Round(2*(7.4+1.1*r.NormFloat64())) / 2
			score = min(max(score, 5), 10)
		}
		res.score = fmt.Sprintf("%.2f", score)
		switch {
		case score >= 9:
			res.grade = "Xuất sắc"
		case score >= 8:
			res.grade = "Giỏi"
		case score >= 7:
			res.grade = "Khá"
		case score >= 5:
			res.grade = "Trung bình"
		default:
			res.grade = "Yếu"
		}
		b.results = append(b.results, res)
	}
}
