package plans

import (
	"slices"
	"testing"
)

func TestSeqScans(t *testing.T) {
	plan := `[{"Plan": {"Node Type": "Hash Join", "Plans": [
		{"Node Type": "Seq Scan", "Relation Name": "admin_units"},
		{"Node Type": "Hash", "Plans": [{"Node Type": "Index Scan", "Relation Name": "courses"},
		                                  {"Node Type": "Seq Scan", "Relation Name": "crafts"}]}]}}]`
	got, err := SeqScans([]byte(plan))
	if err != nil || !slices.Equal(got, []string{"admin_units", "crafts"}) {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := SeqScans([]byte(`{}`)); err == nil {
		t.Fatal("not a plan: no error")
	}
}
