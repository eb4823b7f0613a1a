package invariants_test

import (
	"context"
	"strings"
	"testing"

	"khuyencong/internal/invariants"
	"khuyencong/internal/testdb"
	"khuyencong/models"
	"khuyencong/models/demo"
)

func names(vs []invariants.Violation) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return strings.Join(out, ",")
}

// The demo data keep every promise; records broken behind the application's back are found.
func TestInvariantsHoldOnDemoDataAndCatchBreakage(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	if got := len(invariants.Queries()); got != 8 {
		t.Fatalf("%d invariants parsed from the file, want 8", got)
	}
	if vs, err := invariants.Check(ctx, db.DB); err != nil || len(vs) != 0 {
		t.Fatalf("empty database: %v %v", vs, err)
	}
	if _, err := demo.Seed(ctx, models.NewStore(db)); err != nil {
		t.Fatal(err)
	}
	if vs, err := invariants.Check(ctx, db.DB); err != nil || len(vs) != 0 {
		t.Fatalf("demo data: %v %v", vs, err)
	}

	// A class with two confirmed seats gets capacity 1 without going through SetCapacity (no audit).
	var course int64
	if err := db.Get(&course, `SELECT course_id FROM enrolments WHERE status = 'confirmed' GROUP BY course_id
		HAVING count(*) >= 3 ORDER BY course_id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	db.MustExec(`UPDATE courses SET capacity = 1 WHERE id = $1`, course)
	// One confirmed trainee is put at position 3 of an otherwise empty queue.
	db.MustExec(`UPDATE enrolments SET status = 'waitlisted', waitlist_position = 3, confirmed_at = NULL
		WHERE id = (SELECT min(id) FROM enrolments WHERE course_id = $1 AND status = 'confirmed')`, course)
	// A certificate numbered 2 in a register that has no 1.
	db.MustExec(`INSERT INTO certificates (issuer_id, enrolment_id, kind, serial_no, serial, register_year, register_no,
		register_label, token_hash, snapshot, template_version, issued_on)
		SELECT i.id, e.id, 'chung_chi', 1, 'KC-T-1', 2026, 2, '0002/2026', sha256('x'), '{}', 't', '2026-01-01'
		FROM issuers i, enrolments e WHERE e.course_id = $1 ORDER BY i.id, e.id LIMIT 1`, course)
	vs, err := invariants.Check(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	want := "capacity_exceeded,waitlist_not_contiguous,register_numbers_not_gap_free,serial_numbers_not_gap_free"
	if got := names(vs); got != want {
		t.Fatalf("violations %q, want %q: %v", got, want, vs)
	}
	if !strings.Contains(vs[0].Sample[0], "capacity=1") {
		t.Fatalf("sample of %s: %v", vs[0].Name, vs[0].Sample)
	}
}
