package models

// ReachQueryForTest exposes the reach statement and its arguments to the EXPLAIN test.
func ReachQueryForTest(f ReachFilter) (string, []any) { return reachStatement(f) }
