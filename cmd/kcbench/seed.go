package main

import (
	"context"
	"fmt"
	"time"

	"khuyencong/models/demo"
)

// copyOffset separates the copies of the demo data (demo.Scale): copy k of the row with id n has id
// n + k × copyOffset, so an id's copy is id / copyOffset.
const copyOffset = demo.ScaleOffset

// seedData loads the demo data set (models/demo, unchanged) and multiplies it factor times (demo.Scale), then
// refreshes the planner's statistics as autovacuum would. It returns what the database holds.
func (e *env) seedData(ctx context.Context, factor int) (string, error) {
	start := time.Now()
	if _, err := demo.Seed(ctx, e.store); err != nil {
		return "", err
	}
	if err := demo.Scale(ctx, e.store, factor); err != nil {
		return "", err
	}
	if _, err := e.db.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		return "", err
	}
	var n struct {
		Est, Trainees, Courses, Sessions, Enrolments, Supports int
	}
	err := e.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM establishments), (SELECT count(*) FROM trainees),
		(SELECT count(*) FROM courses), (SELECT count(*) FROM course_sessions), (SELECT count(*) FROM enrolments),
		(SELECT count(*) FROM support_records)`).Scan(&n.Est, &n.Trainees, &n.Courses, &n.Sessions, &n.Enrolments, &n.Supports)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d× demo data in %s: %d establishments, %d trainees, %d courses, %d sessions, %d enrolments, %d support records",
		factor, time.Since(start).Round(100*time.Millisecond), n.Est, n.Trainees, n.Courses, n.Sessions, n.Enrolments, n.Supports), nil
}
