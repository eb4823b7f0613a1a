// Package invariants checks the promises the records keep whatever happens: no overbooking, a
// contiguous waitlist, no double-booked venue or instructor, gap-free certificate numbers, one valid
// certificate per enrolment. The queries live in invariants.sql, which psql runs as it is; the
// benchmark harness and the fault drills run them through Check after every burst and every drill.
package invariants

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strings"
)

//go:embed invariants.sql
var file string

// Query is one invariant: a query that returns the rows breaking it.
type Query struct {
	Name string
	SQL  string
}

// Violation is an invariant with rows that break it, and the first few of them as text.
type Violation struct {
	Name   string
	Rows   int
	Sample []string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s: %d rows, e.g. %s", v.Name, v.Rows, strings.Join(v.Sample, "; "))
}

// Queries returns the invariants in the order of the file.
func Queries() []Query {
	var out []Query
	for _, part := range strings.Split(file, "\n-- name: ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		out = append(out, Query{Name: strings.TrimSpace(name), SQL: strings.TrimSpace(body)})
	}
	return out
}

// Check runs every invariant and returns those that some rows break; none means all hold.
func Check(ctx context.Context, db *sql.DB) ([]Violation, error) {
	var out []Violation
	for _, q := range Queries() {
		v, err := run(ctx, db, q)
		if err != nil {
			return nil, fmt.Errorf("invariant %s: %w", q.Name, err)
		}
		if v.Rows > 0 {
			out = append(out, v)
		}
	}
	return out, nil
}

func run(ctx context.Context, db *sql.DB, q Query) (Violation, error) {
	v := Violation{Name: q.Name}
	rows, err := db.QueryContext(ctx, q.SQL)
	if err != nil {
		return v, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return v, err
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return v, err
		}
		v.Rows++
		if len(v.Sample) < 3 {
			parts := make([]string, len(cols))
			for i, c := range cols {
				parts[i] = c + "=" + vals[i].String
			}
			v.Sample = append(v.Sample, strings.Join(parts, " "))
		}
	}
	return v, rows.Err()
}
