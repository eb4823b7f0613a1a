package demo

import (
	"fmt"
	"strings"
)

// District codes (official GSO codes of Bắc Giang's district-level units, 2012–2024).
const (
	dTPBacGiang = "213"
	dYenThe     = "215"
	dTanYen     = "216"
	dLangGiang  = "217"
	dLucNam     = "218"
	dLucNgan    = "219"
	dSonDong    = "220"
	dYenDung    = "221"
	dVietYen    = "222"
	dHiepHoa    = "223"
)

// districtOrder is the order districts are generated in; changing it changes the whole data set.
var districtOrder = []string{dSonDong, dLucNam, dLucNgan, dYenThe, dHiepHoa, dVietYen, dTanYen, dLangGiang, dYenDung, dTPBacGiang}

// district is a district-level unit with its communes. Communes are written "type:name" where type is
// tt (thị trấn), p (phường) or x (xã); a trailing "*" marks an especially difficult commune.
type district struct {
	code, name, unitType string
	validTo              string // "" while the unit exists
	difficult            bool   // in the article's five difficult districts
	communes             []string
}

var districts = map[string]district{
	dTPBacGiang: {dTPBacGiang, "Thành phố Bắc Giang", "thanh_pho", "", false, []string{
		"p:Trần Phú", "p:Ngô Quyền", "p:Hoàng Văn Thụ", "p:Lê Lợi", "p:Mỹ Độ", "p:Thọ Xương", "p:Xương Giang",
		"p:Dĩnh Kế", "p:Đa Mai", "x:Song Mai", "x:Tân Mỹ", "x:Song Khê", "x:Đồng Sơn", "x:Dĩnh Trì"}},
	dYenThe: {dYenThe, "Huyện Yên Thế", "huyen", "", true, []string{
		"tt:Cầu Gồ", "tt:Bố Hạ", "x:Xuân Lương*", "x:Đồng Vương*", "x:Đồng Tiến*", "x:Canh Nậu*", "x:Tam Tiến",
		"x:Đồng Hưu", "x:Đông Sơn", "x:Tiến Thắng", "x:Tân Hiệp", "x:Tam Hiệp", "x:An Thượng", "x:Hương Vĩ",
		"x:Hồng Kỳ", "x:Đồng Kỳ", "x:Tân Sỏi", "x:Đồng Lạc", "x:Đồng Tâm", "x:Phồn Xương"}},
	dTanYen: {dTanYen, "Huyện Tân Yên", "huyen", "", false, []string{
		"tt:Cao Thượng", "tt:Nhã Nam", "x:Lan Giới", "x:Ngọc Thiện", "x:Liên Chung", "x:Việt Lập", "x:Quang Tiến",
		"x:Phúc Hòa", "x:Song Vân", "x:Ngọc Vân", "x:Hợp Đức", "x:Cao Xá", "x:Đại Hóa", "x:Lam Cốt"}},
	dLangGiang: {dLangGiang, "Huyện Lạng Giang", "huyen", "", false, []string{
		"tt:Vôi", "tt:Kép", "x:Yên Mỹ", "x:Xuân Hương", "x:Tân Thanh", "x:Nghĩa Hưng", "x:Mỹ Hà", "x:Hương Sơn",
		"x:Dương Đức", "x:Đại Lâm", "x:Tân Dĩnh", "x:Quang Thịnh", "x:Đào Mỹ", "x:Tiên Lục"}},
	dLucNam: {dLucNam, "Huyện Lục Nam", "huyen", "", true, []string{
		"tt:Đồi Ngô", "x:Lục Sơn*", "x:Trường Sơn*", "x:Bình Sơn*", "x:Vô Tranh*", "x:Cẩm Lý", "x:Nghĩa Phương",
		"x:Trường Giang", "x:Cương Sơn", "x:Huyền Sơn", "x:Đông Hưng", "x:Đông Phú", "x:Tam Dị", "x:Tiên Nha",
		"x:Bảo Đài", "x:Bảo Sơn"}},
	dLucNgan: {dLucNgan, "Huyện Lục Ngạn", "huyen", "", true, []string{
		"tt:Chũ", "x:Nam Dương", "x:Sa Lý*", "x:Phong Minh*", "x:Cấm Sơn*", "x:Sơn Hải*", "x:Hộ Đáp*",
		"x:Phong Vân*", "x:Tân Sơn*", "x:Kim Sơn*", "x:Phú Nhuận*", "x:Đèo Gia*", "x:Tân Lập*", "x:Tân Mộc*",
		"x:Mỹ An", "x:Biển Động", "x:Tân Hoa", "x:Đồng Cốc", "x:Phì Điền", "x:Giáp Sơn", "x:Tân Quang",
		"x:Biên Sơn", "x:Kiên Thành", "x:Kiên Lao", "x:Thanh Hải", "x:Phượng Sơn", "x:Hồng Giang", "x:Quý Sơn",
		"x:Trù Hựu", "x:Nghĩa Hồ"}},
	dSonDong: {dSonDong, "Huyện Sơn Động", "huyen", "", true, []string{
		"tt:An Châu", "tt:Thanh Sơn", "x:Thạch Sơn*", "x:Phúc Thắng*", "x:Quế Sơn*", "x:Tuấn Đạo*", "x:Bồng Am*",
		"x:Thanh Luận*", "x:Long Sơn*", "x:Dương Hưu*", "x:An Lạc*", "x:Hữu Sản*", "x:Vân Sơn*", "x:Giáo Liêm*",
		"x:Lệ Viễn*", "x:Vĩnh Khương*", "x:Chiên Sơn*", "x:Cẩm Đàn*", "x:Yên Định*", "x:An Lập*", "x:An Bá*"}},
	dYenDung: {dYenDung, "Huyện Yên Dũng", "huyen", "2025-01-01", false, []string{
		"tt:Neo", "tt:Tân An", "x:Lãng Sơn", "x:Tiến Dũng", "x:Đồng Phúc", "x:Tư Mại", "x:Trí Yên", "x:Nham Sơn",
		"x:Quỳnh Sơn", "x:Cảnh Thụy", "x:Đức Giang", "x:Lão Hộ"}},
	dVietYen: {dVietYen, "Huyện Việt Yên", "huyen", "", false, []string{
		"tt:Bích Động", "tt:Nếnh", "x:Vân Hà", "x:Tăng Tiến", "x:Hồng Thái", "x:Quảng Minh", "x:Ninh Sơn",
		"x:Vân Trung", "x:Quang Châu", "x:Tự Lạn"}},
	dHiepHoa: {dHiepHoa, "Huyện Hiệp Hòa", "huyen", "", true, []string{
		"tt:Thắng", "x:Thanh Vân", "x:Thái Sơn", "x:Ngọc Sơn", "x:Lương Phong", "x:Hoàng Vân", "x:Hoàng Thanh",
		"x:Hoàng An", "x:Hòa Sơn", "x:Đồng Tân", "x:Danh Thắng", "x:Hùng Sơn", "x:Đức Thắng", "x:Mai Đình",
		"x:Đoan Bái", "x:Bắc Lý"}},
}

// unit is one row of admin_units.
type unit struct {
	code, level, unitType, name, parent, validTo string
}

// commune is a commune-level unit as the generator sees it.
type commune struct {
	code, short, unitType, district string
	especially                      bool
}

// label is how a commune is named inside a sentence: "xã An Lập", "thị trấn Chũ", "phường Dĩnh Kế".
func (c commune) label() string {
	switch c.unitType {
	case "thi_tran":
		return "thị trấn " + c.short
	case "phuong":
		return "phường " + c.short
	}
	return "xã " + c.short
}

// classification is one row of area_classifications.
type classification struct {
	unit, class, valid, basis string
}

// places indexes the communes by district and by "district/short name".
type places struct {
	units      []unit
	communes   map[string][]commune // district code → communes in list order
	byName     map[string]commune   // "219/Nam Dương" → commune
	classes    []classification
	difficultD []string
}

// buildPlaces returns the province, its districts and communes, and the difficult-area classes.
// The commune codes are demo codes (district code × 100 + n): the real 5-digit GSO codes were not at hand.
func buildPlaces() (*places, error) {
	p := &places{communes: map[string][]commune{}, byName: map[string]commune{}}
	p.units = append(p.units, unit{code: "24", level: "province", unitType: "tinh", name: "Tỉnh Bắc Giang"})
	for _, dc := range []string{dTPBacGiang, dYenThe, dTanYen, dLangGiang, dLucNam, dLucNgan, dSonDong, dYenDung, dVietYen, dHiepHoa} {
		d := districts[dc]
		p.units = append(p.units, unit{code: d.code, level: "district", unitType: d.unitType, name: d.name, parent: "24", validTo: d.validTo})
		if d.difficult {
			p.difficultD = append(p.difficultD, d.code)
		}
		for i, spec := range d.communes {
			kind, name, ok := strings.Cut(spec, ":")
			if !ok {
				return nil, fmt.Errorf("commune spec %q", spec)
			}
			c := commune{code: fmt.Sprintf("%s%02d", d.code, i+1), district: d.code}
			c.short, c.especially = strings.CutSuffix(name, "*")
			full := "Xã " + c.short
			switch kind {
			case "tt":
				c.unitType, full = "thi_tran", "Thị trấn "+c.short
			case "p":
				c.unitType, full = "phuong", "Phường "+c.short
			default:
				c.unitType = "xa"
			}
			p.units = append(p.units, unit{code: c.code, level: "commune", unitType: c.unitType, name: full, parent: d.code})
			p.communes[d.code] = append(p.communes[d.code], c)
			p.byName[d.code+"/"+c.short] = c
			if d.difficult {
				p.classes = append(p.classes, classify(c)...)
			}
		}
	}
	// One commune of a district outside the five, classified only from 2023: a report for 2023–2025
	// counts support there as difficult, the 2012–2022 report does not. Dates matter, names do not.
	hs := p.byName[dLangGiang+"/Hương Sơn"]
	p.classes = append(p.classes, classification{hs.code, "difficult", "[2023-01-01,2026-01-01)",
		"QĐ 861/QĐ-TTg (bổ sung, ví dụ demo)"})
	return p, nil
}

// classify gives a commune of a difficult district its classes: QĐ 582 for 2012–2020 and QĐ 861 for
// 2021–2025, without overlap. Especially difficult communes outside Sơn Động (the NQ 30a highland
// district) are only "difficult" in the second period.
func classify(c commune) []classification {
	first, second := "difficult", "difficult"
	if c.especially {
		first = "especially_difficult"
		if c.district == dSonDong {
			second = "especially_difficult"
		}
	}
	return []classification{
		{c.code, first, "[2012-01-01,2021-01-01)", "QĐ 582/QĐ-TTg"},
		{c.code, second, "[2021-01-01,2026-01-01)", "QĐ 861/QĐ-TTg"},
	}
}

// commune returns the commune of a district by short name; the name must exist.
func (p *places) commune(district, short string) commune {
	c, ok := p.byName[district+"/"+short]
	if !ok {
		panic("demo: no commune " + short + " in district " + district)
	}
	return c
}
