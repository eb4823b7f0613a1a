package models_test

import (
	"sync"
	"testing"

	"khuyencong/internal/testdb"
	"khuyencong/models"
)

// benchCourse is an approved 30-seat class with one session and n trainees, written with SQL so that a
// benchmark needs none of the tests' helpers.
func benchCourse(b *testing.B, n int) (*models.Store, int64, []int64) {
	b.Helper()
	db := testdb.New(b)
	var course int64
	err := db.Get(&course, `
		WITH u AS (INSERT INTO users (email, full_name, role, password_hash) VALUES ('bench@example.vn', 'Bench', 'staff', 'x') RETURNING id),
		     cr AS (INSERT INTO crafts (name) VALUES ('Mây tre đan') RETURNING id),
		     v AS (INSERT INTO venues (name, seats) VALUES ('Nhà văn hóa', 40) RETURNING id),
		     i AS (INSERT INTO instructors (kind, full_name) VALUES ('trainer', 'Lê Thị Giảng') RETURNING id),
		     c AS (INSERT INTO courses (code, kind, activity_code, craft_id, title, venue_id, capacity, start_date, end_date, status,
		                                trainer_id, created_by, submitted_at, approved_at)
		           SELECT 'KC1-2030-01', 'vocational', 'KC1', cr.id, 'Đan mây', v.id, 30, '2030-03-02', '2030-03-02', 'approved',
		                  i.id, u.id, now(), now() FROM u, cr, v, i RETURNING id, venue_id, trainer_id),
		     s AS (INSERT INTO course_sessions (course_id, venue_id, instructor_id, starts_at, ends_at)
		           SELECT id, venue_id, trainer_id, '2030-03-02 08:00+07', '2030-03-02 12:00+07' FROM c RETURNING course_id)
		SELECT course_id FROM s`)
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	if err := db.Select(&ids, `INSERT INTO trainees (family_name, middle_name, given_name, gender)
		SELECT 'Nguyễn', 'Thị', 'Học Viên ' || g, 'female' FROM generate_series(1, $1) g RETURNING id`, n); err != nil {
		b.Fatal(err)
	}
	return models.NewStore(db), course, ids
}

// BenchmarkEnrol measures enrolments one after another (each waits for its commit) and many at once
// (those that arrive together share a batch and its commit).
func BenchmarkEnrol(b *testing.B) {
	b.Run("sequential", func(b *testing.B) {
		s, course, ids := benchCourse(b, 20000)
		i := 0
		for b.Loop() {
			if _, err := s.Enrol(ctx, models.SystemActor("bench"), course, ids[i%len(ids)], models.EnrolOptions{}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("200_at_once", func(b *testing.B) {
		s, course, ids := benchCourse(b, 200*b.N+200)
		b.ResetTimer()
		for n := 0; n < b.N; n++ {
			var wg sync.WaitGroup
			for _, id := range ids[n*200 : n*200+200] {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.Enrol(ctx, models.SystemActor("bench"), course, id, models.EnrolOptions{}); err != nil {
						b.Error(err)
					}
				}()
			}
			wg.Wait()
		}
	})
}
