package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"
)

// est is an establishment (cơ sở CNNT).
type est struct {
	name, kind, regNo  string
	commune, district  string
	craft              int
	products           string
	rep                person
	people             []int // its owner and managers as trainees (the representative first), made on first use
	workers            []int // its workers as trainees, made on first use
	supportedInReport  bool
	firstReportSupport int // year of its first 2012–2022 support, 0 when none
	since              int // the first year it is known to the centre
}

// support is one support record.
type support struct {
	est         int
	commune     string
	date        time.Time
	activity    string
	amount      int64 // đồng
	source      string
	course      int // index into courses, -1 when none
	description string
}

// reportTargets are the article's 2012–2022 figures: distinct establishments and triệu đồng per district.
var reportTargets = []struct {
	district string
	ests     int
	trieu    int64
}{
	{dSonDong, 20, 1380}, {dLucNam, 20, 1560}, {dLucNgan, 46, 3640}, {dYenThe, 25, 1820}, {dHiepHoa, 31, 2120},
	{dVietYen, 32, 8160}, {dTanYen, 27, 5940}, {dLangGiang, 25, 5250}, {dYenDung, 22, 4730}, {dTPBacGiang, 21, 5400},
}

// anchor is a named establishment matching the article's products (domain notes §8.2).
type anchor struct {
	district, name, kind, commune string
	craft                         int
	products                      string
	years                         []int    // fixed support years, or nil
	acts                          []string // their activities
}

var anchors = []anchor{
	{dSonDong, "HTX Chè Bát Tiên Thanh Sơn", "cooperative", "Thanh Sơn", cCheBatTien, "Chè Bát Tiên búp khô", []int{2015, 2020}, []string{"KC3", "KC4"}},
	{dSonDong, "Tổ hợp tác mây tre đan An Lập", "cooperative_group", "An Lập", cMayTre, "Rổ, rá, giỏ mây tre đan", nil, nil},
	{dSonDong, "HTX Trà hoa vàng Sơn Động", "cooperative", "An Châu", cTraHoaVang, "Trà hoa vàng sấy khô", nil, nil},
	{dLucNam, "HTX Trà hoa vàng Trường Sơn", "cooperative", "Trường Sơn", cTraHoaVang, "Trà hoa vàng sấy khô, trà túi lọc", []int{2017, 2021}, []string{"KC3", "KC4"}},
	{dLucNam, "Tổ hợp tác trà hoa vàng Lục Sơn", "cooperative_group", "Lục Sơn", cTraHoaVang, "Trà hoa vàng sấy khô", nil, nil},
	{dLucNgan, "HTX Sản xuất và Kinh doanh mỳ Chũ Nam Dương", "cooperative", "Nam Dương", cMy, "Mỳ Chũ", []int{2014, 2019}, []string{"KC1", "KC3"}},
	{dLucNgan, "Cơ sở sản xuất mỳ Chũ Thủ Dương", "household_business", "Nam Dương", cMy, "Mỳ Chũ", nil, nil},
	{dLucNgan, "Cơ sở sấy vải thiều Phượng Sơn", "household_business", "Phượng Sơn", cVai, "Vải thiều sấy khô", nil, []string{"KC3"}},
	{dLucNgan, "HTX Chế biến vải thiều Thanh Hải", "cooperative", "Thanh Hải", cVai, "Vải thiều sấy khô, long vải sấy", nil, nil},
	{dYenThe, "Công ty TNHH Chế biến gỗ Yên Thế", "enterprise", "Đồng Tâm", cGo, "Ván bóc, gỗ ép", nil, []string{"KC3"}},
	{dYenThe, "Cơ sở chế biến gỗ Tân Sỏi", "household_business", "Tân Sỏi", cGo, "Gỗ xẻ, pallet", nil, nil},
	{dYenThe, "Tổ hợp tác mây tre đan Xuân Lương", "cooperative_group", "Xuân Lương", cMayTre, "Rổ, rá, giỏ mây tre đan", nil, nil},
	{dHiepHoa, "Công ty TNHH May Hiệp Hòa", "enterprise", "Thái Sơn", cMay, "Hàng may gia công xuất khẩu", []int{2014, 2019}, []string{"KC1", "KC3"}},
	{dHiepHoa, "Công ty CP May Hoàng An", "enterprise", "Hoàng An", cMay, "Quần áo may sẵn", nil, nil},
	{dHiepHoa, "Cơ sở cơ khí Thắng", "household_business", "Thắng", cCoKhi, "Sửa chữa máy nông nghiệp", nil, nil},
	{dVietYen, "HTX Rượu làng Vân", "cooperative", "Vân Hà", cRuou, "Rượu làng Vân", []int{2016, 2020}, []string{"KC4", "KC3"}},
	{dVietYen, "HTX Bánh đa nem Thổ Hà", "cooperative", "Vân Hà", cBanhDaNem, "Bánh đa nem Thổ Hà", nil, nil},
	{dVietYen, "HTX Mây tre đan Tăng Tiến", "cooperative", "Tăng Tiến", cMayTre, "Hàng mây tre đan xuất khẩu", nil, nil},
	{dTPBacGiang, "HTX Bánh đa Kế", "cooperative", "Dĩnh Kế", cBun, "Bánh đa Kế, mỳ Kế", nil, nil},
	{dTPBacGiang, "Cơ sở bún Đa Mai", "household_business", "Đa Mai", cBun, "Bún Đa Mai", nil, nil},
	{dYenDung, "HTX Mộc Đông Thượng", "cooperative", "Lãng Sơn", cMoc, "Đồ gỗ mỹ nghệ Đông Thượng", []int{2015, 2018}, []string{"KC3", "KC1"}},
}

var (
	reportYears = []weighted[int]{{2012, 4}, {2013, 5}, {2014, 6}, {2015, 8}, {2016, 11}, {2017, 12}, {2018, 12},
		{2019, 12}, {2020, 11}, {2021, 8}, {2022, 7}}
	activityMix  = []weighted[string]{{"KC3", 45}, {"KC1", 25}, {"KC4", 15}, {"KC5", 10}, {"KC2", 5}}
	activityCost = map[string]float64{"KC3": 1, "KC4": 0.5, "KC1": 0.45, "KC5": 0.3, "KC2": 0.2}
	// activityCap is the largest amount of one record, in triệu: demonstration models cost most.
	activityCap = map[string]float64{"KC3": 500, "KC4": 250, "KC1": 250, "KC5": 120, "KC2": 60}
	kindsHard   = []weighted[string]{{"household_business", 55}, {"cooperative", 18}, {"cooperative_group", 15}, {"enterprise", 12}}
	kindsEasy   = []weighted[string]{{"household_business", 40}, {"cooperative", 20}, {"cooperative_group", 8}, {"enterprise", 32}}
)

const trieu = 1_000_000

// buildEstablishments creates the registry and the support records: the 2012–2022 records per district
// sum exactly to the article's totals, then a few later records, later-only and never-supported ones.
func (b *builder) buildEstablishments() {
	for _, t := range reportTargets {
		b.districtSupports(t.district, t.ests, t.trieu)
	}
	b.laterSupports()
}

// districtSupports adds n establishments of a district (anchors first) and support records in 2012–2022
// whose amounts add up to total triệu đồng exactly.
func (b *builder) districtSupports(district string, n int, total int64) {
	r := b.r
	first := len(b.ests)
	var fixed []anchor
	for _, a := range anchors {
		if a.district == district {
			fixed = append(fixed, a)
		}
	}
	for i := range n {
		if i < len(fixed) {
			a := fixed[i]
			e := b.newEst(district, a.kind, b.places.commune(district, a.commune), a.craft)
			e.name, e.products = a.name, a.products
			b.ests = append(b.ests, e)
			continue
		}
		kinds := kindsEasy
		if districts[district].difficult {
			kinds = kindsHard
		}
		c := one(r, b.places.communes[district])
		e := b.newEst(district, pick(r, kinds), c, pick(r, districtCrafts[district]))
		e.name = b.estName(e, c)
		b.ests = append(b.ests, e)
	}
	// About 15% of the establishments are supported more than once, in different years.
	multi := int(float64(n)*0.15 + 0.5)
	count := make([]int, n)
	for i := range count {
		count[i] = 1
	}
	for i, a := range fixed {
		if len(a.years) > 1 {
			count[i] = len(a.years)
			multi--
		}
	}
	for _, i := range r.Perm(n) {
		if multi <= 0 {
			break
		}
		if i < len(fixed) && fixed[i].years != nil || count[i] > 1 {
			continue
		}
		count[i] = 2
		if n >= 30 && multi == 1 {
			count[i] = 3 // one establishment in the larger districts is supported three times
		}
		multi--
	}
	start := len(b.supports)
	var weights, caps []float64
	for i := range n {
		ei := first + i
		e := &b.ests[ei]
		var acts []string
		var ys []int
		if i < len(fixed) && fixed[i].years != nil {
			ys = fixed[i].years
		} else {
			for len(ys) < count[i] {
				if y := pick(r, reportYears); !slices.Contains(ys, y) {
					ys = append(ys, y)
				}
			}
			slices.Sort(ys)
		}
		if i < len(fixed) {
			acts = fixed[i].acts
		}
		for j, y := range ys {
			act := pick(r, activityMix)
			if j < len(acts) {
				act = acts[j]
			}
			day := time.Date(y, time.Month(2+r.IntN(10)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
			b.supports = append(b.supports, support{est: ei, commune: e.commune, date: day, activity: act,
				source: "local", course: -1, description: b.supportText(r, act, e)})
			w := activityCost[act] * (0.7 + 0.6*r.Float64())
			if e.kind == "enterprise" {
				w *= 1.3
			}
			weights = append(weights, w)
			caps = append(caps, activityCap[act]/5)
		}
		e.supportedInReport, e.firstReportSupport, e.since = true, ys[0], ys[0]
	}
	// Amounts in units of 5 triệu, split by largest remainder so that the sum is exact.
	units := allocate(int(total/5), weights, caps)
	for k, u := range units {
		s := &b.supports[start+k]
		s.amount = int64(u) * 5 * trieu
		if s.activity == "KC3" && s.amount >= 300*trieu {
			s.source = "national"
		}
	}
}

// laterSupports adds records dated 2023–2025 (outside the report period): about 20 for establishments
// already supported, mostly ones supported more than once so the share of repeat establishments stays
// near 15%; five establishments supported only then; and six that were never supported.
func (b *builder) laterSupports() {
	r := b.r
	perEst := map[int]int{}
	for _, s := range b.supports {
		perEst[s.est]++
	}
	var multi, single []int
	for i := range b.ests {
		if perEst[i] > 1 {
			multi = append(multi, i)
		} else {
			single = append(single, i)
		}
	}
	var chosen []int
	for _, k := range r.Perm(len(multi))[:14] {
		chosen = append(chosen, multi[k])
	}
	for _, k := range r.Perm(len(single))[:6] {
		chosen = append(chosen, single[k])
	}
	slices.Sort(chosen)
	for _, ei := range chosen {
		b.laterSupport(ei)
	}
	// Supported only in 2023–2025: one of them in Hương Sơn (Lạng Giang), classified from 2023.
	for _, spec := range []struct{ district, commune string }{
		{dLangGiang, "Hương Sơn"}, {dLucNgan, "Kiên Lao"}, {dSonDong, "Tuấn Đạo"}, {dTanYen, "Lan Giới"}, {dVietYen, "Tăng Tiến"},
	} {
		c := b.places.commune(spec.district, spec.commune)
		e := b.newEst(spec.district, pick(r, kindsHard), c, pick(r, districtCrafts[spec.district]))
		e.name = b.estName(e, c)
		b.ests = append(b.ests, e)
		b.laterSupport(len(b.ests) - 1)
	}
	// In the registry, never supported.
	for _, d := range []string{dSonDong, dLucNgan, dHiepHoa, dVietYen, dYenDung, dTPBacGiang} {
		c := one(r, b.places.communes[d])
		e := b.newEst(d, pick(r, kindsEasy), c, pick(r, districtCrafts[d]))
		e.name = b.estName(e, c)
		b.ests = append(b.ests, e)
	}
}

func (b *builder) laterSupport(ei int) {
	r := b.r
	e := &b.ests[ei]
	y := 2023 + r.IntN(3)
	if e.district == dYenDung {
		y = 2023 + r.IntN(2) // before the merger into the city
	}
	if !e.supportedInReport {
		e.since = y
	}
	act := pick(r, activityMix)
	amount := int64(4+r.IntN(40)) * 5 * trieu
	b.supports = append(b.supports, support{est: ei, commune: e.commune,
		date:     time.Date(y, time.Month(2+r.IntN(10)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
		activity: act, amount: amount, source: "local", course: -1, description: b.supportText(r, act, e)})
}

// newEst draws the representative, registration number and phone of a new establishment.
func (b *builder) newEst(district, kind string, c commune, craft int) est {
	r := b.r
	e := est{kind: kind, commune: c.code, district: district, craft: craft, products: one(r, crafts[craft].products), since: 2012}
	e.rep = newPerson(r, district, 0.35)
	e.rep.birth = birthBetween(r, time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), 25, 45)
	if e.rep.phone == "" {
		e.rep.phone = newPhone(r)
	}
	switch {
	case kind == "enterprise" || kind == "cooperative":
		e.regNo = b.uniqueReg(func() string { return fmt.Sprintf("2400%06d", r.IntN(1_000_000)) })
	case kind == "household_business" && r.Float64() < 0.8:
		letter := string(rune('A' + slices.Index(districtOrder, district)))
		e.regNo = b.uniqueReg(func() string { return fmt.Sprintf("20%s8%06d", letter, r.IntN(1_000_000)) })
	}
	return e
}

func (b *builder) uniqueReg(gen func() string) string {
	for {
		if s := gen(); !b.regNos[s] {
			b.regNos[s] = true
			return s
		}
	}
}

// estName names an establishment the way local registers do, never twice the same.
func (b *builder) estName(e est, c commune) string {
	r := b.r
	stem := crafts[e.craft].stem
	if e.craft == cMy && e.district == dLucNgan {
		stem = "mỳ Chũ"
	}
	for try := 0; ; try++ {
		var name string
		switch e.kind {
		case "household_business":
			name = "Cơ sở " + stem + " " + e.rep.fullName()
		case "cooperative":
			name = one(r, []string{"HTX " + upperFirst(stem) + " " + c.short,
				"HTX Sản xuất và Kinh doanh " + stem + " " + c.short, "HTX Dịch vụ " + stem + " " + c.short})
		case "cooperative_group":
			name = "Tổ hợp tác " + stem + " " + c.short
		default:
			name = one(r, []string{"Công ty TNHH ", "Công ty TNHH ", "Công ty CP "}) + upperFirst(stem) + " " + one(r, brands)
		}
		if try > 3 {
			name += fmt.Sprintf(" số %d", try-2)
		}
		if !b.estNames[name] {
			b.estNames[name] = true
			return name
		}
	}
}

func upperFirst(s string) string {
	c, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(c)) + s[n:]
}

// supportText describes a support record the way the centre's lists do.
func (b *builder) supportText(r *rand.Rand, act string, e *est) string {
	c := crafts[e.craft]
	switch act {
	case "KC3":
		return "Mô hình trình diễn kỹ thuật: hỗ trợ ứng dụng " + c.machine
	case "KC1":
		return "Hỗ trợ đào tạo nghề " + c.phrase + " cho lao động của cơ sở"
	case "KC4":
		return one(r, []string{"Tham gia hội chợ, triển lãm sản phẩm công nghiệp nông thôn tiêu biểu: ",
			"Hỗ trợ xây dựng nhãn hiệu, bao bì sản phẩm: "}) + e.products
	case "KC5":
		return one(r, []string{"Tư vấn lập dự án đầu tư, quản lý sản xuất", "Tư vấn thiết kế mẫu mã, bao bì sản phẩm"})
	}
	return "Cử cán bộ quản lý tham gia tập huấn nâng cao năng lực quản lý"
}
