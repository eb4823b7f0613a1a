package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"khuyencong/internal/testdb"
	"khuyencong/models"
)

var ctx = context.Background()

// courseWorld has a store with a staff user, a trainer user, two venues, a master titled for "Mây tre đan",
// an untitled master and a trainer instructor linked to the trainer user.
type courseWorld struct {
	s                         *models.Store
	db                        *sqlx.DB
	staff, trainerUser        models.User
	craft, otherCraft         int64
	venue, venue2             int64
	master, untitled, trainer int64
}

func newCourseWorld(t *testing.T) *courseWorld {
	t.Helper()
	return newCourseWorldOn(t, testdb.New(t))
}

func newCourseWorldOn(t *testing.T, db *sqlx.DB) *courseWorld {
	t.Helper()
	w := &courseWorld{s: models.NewStore(db), db: db}
	mk := func(role string) models.User {
		u, err := w.s.CreateUser(ctx, models.SystemActor("test"), models.NewUser{Email: role + "@example.vn", FullName: "Người " + role, Role: role, Password: "mat-khau-dai-2026"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.staff, w.trainerUser = mk("staff"), mk("trainer")
	w.craft = mustID(t, db, `INSERT INTO crafts (name) VALUES ('Mây tre đan') RETURNING id`)
	w.otherCraft = mustID(t, db, `INSERT INTO crafts (name) VALUES ('Mộc dân dụng') RETURNING id`)
	w.venue = mustID(t, db, `INSERT INTO venues (name, seats) VALUES ('Nhà văn hóa xã Tăng Tiến', 40) RETURNING id`)
	w.venue2 = mustID(t, db, `INSERT INTO venues (name, seats) VALUES ('Phòng đào tạo Trung tâm', 30) RETURNING id`)
	w.master = mustID(t, db, `INSERT INTO instructors (kind, full_name) VALUES ('master', 'Nguyễn Văn Mây') RETURNING id`)
	mustExec(t, db, `INSERT INTO master_titles (instructor_id, title, craft_id, awarding_body, decision_no, decision_date)
		VALUES ($1, 'nghe_nhan_uu_tu', $2, 'Chủ tịch nước', '123/QĐ-CTN', '2019-01-15')`, w.master, w.craft)
	w.untitled = mustID(t, db, `INSERT INTO instructors (kind, full_name) VALUES ('master', 'Trần Văn Mộc') RETURNING id`)
	mustExec(t, db, `INSERT INTO master_titles (instructor_id, title, craft_id, awarding_body, decision_no, decision_date)
		VALUES ($1, 'tho_gioi', $2, 'UBND tỉnh Bắc Giang', '45/QĐ-UBND', '2018-05-01')`, w.untitled, w.otherCraft)
	w.trainer = mustID(t, db, `INSERT INTO instructors (kind, full_name, user_id) VALUES ('trainer', 'Lê Thị Giảng', $1) RETURNING id`, w.trainerUser.ID)
	return w
}

func (w *courseWorld) actor() models.Actor {
	return models.Actor{UserID: w.staff.ID, Label: w.staff.Email}
}

func (w *courseWorld) course(t *testing.T, kind string) models.Course {
	t.Helper()
	in := models.CourseInput{Kind: kind, CraftID: &w.craft, Title: "Truyền nghề mây tre đan", VenueID: &w.venue, Capacity: 30,
		StartDate: day(2026, 3, 2), EndDate: day(2026, 4, 10), Budget: 85_000_000, MinAttendancePct: 80, TrainerID: &w.trainer}
	c, err := w.s.CreateCourse(ctx, models.Actor{UserID: w.trainerUser.ID}, in)
	if err != nil {
		t.Fatalf("create course: %v", err)
	}
	return c
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, models.Zone) }

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, models.Zone)
}

func TestCourseCodesAndValidation(t *testing.T) {
	w := newCourseWorld(t)
	a, b := w.course(t, models.KindCraftTransmission), w.course(t, models.KindVocational)
	if a.Code != "KC1-2026-001" || b.Code != "KC1-2026-002" || a.Status != models.StatusDraft {
		t.Fatalf("codes %s %s, status %s", a.Code, b.Code, a.Status)
	}
	bad := models.CourseInput{Kind: "party", Title: " ", Capacity: -5, StartDate: day(2026, 3, 2), EndDate: day(2026, 6, 2), Budget: -1}
	_, err := w.s.CreateCourse(ctx, w.actor(), bad)
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	for _, f := range []string{"kind", "title", "capacity", "end_date", "budget", "craft_id"} {
		if ve.Fields[f] == "" {
			t.Errorf("no error on %s: %v", f, ve.Fields)
		}
	}
	missing := int64(999999)
	in := models.CourseInput{Kind: models.KindVocational, CraftID: &missing, Title: "Lớp", Capacity: 10, StartDate: day(2026, 3, 2), EndDate: day(2026, 3, 20)}
	if _, err := w.s.CreateCourse(ctx, w.actor(), in); !errors.As(err, &ve) || ve.Fields["craft_id"] != "not_found" {
		t.Fatalf("unknown craft: %v", err)
	}
}

func TestSessionClashesNameTheOtherClass(t *testing.T) {
	w := newCourseWorld(t)
	c1, c2 := w.course(t, models.KindCraftTransmission), w.course(t, models.KindVocational)
	first := models.SessionInput{VenueID: w.venue, InstructorID: w.master, StartsAt: at(2026, 3, 2, 7, 30), EndsAt: at(2026, 3, 2, 11, 30)}
	if _, err := w.s.AddSession(ctx, w.actor(), c1.ID, first); err != nil {
		t.Fatal(err)
	}
	clash := models.SessionInput{VenueID: w.venue, InstructorID: w.trainer, StartsAt: at(2026, 3, 2, 10, 0), EndsAt: at(2026, 3, 2, 12, 0)}
	_, err := w.s.AddSession(ctx, w.actor(), c2.ID, clash)
	var ce *models.ClashError
	if !errors.As(err, &ce) || !errors.Is(err, models.ErrConflict) {
		t.Fatalf("want a clash, got %v", err)
	}
	if len(ce.Clashes) != 1 || ce.Clashes[0].CourseCode != c1.Code || ce.Clashes[0].Resource != "venue" || !ce.Clashes[0].StartsAt.Equal(first.StartsAt) {
		t.Fatalf("clash %+v", ce.Clashes)
	}
	backToBack := models.SessionInput{VenueID: w.venue, InstructorID: w.master, StartsAt: at(2026, 3, 2, 11, 30), EndsAt: at(2026, 3, 2, 13, 0)}
	if _, err := w.s.AddSession(ctx, w.actor(), c2.ID, backToBack); err != nil {
		t.Fatalf("back-to-back: %v", err)
	}
}

// Twenty requests booking the same venue at the same time: exactly one wins, nineteen get a conflict.
func TestConcurrentBookingsOfOneVenue(t *testing.T) {
	w := newCourseWorld(t)
	var courses []int64
	for i := 0; i < 20; i++ {
		courses = append(courses, w.course(t, models.KindVocational).ID)
	}
	var instructors []int64
	for i := 0; i < 20; i++ {
		instructors = append(instructors, mustID(t, w.db, `INSERT INTO instructors (kind, full_name) VALUES ('trainer', 'Giảng viên '||$1::text) RETURNING id`, i))
	}
	var wg sync.WaitGroup
	errs := make([]error, 20)
	start := make(chan struct{})
	for i := range courses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			_, errs[i] = w.s.AddSession(ctx, w.actor(), courses[i], models.SessionInput{
				VenueID: w.venue, InstructorID: instructors[i], StartsAt: at(2026, 3, 9, 8, 0), EndsAt: at(2026, 3, 9, 10, 0)})
		}(i)
	}
	close(start)
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, models.ErrConflict):
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || conflicts != 19 {
		t.Fatalf("%d succeeded and %d conflicted, want 1 and 19", ok, conflicts)
	}
	var overlaps int
	if err := w.db.Get(&overlaps, `SELECT count(*) FROM course_sessions a JOIN course_sessions b ON a.id < b.id
		AND a.status = 'scheduled' AND b.status = 'scheduled' AND a.during && b.during
		AND (a.venue_id = b.venue_id OR a.instructor_id = b.instructor_id)`); err != nil || overlaps != 0 {
		t.Fatalf("%d overlapping live sessions (%v)", overlaps, err)
	}
}

func TestGenerateSessionsSkipsHolidaysAndIsAllOrNothing(t *testing.T) {
	w := newCourseWorld(t)
	c := w.course(t, models.KindCraftTransmission)
	other := w.course(t, models.KindVocational)
	// The master is busy on two of the Mondays: 9 and 23 March 2026.
	for _, d := range []int{9, 23} {
		if _, err := w.s.AddSession(ctx, w.actor(), other.ID, models.SessionInput{VenueID: w.venue2, InstructorID: w.master,
			StartsAt: at(2026, 3, d, 8, 0), EndsAt: at(2026, 3, d, 9, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	rule := models.Rule{Weekdays: []time.Weekday{time.Monday, time.Wednesday, time.Friday}, StartClock: 7*time.Hour + 30*time.Minute,
		EndClock: 11*time.Hour + 30*time.Minute, From: day(2026, 3, 2), Count: 20, VenueID: w.venue, InstructorID: w.master}
	res, err := w.s.GenerateSessions(ctx, w.actor(), c.ID, rule, false)
	var ce *models.ClashError
	if !errors.As(err, &ce) || len(ce.Clashes) != 2 {
		t.Fatalf("want 2 clashes listed, got %v", err)
	}
	sessions, _ := w.s.ListSessions(ctx, c.ID)
	if len(sessions) != 0 {
		t.Fatalf("all-or-nothing: %d sessions saved", len(sessions))
	}
	res, err = w.s.GenerateSessions(ctx, w.actor(), c.ID, rule, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 18 || len(res.Clashes) != 2 {
		t.Fatalf("save the others: %d created, %d clashes", len(res.Created), len(res.Clashes))
	}
	// Over Hùng Kings' day (Sunday 26/4/2026 is not a class day) and 30/4 and 1/5 (Thursday, Friday).
	rule2 := models.Rule{Weekdays: []time.Weekday{time.Thursday, time.Friday}, StartClock: 13 * time.Hour, EndClock: 16 * time.Hour,
		From: day(2026, 4, 27), Until: day(2026, 5, 8), VenueID: w.venue2, InstructorID: w.trainer}
	res, err = w.s.GenerateSessions(ctx, w.actor(), other.ID, rule2, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 2 || len(res.Created) != 2 || res.Created[0].StartsAt.In(models.Zone).Day() != 7 {
		t.Fatalf("skipped %v, created %d", res.Skipped, len(res.Created))
	}
	if h := res.Created[0].StartsAt.In(models.Zone).Hour(); h != 13 {
		t.Fatalf("a 13:00 session starts at %d:00 Vietnam time", h)
	}
}

func TestCraftTransmissionNeedsATitledLeadMaster(t *testing.T) {
	w := newCourseWorld(t)
	c := w.course(t, models.KindCraftTransmission)
	if _, err := w.s.AddSession(ctx, w.actor(), c.ID, models.SessionInput{VenueID: w.venue, InstructorID: w.trainer,
		StartsAt: at(2026, 3, 2, 8, 0), EndsAt: at(2026, 3, 2, 11, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.TransitionCourse(ctx, w.actor(), c.ID, models.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	var ve *models.ValidationError
	if _, err := w.s.TransitionCourse(ctx, w.actor(), c.ID, models.ActionApprove, ""); !errors.As(err, &ve) || ve.Fields["staff"] != "master_no_title" {
		t.Fatalf("approval without a lead master: %v", err)
	}
	if err := w.s.AssignStaff(ctx, w.actor(), c.ID, w.untitled, "lead"); !errors.As(err, &ve) || ve.Fields["instructor_id"] != "master_no_title" {
		t.Fatalf("a master titled for another craft as lead: %v", err)
	}
	if err := w.s.AssignStaff(ctx, w.actor(), c.ID, w.master, "lead"); err != nil {
		t.Fatal(err)
	}
	got, err := w.s.TransitionCourse(ctx, w.actor(), c.ID, models.ActionApprove, "")
	if err != nil || got.Status != models.StatusApproved || got.ApprovedAt == nil {
		t.Fatalf("approve: %v %+v", err, got.Status)
	}
	var audits int
	if err := w.db.Get(&audits, `SELECT count(*) FROM audit_log WHERE entity = 'courses' AND entity_id = $1::text AND action IN ('course.submit','course.approve')`, c.ID); err != nil || audits != 2 {
		t.Fatalf("audited transitions: %d %v", audits, err)
	}
}

func TestAssigningABusyMasterIsRefused(t *testing.T) {
	w := newCourseWorld(t)
	c1, c2 := w.course(t, models.KindCraftTransmission), w.course(t, models.KindCraftTransmission)
	if _, err := w.s.AddSession(ctx, w.actor(), c1.ID, models.SessionInput{VenueID: w.venue, InstructorID: w.master,
		StartsAt: at(2026, 3, 4, 8, 0), EndsAt: at(2026, 3, 4, 11, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.AddSession(ctx, w.actor(), c2.ID, models.SessionInput{VenueID: w.venue2, InstructorID: w.trainer,
		StartsAt: at(2026, 3, 4, 9, 0), EndsAt: at(2026, 3, 4, 10, 0)}); err != nil {
		t.Fatal(err)
	}
	var ce *models.ClashError
	if err := w.s.AssignStaff(ctx, w.actor(), c2.ID, w.master, "lead"); !errors.As(err, &ce) || ce.Clashes[0].CourseCode != c1.Code {
		t.Fatalf("assigning a master who teaches elsewhere at the same time: %v", err)
	}
}

func TestCancellingACourseFreesItsSessions(t *testing.T) {
	w := newCourseWorld(t)
	c1, c2 := w.course(t, models.KindVocational), w.course(t, models.KindVocational)
	slot := models.SessionInput{VenueID: w.venue, InstructorID: w.trainer, StartsAt: at(2026, 3, 5, 8, 0), EndsAt: at(2026, 3, 5, 11, 0)}
	if _, err := w.s.AddSession(ctx, w.actor(), c1.ID, slot); err != nil {
		t.Fatal(err)
	}
	var ve *models.ValidationError
	if _, err := w.s.TransitionCourse(ctx, w.actor(), c1.ID, models.ActionCancel, " "); !errors.As(err, &ve) || ve.Fields["reason"] != "required" {
		t.Fatalf("cancel without a reason: %v", err)
	}
	if _, err := w.s.TransitionCourse(ctx, w.actor(), c1.ID, models.ActionCancel, "Không đủ học viên"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.AddSession(ctx, w.actor(), c2.ID, slot); err != nil {
		t.Fatalf("the slot of a cancelled class: %v", err)
	}
	if _, err := w.s.AddSession(ctx, w.actor(), c1.ID, slot); !errors.As(err, &ve) {
		t.Fatalf("a session added to a cancelled class: %v", err)
	}
}

func TestCourseAccess(t *testing.T) {
	w := newCourseWorld(t)
	mine := w.course(t, models.KindVocational)
	otherTrainer, _ := w.s.CreateUser(ctx, models.SystemActor("test"), models.NewUser{Email: "khac@example.vn", FullName: "Giảng Viên Khác", Role: "trainer", Password: "mat-khau-dai-2026"})
	cases := []struct {
		u    models.User
		want models.CourseRole
	}{
		{w.staff, models.CourseStaff},
		{w.trainerUser, models.CourseOwner},
		{otherTrainer, models.CourseNone},
	}
	for _, c := range cases {
		got, err := w.s.CourseAccess(ctx, c.u, mine.ID)
		if err != nil || got != c.want {
			t.Errorf("%s: %v (%v), want %v", c.u.Email, got, err, c.want)
		}
	}
	list, err := w.s.ListCourses(ctx, models.CourseFilter{OwnerUserID: otherTrainer.ID})
	if err != nil || list.Total != 0 {
		t.Fatalf("another trainer's list: %d (%v)", list.Total, err)
	}
	list, err = w.s.ListCourses(ctx, models.CourseFilter{OwnerUserID: w.trainerUser.ID})
	if err != nil || list.Total != 1 {
		t.Fatalf("own list: %d (%v)", list.Total, err)
	}
}
