package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// series is one figure's values over the runs of a bench.
type series []float64

func (s series) sorted() []float64 {
	c := append([]float64(nil), s...)
	sort.Float64s(c)
	return c
}

func (s series) median() float64 {
	c := s.sorted()
	if len(c) == 0 {
		return 0
	}
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

func (s series) min() float64 {
	if len(s) == 0 {
		return 0
	}
	return s.sorted()[0]
}

func (s series) max() float64 {
	if len(s) == 0 {
		return 0
	}
	return s.sorted()[len(s)-1]
}

// row is one line of the table: a figure, its median and spread over the runs, its reference
// measured in the same runs with the ratio, the target and whether it was met.
type row struct {
	Figure string
	Value  series
	Unit   string
	Ref    series // nil when the target is absolute
	RefLbl string
	Ratio  series // Value/Ref per run
	Target string
	Met    bool
	Note   string
}

func fmtNum(v float64, unit string) string {
	switch {
	case unit == "ms" && v < 10:
		return fmt.Sprintf("%.2f", v)
	case unit == "ratio":
		return fmt.Sprintf("%.3f", v)
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.1f", v)
	}
}

func spread(s series, unit string) string {
	if len(s) == 0 {
		return ""
	}
	return fmtNum(s.min(), unit) + "–" + fmtNum(s.max(), unit)
}

// printTable writes the table in Markdown, so that it reads in a terminal and pastes into docs.
func printTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| figure | median | min–max | unit | reference (median) | ratio median (min–max) | target | met |")
	fmt.Fprintln(w, "|---|---:|---:|---|---:|---:|---|---|")
	for _, r := range rows {
		ref, ratio := "", ""
		if r.Ref != nil {
			ref = fmtNum(r.Ref.median(), r.Unit) + " " + r.RefLbl
			ratio = fmtNum(r.Ratio.median(), "ratio") + " (" + spread(r.Ratio, "ratio") + ")"
		}
		met := "yes"
		if !r.Met {
			met = "**NO**"
		}
		fig := r.Figure
		if r.Note != "" {
			fig += " — " + r.Note
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", fig, fmtNum(r.Value.median(), r.Unit), spread(r.Value, r.Unit),
			r.Unit, ref, ratio, r.Target, met)
	}
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}
