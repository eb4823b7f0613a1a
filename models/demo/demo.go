// Package demo loads the deterministic demo data set: Bắc Giang's districts and communes, the
// establishments and support records of the 2012–2022 report, masters, trainers, venues, courses,
// trainees, enrolments, attendance and results, and one login per role.
package demo

import (
	"context"
	"errors"

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

// Seed writes the demo data set into an empty database, in one transaction.
func Seed(ctx context.Context, s *models.Store) (Summary, error) {
	return Summary{}, errors.New("demo: not implemented yet")
}
