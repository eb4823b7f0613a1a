package models_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"khuyencong/internal/tcpproxy"
	"khuyencong/internal/testdb"
	"khuyencong/models"
)

// A query never outlives its deadline, whether the database goes away (connections reset, new ones
// refused) or stops answering (connections held open, nothing comes back); afterwards the pool
// recovers by itself.
func TestQueriesEndAtTheirDeadlineWhenTheDatabaseStopsAnswering(t *testing.T) {
	dsn := testdb.NewURL(t)
	u, _ := url.Parse(dsn)
	proxy, err := tcpproxy.Listen(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	u.Host = proxy.Addr()
	db, err := models.Open(ctx, u.String(), 4)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := models.NewStore(db)
	user := models.User{ID: 1, Role: models.RoleStaff}
	query := func(timeout time.Duration) (time.Duration, error) {
		qctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		start := time.Now()
		_, err := s.CourseAccess(qctx, user, 1) // a prepared statement; ErrNotFound means it answered
		if err != nil && qctx.Err() == nil && !errors.Is(err, models.ErrNotFound) {
			return time.Since(start), err
		}
		if qctx.Err() != nil {
			return time.Since(start), qctx.Err()
		}
		return time.Since(start), nil
	}
	recovered := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, err := query(time.Second); err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no recovery within 10 s after %s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	recovered("start")
	for _, outage := range []struct {
		name  string
		begin func()
	}{{"a hang", proxy.Hang}, {"a cut", proxy.Cut}} {
		outage.begin()
		for i := 0; i < 3; i++ {
			took, err := query(300 * time.Millisecond)
			if err == nil {
				t.Fatalf("%s: a query answered", outage.name)
			}
			if took > 800*time.Millisecond {
				t.Fatalf("%s: a query with a 300 ms deadline took %s", outage.name, took)
			}
		}
		if err := proxy.Restore(); err != nil {
			t.Fatal(err)
		}
		recovered(outage.name)
	}
}
