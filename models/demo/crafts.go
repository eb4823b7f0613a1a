package demo

// Crafts, by index into crafts.
const (
	cMayTre = iota
	cMy
	cVai
	cTraHoaVang
	cCheBatTien
	cMoc
	cMay
	cBanhDaNem
	cRuou
	cCoKhi
	cGom
	cBun
	cGo
	cDuocLieu
)

// craft is one craft with the words the generator needs around it.
type craft struct {
	name     string   // crafts.name
	phrase   string   // "Đào tạo nghề <phrase>", "Truyền nghề <phrase>"
	stem     string   // in establishment names: "Cơ sở <stem> …", "HTX <stem> …"
	products []string // establishments.products
	machine  string   // what a KC3 demonstration model funds
	female   float64  // share of women among trainees
}

var crafts = []craft{
	cMayTre: {"Mây tre đan", "mây tre đan", "mây tre đan",
		[]string{"Rổ, rá, giỏ mây tre đan", "Hàng mây tre đan xuất khẩu", "Bàn ghế, đồ trang trí mây tre"},
		"máy chẻ nan, vót nan tre", 0.75},
	cMy: {"Mỳ gạo", "chế biến mỳ gạo", "mỳ gạo",
		[]string{"Mỳ gạo sấy khô", "Mỳ gạo, bánh đa"}, "dây chuyền tráng, sấy mỳ gạo", 0.6},
	cVai: {"Chế biến vải thiều", "sơ chế, chế biến vải thiều", "sấy vải thiều",
		[]string{"Vải thiều sấy khô", "Long vải sấy", "Vải thiều sấy, vải đóng hộp"}, "lò sấy vải thiều", 0.6},
	cTraHoaVang: {"Trà hoa vàng", "sơ chế, chế biến trà hoa vàng", "trà hoa vàng",
		[]string{"Trà hoa vàng sấy khô", "Trà hoa vàng túi lọc"}, "máy sấy, sao trà hoa vàng", 0.6},
	cCheBatTien: {"Chè Bát Tiên", "chế biến chè Bát Tiên", "chè Bát Tiên",
		[]string{"Chè Bát Tiên búp khô", "Chè xanh Bát Tiên"}, "máy sao, vò chè", 0.65},
	cMoc: {"Mộc dân dụng", "mộc dân dụng", "đồ mộc",
		[]string{"Giường, tủ, bàn ghế gỗ", "Đồ gỗ mỹ nghệ", "Cửa gỗ, đồ gỗ nội thất"}, "máy cưa, bào, soi liên hợp", 0.12},
	cMay: {"May công nghiệp", "may công nghiệp", "may mặc",
		[]string{"Quần áo may sẵn", "Hàng may gia công xuất khẩu", "Đồng phục, bảo hộ lao động"},
		"máy may công nghiệp, máy vắt sổ", 0.8},
	cBanhDaNem: {"Bánh đa nem", "làm bánh đa nem", "bánh đa nem",
		[]string{"Bánh đa nem Thổ Hà", "Bánh đa nem, bánh đa cuốn"}, "máy tráng bánh đa nem", 0.7},
	cRuou: {"Nấu rượu truyền thống", "nấu rượu truyền thống", "rượu",
		[]string{"Rượu làng Vân", "Rượu gạo men lá"}, "hệ thống chưng cất, lọc rượu", 0.45},
	cCoKhi: {"Cơ khí sửa chữa", "cơ khí sửa chữa máy nông nghiệp", "cơ khí",
		[]string{"Sửa chữa máy nông nghiệp", "Cửa sắt, khung nhà thép", "Máy tuốt lúa, máy nghiền"},
		"máy tiện, máy hàn, máy khoan", 0.08},
	cGom: {"Gốm", "gốm", "gốm",
		[]string{"Gốm Thổ Hà", "Chum, vại, đồ gốm gia dụng"}, "lò nung gốm", 0.4},
	cBun: {"Bún, bánh đa", "làm bún, bánh đa", "bún bánh đa",
		[]string{"Bánh đa Kế", "Bún Đa Mai", "Mỳ Kế, bánh đa"}, "máy ép bún, máy tráng bánh đa", 0.65},
	cGo: {"Chế biến gỗ rừng trồng", "chế biến gỗ rừng trồng", "chế biến gỗ",
		[]string{"Ván bóc, gỗ ép", "Gỗ xẻ, pallet", "Ván ghép thanh"}, "dây chuyền bóc, sấy ván gỗ", 0.2},
	cDuocLieu: {"Chế biến dược liệu", "sơ chế, chế biến dược liệu", "dược liệu",
		[]string{"Dược liệu sấy khô", "Cao, trà thảo dược"}, "máy thái, sấy dược liệu", 0.6},
}

// districtCrafts weighs the crafts of each district (domain notes §4.4).
var districtCrafts = map[string][]weighted[int]{
	dSonDong:    {{cCheBatTien, 4}, {cTraHoaVang, 3}, {cMayTre, 3}, {cDuocLieu, 3}, {cGo, 3}, {cCoKhi, 2}, {cMoc, 1}},
	dLucNam:     {{cTraHoaVang, 4}, {cGo, 3}, {cMayTre, 2}, {cVai, 2}, {cMy, 1}, {cCoKhi, 2}, {cMoc, 2}},
	dLucNgan:    {{cMy, 5}, {cVai, 5}, {cGo, 3}, {cCoKhi, 2}, {cMoc, 2}, {cMayTre, 1}},
	dYenThe:     {{cGo, 5}, {cMoc, 3}, {cMayTre, 2}, {cCoKhi, 2}, {cDuocLieu, 1}, {cBun, 1}},
	dHiepHoa:    {{cMay, 5}, {cCoKhi, 4}, {cMoc, 2}, {cMayTre, 1}, {cBun, 1}},
	dVietYen:    {{cRuou, 3}, {cBanhDaNem, 3}, {cMayTre, 3}, {cGom, 1}, {cCoKhi, 2}, {cMay, 2}},
	dTanYen:     {{cMay, 3}, {cCoKhi, 3}, {cMoc, 2}, {cBun, 2}, {cGo, 2}, {cMayTre, 1}},
	dLangGiang:  {{cCoKhi, 4}, {cMay, 3}, {cMoc, 2}, {cBun, 2}, {cGo, 2}},
	dYenDung:    {{cMoc, 5}, {cCoKhi, 2}, {cMay, 2}, {cBun, 2}, {cGom, 1}},
	dTPBacGiang: {{cBun, 4}, {cMy, 2}, {cCoKhi, 3}, {cMay, 2}, {cMoc, 2}},
}

// Words for enterprise names: "Công ty TNHH <stem> <brand>".
var brands = []string{
	"Hưng Thịnh", "Phú Gia", "Thành Đạt", "An Phát", "Minh Khang", "Hoàng Long", "Đại Phát", "Tân Tiến",
	"Phúc Lộc", "Thịnh Vượng", "Trường Thành", "Việt Hưng", "Quang Minh", "Hải Đăng", "Bảo Ngọc", "Đức Tài",
	"Kim Ngân", "Hòa Bình", "Nam Việt", "Thiên An", "Hồng Phát", "Vạn Xuân", "Sao Mai", "Đông Á",
}
