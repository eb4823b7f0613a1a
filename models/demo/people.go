package demo

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// instructor is a trainer (giảng viên) or a craft master (nghệ nhân, thợ giỏi).
type instructor struct {
	key, kind, name, org string
	commune              string // code, "" when unknown
	phone, email         string
	login                string // role of the demo login linked to this instructor, or ""
	crafts               []int
}

// title is a master craftsman title held for a craft.
type title struct {
	instr                 int
	title                 string
	craft                 int
	body, decision, dated string
}

// venue is a place where sessions are held.
type venue struct {
	key, name, address, commune string
	seats                       int
	est                         int // the establishment whose workshop this is, or -1
}

const centre = "Trung tâm Khuyến công và Xúc tiến thương mại tỉnh Bắc Giang"

// masterSpec describes a master, the anchor establishment they work in, and their titles as
// "title/craft/decision/date".
type masterSpec struct {
	key, name, district, commune, login, org string
	titles                                   []string
}

var masters = []masterSpec{
	{"M1", "Nguyễn Đức Thiện", dVietYen, "Tăng Tiến", "master", "HTX Mây tre đan Tăng Tiến", []string{
		"nghe_nhan_cap_tinh/0/1126/QĐ-UBND/2012-06-15", "nghe_nhan_uu_tu/0/1892/QĐ-CTN/2016-09-28"}},
	{"M2", "Ngô Thị Nhài", dVietYen, "Vân Hà", "", "HTX Bánh đa nem Thổ Hà", []string{
		"nghe_nhan_cap_tinh/7/845/QĐ-UBND/2013-05-20", "nghe_nhan_cap_tinh/10/845/QĐ-UBND/2013-05-20"}},
	{"M3", "Đỗ Văn Khải", dYenDung, "Lãng Sơn", "", "HTX Mộc Đông Thượng", []string{"nghe_nhan_cap_tinh/5/1534/QĐ-UBND/2014-08-12"}},
	{"T1", "Hoàng Văn Lực", dSonDong, "An Lập", "", "Tổ hợp tác mây tre đan An Lập", []string{"tho_gioi/0/2106/QĐ-UBND/2013-12-20"}},
	{"T2", "Nguyễn Thị Hằng", dLucNgan, "Nam Dương", "", "HTX Sản xuất và Kinh doanh mỳ Chũ Nam Dương", []string{"tho_gioi/1/2106/QĐ-UBND/2013-12-20"}},
	{"T3", "Trần Văn Thuận", dLucNgan, "Phượng Sơn", "", "Cơ sở sấy vải thiều Phượng Sơn", []string{"tho_gioi/2/2106/QĐ-UBND/2013-12-20"}},
	{"T4", "Lương Thị Mai", dLucNam, "Trường Sơn", "", "HTX Trà hoa vàng Trường Sơn", []string{"tho_gioi/3/1720/QĐ-UBND/2018-10-30"}},
	{"T5", "Vi Văn Thắng", dSonDong, "Thanh Sơn", "", "HTX Chè Bát Tiên Thanh Sơn", []string{"tho_gioi/4/1720/QĐ-UBND/2018-10-30"}},
	{"T6", "Thân Thị Thu", dHiepHoa, "Thái Sơn", "", "Công ty TNHH May Hiệp Hòa", []string{"tho_gioi/6/2106/QĐ-UBND/2013-12-20"}},
	{"T7", "Giáp Văn Hùng", dYenThe, "Đồng Tâm", "", "Công ty TNHH Chế biến gỗ Yên Thế", []string{"tho_gioi/12/1720/QĐ-UBND/2018-10-30"}},
	{"T8", "Nguyễn Văn Quyết", dVietYen, "Vân Hà", "", "HTX Rượu làng Vân", []string{"tho_gioi/8/1720/QĐ-UBND/2018-10-30"}},
	{"T9", "Phạm Thị Dung", dTPBacGiang, "Dĩnh Kế", "", "HTX Bánh đa Kế", []string{"tho_gioi/11/2106/QĐ-UBND/2013-12-20"}},
	{"T10", "Lê Văn Tài", dHiepHoa, "Thắng", "", "Cơ sở cơ khí Thắng", []string{"tho_gioi/9/1720/QĐ-UBND/2018-10-30"}},
}

var trainers = []struct {
	key, name, org, district, commune, login string
	crafts                                   []int
}{
	{"G1", "Nguyễn Văn Hải", centre, dTPBacGiang, "Trần Phú", "trainer", []int{cMay, cCoKhi}},
	{"G2", "Trần Thị Lan Anh", centre, dTPBacGiang, "Trần Phú", "", nil},
	{"G3", "Hoàng Văn Toàn", "Trung tâm GDNN-GDTX huyện Lục Ngạn", dLucNgan, "Chũ", "", []int{cMy, cVai, cMayTre, cGo, cMoc}},
	{"G4", "Vi Thị Hạnh", "Trung tâm GDNN-GDTX huyện Sơn Động", dSonDong, "An Châu", "", []int{cCheBatTien, cTraHoaVang, cMayTre, cDuocLieu, cGo}},
	{"G5", "Phạm Văn Tuấn", "Trung tâm GDNN-GDTX huyện Lục Nam", dLucNam, "Đồi Ngô", "", []int{cTraHoaVang, cGo, cVai, cMayTre}},
	{"G6", "Đỗ Thị Mai", "Trung tâm GDNN-GDTX huyện Hiệp Hòa", dHiepHoa, "Thắng", "", []int{cMay, cCoKhi}},
	{"G7", "Lê Văn Dũng", "Trung tâm GDNN-GDTX huyện Yên Thế", dYenThe, "Cầu Gồ", "", []int{cGo, cMoc, cMayTre}},
	{"G8", "Ngô Đức Thắng", "Trường Cao đẳng Kỹ thuật Công nghiệp", dVietYen, "Bích Động", "",
		[]int{cCoKhi, cMay, cMoc, cBun, cBanhDaNem, cRuou, cGom, cMayTre}},
}

// districtTrainer is who teaches training courses held in a district.
var districtTrainer = map[string]string{
	dLucNgan: "G3", dSonDong: "G4", dLucNam: "G5", dHiepHoa: "G6", dYenThe: "G7",
	dVietYen: "G8", dTanYen: "G8", dLangGiang: "G8", dYenDung: "G8", dTPBacGiang: "G8",
}

// buildInstructors adds the masters with their titles and the trainers.
func (b *builder) buildInstructors() {
	r := b.r
	for _, m := range masters {
		c := b.places.commune(m.district, m.commune)
		in := instructor{key: m.key, kind: "master", name: m.name, commune: c.code, phone: newPhone(r), login: m.login,
			org: b.ests[b.estByName(m.org)].name}
		for _, t := range m.titles {
			f := strings.Split(t, "/")
			craft, _ := strconv.Atoi(f[1])
			body := "Ủy ban nhân dân tỉnh Bắc Giang"
			if f[0] == "nghe_nhan_uu_tu" {
				body = "Chủ tịch nước Cộng hòa xã hội chủ nghĩa Việt Nam"
			}
			b.titles = append(b.titles, title{instr: len(b.instructors), title: f[0], craft: craft, body: body,
				decision: f[2] + "/" + f[3], dated: f[4]})
			if !slices.Contains(in.crafts, craft) {
				in.crafts = append(in.crafts, craft)
			}
		}
		b.instructors = append(b.instructors, in)
	}
	for _, t := range trainers {
		c := b.places.commune(t.district, t.commune)
		b.instructors = append(b.instructors, instructor{key: t.key, kind: "trainer", name: t.name, org: t.org,
			commune: c.code, phone: newPhone(r), login: t.login, crafts: t.crafts})
	}
	for i, in := range b.instructors {
		for _, l := range Logins {
			if l.Role == in.login {
				b.instructors[i].email = l.Email
			}
		}
	}
}

// instr returns the index of the instructor with key.
func (b *builder) instr(key string) int {
	for i, in := range b.instructors {
		if in.key == key {
			return i
		}
	}
	panic("demo: no instructor " + key)
}

// titledFor reports whether instructor i holds a master title for craft.
func (b *builder) titledFor(i, craft int) bool {
	for _, t := range b.titles {
		if t.instr == i && t.craft == craft {
			return true
		}
	}
	return false
}

// masterFor returns a titled master for craft, preferring one living in district, or -1.
func (b *builder) masterFor(craft int, district string) int {
	best := -1
	for i, in := range b.instructors {
		if in.kind != "master" || !b.titledFor(i, craft) {
			continue
		}
		if strings.HasPrefix(in.commune, district) {
			return i
		}
		if best < 0 {
			best = i
		}
	}
	return best
}

// buildVenues adds the centre's room, the district halls, commune cultural houses and three
// establishments' own workshops.
func (b *builder) buildVenues() {
	add := func(key, name, district, communeName string, seats, est int) {
		c := b.places.commune(district, communeName)
		addr := c.label() + ", thành phố Bắc Giang"
		if district != dTPBacGiang {
			addr = c.label() + ", huyện " + strings.TrimPrefix(districts[district].name, "Huyện ")
		}
		b.venues = append(b.venues, venue{key: key, name: name, address: addr, commune: c.code, seats: seats, est: est})
	}
	add("centre", "Phòng đào tạo – Trung tâm Khuyến công", dTPBacGiang, "Trần Phú", 60, -1)
	add("hall_lucngan", "Hội trường UBND huyện Lục Ngạn", dLucNgan, "Chũ", 60, -1)
	add("hall_sondong", "Hội trường UBND huyện Sơn Động", dSonDong, "An Châu", 50, -1)
	for _, v := range []struct {
		key, district, commune string
		seats                  int
	}{
		{"anlap", dSonDong, "An Lập", 40}, {"tuandao", dSonDong, "Tuấn Đạo", 35}, {"thanhson", dSonDong, "Thanh Sơn", 40},
		{"namduong", dLucNgan, "Nam Dương", 45}, {"phuongson", dLucNgan, "Phượng Sơn", 40}, {"tanson", dLucNgan, "Tân Sơn", 35},
		{"truongson", dLucNam, "Trường Sơn", 40}, {"lucson", dLucNam, "Lục Sơn", 35},
		{"xuanluong", dYenThe, "Xuân Lương", 40}, {"dongtam", dYenThe, "Đồng Tâm", 35},
		{"thaison", dHiepHoa, "Thái Sơn", 45}, {"vanha", dVietYen, "Vân Hà", 50}, {"tangtien", dVietYen, "Tăng Tiến", 40},
		{"langson", dYenDung, "Lãng Sơn", 40}, {"nhanam", dTanYen, "Nhã Nam", 40}, {"huongson", dLangGiang, "Hương Sơn", 35},
		{"dinhke", dTPBacGiang, "Dĩnh Kế", 40},
	} {
		c := b.places.commune(v.district, v.commune)
		add(v.key, "Nhà văn hóa "+c.label(), v.district, v.commune, v.seats, -1)
	}
	for _, w := range []struct {
		key, prefix, est string
		seats            int
	}{
		{"ws_mychu", "Xưởng sản xuất – ", "HTX Sản xuất và Kinh doanh mỳ Chũ Nam Dương", 35},
		{"ws_may", "Xưởng may – ", "Công ty TNHH May Hiệp Hòa", 60},
		{"ws_moc", "Xưởng mộc – ", "HTX Mộc Đông Thượng", 35},
	} {
		ei := b.estByName(w.est)
		e := b.ests[ei]
		c := b.communeByCode(e.commune)
		add(w.key, w.prefix+e.name, e.district, c.short, w.seats, ei)
	}
}

func (b *builder) venue(key string) int {
	for i, v := range b.venues {
		if v.key == key {
			return i
		}
	}
	panic("demo: no venue " + key)
}

func (b *builder) estByName(name string) int {
	for i, e := range b.ests {
		if e.name == name {
			return i
		}
	}
	panic("demo: no establishment " + name)
}

func (b *builder) communeByCode(code string) commune {
	for _, cs := range b.places.communes {
		for _, c := range cs {
			if c.code == code {
				return c
			}
		}
	}
	panic("demo: no commune " + code)
}

// venueDistrict is the district a venue is in.
func (b *builder) venueDistrict(v int) string { return b.venues[v].commune[:3] }

// day is a calendar date at midnight UTC; dates never carry a zone.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
