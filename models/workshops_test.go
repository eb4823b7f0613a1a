package models_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/lib/pq"

	"khuyencong/models"
)

// wsWorld is a course world with places (Lục Ngạn, Sơn Động, Việt Yên and some of their communes,
// classified as in the reach rule) for workshops.
type wsWorld struct {
	*courseWorld
	phones int
}

func newWsWorld(t *testing.T) *wsWorld {
	t.Helper()
	w := &wsWorld{courseWorld: newCourseWorld(t)}
	for _, q := range []string{
		`INSERT INTO admin_units (code, level, unit_type, name) VALUES ('24', 'province', 'tinh', 'Bắc Giang')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
			('219', 'district', 'huyen', 'Huyện Lục Ngạn', '24'), ('220', 'district', 'huyen', 'Huyện Sơn Động', '24'),
			('222', 'district', 'thi_xa', 'Thị xã Việt Yên', '24')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
			('21901', 'commune', 'xa', 'Nam Dương', '219'), ('21902', 'commune', 'xa', 'Phượng Sơn', '219'),
			('21903', 'commune', 'xa', 'Tân Sơn', '219'), ('22001', 'commune', 'xa', 'An Lập', '220'),
			('22002', 'commune', 'thi_tran', 'Thanh Sơn', '220'), ('22201', 'commune', 'xa', 'Vân Hà', '222'),
			('22202', 'commune', 'xa', 'Tăng Tiến', '222')`,
		// Nam Dương is difficult and An Lập especially difficult today; Tân Sơn was, until 2021.
		`INSERT INTO area_classifications (unit_code, class, valid) VALUES
			('21901', 'difficult', '[2016-01-01,)'), ('22001', 'especially_difficult', '[2016-01-01,)'),
			('21903', 'difficult', '[2012-01-01,2021-01-01)')`,
	} {
		mustExec(t, w.db, q)
	}
	return w
}

// workshop creates and approves a workshop with one full day per given day (08:00–16:30).
func (w *wsWorld) workshop(t *testing.T, capacity int, days ...time.Time) models.Course {
	t.Helper()
	limit := 2
	first, last := days[0], days[len(days)-1]
	in := models.CourseInput{Kind: models.KindWorkshop, Title: "Nâng cao năng lực quản lý cho cơ sở CNNT", VenueID: &w.venue,
		Capacity: capacity, PerEstablishmentLimit: &limit, StartDate: day(first.Year(), first.Month(), first.Day()),
		EndDate: day(last.Year(), last.Month(), last.Day()), MinAttendancePct: 100, TrainerID: &w.trainer}
	c, err := w.s.CreateCourse(ctx, w.actor(), in)
	if err != nil {
		t.Fatalf("create workshop: %v", err)
	}
	for _, d := range days {
		from := time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, models.Zone)
		if _, err := w.s.AddSession(ctx, w.actor(), c.ID, models.SessionInput{VenueID: w.venue, InstructorID: w.trainer,
			StartsAt: from, EndsAt: from.Add(8*time.Hour + 30*time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []string{models.ActionSubmit, models.ActionApprove} {
		if _, err := w.s.TransitionCourse(ctx, w.actor(), c.ID, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func (w *wsWorld) est(t *testing.T, name, commune string) int64 {
	t.Helper()
	e, err := w.s.CreateEstablishment(ctx, w.actor(), models.EstablishmentInput{Name: name, Kind: models.KindHouseholdBusiness, CommuneCode: commune})
	if err != nil {
		t.Fatalf("establishment %s: %v", name, err)
	}
	return e.ID
}

// person is a participant with a phone number of their own.
func (w *wsWorld) person(name string) models.ParticipantInput {
	w.phones++
	return models.ParticipantInput{FullName: name, Gender: "female", JobTitle: "Chủ cơ sở", Phone: fmt.Sprintf("0912%06d", w.phones)}
}

func (w *wsWorld) register(t *testing.T, courseID, estID int64, people ...models.ParticipantInput) models.WorkshopRegistration {
	t.Helper()
	r, err := w.s.RegisterForWorkshop(ctx, w.actor(), courseID, models.WorkshopRegistrationInput{EstablishmentID: estID, Participants: people})
	if err != nil {
		t.Fatalf("register %v: %v", people, err)
	}
	return r
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	return ve.Fields
}

func TestWorkshopAgendaStaysWithinItsDayWithOneSpeaker(t *testing.T) {
	w := newWsWorld(t)
	c := w.workshop(t, 40, day(2026, 3, 12), day(2026, 3, 13))
	days, err := w.s.WorkshopDays(ctx, c.ID)
	if err != nil || len(days) != 2 {
		t.Fatalf("days %v %v", days, err)
	}
	d1 := days[0]
	if !d1.DoorsOpenAt.Equal(at(2026, 3, 12, 7, 30)) || d1.DoorsSet {
		t.Fatalf("default doors %v", d1.DoorsOpenAt)
	}
	item := func(from, to time.Time, topic string) models.AgendaInput {
		return models.AgendaInput{SessionID: d1.Session.ID, StartsAt: from, EndsAt: to, Topic: topic, SpeakerName: "TS. Đỗ Thị Hương", SpeakerOrg: "Trường Đại học Nông Lâm Bắc Giang"}
	}
	a, err := w.s.AddAgendaItem(ctx, w.actor(), c.ID, item(at(2026, 3, 12, 8, 0), at(2026, 3, 12, 9, 30), "Quản trị tài chính hộ kinh doanh"))
	if err != nil || a.Speaker != "TS. Đỗ Thị Hương" || a.SpeakerKind != models.SpeakerGuest {
		t.Fatalf("add: %+v %v", a, err)
	}
	staffItem := models.AgendaInput{SessionID: d1.Session.ID, StartsAt: at(2026, 3, 12, 9, 45), EndsAt: at(2026, 3, 12, 11, 0), Topic: "Chính sách khuyến công", SpeakerUserID: &w.staff.ID}
	if b, err := w.s.AddAgendaItem(ctx, w.actor(), c.ID, staffItem); err != nil || b.Speaker != w.staff.FullName || b.SpeakerKind != models.SpeakerStaff {
		t.Fatalf("staff speaker: %+v %v", b, err)
	}
	if f := fieldsOf(t, mustFail(w.s.AddAgendaItem(ctx, w.actor(), c.ID, item(at(2026, 3, 12, 16, 0), at(2026, 3, 12, 17, 0), "Tổng kết")))); f["starts_at"] != "ws_outside_day" {
		t.Errorf("an item past the day's end: %v", f)
	}
	none := item(at(2026, 3, 12, 13, 0), at(2026, 3, 12, 14, 0), "Thảo luận")
	none.SpeakerName, none.SpeakerOrg = "", ""
	if f := fieldsOf(t, mustFail(w.s.AddAgendaItem(ctx, w.actor(), c.ID, none))); f["speaker"] != "ws_speaker_required" {
		t.Errorf("no speaker: %v", f)
	}
	two := item(at(2026, 3, 12, 13, 0), at(2026, 3, 12, 14, 0), "Thảo luận")
	two.SpeakerInstructorID = &w.trainer
	if f := fieldsOf(t, mustFail(w.s.AddAgendaItem(ctx, w.actor(), c.ID, two))); f["speaker"] != "ws_one_speaker" {
		t.Errorf("two speakers: %v", f)
	}

	// The database holds the same rules whoever writes.
	for name, q := range map[string]string{
		"workshop_agenda_items_within_session": `INSERT INTO workshop_agenda_items (course_id, session_id, starts_at, ends_at, topic, speaker_name)
			VALUES ($1, $2, '2026-03-12 06:00+07', '2026-03-12 09:00+07', 'Sớm quá', 'Ông A')`,
		"workshop_agenda_items_one_speaker": `INSERT INTO workshop_agenda_items (course_id, session_id, starts_at, ends_at, topic)
			VALUES ($1, $2, '2026-03-12 09:00+07', '2026-03-12 10:00+07', 'Không ai trình bày')`,
	} {
		_, err := w.db.Exec(q, c.ID, d1.Session.ID)
		var pe *pq.Error
		if !errors.As(err, &pe) || pe.Code != "23514" || pe.Constraint != name {
			t.Errorf("%s: %v", name, err)
		}
	}
	other := w.openCourse(t, 10, at(2026, 3, 20, 8, 0))
	sessions, _ := w.s.ListSessions(ctx, other.ID)
	if _, err := w.db.Exec(`INSERT INTO workshop_agenda_items (course_id, session_id, starts_at, ends_at, topic, speaker_name)
		VALUES ($1, $2, '2026-03-20 08:00+07', '2026-03-20 09:00+07', 'Lớp nghề', 'Ông A')`, other.ID, sessions[0].ID); err == nil {
		t.Error("an agenda item on a vocational class was accepted")
	}

	// The day moves one day later: its agenda and doors go along.
	if err := w.s.SetDoorsOpen(ctx, w.actor(), c.ID, d1.Session.ID, at(2026, 3, 12, 7, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.MoveSession(ctx, w.actor(), c.ID, d1.Session.ID, models.SessionInput{VenueID: w.venue, InstructorID: w.trainer,
		StartsAt: at(2026, 3, 11, 8, 0), EndsAt: at(2026, 3, 11, 16, 30)}, "Đổi ngày"); err != nil {
		t.Fatal(err)
	}
	days, _ = w.s.WorkshopDays(ctx, c.ID)
	if !days[0].DoorsOpenAt.Equal(at(2026, 3, 11, 7, 0)) || !days[0].DoorsSet || len(days[0].Items) != 2 || !days[0].Items[0].StartsAt.Equal(at(2026, 3, 11, 8, 0)) {
		t.Fatalf("after the move: %+v", days[0])
	}
	// Shortening the day past its agenda is refused.
	if _, err := w.s.MoveSession(ctx, w.actor(), c.ID, d1.Session.ID, models.SessionInput{VenueID: w.venue, InstructorID: w.trainer,
		StartsAt: at(2026, 3, 11, 8, 0), EndsAt: at(2026, 3, 11, 10, 0)}, "Rút ngắn"); models.ConstraintOf(err) != "workshop_agenda_items_within_session" {
		t.Fatalf("shortened past the agenda: %v", err)
	}
	if err := w.s.SetDoorsOpen(ctx, w.actor(), c.ID, d1.Session.ID, at(2026, 3, 11, 9, 0)); fieldsOf(t, err)["doors_open_at"] != "ws_doors_range" {
		t.Errorf("doors after the start: %v", err)
	}
	if err := w.s.DeleteAgendaItem(ctx, w.actor(), c.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if items, _ := w.s.ListAgenda(ctx, c.ID); len(items) != 1 || items[0].Topic != "Chính sách khuyến công" {
		t.Fatalf("after delete: %+v", items)
	}
}

func mustFail[T any](_ T, err error) error { return err }

func TestWorkshopRegistrationLimitsEachEstablishmentAndWaitlistsThe41st(t *testing.T) {
	w := newWsWorld(t)
	c := w.workshop(t, 40, day(2026, 3, 12))
	var ests []int64
	for i := 0; i < 20; i++ {
		id := w.est(t, fmt.Sprintf("Hộ kinh doanh mỳ Chũ số %d", i+1), "21901")
		ests = append(ests, id)
		r := w.register(t, c.ID, id, w.person(fmt.Sprintf("Nguyễn Thị Ánh %d", i)), w.person(fmt.Sprintf("Lục Văn Bình %d", i)))
		for _, p := range r.Participants {
			if p.Status != models.EnrolConfirmed {
				t.Fatalf("establishment %d: %+v", i, p)
			}
		}
	}
	// A third person from the first establishment is refused, and nothing of the attempt stays.
	var before int
	_ = w.db.Get(&before, `SELECT count(*) FROM trainees`)
	_, err := w.s.RegisterForWorkshop(ctx, w.actor(), c.ID, models.WorkshopRegistrationInput{EstablishmentID: ests[0],
		Participants: []models.ParticipantInput{w.person("Hoàng Thị Thu")}})
	if f := fieldsOf(t, err); f["participants"] != "ws_establishment_limit" {
		t.Fatalf("third from one establishment: %v", f)
	}
	var after int
	_ = w.db.Get(&after, `SELECT count(*) FROM trainees`)
	if after != before {
		t.Fatalf("the refused registration left a trainee behind: %d → %d", before, after)
	}
	// Three at once are refused too.
	_, err = w.s.RegisterForWorkshop(ctx, w.actor(), c.ID, models.WorkshopRegistrationInput{
		Establishment: models.EstablishmentInput{Name: "HTX Chè Bát Tiên", Kind: models.KindCooperative, CommuneCode: "22002"},
		Participants:  []models.ParticipantInput{w.person("Vi Văn An"), w.person("Vi Thị Bé"), w.person("Vi Văn Cường")}})
	if f := fieldsOf(t, err); f["participants"] != "ws_establishment_limit" {
		t.Fatalf("three at once: %v", f)
	}
	var n int
	_ = w.db.Get(&n, `SELECT count(*) FROM establishments WHERE name = 'HTX Chè Bát Tiên'`)
	if n != 0 {
		t.Fatal("the refused registration created its establishment")
	}
	// The 41st participant waits.
	r := w.register(t, c.ID, w.est(t, "Cơ sở rượu làng Vân", "22201"), w.person("Đặng Văn Vân"))
	if p := r.Participants[0]; p.Status != models.EnrolWaitlisted || p.WaitlistPosition == nil || *p.WaitlistPosition != 1 {
		t.Fatalf("41st: %+v", p)
	}
}

func TestWorkshopRegistrationFindsPeopleAndEstablishmentsOnFile(t *testing.T) {
	w := newWsWorld(t)
	c := w.workshop(t, 40, day(2026, 3, 12))
	typed := models.EstablishmentInput{Name: "HTX Mỳ Chũ Thủ Dương", Kind: models.KindCooperative, RegistrationNo: "2400123456", CommuneCode: "21901"}
	anh := w.person("Nguyễn Thị Ánh")
	r, err := w.s.RegisterForWorkshop(ctx, w.actor(), c.ID, models.WorkshopRegistrationInput{Establishment: typed, Participants: []models.ParticipantInput{anh}})
	if err != nil || !r.EstablishmentCreated || r.Establishment.DistrictName != "Huyện Lục Ngạn" {
		t.Fatalf("first registration: %+v %v", r, err)
	}
	// The same person again (same phone and name, typed without the capital and the marks' order):
	// not registered twice, not created twice.
	again := anh
	again.FullName = "nguyễn thị ánh"
	typed.Name = "Hợp tác xã Mỳ Chũ" // another spelling; the registration number identifies it
	_, err = w.s.RegisterForWorkshop(ctx, w.actor(), c.ID, models.WorkshopRegistrationInput{Establishment: typed, Participants: []models.ParticipantInput{again}})
	if f := fieldsOf(t, err); f["participants.0.full_name"] != "ws_already_registered" {
		t.Fatalf("same person twice: %v", f)
	}
	var people, ests int
	_ = w.db.Get(&people, `SELECT count(*) FROM trainees`)
	_ = w.db.Get(&ests, `SELECT count(*) FROM establishments`)
	if people != 1 || ests != 1 {
		t.Fatalf("%d trainees and %d establishments, want 1 and 1", people, ests)
	}

	// Someone on file without an establishment is linked to the one that sends them; someone of another
	// establishment is refused; a national ID of another person is refused.
	loose := mustID(t, w.db, `INSERT INTO trainees (family_name, middle_name, given_name, gender, phone, id_kind, id_number)
		VALUES ('Lý', 'Văn', 'Phước', 'male', '0987000111', 'cccd', '024085000123') RETURNING id`)
	other := w.est(t, "Cơ sở bánh đa Kế", "22201")
	r2 := w.register(t, c.ID, other, models.ParticipantInput{FullName: "Lý Văn Phước", Gender: "male", JobTitle: "Kế toán", Phone: "0987 000 111"})
	if r2.Participants[0].TraineeID != loose || r2.Participants[0].JobTitle != "Kế toán" {
		t.Fatalf("found on file: %+v, want trainee %d", r2.Participants[0], loose)
	}
	var linked int64
	_ = w.db.Get(&linked, `SELECT establishment_id FROM trainees WHERE id = $1`, loose)
	if linked != other {
		t.Fatalf("trainee linked to %d, want %d", linked, other)
	}
	third := w.est(t, "Cơ sở mộc Đông Thượng", "22202")
	_, err = w.s.RegisterForWorkshop(ctx, w.actor(), c.ID, models.WorkshopRegistrationInput{EstablishmentID: third,
		Participants: []models.ParticipantInput{{FullName: "Lý Văn Phước", Gender: "male", JobTitle: "Chủ cơ sở", Phone: "0987000111"}}})
	if f := fieldsOf(t, err); f["participants.0.full_name"] != "ws_other_establishment" {
		t.Fatalf("another establishment's person: %v", f)
	}
	impostor := w.person("Trần Văn Khác")
	impostor.IDNumber = "024085000123"
	_, err = w.s.RegisterForWorkshop(ctx, w.actor(), c.ID, models.WorkshopRegistrationInput{EstablishmentID: third, Participants: []models.ParticipantInput{impostor}})
	if f := fieldsOf(t, err); f["participants.0.id_number"] != "ws_id_other_person" {
		t.Fatalf("someone else's ID: %v", f)
	}
	// Field errors name the participant and the establishment field.
	_, err = w.s.RegisterForWorkshop(ctx, w.actor(), c.ID, models.WorkshopRegistrationInput{
		Establishment: models.EstablishmentInput{Kind: "shop"},
		Participants:  []models.ParticipantInput{{FullName: "", Gender: "female", JobTitle: "", Phone: "12"}}})
	f := fieldsOf(t, err)
	for _, k := range []string{"establishment.name", "establishment.kind", "establishment.commune_code", "participants.0.full_name", "participants.0.job_title", "participants.0.phone"} {
		if f[k] == "" {
			t.Errorf("no error on %s: %v", k, f)
		}
	}
	// Not a workshop: not found.
	class := w.openCourse(t, 10, at(2026, 3, 20, 8, 0))
	if _, err := w.s.RegisterForWorkshop(ctx, w.actor(), class.ID, models.WorkshopRegistrationInput{EstablishmentID: third,
		Participants: []models.ParticipantInput{w.person("Ai Đó")}}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("registration for a class: %v", err)
	}
}
