package handlers

import (
	"errors"
	"html/template"
	"net/url"
	"strconv"

	"khuyencong/models"
)

// listLinks are the links of a list page that must keep its search and filters: the sortable column
// headers (clicking the current column turns its order round) and the pager. They are built here,
// escaped once, because partials/pager.html only carries q and sort.
type listLinks struct {
	Sort  map[string]template.URL // sort key → link
	Arrow map[string]string       // sort key → "▲", "▼" or ""
	Prev  template.URL
	Next  template.URL
}

// newListLinks builds the links of a list at path with its params, filters (empty ones dropped) and
// the sort keys of its allow-list.
func newListLinks[T any](path string, p models.ListParams, filters url.Values, keys []string, l models.List[T]) listLinks {
	base := url.Values{}
	if p.Q != "" {
		base.Set("q", p.Q)
	}
	if p.PerPage != models.DefaultPerPage {
		base.Set("per_page", strconv.Itoa(p.PerPage))
	}
	for k, vs := range filters {
		if len(vs) > 0 && vs[0] != "" {
			base.Set(k, vs[0])
		}
	}
	link := func(extra url.Values) template.URL {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		for k, vs := range extra {
			v[k] = vs
		}
		// Encode escapes every value, so the URL is safe to mark as such.
		return template.URL(path + "?" + v.Encode())
	}
	out := listLinks{Sort: map[string]template.URL{}, Arrow: map[string]string{}}
	for _, k := range keys {
		next := k
		switch p.Sort {
		case k:
			next, out.Arrow[k] = "-"+k, "▲"
		case "-" + k:
			out.Arrow[k] = "▼"
		}
		out.Sort[k] = link(url.Values{"sort": {next}})
	}
	sort := url.Values{}
	if p.Sort != "" {
		sort.Set("sort", p.Sort)
	}
	if l.Page > 1 {
		sort.Set("page", strconv.Itoa(l.Page-1))
		out.Prev = link(sort)
	}
	if l.Page < l.Pages() {
		sort.Set("page", strconv.Itoa(l.Page+1))
		out.Next = link(sort)
	}
	return out
}

// listError turns an unknown sort key into a field error, so that an API client learns which
// parameter was wrong; other errors pass unchanged.
func listError(err error) error {
	var se *models.SortError
	if errors.As(err, &se) {
		return fieldErrors{"sort": "invalid_sort"}
	}
	return err
}
