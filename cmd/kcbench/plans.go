package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"time"

	"khuyencong/internal/plans"
	"khuyencong/models"
)

// planCheck asks PostgreSQL how it runs each hot query on the scaled data, as it is (sequential scans
// allowed), and lists the big tables (over a thousand rows) read whole; a small table is best read
// whole. The reach report reads a decade of support records, nearly all of them: a scan by nature.
func (e *env) planCheck(ctx context.Context, token, session string) (row, error) {
	var course, cert, trainee int64
	var serial string
	if err := e.db.QueryRowContext(ctx, `SELECT max(id) FROM courses WHERE status = 'running'`).Scan(&course); err != nil {
		return row{}, err
	}
	if err := e.db.QueryRowContext(ctx, `SELECT trainee_id FROM enrolments GROUP BY trainee_id ORDER BY count(*) DESC, trainee_id LIMIT 1`).Scan(&trainee); err != nil {
		return row{}, err
	}
	if err := e.db.QueryRowContext(ctx, `SELECT id, serial FROM certificates ORDER BY id DESC LIMIT 1`).Scan(&cert, &serial); err != nil {
		return row{}, fmt.Errorf("plan check needs a certificate: %w", err)
	}
	hash := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
	today := time.Now().Format(time.DateOnly)
	args := map[string][]any{
		"user_by_token": {hash(token)}, "login_session": {hash(session)}, "course": {course}, "course_as": {course, 3},
		"course_exists": {course}, "sessions": {course}, "course_staff": {course}, "catalogue_count": nil,
		"catalogue_page": {today, 25, 0}, "catalogue_course": {course}, "public_sessions": {course},
		"certificate_by_serial": {serial}, "certificate_pdf": {cert}, "reach": {"2012-01-01", "2022-12-31", "{}"},
		"rate_hit": {"lookup:ip:127.0.0.1", 60}, "trainee_by_link": {hash(token)}, "trainee_name": {trainee},
		"trainee_classes": {trainee, today}, "trainee_sessions": {trainee}, "trainee_certificates": {trainee},
		"trainee_link_status": {trainee},
	}
	big := map[string]bool{}
	var names []string
	if err := e.db.SelectContext(ctx, &names, `SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > 1000
		AND relnamespace = 'public'::regnamespace`); err != nil {
		return row{}, err
	}
	for _, n := range names {
		big[n] = true
	}
	var whole []string
	for name, q := range models.HotQueries() {
		if strings.HasPrefix(name, "choices_") || name == "enrol_batch" {
			continue // whole option lists by design; a function call hides its plans
		}
		a, ok := args[name]
		if !ok {
			return row{}, fmt.Errorf("plan check: no arguments for hot query %s", name)
		}
		var plan []byte
		if err := e.db.QueryRowContext(ctx, `EXPLAIN (FORMAT JSON) `+q, a...).Scan(&plan); err != nil {
			return row{}, fmt.Errorf("explain %s: %w", name, err)
		}
		scans, err := plans.SeqScans(plan)
		if err != nil {
			return row{}, err
		}
		for _, rel := range scans {
			if big[rel] && !(name == "reach" && rel == "support_records") {
				whole = append(whole, name+": "+rel)
			}
		}
	}
	sort.Strings(whole)
	return row{Figure: "hot queries' plans at scale: tables of over 1,000 rows read whole", Value: series{float64(len(whole))}, Unit: "scans",
		Target: "0", Met: len(whole) == 0, Note: strings.Join(whole, ", ")}, nil
}
