package demo

import (
	"slices"
	"time"
)

// trainee is a person who took part in a course.
type trainee struct {
	p         person
	commune   string
	district  string
	est       int // -1 when not linked to an establishment
	created   time.Time
	busyUntil time.Time // the end of their latest course
	crafts    []int
}

// enrol is one enrolment.
type enrol struct {
	course, trainee int
	status          string
	pos             int
	est             int
	job             string
	enrolled        time.Time
	withdrawn       time.Time
	reason, note    string
	weak            bool // attends poorly
}

var withdrawReasons = []weighted[[2]string]{
	{[2]string{"own_request", ""}, 30}, {[2]string{"illness", ""}, 20}, {[2]string{"moved_away", "Chuyển đi làm ăn xa"}, 15},
	{[2]string{"found_work", "Đi làm công nhân khu công nghiệp"}, 25}, {[2]string{"other", "Bận việc gia đình"}, 10},
}

// linkSupports ties KC1 support records to a training course of the same craft, district and year, and
// KC2 records to a workshop of that year; the establishment then sends people to that course.
func (b *builder) linkSupports() {
	for si := range b.supports {
		s := &b.supports[si]
		e := &b.ests[s.est]
		if s.date.Year() > 2022 || (s.activity != "KC1" && s.activity != "KC2") {
			continue
		}
		for ci := range b.courses {
			c := &b.courses[ci]
			if c.status != "completed" || c.start.Year() != s.date.Year() || len(c.partners) >= 4 {
				continue
			}
			training := s.activity == "KC1" && c.kind != "management_workshop" && c.craft == e.craft && c.district == e.district
			workshop := s.activity == "KC2" && c.kind == "management_workshop" && (c.district == "" || c.district == e.district)
			if training || workshop {
				s.course, s.date = ci, c.end
				c.partners = append(c.partners, s.est)
				break
			}
		}
	}
}

// enrolAll fills the courses in date order: trainees from the venue's commune and district, workers of
// funded establishments, some returning trainees; owners and managers for workshops.
func (b *builder) enrolAll() {
	edge := map[int]bool{}
	for ci := range b.courses {
		c := &b.courses[ci]
		if c.status == "draft" || c.status == "submitted" || c.status == "cancelled" {
			continue
		}
		var people []int // trainee indices in enrolment order
		ests := map[int]int{}
		in := map[int]bool{}
		add := func(t, est int) {
			people = append(people, t)
			ests[t] = est
			in[t] = true
		}
		target := c.fill
		switch {
		case target > 0:
		case c.kind == "management_workshop":
			target = c.capacity - b.r.IntN(4)
		default:
			target = c.capacity - b.r.IntN(2)
		}
		if c.kind == "management_workshop" {
			b.workshopPeople(c, target, add)
		} else {
			if y := c.start.Year(); (y == 2019 || y == 2021) && !edge[y] {
				edge[y] = true
				for _, t := range b.edgeTrainees(c) {
					add(t, -1)
				}
			}
			b.trainingPeople(c, target, in, add)
		}
		b.enrolPeople(ci, people, ests)
	}
}

// trainingPeople picks the trainees of a class.
func (b *builder) trainingPeople(c *course, target int, in map[int]bool, add func(t, est int)) {
	r := b.r
	for _, ei := range c.partners {
		for range 2 + r.IntN(2) {
			add(b.worker(ei, c, in), ei)
		}
	}
	venueEst := b.venues[c.venue].est
	for len(in) < target+c.waitlist {
		switch u := r.Float64(); {
		case venueEst >= 0 && u < 0.4:
			add(b.worker(venueEst, c, in), venueEst)
			continue
		case c.kind == "skill_upgrade" && u < 0.15, u < 0.03:
			if t := b.returning(c, in); t >= 0 {
				add(t, b.trainees[t].est)
				continue
			}
		}
		cm := b.venues[c.venue].commune
		if r.Float64() < 0.45 {
			cm = one(r, b.places.communes[c.district]).code
		}
		add(b.newTrainee(c.district, cm, -1, c.craft, c.start), -1)
	}
}

// returning finds an earlier trainee of the district, free by the course's start, preferring one who
// learned the same craft, or returns -1.
func (b *builder) returning(c *course, in map[int]bool) int {
	r := b.r
	pool := b.byDistrict[c.district]
	for try := range 20 {
		if len(pool) == 0 {
			return -1
		}
		t := pool[r.IntN(len(pool))]
		tr := b.trainees[t]
		same := slices.Contains(tr.crafts, c.craft)
		if in[t] || !tr.busyUntil.Before(c.start) || (!same && try < 10) || c.start.Year()-tr.p.birth.Year() > 55 {
			continue
		}
		return t
	}
	return -1
}

// worker returns a worker of establishment ei free for course c, hiring a new one when none is.
func (b *builder) worker(ei int, c *course, in map[int]bool) int {
	e := &b.ests[ei]
	for _, t := range e.workers {
		if !in[t] && b.trainees[t].busyUntil.Before(c.start) && b.r.Float64() < 0.3 {
			return t
		}
	}
	t := b.newTrainee(e.district, e.commune, ei, c.craft, c.start)
	e.workers = append(e.workers, t)
	return t
}

// workshopPeople sends owners and managers: one or two per establishment (the course's limit is two),
// funded establishments first.
func (b *builder) workshopPeople(c *course, target int, add func(t, est int)) {
	r := b.r
	// Funded establishments first, then those of the district (all of them for the centre's workshops)
	// that never came, then its regulars, then establishments from elsewhere.
	var buckets [4][]int
	for _, i := range r.Perm(len(b.ests)) {
		e := b.ests[i]
		if e.since > c.start.Year()+1 || slices.Contains(c.partners, i) {
			continue
		}
		k := 0
		if len(e.people) > 0 {
			k = 1
		}
		if c.district != "" && e.district != c.district {
			k += 2
		}
		buckets[k] = append(buckets[k], i)
	}
	order := slices.Concat(c.partners, buckets[0], buckets[1], buckets[2], buckets[3])
	n := 0
	for _, ei := range order {
		if n >= target {
			break
		}
		// The owner, or a manager, or both; an establishment has up to three managers over the years.
		switch u := r.Float64(); {
		case u < 0.35 && n+2 <= target:
			add(b.owner(ei, 0, c.start), ei)
			add(b.owner(ei, 1+r.IntN(3), c.start), ei)
			n += 2
		case u < 0.55:
			add(b.owner(ei, 1+r.IntN(3), c.start), ei)
			n++
		default:
			add(b.owner(ei, 0, c.start), ei)
			n++
		}
	}
}

// owner returns the j-th owner or manager of an establishment as a trainee: the representative first.
func (b *builder) owner(ei, j int, when time.Time) int {
	e := &b.ests[ei]
	for len(e.people) <= j {
		e.people = append(e.people, -1)
	}
	if e.people[j] < 0 {
		p := e.rep
		if j > 0 {
			p = newPerson(b.r, e.district, 0.5)
			p.birth = birthBetween(b.r, when, 22, 50)
		}
		b.assignID(&p, when)
		e.people[j] = b.addTrainee(p, e.district, e.commune, ei)
	}
	return e.people[j]
}

// newTrainee makes up a person of the district, aged 18–55 at the course, for a craft (-1: any).
func (b *builder) newTrainee(district, communeCode string, est, craft int, when time.Time) int {
	female := 0.5
	if craft >= 0 {
		female = crafts[craft].female
	}
	p := newPerson(b.r, district, female)
	p.birth = birthBetween(b.r, when, 18, 55)
	b.assignID(&p, when)
	return b.addTrainee(p, district, communeCode, est)
}

func (b *builder) addTrainee(p person, district, communeCode string, est int) int {
	b.trainees = append(b.trainees, trainee{p: p, district: district, commune: communeCode, est: est})
	t := len(b.trainees) - 1
	b.byDistrict[district] = append(b.byDistrict[district], t)
	return t
}

// assignID gives a CCCD, or for about 10% of people first met before 2018 an old 9-digit CMND.
func (b *builder) assignID(p *person, when time.Time) {
	if when.Year() < 2018 && b.r.Float64() < 0.10 {
		p.idKind, p.idNumber = "cmnd9", b.ids.cmnd9(b.r)
		return
	}
	p.idKind, p.idNumber = "cccd", b.ids.cccd(b.r, *p)
}

// edgeTrainees are the cases of domain notes §8.4: two people with the same name and birth date but
// different CCCD (2019), and names that differ only by tone placement, Hòa/Hoà and Thủy/Thuỷ (2021).
func (b *builder) edgeTrainees(c *course) []int {
	communes := b.places.communes[c.district]
	mk := func(family, middle, given string, birth time.Time, cm commune) int {
		p := person{family: family, middle: middle, given: given, gender: "female", ethnicity: "Kinh", birth: birth,
			phone: newPhone(b.r)}
		b.assignID(&p, c.start)
		return b.addTrainee(p, c.district, cm.code, -1)
	}
	if c.start.Year() == 2019 {
		return []int{
			mk("Nguyễn", "Thị", "Hương", day(1988, 3, 15), communes[0]),
			mk("Nguyễn", "Thị", "Hương", day(1988, 3, 15), communes[len(communes)-1]),
		}
	}
	return []int{
		mk("Lê", "Thị", "H\u00f2a", day(1990, 7, 2), communes[1]),    // old tone placement: Hòa
		mk("Lê", "Thị", "Ho\u00e0", day(1993, 11, 20), communes[2]),  // new tone placement: Hoà
		mk("Trần", "Thị", "Th\u1ee7y", day(1986, 5, 9), communes[3]), // Thủy
		mk("Trần", "Thị", "Thu\u1ef7", day(1986, 5, 9), communes[4]), // Thuỷ, same birth date too
	}
}

// enrolPeople writes the enrolments of a course in time order: confirmed up to the fill, then the
// waitlist in order; about 3% of the confirmed withdraw during the course.
func (b *builder) enrolPeople(ci int, people []int, ests map[int]int) {
	r := b.r
	c := &b.courses[ci]
	lo := c.approved.AddDate(0, 0, 1)
	hi := c.start.AddDate(0, 0, -2)
	if hi.After(demoToday) {
		hi = demoToday.AddDate(0, 0, -1)
	}
	span := int(hi.Sub(lo).Hours()/24) + 1
	times := make([]time.Time, len(people))
	for i := range times {
		d := lo.AddDate(0, 0, r.IntN(max(span, 1)))
		times[i] = time.Date(d.Year(), d.Month(), d.Day(), 7+r.IntN(10), r.IntN(60), r.IntN(60), 0, c.approved.Location())
	}
	slices.SortFunc(times, func(x, y time.Time) int { return x.Compare(y) })
	confirmed := len(people) - c.waitlist
	for i, t := range people {
		e := enrol{course: ci, trainee: t, status: "confirmed", est: ests[t], enrolled: times[i], weak: r.Float64() < 0.04}
		tr := &b.trainees[t]
		if tr.created.IsZero() || times[i].Before(tr.created) {
			tr.created = times[i]
		}
		if c.kind == "management_workshop" {
			e.job = b.jobTitle(ests[t], t)
		}
		switch {
		case i >= confirmed:
			e.status, e.pos = "waitlisted", i-confirmed+1
		case (c.status == "completed" || c.status == "running") && len(c.sessions) > 6 && r.Float64() < 0.03:
			k := 1 + r.IntN(len(c.sessions)/2)
			if c.status == "completed" || c.sessions[k].end.Before(demoToday) {
				why := pick(r, withdrawReasons)
				e.status, e.withdrawn, e.reason, e.note = "withdrawn", c.sessions[k].end.Add(2*time.Hour), why[0], why[1]
			}
		}
		if e.status != "waitlisted" {
			tr.busyUntil = c.end
			if c.craft >= 0 && !slices.Contains(tr.crafts, c.craft) {
				tr.crafts = append(tr.crafts, c.craft)
			}
		}
		b.enrols = append(b.enrols, e)
	}
}

// jobTitle is what an owner or manager does in their establishment.
func (b *builder) jobTitle(ei, t int) string {
	e := b.ests[ei]
	if len(e.people) > 0 && e.people[0] == t {
		switch e.kind {
		case "household_business":
			return "Chủ hộ kinh doanh"
		case "cooperative":
			return "Giám đốc HTX"
		case "cooperative_group":
			return "Tổ trưởng tổ hợp tác"
		}
		return "Giám đốc"
	}
	return []string{"Kế toán", "Quản lý sản xuất", "Phó giám đốc", "Cán bộ kinh doanh"}[t%4]
}
