package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"khuyencong/internal/testdb"
)

// world is a minimal set of rows that the constraint tests build on, made with RETURNING ids.
type world struct {
	db                 *sqlx.DB
	user, craft        int64
	venueA, venueB     int64
	instrA, instrB     int64
	course             int64
	trainee, enrolment int64
}

func mustID(t *testing.T, db *sqlx.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db := testdb.New(t)
	w := &world{db: db}
	mustExec(t, db, `INSERT INTO admin_units (code, level, unit_type, name) VALUES ('24', 'province', 'tinh', 'Bắc Giang')`)
	mustExec(t, db, `INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('220', 'district', 'huyen', 'Huyện Sơn Động', '24')`)
	mustExec(t, db, `INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('22001', 'commune', 'xa', 'An Lập', '220')`)
	mustExec(t, db, `INSERT INTO establishments (name, kind, commune_code) VALUES ('HTX Mây tre đan An Lập', 'cooperative', '22001')`)
	w.user = mustID(t, db, `INSERT INTO users (email, full_name, role, password_hash) VALUES ('a@x.vn', 'Cán Bộ', 'staff', 'x') RETURNING id`)
	w.craft = mustID(t, db, `INSERT INTO crafts (name) VALUES ('Mây tre đan') RETURNING id`)
	w.venueA = mustID(t, db, `INSERT INTO venues (name, seats, commune_code) VALUES ('Nhà văn hóa xã An Lập', 40, '22001') RETURNING id`)
	w.venueB = mustID(t, db, `INSERT INTO venues (name, seats) VALUES ('Phòng đào tạo', 30) RETURNING id`)
	w.instrA = mustID(t, db, `INSERT INTO instructors (kind, full_name) VALUES ('master', 'Nguyễn Văn Mây') RETURNING id`)
	w.instrB = mustID(t, db, `INSERT INTO instructors (kind, full_name) VALUES ('trainer', 'Lê Thị Tre') RETURNING id`)
	w.course = mustID(t, db, `
		INSERT INTO courses (code, kind, activity_code, craft_id, title, capacity, start_date, end_date, created_by)
		VALUES ('KC1-2026-01', 'craft_transmission', 'KC1', $1, 'Truyền nghề mây tre đan', 30, '2026-03-02', '2026-04-10', $2)
		RETURNING id`, w.craft, w.user)
	w.trainee = mustID(t, db, `
		INSERT INTO trainees (family_name, middle_name, given_name, gender, id_kind, id_number)
		VALUES ('Nguyễn', 'Thị', 'Ánh', 'female', 'cccd', '024192000001') RETURNING id`)
	w.enrolment = mustID(t, db, `
		INSERT INTO enrolments (course_id, trainee_id, status, confirmed_at) VALUES ($1, $2, 'confirmed', now()) RETURNING id`,
		w.course, w.trainee)
	return w
}

func mustExec(t *testing.T, db *sqlx.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// pqCode returns the SQLSTATE and constraint of a PostgreSQL error.
func pqCode(err error) (string, string) {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return string(pe.Code), pe.Constraint
	}
	return "", ""
}

func (w *world) session(venue, instr int64, from, to string) error {
	_, err := w.db.Exec(`
		INSERT INTO course_sessions (course_id, venue_id, instructor_id, starts_at, ends_at)
		VALUES ($1, $2, $3, $4, $5)`, w.course, venue, instr, from, to)
	return err
}

func TestDatabaseRefusesDoubleBooking(t *testing.T) {
	w := newWorld(t)
	const day = "2026-03-02 "
	if err := w.session(w.venueA, w.instrA, day+"08:00+07", day+"10:00+07"); err != nil {
		t.Fatalf("first session: %v", err)
	}
	cases := []struct {
		name           string
		venue, instr   int64
		from, to       string
		wantCode, cons string
	}{
		{"same venue overlapping", w.venueA, w.instrB, day + "09:00+07", day + "11:00+07", "23P01", "course_sessions_venue_overlap"},
		{"same instructor overlapping", w.venueB, w.instrA, day + "09:59+07", day + "12:00+07", "23P01", "course_sessions_instructor_overlap"},
		{"same venue inside", w.venueA, w.instrB, day + "08:30+07", day + "09:00+07", "23P01", "course_sessions_venue_overlap"},
		{"back to back is fine", w.venueA, w.instrA, day + "10:00+07", day + "12:00+07", "", ""},
		{"before, back to back", w.venueA, w.instrA, day + "06:00+07", day + "08:00+07", "", ""},
		{"ends before it starts", w.venueB, w.instrB, day + "15:00+07", day + "14:00+07", "23514", "course_sessions_ends_after_start"},
		{"empty range", w.venueB, w.instrB, day + "15:00+07", day + "15:00+07", "23514", "course_sessions_ends_after_start"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := w.session(c.venue, c.instr, c.from, c.to)
			code, cons := pqCode(err)
			if c.wantCode == "" {
				if err != nil {
					t.Fatalf("want accepted, got %v", err)
				}
				return
			}
			if code != c.wantCode || cons != c.cons {
				t.Fatalf("want %s on %s, got %v", c.wantCode, c.cons, err)
			}
		})
	}
	// A cancelled session frees its slot.
	mustExec(t, w.db, `UPDATE course_sessions SET status = 'cancelled', cancel_reason = 'Mưa bão' WHERE starts_at = $1`, day+"08:00+07")
	if err := w.session(w.venueA, w.instrB, day+"08:00+07", day+"10:00+07"); err != nil {
		t.Fatalf("slot of a cancelled session: %v", err)
	}
	// Reinstating the cancelled session would double-book: refused.
	_, err := w.db.Exec(`UPDATE course_sessions SET status = 'scheduled', cancel_reason = NULL WHERE instructor_id = $1 AND starts_at = $2`, w.instrA, day+"08:00+07")
	if code, _ := pqCode(err); code != "23P01" {
		t.Fatalf("reinstating a clashing session: want 23P01, got %v", err)
	}
}

func TestDatabaseRefusesBadRows(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		name, q  string
		args     []any
		wantCode string
	}{
		{"CCCD of 11 digits", `INSERT INTO trainees (family_name, given_name, gender, id_kind, id_number) VALUES ('Lê', 'Bình', 'male', 'cccd', '02408500001')`, nil, "23514"},
		{"CCCD with letters", `INSERT INTO trainees (family_name, given_name, gender, id_kind, id_number) VALUES ('Lê', 'Bình', 'male', 'cccd', '02408500001A')`, nil, "23514"},
		{"CMND of 12 digits marked 9", `INSERT INTO trainees (family_name, given_name, gender, id_kind, id_number) VALUES ('Lê', 'Bình', 'male', 'cmnd9', '024085000011')`, nil, "23514"},
		{"same national ID twice", `INSERT INTO trainees (family_name, given_name, gender, id_kind, id_number) VALUES ('Nguyễn', 'Ánh', 'female', 'cccd', '024192000001')`, nil, "23505"},
		{"name not in NFC", "INSERT INTO trainees (family_name, given_name, gender) VALUES ('Nguye\u0302\u0303n', 'An', 'male')", nil, "23514"},
		{"name with a control character", "INSERT INTO trainees (family_name, given_name, gender) VALUES ('Lê', E'An\\u0007', 'male')", nil, "23514"},
		{"negative capacity", `INSERT INTO courses (code, kind, activity_code, craft_id, title, capacity, start_date, end_date, created_by) VALUES ('KC1-2026-02', 'vocational', 'KC1', $1, 'Lớp', -5, '2026-03-02', '2026-04-10', $2)`, []any{w.craft, w.user}, "23514"},
		{"zero capacity", `INSERT INTO courses (code, kind, activity_code, craft_id, title, capacity, start_date, end_date, created_by) VALUES ('KC1-2026-03', 'vocational', 'KC1', $1, 'Lớp', 0, '2026-03-02', '2026-04-10', $2)`, []any{w.craft, w.user}, "23514"},
		{"short course over three months", `INSERT INTO courses (code, kind, activity_code, craft_id, title, capacity, start_date, end_date, created_by) VALUES ('KC1-2026-04', 'vocational', 'KC1', $1, 'Lớp', 30, '2026-03-02', '2026-06-02', $2)`, []any{w.craft, w.user}, "23514"},
		{"course ends before it starts", `INSERT INTO courses (code, kind, activity_code, craft_id, title, capacity, start_date, end_date, created_by) VALUES ('KC1-2026-05', 'vocational', 'KC1', $1, 'Lớp', 30, '2026-03-02', '2026-03-01', $2)`, []any{w.craft, w.user}, "23514"},
		{"training course without a craft", `INSERT INTO courses (code, kind, activity_code, title, capacity, start_date, end_date, created_by) VALUES ('KC1-2026-06', 'vocational', 'KC1', 'Lớp', 30, '2026-03-02', '2026-03-20', $1)`, []any{w.user}, "23514"},
		{"enrolled twice", `INSERT INTO enrolments (course_id, trainee_id, status, confirmed_at) VALUES ($1, $2, 'confirmed', now())`, []any{w.course, w.trainee}, "23505"},
		{"waitlisted without a position", `UPDATE enrolments SET status = 'waitlisted', confirmed_at = NULL WHERE id = $1`, []any{w.enrolment}, "23514"},
		{"negative support", `INSERT INTO support_records (establishment_id, commune_code, support_date, activity_code, amount) VALUES ((SELECT id FROM establishments LIMIT 1), '22001', '2020-01-01', 'KC3', -1)`, nil, "23514"},
		{"overlapping area classes", `INSERT INTO area_classifications (unit_code, class, valid) VALUES ('22001', 'difficult', '[2016-01-01,2021-01-01)'), ('22001', 'especially_difficult', '[2020-01-01,2026-01-01)')`, nil, "23P01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := w.db.Exec(c.q, c.args...)
			if code, _ := pqCode(err); code != c.wantCode {
				t.Fatalf("want SQLSTATE %s, got %v", c.wantCode, err)
			}
		})
	}
}

func TestAtMostOneValidCertificatePerEnrolment(t *testing.T) {
	w := newWorld(t)
	issuer := mustID(t, w.db, `INSERT INTO issuers (code, name, place_name) VALUES ('KC-TEST', 'Trung tâm Khuyến công', 'Bắc Giang') RETURNING id`)
	insert := func(serialNo, regNo int, token byte) (int64, error) {
		var id int64
		err := w.db.Get(&id, `
			INSERT INTO certificates (issuer_id, enrolment_id, kind, serial_no, serial, register_year, register_no,
			                          register_label, token_hash, snapshot, template_version, issued_on)
			VALUES ($1, $2, 'chung_chi', $3::int, 'KC-2026-' || lpad($3::int::text, 6, '0'), 2026, $4::int, lpad($4::int::text, 4, '0') || '/2026',
			        decode(repeat(lpad(to_hex($5::int), 2, '0'), 32), 'hex'), '{"name":"Nguyễn Thị Ánh"}', 'v1', '2026-04-10')
			RETURNING id`, issuer, w.enrolment, serialNo, regNo, int(token))
		return id, err
	}
	first, err := insert(1, 1, 1)
	if err != nil {
		t.Fatalf("first certificate: %v", err)
	}
	if _, err := insert(2, 2, 2); err == nil {
		t.Fatal("a second valid certificate for one enrolment was accepted")
	} else if code, cons := pqCode(err); code != "23505" || cons != "certificates_one_valid_per_enrolment" {
		t.Fatalf("want the partial unique index to refuse, got %v", err)
	}
	// Once the first is revoked, a new one may be issued; the revoked one stays.
	mustExec(t, w.db, `UPDATE certificates SET status = 'revoked', revoked_at = now(), revocation_decision = '12/QĐ-TTKC',
		revocation_date = '2026-05-01', revocation_reason = 'Cấp nhầm' WHERE id = $1`, first)
	if _, err := insert(3, 3, 3); err != nil {
		t.Fatalf("certificate after revocation: %v", err)
	}
	// What was printed never changes, and nothing is deleted.
	if _, err := w.db.Exec(`UPDATE certificates SET snapshot = '{"name":"Khác"}' WHERE id = $1`, first); err == nil {
		t.Fatal("a certificate's snapshot was changed")
	}
	if _, err := w.db.Exec(`UPDATE certificates SET status = 'valid', revoked_at = NULL WHERE id = $1`, first); err == nil {
		t.Fatal("a revoked certificate became valid again")
	}
	if _, err := w.db.Exec(`DELETE FROM certificates WHERE id = $1`, first); err == nil {
		t.Fatal("a certificate was deleted")
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM certificates`); err != nil || n != 2 {
		t.Fatalf("want 2 certificates kept, got %d (%v)", n, err)
	}
}

func TestCourseLifeCycleIsEnforced(t *testing.T) {
	w := newWorld(t)
	steps := []struct {
		set  string
		want bool
	}{
		{`status = 'approved', approved_at = now()`, false}, // draft cannot skip submission
		{`status = 'submitted'`, true},
		{`status = 'approved', approved_at = now()`, true},
		{`status = 'draft'`, false},
		{`status = 'running'`, true},
		{`status = 'completed'`, true},
		{`status = 'cancelled', cancel_reason = 'Hết kinh phí'`, false}, // completed is final
	}
	for i, s := range steps {
		_, err := w.db.Exec(`UPDATE courses SET `+s.set+` WHERE id = $1`, w.course)
		if (err == nil) != s.want {
			t.Fatalf("step %d (%s): want ok=%v, got %v", i, s.set, s.want, err)
		}
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	w := newWorld(t)
	mustExec(t, w.db, `INSERT INTO audit_log (actor, action, entity, entity_id) VALUES ('test', 'course.create', 'courses', '1')`)
	for _, q := range []string{
		`UPDATE audit_log SET actor = 'someone else'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		if _, err := w.db.ExecContext(context.Background(), q); err == nil {
			t.Errorf("%s: accepted", q)
		}
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM audit_log WHERE actor = 'test'`); err != nil || n != 1 {
		t.Fatalf("audit row: n=%d err=%v", n, err)
	}
}

func TestSearchKeyIgnoresDiacritics(t *testing.T) {
	w := newWorld(t)
	mustExec(t, w.db, "INSERT INTO trainees (family_name, middle_name, given_name, gender) VALUES ('Hoàng', 'Văn', 'Hoà', 'male'), ('Đặng', 'Thị', 'Hòa', 'female')")
	var names []string
	if err := w.db.Select(&names, `SELECT full_name FROM trainees WHERE search_key LIKE '%' || search_key($1) || '%' ORDER BY id`, "nguyen thi anh"); err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != "Nguyễn Thị Ánh" {
		t.Fatalf("nguyen thi anh found %v", names)
	}
	if err := w.db.Select(&names, `SELECT full_name FROM trainees WHERE search_key LIKE '%' || search_key($1) || '%' ORDER BY id`, "hoa"); err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 {
		t.Fatalf("hoa should find both tone placements, found %v", names)
	}
	if err := w.db.Select(&names, `SELECT full_name FROM trainees WHERE search_key LIKE '%' || search_key($1) || '%'`, "dang"); err != nil || len(names) != 1 || names[0] != "Đặng Thị Hòa" {
		t.Fatalf("dang should find Đặng, found %v (%v)", names, err)
	}
}
