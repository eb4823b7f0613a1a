// Package demo loads the deterministic demo data set: Bắc Giang's districts and communes, the
// establishments and support records of the 2012–2022 report, masters, trainers, venues, courses,
// trainees, enrolments, attendance and results, and one login per role.
//
// The data are built in memory first by a pure function of a fixed random seed (build), then written
// in one transaction, mostly with COPY (write). The 2012–2022 support records reproduce the figures of
// the source article exactly: 269 distinct establishments, 142 of them in difficult areas, and
// 40.000 triệu đồng of which 10.520 triệu (26,3%) went to difficult areas.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"khuyencong/models"
)

// Login is a demo account printed by make run.
type Login struct {
	Role     string
	Email    string
	Password string
}

// Logins are the demo accounts, one per role.
var Logins = []Login{
	{models.RoleAdmin, "admin@khuyencong.local", "demo-admin-2026"},
	{models.RoleStaff, "canbo@khuyencong.local", "demo-staff-2026"},
	{models.RoleTrainer, "giangvien@khuyencong.local", "demo-trainer-2026"},
	{models.RoleMaster, "nghenhan@khuyencong.local", "demo-master-2026"},
}

// Summary counts what Seed wrote.
type Summary struct {
	Establishments int
	Supports       int
	Courses        int
	Trainees       int
	Enrolments     int
}

// ErrNotEmpty is returned when the database already holds data: the demo set is only ever loaded into
// an empty database, so that it is never duplicated or mixed with real records.
var ErrNotEmpty = fmt.Errorf("the database is not empty: %w", models.ErrConflict)

// Seed writes the demo data set into an empty database, in one transaction. The same data come out on
// every run (only password salts and created_at-style defaults differ). Sessions skip the public
// holidays of the database, as the application's own session generation does.
func Seed(ctx context.Context, s *models.Store) (Summary, error) {
	hashes, err := hashLogins()
	if err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	tx, err := s.DB().BeginTxx(ctx, nil)
	if err != nil {
		return Summary{}, fmt.Errorf("demo: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	skip, err := prepare(ctx, tx)
	if err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	d, err := build(skip)
	if err != nil {
		return Summary{}, fmt.Errorf("demo: build: %w", err)
	}
	if err := write(ctx, tx, d, hashes); err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Summary{}, fmt.Errorf("demo: commit: %w", err)
	}
	if err := analyze(ctx, s); err != nil {
		return Summary{}, err
	}
	return Summary{
		Establishments: len(d.ests),
		Supports:       len(d.supports),
		Courses:        len(d.courses),
		Trainees:       len(d.trainees),
		Enrolments:     len(d.enrols),
	}, nil
}

// newRand is the one source of randomness of the data set.
func newRand() *rand.Rand { return rand.New(rand.NewPCG(2012, 2022)) }

// hashLogins hashes the demo passwords concurrently: argon2id takes tens of milliseconds each.
func hashLogins() ([]string, error) {
	hashes := make([]string, len(Logins))
	errs := make([]error, len(Logins))
	done := make(chan struct{}, len(Logins))
	for i, l := range Logins {
		go func() {
			hashes[i], errs[i] = models.HashPassword(l.Password)
			done <- struct{}{}
		}()
	}
	for range Logins {
		<-done
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("hash demo passwords: %w", err)
	}
	return hashes, nil
}

// seededTables are the tables Seed and Scale fill.
const seededTables = `admin_units, area_classifications, crafts, establishments, support_records, instructors,
	instructor_crafts, master_titles, venues, courses, course_staff, course_sessions, trainees, enrolments, attendance, results`

// analyze gathers the planner's statistics of the tables just filled, as autovacuum would a minute
// later: without them the planner takes every table for a few rows, and the reports' joins of
// thousands of rows run as nested loops for seconds instead of milliseconds.
func analyze(ctx context.Context, s *models.Store) error {
	if _, err := s.DB().ExecContext(ctx, `ANALYZE `+seededTables); err != nil {
		return fmt.Errorf("demo: analyze: %w", err)
	}
	return nil
}
