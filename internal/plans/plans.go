// Package plans reads PostgreSQL's query plans (EXPLAIN (FORMAT JSON)) for the checks that the hot
// queries have indexes to use: the models' test on the demo data and the benchmark on ten times it.
package plans

import (
	"encoding/json"
	"fmt"
)

type node struct {
	NodeType string `json:"Node Type"`
	Relation string `json:"Relation Name"`
	Plans    []node `json:"Plans"`
}

// SeqScans lists the tables that a plan in EXPLAIN's JSON format reads by sequential scan, in plan order.
func SeqScans(explain []byte) ([]string, error) {
	var root []struct{ Plan node }
	if err := json.Unmarshal(explain, &root); err != nil || len(root) == 0 {
		return nil, fmt.Errorf("not a JSON plan: %v", err)
	}
	var out []string
	var walk func(n node)
	walk = func(n node) {
		if n.NodeType == "Seq Scan" {
			out = append(out, n.Relation)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(root[0].Plan)
	return out, nil
}
