package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"khuyencong/models"
)

func TestCatalogueIsPublicAndShowsOnlyOpenClasses(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	open := calClass(t, staff, f, "craft_transmission", "Mây tre đan xuất khẩu")
	calSession(t, e, open, f.venue, f.master, calAt(2026, 3, 2, 7, 30), 4*time.Hour)
	staff.get("/courses/" + itoa(open))
	staff.post("/courses/"+itoa(open)+"/staff", map[string][]string{"instructor_id": {f.master}, "role": {"lead"}})
	calStatus(t, e, open, "submitted", "approved")
	running := calClass(t, staff, f, "vocational", "Mộc dân dụng")
	calStatus(t, e, running, "submitted", "approved", "running")
	if _, err := e.store.DB().Exec(`WITH c AS (INSERT INTO crafts (name) VALUES ('Mộc dân dụng') RETURNING id)
		UPDATE courses SET craft_id = (SELECT id FROM c) WHERE id = $1`, running); err != nil {
		t.Fatal(err)
	}
	hidden := map[string]int64{}
	for title, statuses := range map[string][]string{
		"Lớp nháp": nil, "Lớp chờ duyệt": {"submitted"}, "Lớp đã hủy": {"cancelled"},
		"Lớp đã kết thúc": {"submitted", "approved", "running", "completed"},
	} {
		hidden[title] = calClass(t, staff, f, "vocational", title)
		calStatus(t, e, hidden[title], statuses...)
	}
	// A trainee with a phone number and a national ID, enrolled in the open class.
	db := e.store.DB()
	var tid int64
	if err := db.Get(&tid, `INSERT INTO trainees (family_name, middle_name, given_name, gender, phone, id_kind, id_number)
		VALUES ('Hoàng', 'Thị', 'Quyên', 'female', '0912345678', 'cccd', '024190001234') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO enrolments (course_id, trainee_id, status, confirmed_at) VALUES ($1, $2, 'confirmed', now())`, open, tid); err != nil {
		t.Fatal(err)
	}

	anon := e.client()
	r := anon.get("/catalogue")
	if r.Status != 200 || !strings.Contains(r.Body, "Mây tre đan xuất khẩu") || !strings.Contains(r.Body, "Mộc dân dụng") {
		t.Fatalf("catalogue: %d %s", r.Status, r.Body)
	}
	for title := range hidden {
		if strings.Contains(r.Body, title) {
			t.Errorf("the catalogue shows %q", title)
		}
	}
	page := anon.get("/catalogue/" + itoa(open))
	if page.Status != 200 {
		t.Fatalf("the open class: %d", page.Status)
	}
	for _, want := range []string{"Mây tre đan xuất khẩu", "Nhà văn hóa xã Tăng Tiến", "Nguyễn Văn Mây", "Nghệ nhân Ưu tú", "29/30",
		"Liên hệ Trung tâm Khuyến công", "02/03/2026", "07:30–11:30"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the class page lacks %q", want)
		}
	}
	api := anon.api(http.MethodGet, "/api/v1/catalogue/"+itoa(open), nil)
	list := anon.api(http.MethodGet, "/api/v1/catalogue", nil)
	for name, body := range map[string]string{"list": r.Body, "page": page.Body, "API": api.Body, "API list": list.Body} {
		for _, secret := range []string{"Quyên", "0912345678", "024190001234", "Không đủ học viên"} {
			if strings.Contains(body, secret) {
				t.Errorf("the %s shows %q", name, secret)
			}
		}
	}
	var one struct {
		Title     string `json:"title"`
		SeatsLeft int    `json:"seats_left"`
		Sessions  []any  `json:"sessions"`
	}
	api.json(t, &one)
	if api.Status != 200 || one.SeatsLeft != 29 || len(one.Sessions) != 1 {
		t.Errorf("API class: %d %+v", api.Status, one)
	}
	for title, id := range hidden {
		if r := anon.get("/catalogue/" + itoa(id)); r.Status != 404 {
			t.Errorf("%s: %d, want 404", title, r.Status)
		}
		if r := anon.api(http.MethodGet, "/api/v1/catalogue/"+itoa(id), nil); r.Status != 404 {
			t.Errorf("%s by API: %d, want 404", title, r.Status)
		}
	}
	if r := anon.get("/catalogue/abc"); r.Status != 404 {
		t.Errorf("a bad id: %d", r.Status)
	}

	// Search without diacritics, and the kind filter.
	if r := anon.get("/catalogue?q=may+tre"); !strings.Contains(r.Body, "Mây tre đan xuất khẩu") || strings.Contains(r.Body, "Mộc dân dụng") {
		t.Error(`"may tre" does not find just "Mây tre đan"`)
	}
	if r := anon.get("/catalogue?kind=vocational"); strings.Contains(r.Body, "Mây tre đan xuất khẩu") || !strings.Contains(r.Body, "Mộc dân dụng") {
		t.Error("the kind filter does not narrow")
	}
	var page1 struct{ Total int }
	anon.api(http.MethodGet, "/api/v1/catalogue?q=MAY%20TRE", nil).json(t, &page1)
	if page1.Total != 1 {
		t.Errorf("API search: %d classes", page1.Total)
	}
	if r := anon.get("/catalogue?kind=party"); r.Status != 422 {
		t.Errorf("an unknown kind: %d", r.Status)
	}
	// Everyone finds it: the home page and the nav link to it.
	home := anon.get("/")
	if !strings.Contains(home.Body, `href="/catalogue"`) || !strings.Contains(home.Body, "Khóa học đang mở") {
		t.Error("the home page has no link to the catalogue")
	}
	if !strings.Contains(staff.get("/app").Body, `href="/catalogue"`) {
		t.Error("the nav of a logged-in user has no link to the catalogue")
	}
}

// The public class page writes its session list in Go (handlers.publicSessionList): every text is
// escaped there, a cancelled session is struck through and marked, and a live one is not.
func TestPublicClassPageSessionList(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	open := calClass(t, staff, f, "vocational", "Đan lát cơ bản")
	live := calSession(t, e, open, f.venue, f.master, calAt(2026, 3, 2, 7, 30), 4*time.Hour)
	gone := calSession(t, e, open, f.venue, f.master, calAt(2026, 3, 4, 13, 30), 4*time.Hour)
	calStatus(t, e, open, "submitted", "approved")
	db := e.store.DB()
	if _, err := db.Exec(`UPDATE course_sessions SET topic = $2 WHERE id = $1`, live, `<b onclick="x">Đan & "lát"</b>`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE course_sessions SET status = 'cancelled', cancel_reason = 'Mưa bão' WHERE id = $1`, gone); err != nil {
		t.Fatal(err)
	}
	page := e.client().get("/catalogue/" + itoa(open))
	if page.Status != 200 {
		t.Fatalf("status %d", page.Status)
	}
	if strings.Contains(page.Body, `<b onclick`) || !strings.Contains(page.Body, `&lt;b onclick=&#34;x&#34;&gt;Đan &amp; &#34;lát&#34;&lt;/b&gt;`) {
		t.Errorf("the topic is not escaped:\n%s", page.Body)
	}
	for _, want := range []string{
		`<li><strong>T2 02/03/2026</strong> 07:30–11:30<br>`,
		`<li class="cancelled"><s><strong>T4 04/03/2026</strong> 13:30–17:30</s> <span class="badge bad">`,
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the page lacks %s\n%s", want, page.Body)
		}
	}
}
