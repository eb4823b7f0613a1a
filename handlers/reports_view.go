package handlers

import (
	"fmt"
	"html/template"
	"strings"

	"khuyencong/internal/charts"
	"khuyencong/internal/vi"
	"khuyencong/models"
)

// Chart colours: difficult areas in the centre's red, other areas in its green; completions in green.
var (
	seriesDifficult = charts.Series{Key: "difficult", Color: "#b3261e"}
	seriesOther     = charts.Series{Key: "other", Color: "#0b6e4f"}
	seriesCompleted = charts.Series{Key: "completed", Color: "#0b6e4f"}
	seriesRest      = charts.Series{Key: "not_completed", Color: "#c9d3cd"}
)

func named(s charts.Series, name string) charts.Series { s.Name = name; return s }

// reachLine is a district's line as printed: its number, its name (or "no district").
type reachLine struct {
	models.ReachRow
	No    int
	Label string
}

// reachView is the reach report ready to print: lines, the kinds chosen, the charts.
type reachView struct {
	models.ReachReport
	Lines          []reachLine
	KindNames      []string
	ChartDistricts template.HTML
	ChartFunding   template.HTML
}

// districtLabel is a district's name, or a placeholder for records whose commune has no district.
func districtLabel(lang string, r models.ReachRow) string {
	if r.DistrictName == "" {
		return T(lang, "report.no_district")
	}
	return r.DistrictName
}

// shortPlace drops the unit word of a district's name for the charts' narrow label column:
// "Huyện Lục Ngạn" → "Lục Ngạn", "Thành phố Bắc Giang" → "TP Bắc Giang", "Thị xã Việt Yên" → "TX Việt Yên".
func shortPlace(name string) string {
	for prefix, short := range map[string]string{"Huyện ": "", "Thành phố ": "TP ", "Thị xã ": "TX ", "Quận ": "Q. "} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			return short + rest
		}
	}
	return name
}

func newReachView(lang string, rep models.ReachReport, kinds []models.ActivityKind) (reachView, error) {
	v := reachView{ReachReport: rep}
	var rows []charts.Row
	for i, r := range rep.Rows {
		label := districtLabel(lang, r)
		v.Lines = append(v.Lines, reachLine{ReachRow: r, No: i + 1, Label: label})
		rows = append(rows, charts.Row{Label: shortPlace(label), Values: []int64{r.Difficult, r.Establishments - r.Difficult}})
	}
	for _, k := range kinds {
		for _, chosen := range rep.Filter.Kinds {
			if k.Code == chosen {
				name := k.NameVI
				if lang == LangEN {
					name = k.NameEN
				}
				v.KindNames = append(v.KindNames, k.Code+" — "+name)
			}
		}
	}
	difficult, other := named(seriesDifficult, T(lang, "report.series_difficult")), named(seriesOther, T(lang, "report.series_other"))
	var err error
	v.ChartDistricts, err = charts.Stacked(charts.Chart{ID: "chart-districts", Title: T(lang, "report.chart_districts"),
		Desc: fmt.Sprintf(T(lang, "report.sum_difficult"), vi.Int(rep.Total.Difficult), vi.Int(rep.Total.Establishments),
			vi.Percent(rep.Total.DifficultShare()), vi.Int(rep.Total.DifficultFunding), vi.Percent(rep.Total.FundingShare()),
			vi.Int(rep.Total.Funding)),
		Series: []charts.Series{difficult, other}, Rows: rows})
	if err != nil {
		return v, err
	}
	v.ChartFunding, err = charts.Share("chart-funding", T(lang, "report.chart_funding"), T(lang, "report.funding_share"),
		[]charts.Series{difficult, other}, []int64{rep.Total.DifficultFunding, rep.Total.Funding - rep.Total.DifficultFunding},
		func(n int64) string { return vi.Money(n) })
	return v, err
}

// trainingLine is a line of the main training table with its labels.
type trainingLine struct {
	models.TrainingRow
	KindLabel, CraftLabel, DistrictLabel string
}

// breakdownLine is a line of a breakdown with its label.
type breakdownLine struct {
	models.BreakdownRow
	Label string
}

// trainingView is the training report ready to print.
type trainingView struct {
	models.TrainingReport
	Lines                        []trainingLine
	Years, Genders, Ethnic, Ages []breakdownLine
	ChartTrainees                template.HTML
	HourYears                    []int // the years of the period, for the master-hours links
}

func labelled(rows []models.BreakdownRow, label func(string) string) []breakdownLine {
	out := make([]breakdownLine, 0, len(rows))
	for _, r := range rows {
		out = append(out, breakdownLine{BreakdownRow: r, Label: label(r.Key)})
	}
	return out
}

func newTrainingView(lang string, rep models.TrainingReport) (trainingView, error) {
	v := trainingView{TrainingReport: rep}
	for _, r := range rep.Rows {
		l := trainingLine{TrainingRow: r, KindLabel: T(lang, "kind."+r.Kind), CraftLabel: r.CraftName, DistrictLabel: r.DistrictName}
		if l.CraftLabel == "" {
			l.CraftLabel = T(lang, "report.workshop_craft")
		}
		if l.DistrictLabel == "" {
			l.DistrictLabel = T(lang, "report.no_district")
		}
		v.Lines = append(v.Lines, l)
	}
	same := func(k string) string { return k }
	v.Years = labelled(rep.ByYear, same)
	v.Genders = labelled(rep.ByGender, func(k string) string { return T(lang, "trainees.gender."+k) })
	v.Ethnic = labelled(rep.ByEthnicity, same)
	v.Ages = labelled(rep.ByAge, func(k string) string { return T(lang, "report.age."+k) })
	for y := rep.Filter.From.Year(); y <= rep.Filter.To.Year() && len(v.HourYears) < 30; y++ {
		v.HourYears = append(v.HourYears, y)
	}
	var rows []charts.Row
	for _, y := range rep.ByYear {
		rows = append(rows, charts.Row{Label: y.Key, Values: []int64{y.Completed, y.Enrolled - y.Completed}})
	}
	var err error
	v.ChartTrainees, err = charts.Stacked(charts.Chart{ID: "chart-trainees", Title: T(lang, "report.chart_trainees"),
		Desc:   T(lang, "report.enrolled") + ": " + vi.Int(rep.Total.Enrolled) + "; " + T(lang, "report.completed") + ": " + vi.Int(rep.Total.Completed),
		Series: []charts.Series{named(seriesCompleted, T(lang, "report.completed")), named(seriesRest, T(lang, "report.not_completed"))},
		Rows:   rows})
	return v, err
}
