package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Languages the interface speaks; Vietnamese first.
const (
	LangVI = "vi"
	LangEN = "en"
)

const langCookie = "lang"

// messages holds every interface string by key, in Vietnamese and English.
var messages = map[string][2]string{
	"app.name":               {"Khuyến công Bắc Giang", "Bắc Giang Industrial Promotion"},
	"app.centre":             {"Trung tâm Khuyến công và Xúc tiến thương mại", "Industrial and Trade Promotion Centre"},
	"app.department":         {"Sở Công Thương tỉnh Bắc Giang", "Bắc Giang Department of Industry and Trade"},
	"app.tagline":            {"Đào tạo nghề, truyền nghề và nâng cao năng lực cho cơ sở công nghiệp nông thôn", "Vocational training, craft transmission and capacity building for rural industrial establishments"},
	"nav.home":               {"Trang chủ", "Home"},
	"nav.catalogue":          {"Khóa học", "Courses"},
	"nav.verify":             {"Tra cứu chứng chỉ", "Verify a certificate"},
	"nav.login":              {"Đăng nhập", "Log in"},
	"nav.api":                {"API", "API"},
	"nav.language":           {"English", "Tiếng Việt"},
	"home.lead":              {"Hệ thống quản lý các lớp đào tạo nghề, truyền nghề, nâng cao tay nghề và tập huấn nâng cao năng lực quản lý của Trung tâm.", "The centre's system for vocational training, craft transmission, skill upgrading and management workshops."},
	"home.reach":             {"Kết quả hỗ trợ 2012–2022", "Support 2012–2022"},
	"home.establishments":    {"cơ sở CNNT được hỗ trợ", "rural establishments supported"},
	"home.difficult":         {"cơ sở ở địa bàn khó khăn", "in difficult areas"},
	"home.funding":           {"kinh phí cho địa bàn khó khăn", "of funding went to difficult areas"},
	"home.courses":           {"khóa học đã tổ chức", "courses held"},
	"home.trainees":          {"học viên", "trainees"},
	"home.for_trainees":      {"Học viên", "Trainees"},
	"home.for_trainees_text": {"Mở đường link hoặc quét mã QR trên phiếu đăng ký để xem lịch học, điểm danh và chứng chỉ của mình — không cần tài khoản.", "Open the link or scan the QR code on your enrolment slip to see your schedule, attendance and certificates — no account needed."},
	"home.for_staff":         {"Cán bộ và giảng viên", "Staff and trainers"},
	"home.for_staff_text":    {"Đăng ký lớp, xếp lịch, ghi danh, điểm danh, nhập kết quả và cấp chứng chỉ.", "Register classes, schedule sessions, enrol trainees, take attendance, record results and issue certificates."},
	"home.for_public":        {"Người dùng chứng chỉ", "Employers and buyers"},
	"home.for_public_text":   {"Quét mã QR trên chứng chỉ để kiểm tra chứng chỉ là thật và còn hiệu lực.", "Scan the QR code on a certificate to check that it is genuine and valid."},
	"home.source":            {"Số liệu tính trực tiếp từ hồ sơ hỗ trợ trong hệ thống.", "Figures computed from the support records in the system."},
	"error.title":            {"Có lỗi xảy ra", "Something went wrong"},
	"error.400":              {"Yêu cầu không hợp lệ.", "The request is not valid."},
	"error.401":              {"Bạn cần đăng nhập để xem trang này.", "Please log in to see this page."},
	"error.403":              {"Bạn không có quyền thực hiện thao tác này.", "You may not do this."},
	"error.404":              {"Không tìm thấy trang bạn cần.", "The page was not found."},
	"error.405":              {"Phương thức không được hỗ trợ.", "Method not allowed."},
	"error.409":              {"Thao tác xung đột với dữ liệu hiện có.", "This conflicts with existing data."},
	"error.413":              {"Dữ liệu gửi lên quá lớn.", "The upload is too large."},
	"error.422":              {"Dữ liệu nhập chưa hợp lệ.", "Some fields are not valid."},
	"error.429":              {"Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.", "Too many requests. Please try again in a few minutes."},
	"error.500":              {"Hệ thống gặp sự cố. Chúng tôi đã ghi nhận và sẽ khắc phục.", "An internal error occurred. It has been logged."},
	"error.503":              {"Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau ít giây.", "The service is temporarily unavailable. Please try again shortly."},
	"error.back":             {"Về trang chủ", "Back to the home page"},
	"footer.note":            {"Phần mềm quản lý đào tạo khuyến công", "Industrial-promotion training management"},
}

// T returns the string for key in lang, falling back to Vietnamese, then to the key itself.
func T(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == LangEN && m[1] != "" {
		return m[1]
	}
	return m[0]
}

// Lang picks the interface language: the lang cookie, then Accept-Language, then Vietnamese.
func Lang(c *fiber.Ctx) string {
	switch c.Cookies(langCookie) {
	case LangEN:
		return LangEN
	case LangVI:
		return LangVI
	}
	for _, part := range strings.Split(c.Get(fiber.HeaderAcceptLanguage), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "vi"):
			return LangVI
		case strings.HasPrefix(tag, "en"):
			return LangEN
		}
	}
	return LangVI
}

// addMessages adds an area's strings; each area file calls it from init.
func addMessages(m map[string][2]string) {
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic("duplicate message key " + k)
		}
		messages[k] = v
	}
}

func init() {
	addMessages(map[string][2]string{
		"nav.app":                   {"Bảng điều khiển", "Dashboard"},
		"nav.trainees":              {"Học viên", "Trainees"},
		"nav.instructors":           {"Nghệ nhân, giảng viên", "Masters and trainers"},
		"nav.establishments":        {"Cơ sở CNNT", "Establishments"},
		"nav.venues":                {"Địa điểm", "Venues"},
		"nav.crafts":                {"Nghề", "Crafts"},
		"nav.users":                 {"Người dùng", "Users"},
		"nav.logout":                {"Đăng xuất", "Log out"},
		"auth.login":                {"Đăng nhập", "Log in"},
		"auth.email":                {"Thư điện tử", "E-mail"},
		"auth.password":             {"Mật khẩu", "Password"},
		"auth.confirm":              {"Nhập lại mật khẩu", "Repeat the password"},
		"auth.submit":               {"Đăng nhập", "Log in"},
		"auth.failed":               {"Thư điện tử hoặc mật khẩu không đúng, hoặc bạn đã thử quá nhiều lần. Vui lòng thử lại sau.", "Wrong e-mail or password, or too many attempts. Please try again later."},
		"auth.reset":                {"Đặt mật khẩu mới", "Set a new password"},
		"auth.reset_for":            {"Đặt mật khẩu cho tài khoản", "Set the password of"},
		"auth.reset_done":           {"Mật khẩu đã được đặt. Hãy đăng nhập.", "Your password is set. Please log in."},
		"auth.password_rules":       {"Ít nhất 10 ký tự; không dùng mật khẩu phổ biến.", "At least 10 characters; no common passwords."},
		"auth.save":                 {"Lưu", "Save"},
		"app.welcome":               {"Xin chào", "Welcome"},
		"app.role":                  {"Vai trò", "Role"},
		"role.admin":                {"Quản trị", "Administrator"},
		"role.staff":                {"Cán bộ Trung tâm", "Centre staff"},
		"role.trainer":              {"Giảng viên", "Trainer"},
		"role.master":               {"Nghệ nhân, thợ giỏi", "Craft master"},
		"users.title":               {"Người dùng", "Users"},
		"users.new":                 {"Thêm người dùng", "New user"},
		"users.link":                {"Đường link đặt mật khẩu", "Password link"},
		"users.link_text":           {"Gửi đường link dùng một lần này cho người dùng để họ tự đặt mật khẩu. Link hết hạn sau 72 giờ; quản trị viên không bao giờ biết mật khẩu.", "Give this one-time link to the user to set their own password. It expires in 72 hours; administrators never know the password."},
		"users.full_name":           {"Họ và tên", "Full name"},
		"users.status":              {"Trạng thái", "Status"},
		"users.active":              {"Đang hoạt động", "Active"},
		"users.disabled":            {"Đã khóa", "Disabled"},
		"users.disable":             {"Khóa tài khoản", "Disable"},
		"users.enable":              {"Mở khóa", "Enable"},
		"users.reset":               {"Tạo link đặt lại mật khẩu", "Make a password reset link"},
		"users.created":             {"Ngày tạo", "Created"},
		"list.search":               {"Tìm kiếm (không cần dấu)", "Search (accents optional)"},
		"list.search_button":        {"Tìm", "Search"},
		"list.empty":                {"Không có kết quả.", "Nothing found."},
		"list.total":                {"Tổng số", "Total"},
		"list.prev":                 {"Trang trước", "Previous"},
		"list.next":                 {"Trang sau", "Next"},
		"list.page":                 {"Trang", "Page"},
		"form.save":                 {"Lưu", "Save"},
		"form.cancel":               {"Hủy", "Cancel"},
		"form.edit":                 {"Sửa", "Edit"},
		"form.errors":               {"Vui lòng sửa các trường được đánh dấu.", "Please correct the marked fields."},
		"field.required":            {"Bắt buộc nhập.", "Required."},
		"field.too_long":            {"Quá dài.", "Too long."},
		"field.invalid_characters":  {"Có ký tự không hợp lệ (ký tự điều khiển, ẩn hoặc chữ không phải tiếng Việt).", "Contains characters that are not allowed (control, invisible or non-Latin characters)."},
		"field.invalid_email":       {"Địa chỉ thư điện tử không hợp lệ.", "Not a valid e-mail address."},
		"field.invalid_role":        {"Vai trò không hợp lệ.", "Not a valid role."},
		"field.invalid_sort":        {"Cách sắp xếp không hợp lệ.", "Not a valid sort order."},
		"field.duplicate":           {"Đã tồn tại.", "Already exists."},
		"field.password_too_short":  {"Mật khẩu phải có ít nhất 10 ký tự.", "The password needs at least 10 characters."},
		"field.password_common":     {"Mật khẩu này quá phổ biến, hãy chọn mật khẩu khác.", "This password is too common; choose another."},
		"field.password_like_email": {"Mật khẩu không được giống địa chỉ thư.", "The password must not be your e-mail."},
		"field.passwords_differ":    {"Hai mật khẩu không khớp.", "The passwords do not match."},
		"field.cannot_disable_self": {"Không thể tự khóa tài khoản của mình.", "You cannot disable your own account."},
	})
}
