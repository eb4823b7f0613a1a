package models_test

import (
	"strings"
	"testing"
	"time"

	"khuyencong/internal/plans"
	"khuyencong/internal/testdb"
	"khuyencong/models"
	"khuyencong/models/demo"
)

// referenceTables are small by nature (places, crafts, logins); reading them whole is right.
var referenceTables = map[string]bool{"admin_units": true, "area_classifications": true, "crafts": true, "users": true,
	"activity_kinds": true, "issuers": true}

// The hot queries find their rows through indexes. With sequential scans disabled the planner still
// falls back to one when no index can serve a condition, so any Seq Scan left on a table that grows
// (enrolments, sessions, certificates, tokens…) is a missing index, whatever the size of the test data.
// (Which index the planner prefers at scale is the benchmark's business: kcbench checks the same
// statements' plans on ten times the demo data.)
func TestHotQueriesUseIndexes(t *testing.T) {
	db := testdb.New(t)
	if _, err := demo.Seed(ctx, models.NewStore(db)); err != nil {
		t.Fatal(err)
	}
	db.MustExec(`ANALYZE`)
	var course int64
	var serial string
	db.Get(&course, `SELECT min(id) FROM courses WHERE status = 'running'`)
	db.MustExec(`INSERT INTO certificates (issuer_id, enrolment_id, kind, serial_no, serial, register_year, register_no, register_label,
		token_hash, snapshot, template_version, issued_on)
		SELECT i.id, e.id, 'chung_chi', 1, 'KC-2026-000001', 2026, 1, '0001/2026', sha256('t'), '{}', 't', '2026-01-01'
		FROM issuers i, enrolments e ORDER BY i.id, e.id LIMIT 1`)
	db.Get(&serial, `SELECT serial FROM certificates LIMIT 1`)
	hash := make([]byte, 32)
	day := func(y int) string { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly) }
	args := map[string][]any{
		"user_by_token": {hash}, "login_session": {hash}, "course": {course}, "course_as": {course, 1}, "course_exists": {course},
		"sessions": {course}, "course_staff": {course}, "catalogue_count": nil, "catalogue_page": {day(2026), 25, 0},
		"catalogue_course": {course}, "public_sessions": {course}, "certificate_by_serial": {serial}, "certificate_pdf": {1},
		"reach": {day(2012), day(2022), "{}"}, "rate_hit": {"lookup:ip:127.0.0.1", 60}, "trainee_by_link": {hash},
		"trainee_name": {1}, "trainee_classes": {1, day(2026)}, "trainee_sessions": {1}, "trainee_certificates": {1},
		"trainee_link_status": {1},
	}
	hot := models.HotQueries()
	for name, q := range hot {
		if strings.HasPrefix(name, "choices_") || name == "enrol_batch" {
			continue // whole option lists by design; a function call hides its plans
		}
		a, ok := args[name]
		if !ok {
			t.Errorf("%s: no arguments in this test for a new hot query", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			tx := db.MustBegin()
			defer tx.Rollback()
			tx.MustExec(`SET LOCAL enable_seqscan = off`)
			var plan []byte
			if err := tx.Get(&plan, `EXPLAIN (FORMAT JSON) `+q, a...); err != nil {
				t.Fatal(err)
			}
			scans, err := plans.SeqScans(plan)
			if err != nil {
				t.Fatal(err)
			}
			for _, rel := range scans {
				if !referenceTables[rel] && !(name == "reach" && rel == "support_records") {
					t.Errorf("sequential scan of %s: no index serves the query\n%s", rel, plan)
				}
			}
		})
	}
}
