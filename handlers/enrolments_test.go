package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khuyencong/models"
)

// approvedClass registers and approves a class of the given seats with one session, as staff.
func approvedClass(t *testing.T, e *env, staff *client, f fixtures, seats string) (path, id string) {
	t.Helper()
	path = registerClass(t, staff, f, "vocational", "Đan lát mây tre")
	id = strings.TrimPrefix(path, "/courses/")
	staff.get(path)
	if r := staff.post(path+"/sessions", valuesOf("date", "02/03/2026", "start_time", "07:30", "end_time", "11:30", "venue_id", f.venue, "instructor_id", f.master)); r.Status != 303 {
		t.Fatalf("session: %d", r.Status)
	}
	for _, a := range []string{"submit", "approve"} {
		if r := staff.post(path+"/transition", valuesOf("action", a)); r.Status != 303 {
			t.Fatalf("%s: %d %s", a, r.Status, r.Body)
		}
	}
	staff.get(path + "/trainees")
	if r := staff.post(path+"/capacity", valuesOf("capacity", seats)); r.Status != 303 {
		t.Fatalf("capacity: %d", r.Status)
	}
	return path, id
}

func (e *env) traineeIDs(n int, prefix string) []int64 {
	e.t.Helper()
	var ids []int64
	if err := e.store.DB().Select(&ids, `INSERT INTO trainees (family_name, middle_name, given_name, gender)
		SELECT 'Nguyễn', 'Thị', $2 || ' ' || g, 'female' FROM generate_series(1, $1) g RETURNING id`, n, prefix); err != nil {
		e.t.Fatal(err)
	}
	return ids
}

func TestEnrolWaitlistWithdrawByAPI(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	path, id := approvedClass(t, e, staff, f, "30")
	ids := e.traineeIDs(32, "Học viên")
	api := staff.withHeader("X-CSRF-Token", staff.csrf)
	var last models.Enrolment
	var firstID int64
	for i, tid := range ids[:31] {
		r := api.api(http.MethodPost, "/api/v1/courses/"+id+"/enrolments", map[string]any{"trainee_id": tid})
		if r.Status != 201 {
			t.Fatalf("enrol %d: %d %s", i, r.Status, r.Body)
		}
		r.json(t, &last)
		if i == 0 {
			firstID = last.ID
		}
	}
	if last.Status != "waitlisted" || last.WaitlistPosition == nil || *last.WaitlistPosition != 1 {
		t.Fatalf("the 31st: %+v", last)
	}
	if r := api.api(http.MethodPost, "/api/v1/enrolments/"+itoa(firstID)+"/withdraw", map[string]any{"reason": "illness"}); r.Status != 200 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	var got models.Enrolment
	e.store.DB().Get(&got.Status, `SELECT status FROM enrolments WHERE id = $1`, last.ID)
	if got.Status != "confirmed" {
		t.Fatalf("the 31st after a withdrawal: %s", got.Status)
	}
	r := api.api(http.MethodPost, "/api/v1/courses/"+id+"/enrolments", map[string]any{"trainee_id": ids[31]})
	r.json(t, &got)
	if r.Status != 201 || got.Status != "waitlisted" || *got.WaitlistPosition != 1 {
		t.Fatalf("a newcomer after the withdrawal: %d %+v", r.Status, got)
	}
	if r := api.api(http.MethodPost, "/api/v1/enrolments/"+itoa(firstID)+"/withdraw", map[string]any{"reason": "nope"}); r.Status != 422 || !strings.Contains(r.Body, `"reason"`) {
		t.Fatalf("a bad reason: %d %s", r.Status, r.Body)
	}
	// The HTML list shows the queue.
	page := staff.get(path + "/trainees")
	if page.Status != 200 || !strings.Contains(page.Body, "Danh sách chờ #1") || !strings.Contains(page.Body, "30/30") {
		t.Fatalf("trainees page: %d", page.Status)
	}
}

func TestEnrolByFormWithSearchAndOverlapWarning(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	path, _ := approvedClass(t, e, staff, f, "30")
	var tid int64
	e.store.DB().Get(&tid, `INSERT INTO trainees (family_name, middle_name, given_name, gender, birth_date) VALUES ('Nguyễn', 'Thị Ngọc', 'Ánh', 'female', '1992-05-04') RETURNING id`)
	r := staff.get(path + "/trainees?q=" + url.QueryEscape("nguyen ngoc anh"))
	if !strings.Contains(r.Body, "Nguyễn Thị Ngọc Ánh") || !strings.Contains(r.Body, "(1992)") {
		t.Fatalf("search without diacritics: %d", r.Status)
	}
	if strings.Contains(r.Body, "04/05/1992") {
		t.Fatal("the full birth date is shown in the search results")
	}
	if r := staff.post(path+"/enrolments", valuesOf("trainee_id", itoa(tid))); r.Status != 201 || !strings.Contains(r.Body, "Đã ghi danh Nguyễn Thị Ngọc Ánh") {
		t.Fatalf("enrol: %d", r.Status)
	}
	if r := staff.post(path+"/enrolments", valuesOf("trainee_id", itoa(tid))); r.Status != 422 || !strings.Contains(r.Body, "đã có trong lớp") {
		t.Fatalf("enrol twice: %d", r.Status)
	}
	// A second class at the same time warns before enrolling.
	f2 := f
	f2.venue = f.venue2
	other := registerClass(t, staff, f2, "vocational", "Lớp trùng giờ")
	staff.get(other)
	staff.post(other+"/sessions", valuesOf("date", "02/03/2026", "start_time", "09:00", "end_time", "10:00", "venue_id", f.venue2, "instructor_id", f.trainer))
	staff.post(other+"/transition", valuesOf("action", "submit"))
	staff.post(other+"/transition", valuesOf("action", "approve"))
	staff.get(other + "/trainees")
	r = staff.post(other+"/enrolments", valuesOf("trainee_id", itoa(tid)))
	if r.Status != 409 || !strings.Contains(r.Body, "trùng giờ") || !strings.Contains(r.Body, "02/03/2026 07:30") {
		t.Fatalf("overlap warning: %d", r.Status)
	}
	if r := staff.post(other+"/enrolments", valuesOf("trainee_id", itoa(tid), "allow_overlap", "1")); r.Status != 201 {
		t.Fatalf("enrol anyway: %d", r.Status)
	}
}

func TestAttendanceAndResultsPages(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	staff, _ := e.as(models.RoleStaff)
	path, id := approvedClass(t, e, staff, f, "30")
	ids := e.traineeIDs(2, "Điểm Danh")
	for _, tid := range ids {
		staff.post(path+"/enrolments", valuesOf("trainee_id", itoa(tid)))
	}
	// Hours count from the enrolment date: date the enrolments before the session.
	e.store.DB().MustExec(`UPDATE enrolments SET enrolled_at = '2026-02-01' WHERE course_id = $1`, id)
	var sid, eid string
	e.store.DB().Get(&sid, `SELECT id::text FROM course_sessions WHERE course_id = $1`, id)
	e.store.DB().Get(&eid, `SELECT id::text FROM enrolments WHERE course_id = $1 ORDER BY id LIMIT 1`, id)
	// The session (2 March 2026) is long past: staff may still mark, and it is audited.
	sheet := staff.get(path + "/sessions/" + sid + "/attendance")
	if sheet.Status != 200 || !strings.Contains(sheet.Body, "Điểm Danh 1") || !strings.Contains(sheet.Body, "Có mặt") {
		t.Fatalf("sheet: %d", sheet.Status)
	}
	if r := staff.post(path+"/sessions/"+sid+"/attendance", valuesOf("enrolment_id", eid, "status", "present", "expected", "")); r.Status != 303 {
		t.Fatalf("mark: %d %s", r.Status, r.Body)
	}
	if r := staff.post(path+"/sessions/"+sid+"/attendance", valuesOf("enrolment_id", eid, "status", "absent", "expected", "")); r.Status != 422 || !strings.Contains(r.Body, "vừa được người khác sửa") {
		t.Fatalf("a stale cell: %d", r.Status)
	}
	staff.get(path + "/results")
	if r := staff.post(path+"/enrolments/"+eid+"/result", valuesOf("score", "8,5", "passed", "1")); r.Status != 303 {
		t.Fatalf("result: %d %s", r.Status, r.Body)
	}
	res := staff.get(path + "/results")
	if !strings.Contains(res.Body, "8,5") || !strings.Contains(res.Body, "100,0%") || !strings.Contains(res.Body, `data-eligible="true"`) {
		t.Fatalf("results page: %s", res.Body)
	}
	if r := staff.post(path+"/enrolments/"+eid+"/result", valuesOf("score", "11", "passed", "1")); r.Status != 422 || !strings.Contains(r.Body, "Điểm từ 0 đến 10") {
		t.Fatalf("score 11: %d", r.Status)
	}
	// A trainer who neither owns the class nor teaches the session gets 404.
	other, _ := e.as(models.RoleTrainer)
	if r := other.get(path + "/sessions/" + sid + "/attendance"); r.Status != 404 {
		t.Fatalf("another trainer's attendance sheet: %d", r.Status)
	}
}
