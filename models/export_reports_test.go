package models

// ReachQueryForTest exposes the reach statement and its arguments to the EXPLAIN test (with no course
// events: the arrays of the course option are empty).
func ReachQueryForTest(f ReachFilter) (string, []any) { return reachStatement(f, nil) }
