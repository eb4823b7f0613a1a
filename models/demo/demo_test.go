package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"khuyencong/internal/testdb"
	"khuyencong/models"
	"khuyencong/models/demo"
)

// seed loads the demo data into a fresh database and logs how long it took.
func seed(t *testing.T) (*models.Store, demo.Summary) {
	t.Helper()
	s := models.NewStore(testdb.New(t))
	start := time.Now()
	sum, err := demo.Seed(context.Background(), s)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	t.Logf("seed took %s: %+v", took.Round(time.Millisecond), sum)
	// Its speed is not asserted here (a timed test flakes on a shared machine): make bench measures it.
	return s, sum
}

func one[T any](t *testing.T, db *sqlx.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := db.Get(&v, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// The article's 2012–2022 figures per district: distinct establishments and triệu đồng.
var article = map[string]struct{ ests, trieu int64 }{
	"220": {20, 1380}, "218": {20, 1560}, "219": {46, 3640}, "215": {25, 1820}, "223": {31, 2120},
	"222": {32, 8160}, "216": {27, 5940}, "217": {25, 5250}, "221": {22, 4730}, "213": {21, 5400},
}

func TestSeedReproducesTheArticle(t *testing.T) {
	t.Parallel()
	s, sum := seed(t)
	db := s.DB()
	ctx := context.Background()

	reach, err := s.GetReach(ctx, time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if reach.Establishments != 269 || reach.DifficultEstablishments != 142 {
		t.Errorf("establishments %d, in difficult areas %d; want 269 and 142", reach.Establishments, reach.DifficultEstablishments)
	}
	if reach.Funding != 40_000_000_000 || reach.DifficultFunding != 10_520_000_000 {
		t.Errorf("funding %d, in difficult areas %d; want 40.000 and 10.520 triệu", reach.Funding, reach.DifficultFunding)
	}
	if got := int(reach.FundingShare()*1000 + 0.5); got != 263 {
		t.Errorf("funding share %.4f, want 26,3%%", reach.FundingShare())
	}
	if reach.Events <= reach.Establishments {
		t.Errorf("%d support records for %d establishments: want more records than establishments", reach.Events, reach.Establishments)
	}

	var rows []struct {
		District string `db:"district"`
		Ests     int64  `db:"ests"`
		Amount   int64  `db:"amount"`
	}
	err = db.Select(&rows, `
		SELECT cm.parent_code AS district, count(DISTINCT sr.establishment_id) AS ests, sum(sr.amount) AS amount
		FROM support_records sr JOIN admin_units cm ON cm.code = sr.commune_code
		WHERE sr.support_date BETWEEN '2012-01-01' AND '2022-12-31'
		GROUP BY cm.parent_code`)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(article) {
		t.Errorf("%d districts with support, want %d", len(rows), len(article))
	}
	for _, r := range rows {
		want := article[r.District]
		if r.Ests != want.ests || r.Amount != want.trieu*1_000_000 {
			t.Errorf("district %s: %d establishments, %d đồng; want %d and %d triệu", r.District, r.Ests, r.Amount, want.ests, want.trieu)
		}
	}

	// About 15% of establishments are supported more than once, in the report period and overall.
	for _, period := range []string{"support_date <= '2022-12-31'", "true"} {
		share := one[float64](t, db, `SELECT avg((n > 1)::int)::float8 FROM
			(SELECT count(*) AS n FROM support_records WHERE `+period+` GROUP BY establishment_id) x`)
		if share < 0.10 || share > 0.20 {
			t.Errorf("share of establishments supported more than once (%s) = %.3f, want 10–20%%", period, share)
		}
	}
	// Some records fall after the report period, some establishments only then, some never.
	if n := one[int](t, db, `SELECT count(*) FROM support_records WHERE support_date >= '2023-01-01'`); n < 15 {
		t.Errorf("%d support records after 2022, want about 20", n)
	}
	if n := one[int](t, db, `SELECT count(*) FROM establishments e WHERE NOT EXISTS
		(SELECT 1 FROM support_records sr WHERE sr.establishment_id = e.id)`); n < 3 {
		t.Errorf("%d establishments never supported, want a handful", n)
	}

	counts := map[string][2]int{
		"courses":  {55, 70},
		"trainees": {1700, 1900},
	}
	for table, bounds := range counts {
		if n := one[int](t, db, `SELECT count(*) FROM `+table); n < bounds[0] || n > bounds[1] {
			t.Errorf("%d %s, want %d–%d", n, table, bounds[0], bounds[1])
		}
	}
	for table, want := range map[string]int{"establishments": sum.Establishments, "support_records": sum.Supports,
		"courses": sum.Courses, "trainees": sum.Trainees, "enrolments": sum.Enrolments} {
		if n := one[int](t, db, `SELECT count(*) FROM `+table); n != want {
			t.Errorf("%d rows in %s, summary says %d", n, table, want)
		}
	}
}

func TestSeedCoursesAndPeople(t *testing.T) {
	t.Parallel()
	s, _ := seed(t)
	db := s.DB()

	zero := map[string]string{
		"overlapping sessions at a venue": `SELECT count(*) FROM course_sessions a JOIN course_sessions b
			ON a.venue_id = b.venue_id AND a.id < b.id AND a.during && b.during
			WHERE a.status = 'scheduled' AND b.status = 'scheduled'`,
		"overlapping sessions of an instructor": `SELECT count(*) FROM course_sessions a JOIN course_sessions b
			ON a.instructor_id = b.instructor_id AND a.id < b.id AND a.during && b.during
			WHERE a.status = 'scheduled' AND b.status = 'scheduled'`,
		"craft-transmission courses without a lead master titled for the craft": `SELECT count(*) FROM courses c
			WHERE c.kind = 'craft_transmission' AND NOT EXISTS (
				SELECT 1 FROM course_staff cs JOIN instructors i ON i.id = cs.instructor_id AND i.kind = 'master'
				JOIN master_titles mt ON mt.instructor_id = i.id AND mt.craft_id = c.craft_id
				WHERE cs.course_id = c.id AND cs.role = 'lead')`,
		"courses over capacity": `SELECT count(*) FROM courses c WHERE c.capacity <
			(SELECT count(*) FROM enrolments e WHERE e.course_id = c.id AND e.status = 'confirmed')`,
		"workshop establishments over the limit": `SELECT count(*) FROM (SELECT 1 FROM enrolments e
			JOIN courses c ON c.id = e.course_id WHERE c.kind = 'management_workshop' AND e.status <> 'withdrawn'
			GROUP BY e.course_id, e.establishment_id HAVING count(*) > 2) x`,
		"completed courses with fewer than 25 or more than 35 enrolled": `SELECT count(*) FROM courses c
			WHERE c.status = 'completed' AND (SELECT count(*) FROM enrolments e WHERE e.course_id = c.id) NOT BETWEEN 25 AND 35`,
		"confirmed trainees of completed courses without attendance": `SELECT count(*) FROM enrolments e
			JOIN courses c ON c.id = e.course_id AND c.status = 'completed'
			WHERE e.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.enrolment_id = e.id)`,
		"CCCD numbers inconsistent with sex and birth year": `SELECT count(*) FROM trainees WHERE id_kind = 'cccd' AND
			(left(id_number, 3) <> '024' OR substr(id_number, 5, 2) <> to_char(birth_date, 'YY') OR
			 substr(id_number, 4, 1)::int <> (CASE WHEN birth_date >= '2000-01-01' THEN 2 ELSE 0 END) + (gender = 'female')::int)`,
		"trainees younger than 18 or older than 55 at their first course": `SELECT count(*) FROM trainees t
			JOIN LATERAL (SELECT min(c.start_date) AS first FROM enrolments e JOIN courses c ON c.id = e.course_id
			              WHERE e.trainee_id = t.id) f ON true
			WHERE t.establishment_id IS NULL AND (age(f.first, t.birth_date) < interval '18 years' OR age(f.first, t.birth_date) >= interval '56 years')`,
		"sessions on public holidays": `SELECT count(*) FROM course_sessions s
			JOIN public_holidays h ON h.day = (s.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`,
		"waitlists not numbered 1..n": `SELECT count(*) FROM (SELECT course_id, max(waitlist_position) AS m, count(*) AS n
			FROM enrolments WHERE status = 'waitlisted' GROUP BY course_id) x WHERE m <> n`,
	}
	for what, q := range zero {
		if n := one[int](t, db, q); n != 0 {
			t.Errorf("%s: %d", what, n)
		}
	}

	var byKind []struct {
		Kind      string  `db:"kind"`
		N         int     `db:"n"`
		Difficult float64 `db:"difficult"`
	}
	err := db.Select(&byKind, `
		SELECT c.kind, count(*) AS n, avg((cm.parent_code IN ('215', '218', '219', '220', '223'))::int)::float8 AS difficult
		FROM courses c JOIN venues v ON v.id = c.venue_id JOIN admin_units cm ON cm.code = v.commune_code
		WHERE c.start_date < '2023-01-01' GROUP BY c.kind`)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range byKind {
		t.Logf("%-20s %2d courses, %.0f%% in difficult districts", k.Kind, k.N, 100*k.Difficult)
		if k.Kind == "vocational" && k.Difficult < 0.6 {
			t.Errorf("%.0f%% of vocational courses in difficult districts, want at least 60%%", 100*k.Difficult)
		}
	}
	for _, status := range []string{"draft", "submitted", "approved", "running", "completed", "cancelled"} {
		if n := one[int](t, db, `SELECT count(*) FROM courses WHERE status = $1`, status); n == 0 {
			t.Errorf("no %s course", status)
		}
	}
	if n := one[int](t, db, `SELECT count(*) FROM enrolments WHERE status = 'waitlisted'`); n < 2 {
		t.Errorf("%d waitlisted, want a few on the upcoming course", n)
	}

	// Outcomes: about 3% withdraw, about 2% fail.
	withdrawn := one[float64](t, db, `SELECT avg((status = 'withdrawn')::int)::float8 FROM enrolments`)
	failed := one[float64](t, db, `SELECT avg((NOT passed)::int)::float8 FROM results`)
	if withdrawn < 0.01 || withdrawn > 0.06 || failed < 0.01 || failed > 0.04 {
		t.Errorf("withdrawn %.3f, failed %.3f: want about 3%% and 2%%", withdrawn, failed)
	}
	if n := one[int](t, db, `SELECT count(*) FROM (SELECT trainee_id FROM enrolments GROUP BY trainee_id HAVING count(*) > 1) x`); n < 50 {
		t.Errorf("%d trainees attended two courses or more, want some", n)
	}
	// Minorities are about 40% of the trainees of Sơn Động and Lục Ngạn.
	minority := one[float64](t, db, `SELECT avg((ethnicity <> 'Kinh')::int)::float8 FROM trainees t
		JOIN admin_units cm ON cm.code = t.commune_code WHERE cm.parent_code IN ('219', '220')`)
	if minority < 0.3 || minority > 0.5 {
		t.Errorf("minority share in Sơn Động and Lục Ngạn %.2f, want about 0,4", minority)
	}

	// Edge cases: same name and birth date, different people; names differing by tone placement only.
	if n := one[int](t, db, `SELECT count(DISTINCT id_number) FROM trainees
		WHERE full_name = 'Nguyễn Thị Hương' AND birth_date = '1988-03-15'`); n < 2 {
		t.Errorf("%d Nguyễn Thị Hương born 15/03/1988 with distinct CCCD, want 2", n)
	}
	for _, pair := range [][2]string{{"Lê Thị H\u00f2a", "Lê Thị Ho\u00e0"}, {"Trần Thị Th\u1ee7y", "Trần Thị Thu\u1ef7"}} {
		keys := one[int](t, db, `SELECT count(DISTINCT search_key) FROM trainees WHERE full_name IN ($1, $2)`, pair[0], pair[1])
		names := one[int](t, db, `SELECT count(DISTINCT full_name) FROM trainees WHERE full_name IN ($1, $2)`, pair[0], pair[1])
		if names != 2 || keys != 1 {
			t.Errorf("%s / %s: %d names with %d search keys, want 2 names and 1 key", pair[0], pair[1], names, keys)
		}
	}

	// One login per role, with the demo password, the trainer and the master linked to instructors.
	for _, l := range demo.Logins {
		var u struct {
			Role string `db:"role"`
			Hash string `db:"password_hash"`
			ID   int64  `db:"id"`
		}
		if err := db.Get(&u, `SELECT id, role, password_hash FROM users WHERE email = $1`, l.Email); err != nil {
			t.Errorf("login %s: %v", l.Email, err)
			continue
		}
		if u.Role != l.Role || !models.CheckPassword(u.Hash, l.Password) {
			t.Errorf("login %s: role %s, password ok %v", l.Email, u.Role, models.CheckPassword(u.Hash, l.Password))
		}
		if l.Role == models.RoleTrainer || l.Role == models.RoleMaster {
			kind := one[string](t, db, `SELECT kind FROM instructors WHERE user_id = $1`, u.ID)
			if kind != l.Role {
				t.Errorf("login %s is instructor of kind %s", l.Email, kind)
			}
		}
	}
}

// fingerprint digests what the seed wrote (not the password salts or the now() defaults).
const fingerprint = `SELECT concat_ws(' ',
	(SELECT md5(string_agg(concat_ws('|', full_name, id_kind, id_number, birth_date, gender, ethnicity, commune_code, establishment_id), ',' ORDER BY id)) FROM trainees),
	(SELECT md5(string_agg(concat_ws('|', name, kind, registration_no, commune_code, representative), ',' ORDER BY id)) FROM establishments),
	(SELECT md5(string_agg(concat_ws('|', establishment_id, commune_code, support_date, activity_code, amount, course_id), ',' ORDER BY id)) FROM support_records),
	(SELECT md5(string_agg(concat_ws('|', code, title, venue_id, trainer_id, start_date, end_date, budget, status), ',' ORDER BY id)) FROM courses),
	(SELECT md5(string_agg(concat_ws('|', course_id, venue_id, instructor_id, starts_at, ends_at, status), ',' ORDER BY id)) FROM course_sessions),
	(SELECT md5(string_agg(concat_ws('|', course_id, trainee_id, status, waitlist_position, enrolled_at, withdrawn_at), ',' ORDER BY id)) FROM enrolments),
	(SELECT md5(string_agg(concat_ws('|', session_id, enrolment_id, status, checked_in_at), ',' ORDER BY session_id, enrolment_id)) FROM attendance),
	(SELECT md5(string_agg(concat_ws('|', enrolment_id, score, passed), ',' ORDER BY enrolment_id)) FROM results))`

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	a, _ := seed(t)
	b, _ := seed(t)
	fa, fb := one[string](t, a.DB(), fingerprint), one[string](t, b.DB(), fingerprint)
	if fa != fb {
		t.Errorf("two seeds differ:\n%s\n%s", fa, fb)
	}
}

func TestSeedRefusesNonEmptyDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("after a seed", func(t *testing.T) {
		s, sum := seed(t)
		if _, err := demo.Seed(ctx, s); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("second seed: %v, want ErrNotEmpty", err)
		}
		if n := one[int](t, s.DB(), `SELECT count(*) FROM establishments`); n != sum.Establishments {
			t.Errorf("%d establishments after a refused seed, want %d", n, sum.Establishments)
		}
	})
	t.Run("with one user", func(t *testing.T) {
		s := models.NewStore(testdb.New(t))
		_, err := s.CreateUser(ctx, models.SystemActor("test"), models.NewUser{
			Email: "a@example.org", FullName: "Nguyễn Văn An", Role: models.RoleAdmin, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Seed(ctx, s); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("seed: %v, want ErrNotEmpty", err)
		}
		if n := one[int](t, s.DB(), `SELECT count(*) FROM admin_units`); n != 0 {
			t.Errorf("%d admin units written by a refused seed", n)
		}
	})
}
