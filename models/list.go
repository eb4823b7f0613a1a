package models

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Page sizes for lists.
const (
	DefaultPerPage = 25
	MaxPerPage     = 100
	maxQueryWords  = 8
)

// ListParams are what a list page or API call asks for: a search, a sort key from an allow-list, and a page.
type ListParams struct {
	Q       string
	Sort    string // a key of the list's allow-list; a leading "-" sorts descending
	Page    int
	PerPage int
}

// Normalize clamps the page and its size: page ≥ 1, 1 ≤ size ≤ MaxPerPage; never an error.
func (p ListParams) Normalize() ListParams {
	if p.Page < 1 {
		p.Page = 1
	}
	if p.Page > 100000 {
		p.Page = 100000
	}
	if p.PerPage < 1 {
		p.PerPage = DefaultPerPage
	}
	if p.PerPage > MaxPerPage {
		p.PerPage = MaxPerPage
	}
	p.Q = strings.TrimSpace(p.Q)
	if utf8.RuneCountInString(p.Q) > 200 {
		p.Q = string([]rune(p.Q)[:200])
	}
	return p
}

// Offset is the number of rows before the page.
func (p ListParams) Offset() int { return (p.Page - 1) * p.PerPage }

// List is one page of results with the total count, for pagination.
type List[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// Pages is the number of pages.
func (l List[T]) Pages() int {
	if l.PerPage == 0 {
		return 0
	}
	return (l.Total + l.PerPage - 1) / l.PerPage
}

// SortError says that a sort key is not on the list's allow-list.
type SortError struct{ Key string }

func (e *SortError) Error() string { return fmt.Sprintf("unknown sort key %q", e.Key) }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *SortError) Is(target error) bool { return target == ErrInvalid }

// orderBy turns a sort key into an ORDER BY clause from the allow-list only; the first key of the
// allow-list's order is the default. Unknown keys are an error, never SQL.
func orderBy(sort string, allowed map[string]string, def string) (string, error) {
	if sort == "" {
		sort = def
	}
	desc := strings.HasPrefix(sort, "-")
	key := strings.TrimPrefix(sort, "-")
	expr, ok := allowed[key]
	if !ok {
		return "", &SortError{Key: sort}
	}
	if desc {
		// Every column of the expression turns descending.
		parts := strings.Split(expr, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i]) + " DESC"
		}
		expr = strings.Join(parts, ", ")
	}
	return "ORDER BY " + expr, nil
}

// escapeLike makes a user's text match literally inside LIKE.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// searchWhere builds "col LIKE … AND col LIKE …" over the words of q, each folded by search_key() in
// SQL, so "nguyen anh" finds "Nguyễn Thị Ngọc Ánh". Arguments are numbered from next. An empty q
// gives "TRUE".
func searchWhere(col, q string, next int) (string, []any) {
	words := strings.Fields(q)
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	if len(words) == 0 {
		return "TRUE", nil
	}
	var conds []string
	var args []any
	for i, w := range words {
		conds = append(conds, fmt.Sprintf("%s LIKE '%%' || search_key($%d) || '%%'", col, next+i))
		args = append(args, escapeLike(w))
	}
	return strings.Join(conds, " AND "), args
}
