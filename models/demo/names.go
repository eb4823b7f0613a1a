package demo

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// person is a named individual: a trainee, an establishment's representative or an instructor.
type person struct {
	family, middle, given string
	gender                string // female, male
	ethnicity             string
	birth                 time.Time // a date; zero when unknown
	idKind, idNumber      string    // "" when no paper was recorded
	phone                 string
}

func (p person) fullName() string {
	if p.middle == "" {
		return p.family + " " + p.given
	}
	return p.family + " " + p.middle + " " + p.given
}

// weighted is a value with its relative frequency.
type weighted[T any] struct {
	v T
	w float64
}

// pick draws one value by weight.
func pick[T any](r *rand.Rand, ws []weighted[T]) T {
	total := 0.0
	for _, x := range ws {
		total += x.w
	}
	u := r.Float64() * total
	for _, x := range ws {
		if u < x.w {
			return x.v
		}
		u -= x.w
	}
	return ws[len(ws)-1].v
}

// one draws one element uniformly.
func one[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// Kinh family names, by rough national frequency, plus Thân and Giáp, which are typical of Bắc Giang.
var kinhFamilies = []weighted[string]{
	{"Nguyễn", 36}, {"Trần", 10}, {"Lê", 9}, {"Phạm", 6.5}, {"Hoàng", 4.5}, {"Phan", 3}, {"Vũ", 4},
	{"Đặng", 2}, {"Bùi", 2}, {"Đỗ", 2}, {"Hồ", 0.8}, {"Ngô", 1.5}, {"Dương", 1.2}, {"Lý", 0.5},
	{"Đào", 1}, {"Đinh", 1}, {"Thân", 2}, {"Giáp", 1.5}, {"Hà", 1}, {"Lưu", 0.6}, {"Trịnh", 0.6}, {"Tạ", 0.5},
}

// Family names of the ethnic minorities of Sơn Động, Lục Ngạn and Lục Nam.
var minorityFamilies = map[string][]string{
	"Tày":      {"Hoàng", "Hoàng", "Nông", "Nông", "Vi", "Lương", "La", "Ninh", "Lâm", "Chu", "Hà", "Đàm"},
	"Nùng":     {"Hoàng", "Hoàng", "Nông", "Vi", "Vi", "Lăng", "Lành", "Chu", "Lương", "Lâm", "Ninh", "Mã"},
	"Sán Chay": {"La", "La", "Lâm", "Hoàng", "Trương", "Ninh", "Chu"},
	"Dao":      {"Triệu", "Triệu", "Triệu", "Bàn", "Đặng", "Lý"},
	"Sán Dìu":  {"Lâm", "Trương", "Diệp", "Tạ", "Lương"},
	"Hoa":      {"Lâm", "Trương", "Lý", "Hoàng", "Chu"},
}

// minorityShare is the share of people of an ethnic minority by district, and the groups' mix.
var minorityShare = map[string]float64{
	dSonDong: 0.45, dLucNgan: 0.41, dLucNam: 0.18, dYenThe: 0.12, dHiepHoa: 0.02,
}

var minorityGroups = map[string][]weighted[string]{
	dSonDong: {{"Tày", 35}, {"Nùng", 30}, {"Sán Chay", 15}, {"Dao", 15}, {"Sán Dìu", 5}},
	dLucNgan: {{"Nùng", 40}, {"Tày", 25}, {"Sán Chay", 15}, {"Hoa", 10}, {"Dao", 10}},
	dLucNam:  {{"Tày", 30}, {"Nùng", 30}, {"Sán Chay", 20}, {"Dao", 20}},
	dYenThe:  {{"Nùng", 40}, {"Tày", 30}, {"Sán Chay", 15}, {"Dao", 15}},
	dHiepHoa: {{"Sán Dìu", 50}, {"Nùng", 25}, {"Tày", 25}},
}

var (
	maleMiddles = []weighted[string]{
		{"Văn", 45}, {"Đức", 7}, {"Minh", 7}, {"Quang", 5}, {"Xuân", 4}, {"Hữu", 5}, {"Công", 4}, {"Thanh", 4},
		{"Ngọc", 3}, {"Duy", 3}, {"Mạnh", 2}, {"Trọng", 3}, {"Tiến", 3}, {"Anh", 2}, {"Văn Minh", 1}, {"", 0.5},
	}
	femaleMiddles = []weighted[string]{
		{"Thị", 58}, {"Thị Thu", 6}, {"Thị Thanh", 5}, {"Thị Hồng", 4}, {"Thị Minh", 3}, {"Thị Ngọc", 3},
		{"Thị Kim", 2}, {"Thu", 4}, {"Ngọc", 3}, {"Thanh", 3}, {"Minh", 2}, {"Phương", 2}, {"Hải", 1}, {"", 0.5},
	}
	maleGivens = []string{
		"An", "Bình", "Cường", "Chiến", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng", "Hưng",
		"Huy", "Khánh", "Kiên", "Lâm", "Linh", "Long", "Lợi", "Mạnh", "Minh", "Nam", "Nghĩa", "Phong", "Phúc",
		"Quân", "Quang", "Quyết", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng",
		"Việt", "Vinh", "Vượng", "Thuận", "Chung", "Hậu", "Khải", "Lực", "Tú", "Sáng",
	}
	femaleGivens = []string{
		"Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hòa",
		"Huệ", "Hương", "Hường", "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương",
		"Quyên", "Thảo", "Thơm", "Thu", "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Lụa", "Hiên", "Xuân", "Huyền",
		"Thúy", "Nhàn", "Dịu", "Mến", "Sen", "Đào", "Ngân", "Phượng", "Tâm", "Lý", "Gấm",
	}
)

// newPerson draws a name, sex and ethnicity for someone living in district; female is the chance of a
// woman (crafts differ: weaving and garments are mostly women's work, mechanics mostly men's).
func newPerson(r *rand.Rand, district string, female float64) person {
	p := person{gender: "male", ethnicity: "Kinh"}
	if r.Float64() < female {
		p.gender = "female"
	}
	if share := minorityShare[district]; share > 0 && r.Float64() < share {
		p.ethnicity = pick(r, minorityGroups[district])
		p.family = one(r, minorityFamilies[p.ethnicity])
		// Minority names follow the Vietnamese pattern, with Văn / Thị as the usual middle names.
		if p.gender == "female" {
			p.middle = pick(r, []weighted[string]{{"Thị", 90}, {"Thị Thu", 4}, {"Thị Hồng", 3}, {"Thu", 3}})
		} else {
			p.middle = pick(r, []weighted[string]{{"Văn", 85}, {"Đức", 5}, {"Minh", 5}, {"Quang", 5}})
		}
	} else {
		p.family = pick(r, kinhFamilies)
		if p.gender == "female" {
			p.middle = pick(r, femaleMiddles)
		} else {
			p.middle = pick(r, maleMiddles)
		}
	}
	if p.gender == "female" {
		p.given = one(r, femaleGivens)
	} else {
		p.given = one(r, maleGivens)
	}
	if r.Float64() < 0.9 {
		p.phone = newPhone(r)
	}
	return p
}

// birthBetween sets a birth date so that the person is aged minAge..maxAge on day.
func birthBetween(r *rand.Rand, day time.Time, minAge, maxAge int) time.Time {
	age := minAge + r.IntN(maxAge-minAge+1)
	// Any day in the year that ends on the birthday of that age.
	latest := day.AddDate(-age, 0, 0)
	return latest.AddDate(0, 0, -r.IntN(365))
}

var phonePrefixes = []string{"96", "97", "98", "86", "32", "33", "34", "35", "36", "37", "38", "39", "91", "94", "88", "90", "93", "89", "70", "79", "81", "82", "83", "84", "85", "56", "58"}

func newPhone(r *rand.Rand) string {
	return fmt.Sprintf("0%s%07d", one(r, phonePrefixes), r.IntN(10_000_000))
}

// ids hands out unique personal numbers: CCCD built as the law describes (province 024, a
// century-and-sex digit, the birth year's last two digits, six more digits) and old 9-digit CMND.
type ids struct {
	used map[string]bool
}

func (g *ids) cccd(r *rand.Rand, p person) string {
	century := 0
	if p.birth.Year() >= 2000 {
		century = 2
	}
	if p.gender == "female" {
		century++
	}
	for {
		n := fmt.Sprintf("024%d%02d%06d", century, p.birth.Year()%100, r.IntN(1_000_000))
		if !g.used[n] {
			g.used[n] = true
			return n
		}
	}
}

// cmnd9 returns a 9-digit identity-card number of the kind Bắc Giang issued before CCCD (prefix 12).
func (g *ids) cmnd9(r *rand.Rand) string {
	for {
		n := fmt.Sprintf("12%07d", r.IntN(10_000_000))
		if !g.used[n] {
			g.used[n] = true
			return n
		}
	}
}
