package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// course is a class or a workshop.
type course struct {
	code, kind, activity string
	craft                int // -1 for workshops
	title, description   string
	target               string
	venue                int
	capacity, perEst     int
	start, end           time.Time // dates
	budget               int64
	status, cancelReason string
	trainer, lead        int // -1 when none
	staff                []staffRow
	createdBy            string // role of the demo login
	created, submitted   time.Time
	approved, updated    time.Time
	district             string // "" for province-wide workshops at the centre
	sessions             []session
	partners             []int // establishments whose support record funds this course
	fill, waitlist       int   // seats to fill (0: draw 25..capacity) and waitlisted people
}

type staffRow struct {
	instr int
	role  string
}

// courseSpec is one planned course; zero fields are drawn at random.
type courseSpec struct {
	year     int
	kind     byte // V vocational, T craft transmission, S skill upgrade, W workshop
	craft    int  // for W: the topic
	venue    string
	month    int
	cancel   string
	monday   time.Time // a fixed first week
	weeks    int
	days     []time.Weekday
	morning  bool
	trainer  string
	lead     string
	assist   string
	capacity int
	fill     int
	waitlist int
	status   string
	by       string
}

// plan is the 2012–2022 programme: 61 courses, two of them cancelled; more than 60% of the vocational
// and craft-transmission courses are held in the five difficult districts.
var plan = []courseSpec{
	{year: 2012, kind: 'V', craft: cMayTre, venue: "anlap"}, {year: 2012, kind: 'V', craft: cMay, venue: "thaison"},
	{year: 2012, kind: 'W', craft: 0, venue: "centre"},
	{year: 2013, kind: 'V', craft: cVai, venue: "phuongson"}, {year: 2013, kind: 'V', craft: cGo, venue: "dongtam"},
	{year: 2013, kind: 'V', craft: cCoKhi, venue: "nhanam"}, {year: 2013, kind: 'T', craft: cMayTre, venue: "tangtien"},
	{year: 2013, kind: 'W', craft: 1, venue: "centre"},
	{year: 2014, kind: 'V', craft: cCheBatTien, venue: "thanhson"}, {year: 2014, kind: 'V', craft: cMy, venue: "namduong"},
	{year: 2014, kind: 'V', craft: cMay, venue: "ws_may"}, {year: 2014, kind: 'T', craft: cBanhDaNem, venue: "vanha"},
	{year: 2014, kind: 'S', craft: cMay, venue: "ws_may"}, {year: 2014, kind: 'W', craft: 0, venue: "hall_lucngan"},
	{year: 2015, kind: 'V', craft: cTraHoaVang, venue: "truongson"}, {year: 2015, kind: 'V', craft: cMayTre, venue: "xuanluong"},
	{year: 2015, kind: 'V', craft: cBun, venue: "dinhke"}, {year: 2015, kind: 'T', craft: cMayTre, venue: "anlap"},
	{year: 2015, kind: 'S', craft: cMoc, venue: "ws_moc"}, {year: 2015, kind: 'W', craft: 2, venue: "centre"},
	{year: 2016, kind: 'V', craft: cMy, venue: "ws_mychu"}, {year: 2016, kind: 'V', craft: cDuocLieu, venue: "tuandao"},
	{year: 2016, kind: 'V', craft: cCoKhi, venue: "huongson", cancel: "Không đủ học viên đăng ký"},
	{year: 2016, kind: 'T', craft: cMoc, venue: "langson"}, {year: 2016, kind: 'S', craft: cMayTre, venue: "tangtien"},
	{year: 2016, kind: 'W', craft: 3, venue: "hall_sondong"}, {year: 2016, kind: 'W', craft: 1, venue: "centre"},
	{year: 2017, kind: 'V', craft: cMayTre, venue: "tanson"}, {year: 2017, kind: 'V', craft: cGo, venue: "lucson"},
	{year: 2017, kind: 'V', craft: cMay, venue: "nhanam"}, {year: 2017, kind: 'T', craft: cMy, venue: "namduong"},
	{year: 2017, kind: 'S', craft: cCoKhi, venue: "thaison"}, {year: 2017, kind: 'W', craft: 4, venue: "centre"},
	{year: 2018, kind: 'V', craft: cCheBatTien, venue: "thanhson"}, {year: 2018, kind: 'V', craft: cVai, venue: "phuongson"},
	{year: 2018, kind: 'V', craft: cMoc, venue: "langson"}, {year: 2018, kind: 'T', craft: cMayTre, venue: "xuanluong"},
	{year: 2018, kind: 'S', craft: cGo, venue: "dongtam"}, {year: 2018, kind: 'W', craft: 3, venue: "hall_lucngan"},
	{year: 2018, kind: 'W', craft: 5, venue: "centre"},
	{year: 2019, kind: 'V', craft: cMayTre, venue: "anlap"}, {year: 2019, kind: 'V', craft: cTraHoaVang, venue: "truongson"},
	{year: 2019, kind: 'T', craft: cGom, venue: "vanha"}, {year: 2019, kind: 'S', craft: cMay, venue: "ws_may"},
	{year: 2019, kind: 'S', craft: cBun, venue: "dinhke"}, {year: 2019, kind: 'W', craft: 6, venue: "centre"},
	{year: 2020, kind: 'V', craft: cMy, venue: "namduong"}, {year: 2020, kind: 'V', craft: cMay, venue: "thaison"},
	{year: 2020, kind: 'T', craft: cTraHoaVang, venue: "lucson"}, {year: 2020, kind: 'S', craft: cCheBatTien, venue: "thanhson"},
	{year: 2020, kind: 'W', craft: 2, venue: "centre", month: 4, cancel: "Hủy do dịch COVID-19"},
	{year: 2020, kind: 'W', craft: 0, venue: "hall_sondong"},
	{year: 2021, kind: 'V', craft: cGo, venue: "dongtam"}, {year: 2021, kind: 'T', craft: cMayTre, venue: "tuandao"},
	{year: 2021, kind: 'S', craft: cMy, venue: "ws_mychu"}, {year: 2021, kind: 'W', craft: 6, venue: "centre"},
	{year: 2022, kind: 'V', craft: cCoKhi, venue: "thaison"}, {year: 2022, kind: 'T', craft: cRuou, venue: "vanha"},
	{year: 2022, kind: 'S', craft: cMoc, venue: "ws_moc"}, {year: 2022, kind: 'W', craft: 7, venue: "centre"},
	{year: 2022, kind: 'W', craft: 4, venue: "hall_lucngan"},
}

// later are the courses after the report period: one spanning the 1/1/2025 merger of Yên Dũng into the
// city, and the current ones as of demoToday (running, approved and full with a waitlist, submitted, draft).
var later = []courseSpec{
	{kind: 'T', craft: cMoc, venue: "langson", monday: day(2024, 12, 2), weeks: 8, days: monWedFri, morning: true},
	{kind: 'V', craft: cMay, venue: "ws_may", monday: day(2026, 11, 2), weeks: 7, days: monWedFri, morning: true,
		trainer: "G1", assist: "T6", capacity: 30, fill: 28, status: "running"},
	{kind: 'T', craft: cMayTre, venue: "anlap", monday: day(2026, 12, 7), weeks: 6, days: monWedFri, morning: true,
		trainer: "G4", lead: "M1", capacity: 30, fill: 30, waitlist: 3, status: "approved"},
	{kind: 'S', craft: cCoKhi, venue: "thaison", monday: day(2026, 12, 14), weeks: 4, days: tueThuSat,
		trainer: "G1", capacity: 30, status: "submitted", by: "trainer"},
	{kind: 'W', craft: 7, venue: "centre", monday: day(2026, 12, 21), trainer: "G1", status: "draft", by: "trainer"},
}

// demoToday is the day the demo data describe: attendance is taken up to it.
var demoToday = day(2026, 11, 27)

var workshopTopics = []string{
	"nâng cao năng lực quản lý cho cơ sở công nghiệp nông thôn",
	"khởi sự và quản trị doanh nghiệp nhỏ",
	"áp dụng sản xuất sạch hơn trong công nghiệp",
	"xây dựng thương hiệu, nhãn hiệu sản phẩm công nghiệp nông thôn",
	"kỹ năng tiếp cận thị trường, xúc tiến thương mại",
	"quản lý tài chính, kế toán cho hợp tác xã",
	"ứng dụng thương mại điện tử cho cơ sở công nghiệp nông thôn",
	"chuyển đổi số cho cơ sở công nghiệp nông thôn",
}

var kindNames = map[byte]string{'V': "vocational", 'T': "craft_transmission", 'S': "skill_upgrade", 'W': "management_workshop"}

// buildCourses schedules every course, then numbers them per activity and year in date order.
func (b *builder) buildCourses() {
	for _, s := range plan {
		b.addCourse(s)
	}
	for _, s := range later {
		b.addCourse(s)
	}
	slices.SortStableFunc(b.courses, func(x, y course) int { return x.start.Compare(y.start) })
	seq := map[string]int{}
	for i := range b.courses {
		c := &b.courses[i]
		key := fmt.Sprintf("%s-%d", c.activity, c.start.Year())
		seq[key]++
		c.code = fmt.Sprintf("%s-%02d", key, seq[key])
	}
}

func (b *builder) addCourse(s courseSpec) {
	r := b.r
	v := b.venue(s.venue)
	c := course{kind: kindNames[s.kind], activity: "KC1", craft: s.craft, venue: v, trainer: -1, lead: -1,
		district: b.venueDistrict(v), createdBy: "staff", fill: s.fill, waitlist: s.waitlist, capacity: s.capacity}
	if s.by != "" {
		c.createdBy = s.by
	}
	if s.venue == "centre" {
		c.district = ""
	}
	if c.capacity == 0 && s.kind == 'W' {
		c.capacity = min(28+r.IntN(8), b.venues[v].seats)
	} else if c.capacity == 0 {
		c.capacity = min(31+r.IntN(5), b.venues[v].seats) // classes are usually full
	}
	year := s.year
	if !s.monday.IsZero() {
		year = s.monday.Year()
	}
	earliest, latest := day(year, 3, 2), day(year, 12, 10)
	if s.month > 0 {
		earliest = day(year, time.Month(s.month), 1)
		latest = earliest.AddDate(0, 0, 20)
	}
	randomMonday := func(weeks int) time.Time {
		if !s.monday.IsZero() {
			return s.monday
		}
		last := latest.AddDate(0, 0, -7*weeks)
		n := int(last.Sub(earliest).Hours()/24) + 1
		return mondayOnOrAfter(earliest.AddDate(0, 0, r.IntN(max(n, 1))))
	}
	var layout func(monday time.Time) []session
	var weeks int
	if s.kind == 'W' {
		c.activity, c.craft, c.perEst = "KC2", -1, 2
		topic := workshopTopics[s.craft]
		c.title = "Tập huấn " + topic
		if c.district != "" {
			c.title += " tại " + districtLabel(c.district)
		}
		days := 2 + r.IntN(4)
		if !s.monday.IsZero() {
			days = 3
		}
		first, second := b.instr("G1"), b.instr("G2")
		if len(b.courses)%2 == 1 && s.trainer == "" {
			first, second = second, first
		}
		c.trainer = first
		c.staff = []staffRow{{first, "trainer"}, {second, "trainer"}}
		offset := 1 // the fixed workshop starts on a Tuesday
		if s.monday.IsZero() {
			offset = r.IntN(5 - days + 1)
		}
		weeks = 1
		layout = func(monday time.Time) []session {
			return workshopSessions(monday.AddDate(0, 0, offset), days, v, first, second, upperFirst(topic))
		}
		c.description = fmt.Sprintf("Tập huấn %d ngày cho chủ cơ sở và cán bộ quản lý cơ sở công nghiệp nông thôn.", days)
		c.target = "Chủ cơ sở, cán bộ quản lý cơ sở công nghiệp nông thôn"
		c.budget = roundTo(int64((25+35*r.Float64())*trieu), 500_000)
	} else {
		b.trainingCourse(&c, s, &weeks, &layout)
	}
	monday := randomMonday(weeks)
	for try := 0; ; try++ {
		ss := layout(monday)
		if s.cancel != "" || (b.cal.free(ss) && !b.holidays.anyOn(ss)) {
			c.sessions = ss
			break
		}
		if try > 40 {
			panic(fmt.Sprintf("demo: cannot schedule %s at %s in %d", c.kind, s.venue, year))
		}
		monday = monday.AddDate(0, 0, 7)
	}
	first, last := c.sessions[0].start, c.sessions[len(c.sessions)-1].start
	c.start, c.end = day(first.Year(), first.Month(), first.Day()), day(last.Year(), last.Month(), last.Day())
	c.status = s.status
	if c.status == "" {
		c.status = "completed"
	}
	if s.cancel != "" {
		c.status, c.cancelReason = "cancelled", s.cancel
		for i := range c.sessions {
			c.sessions[i].cancelled = true
		}
	} else {
		b.cal.book(c.sessions)
	}
	b.lifecycle(&c)
	b.courses = append(b.courses, c)
}

// trainingCourse fills in a vocational, craft-transmission or skill-upgrade course: its trainer, a
// titled master as lead (craft transmission) or an assistant master from the district, its weekly pattern.
func (b *builder) trainingCourse(c *course, s courseSpec, weeks *int, layout *func(time.Time) []session) {
	r := b.r
	cr := crafts[c.craft]
	key := s.trainer
	if key == "" {
		key = districtTrainer[c.district]
	}
	c.trainer = b.instr(key)
	c.staff = []staffRow{{c.trainer, "trainer"}}
	assistant := -1
	switch {
	case s.kind == 'T':
		c.lead = b.masterFor(c.craft, c.district)
		if s.lead != "" {
			c.lead = b.instr(s.lead)
		}
		if c.lead < 0 || !b.titledFor(c.lead, c.craft) {
			panic("demo: no titled master for " + cr.name)
		}
		c.staff = append(c.staff, staffRow{c.lead, "lead"})
	case s.assist != "":
		assistant = b.instr(s.assist)
	default:
		if m := b.masterFor(c.craft, c.district); m >= 0 && strings.HasPrefix(b.instructors[m].commune, c.district) && r.Float64() < 0.6 {
			assistant = m
		}
	}
	if assistant >= 0 {
		c.staff = append(c.staff, staffRow{assistant, "assistant"})
	}
	days, morning := monWedFri, r.Float64() < 0.7
	switch {
	case s.weeks > 0:
		*weeks, days, morning = s.weeks, s.days, s.morning
	case s.kind == 'S':
		*weeks = 4 + r.IntN(3)
	case s.kind == 'V' && r.Float64() < 0.2:
		*weeks, days = 4+r.IntN(3), monToFri
	case s.kind == 'V' && r.Float64() < 0.15:
		*weeks, days = 6+r.IntN(4), tueThuSat
	default:
		*weeks = 6 + r.IntN(5)
	}
	p := trainingPlan{weeks: *weeks, days: days, morning: morning, venue: c.venue, phrase: cr.phrase, skip: b.holidays}
	lead, trainer := c.lead, c.trainer
	p.who = func(i, n int) int {
		switch {
		case lead >= 0 && i > 0:
			return lead
		case assistant >= 0 && i%3 == 2:
			return assistant
		}
		return trainer
	}
	*layout = func(monday time.Time) []session { p.monday = monday; return p.sessions() }

	where := "tại " + b.communeByCode(b.venues[c.venue].commune).label()
	if e := b.venues[c.venue].est; e >= 0 {
		where = "cho lao động " + b.ests[e].name
	}
	switch s.kind {
	case 'V':
		c.title = "Đào tạo nghề " + cr.phrase + " " + where
		c.target = "Lao động nông thôn " + districtLabel(c.district)
	case 'T':
		c.title = "Truyền nghề " + cr.phrase + " " + where
		c.target = "Lao động nông thôn " + districtLabel(c.district)
	default:
		c.title = "Nâng cao tay nghề " + cr.phrase + " " + where
		c.target = "Lao động đã có nghề " + cr.phrase
	}
	c.description = fmt.Sprintf("Đào tạo thường xuyên dưới 3 tháng, %d tuần; thực hành chiếm trên 80%% thời lượng.", *weeks)
	c.budget = roundTo(int64(float64(c.capacity)*(2.2+2.0*r.Float64())*trieu), 500_000)
}

// lifecycle dates the course's creation, submission and approval before its start.
func (b *builder) lifecycle(c *course) {
	c.created = at(c.start.AddDate(0, 0, -40), 8, 30)
	c.updated = c.created
	if c.status != "draft" {
		c.submitted = at(c.start.AddDate(0, 0, -35), 14, 0)
		c.updated = c.submitted
	}
	if c.status != "draft" && c.status != "submitted" {
		c.approved = at(c.start.AddDate(0, 0, -28), 10, 0)
		c.updated = c.approved
	}
	switch c.status {
	case "completed":
		c.updated = at(c.end.AddDate(0, 0, 3), 16, 0)
	case "running":
		c.updated = c.sessions[0].start
	case "cancelled":
		c.updated = at(c.start.AddDate(0, 0, -7), 9, 0)
	}
}

// districtLabel names a district inside a sentence: "huyện Lục Ngạn", "thành phố Bắc Giang".
func districtLabel(code string) string {
	n := districts[code].name
	if rest, ok := strings.CutPrefix(n, "Huyện "); ok {
		return "huyện " + rest
	}
	return "thành phố " + strings.TrimPrefix(n, "Thành phố ")
}
