package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/testdb"
	"khuyencong/models"
	"khuyencong/models/demo"
)

// scaledStore loads the demo data set ten times over (2.800 establishments, 18.000 trainees) into a
// fresh database and refreshes the planner's statistics and the visibility map, as autovacuum would.
func scaledStore(tb testing.TB) *models.Store {
	tb.Helper()
	s := models.NewStore(testdb.New(tb))
	ctx := context.Background()
	start := time.Now()
	if _, err := demo.Seed(ctx, s); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	if err := demo.Scale(ctx, s, 10); err != nil {
		tb.Fatalf("scale: %v", err)
	}
	if _, err := s.DB().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		tb.Fatalf("vacuum: %v", err)
	}
	tb.Logf("10× demo data loaded in %s", time.Since(start).Round(time.Millisecond))
	if err := demo.Scale(ctx, s, 2); !errors.Is(err, models.ErrConflict) {
		tb.Fatalf("scaling a scaled data set again: %v, want a conflict", err)
	}
	return s
}

var decade = models.ReachFilter{From: rday(2012, 1, 1), To: rday(2022, 12, 31)}

func rday(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// BenchmarkReachReport measures the reach report over 2012–2022 on ten times the demo data: by default
// (support records), and with the course-completion option.
func BenchmarkReachReport(b *testing.B) {
	s := scaledStore(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		f    models.ReachFilter
	}{
		{"support_records", decade},
		{"with_courses", models.ReachFilter{From: decade.From, To: decade.To, WithCourses: true}},
		{"one_year_KC3", models.ReachFilter{From: rday(2019, 1, 1), To: rday(2019, 12, 31), Kinds: []string{"KC3"}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.GetReachReport(ctx, bc.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// At ten times the demo data the report gives ten times the article's counts and the same shares, and
// the reach query reads support records through their date index.
func TestReachReportAtScaleUsesTheDateIndex(t *testing.T) {
	t.Parallel()
	s := scaledStore(t)
	ctx := context.Background()

	start := time.Now()
	rep, err := s.GetReachReport(ctx, decade)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reach report over 2012–2022 at 10×: %s", took.Round(time.Microsecond))
	if rep.Total.Establishments != 2690 || rep.Total.Difficult != 1420 {
		t.Errorf("establishments %d, difficult %d; want 2.690 and 1.420", rep.Total.Establishments, rep.Total.Difficult)
	}
	if rep.Total.Funding != 400_000_000_000 || rep.Total.DifficultFunding != 105_200_000_000 {
		t.Errorf("funding %d, difficult %d", rep.Total.Funding, rep.Total.DifficultFunding)
	}

	// A yearly report reads its year's support records through the date index. Over the whole decade
	// (nine tenths of the table) the planner rightly reads the table straight through instead.
	for _, f := range []models.ReachFilter{
		{From: rday(2019, 1, 1), To: rday(2019, 12, 31)},
		{From: rday(2020, 1, 1), To: rday(2020, 12, 31), Kinds: []string{"KC1", "KC3"}},
		{From: rday(2019, 1, 1), To: rday(2019, 12, 31), WithCourses: true},
	} {
		if plan := explainReach(t, s, f); !strings.Contains(plan, `"Index Name": "support_records_date_idx"`) {
			t.Errorf("the reach query for %s–%s (kinds %v, courses %v) does not use support_records_date_idx:\n%s",
				f.From.Format(time.DateOnly), f.To.Format(time.DateOnly), f.Kinds, f.WithCourses, plan)
		}
	}
}

// explainReach returns the JSON plan of the reach query for the filter.
func explainReach(t *testing.T, s *models.Store, f models.ReachFilter) string {
	t.Helper()
	q, args := models.ReachQueryForTest(f)
	var out []byte
	if err := s.DB().QueryRowx(`EXPLAIN (FORMAT JSON) `+q, args...).Scan(&out); err != nil {
		t.Fatalf("explain: %v", err)
	}
	var pretty any
	_ = json.Unmarshal(out, &pretty)
	b, _ := json.MarshalIndent(pretty, "", " ")
	return string(b)
}
