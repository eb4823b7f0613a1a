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
