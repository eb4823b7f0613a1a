package models_test

import (
	"context"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jmoiron/sqlx"

	"khuyencong/internal/testdb"
	"khuyencong/migrations"
	"khuyencong/models"
)

func TestMigrateIsIdempotent(t *testing.T) {
	db := testdb.New(t) // already migrated from the template
	applied, err := models.Migrate(context.Background(), db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("a migrated database had migrations applied again: %v", applied)
	}
}

// Several instances starting at once on an empty database apply each migration exactly once.
func TestConcurrentMigrateAppliesOnce(t *testing.T) {
	ctx := context.Background()
	url := testdb.NewEmptyURL(t)
	const n = 8
	results := make([][]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			pool, err := sqlx.Open("postgres", url)
			if err != nil {
				errs[i] = err
				return
			}
			defer pool.Close()
			<-start
			results[i], errs[i] = models.Migrate(ctx, pool, migrations.FS)
		}(i)
	}
	close(start)
	wg.Wait()
	total := 0
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("instance %d: %v", i, errs[i])
		}
		total += len(results[i])
	}
	all, err := models.LoadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(all) {
		t.Fatalf("want %d migrations applied in all, got %d: %v", len(all), total, results)
	}
	check := sqlx.MustOpen("postgres", url)
	defer check.Close()
	var rows int
	if err := check.Get(&rows, `SELECT count(*) FROM activity_kinds`); err != nil || rows != 9 {
		t.Fatalf("want the reference rows inserted once, got %d rows (%v)", rows, err)
	}
}

func TestLoadMigrationsRefusesDuplicateVersions(t *testing.T) {
	fsys := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`SELECT 1`)},
		"0001_b.sql": {Data: []byte(`SELECT 2`)},
	}
	if _, err := models.LoadMigrations(fsys); err == nil {
		t.Fatal("two files with one version were accepted")
	}
}
