package models_test

import (
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"khuyencong/models"
)

// repFixture writes finished courses straight into the tables: the reports read records, and the
// course flow that makes such records (approval, attendance, results) is tested on its own.
type repFixture struct {
	t                   *testing.T
	db                  *sqlx.DB
	user, instr, venue  int64
	issuer, certificate int64
}

// newRepFixture needs the commune of its venue to exist.
func newRepFixture(t *testing.T, db *sqlx.DB, venueCommune string) *repFixture {
	t.Helper()
	f := &repFixture{t: t, db: db}
	f.scan(&f.user, `INSERT INTO users (email, full_name, role, password_hash) VALUES ('rep@example.vn', 'Cán Bộ', 'staff', 'x') RETURNING id`)
	f.scan(&f.instr, `INSERT INTO instructors (kind, full_name) VALUES ('trainer', 'Giảng Viên') RETURNING id`)
	f.scan(&f.venue, `INSERT INTO venues (name, seats, commune_code) VALUES ('Nhà văn hóa', 40, $1) RETURNING id`, venueCommune)
	f.scan(&f.issuer, `INSERT INTO issuers (code, name, place_name) VALUES ('TTKC', 'Trung tâm Khuyến công', 'Bắc Giang') RETURNING id`)
	return f
}

func (f *repFixture) scan(dst any, q string, args ...any) {
	f.t.Helper()
	if err := f.db.QueryRowx(q, args...).Scan(dst); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

// course adds a class of the kind with two four-hour sessions on its first two days. craft 0 is none.
func (f *repFixture) course(code, kind, status string, craft int64, start time.Time, budget int64) int64 {
	f.t.Helper()
	activity := "KC1"
	if kind == models.KindWorkshop {
		activity = "KC2"
	}
	var craftID any
	if craft > 0 {
		craftID = craft
	}
	var id int64
	f.scan(&id, `INSERT INTO courses (code, kind, activity_code, craft_id, title, capacity, start_date, end_date, budget,
		status, created_by, submitted_at, approved_at, approved_by, venue_id, trainer_id)
		VALUES ($1, $2, $3, $4, 'Lớp ' || $1, 30, $5::date, $5::date + 1, $6, $7, $8, now(), now(), $8, $9, $10)
		RETURNING id`, code, kind, activity, craftID, start.Format(time.DateOnly), budget, status, f.user, f.venue, f.instr)
	for d := range 2 {
		at := time.Date(start.Year(), start.Month(), start.Day()+d, 8, 0, 0, 0, models.Zone)
		f.db.MustExec(`INSERT INTO course_sessions (course_id, venue_id, instructor_id, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5)`,
			id, f.venue, f.instr, at, at.Add(4*time.Hour))
	}
	return id
}

// person is a trainee as the fixture makes one.
type person struct {
	name, gender, ethnicity string
	birth                   time.Time // zero: unknown
	est                     *int64
}

// enrol gives the person a confirmed seat a week before the class, marks both sessions (present or
// absent) and, when passed is set, records the final assessment. It returns the enrolment's id.
func (f *repFixture) enrol(course int64, p person, present bool, passed *bool) int64 {
	f.t.Helper()
	if p.gender == "" {
		p.gender = "female"
	}
	if p.ethnicity == "" {
		p.ethnicity = "Kinh"
	}
	var birth any
	if !p.birth.IsZero() {
		birth = p.birth.Format(time.DateOnly)
	}
	var trainee, e int64
	f.scan(&trainee, `INSERT INTO trainees (family_name, given_name, gender, ethnicity, birth_date) VALUES ('Nguyễn', $1, $2, $3, $4)
		RETURNING id`, p.name, p.gender, p.ethnicity, birth)
	f.scan(&e, `INSERT INTO enrolments (course_id, trainee_id, status, establishment_id, enrolled_at, confirmed_at)
		SELECT $1, $2, 'confirmed', $3, start_date - 7, start_date - 7 FROM courses WHERE id = $1 RETURNING id`,
		course, trainee, p.est)
	mark := "absent"
	if present {
		mark = "present"
	}
	f.db.MustExec(`INSERT INTO attendance (session_id, enrolment_id, course_id, status)
		SELECT id, $1, course_id, $2 FROM course_sessions WHERE course_id = $3`, e, mark, course)
	if passed != nil {
		f.db.MustExec(`INSERT INTO results (enrolment_id, score, passed) VALUES ($1, $2, $3)`, e, map[bool]float64{true: 8, false: 3}[*passed], *passed)
	}
	return e
}

// certify issues a certificate for the enrolment on the day; revoked, when set, is its revocation date.
func (f *repFixture) certify(enrolment int64, kind string, issued time.Time, revoked *time.Time) {
	f.t.Helper()
	f.certificate++
	token := make([]byte, 32)
	_, _ = rand.Read(token)
	n := f.certificate
	f.db.MustExec(`INSERT INTO certificates (issuer_id, enrolment_id, kind, serial_no, serial, register_year, register_no,
		register_label, token_hash, snapshot, template_version, issued_on)
		VALUES ($1, $2, $3, $4, $5, $6, $4, $7, $8, '{}', 'test', $9)`,
		f.issuer, enrolment, kind, n, fmt.Sprintf("TTKC-%06d", n), issued.Year(), fmt.Sprintf("%04d/%d", n, issued.Year()),
		token, issued.Format(time.DateOnly))
	if revoked != nil {
		f.db.MustExec(`UPDATE certificates SET status = 'revoked', revoked_at = now(), revocation_decision = 'QĐ 1/QĐ-TTKC',
			revocation_date = $2, revocation_reason = 'Cấp nhầm' WHERE serial_no = $1`, n, revoked.Format(time.DateOnly))
	}
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }
