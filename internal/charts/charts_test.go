package charts_test

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/charts"
)

// Rect is a bar read back from the SVG.
type Rect struct {
	Series string
	Value  int64
	X, W   float64
}

// ParseBars checks that markup is one well-formed <svg> element and returns its data bars.
func ParseBars(t *testing.T, markup string) []Rect {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(markup))
	var bars []Rect
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("not well-formed XML: %v\n%s", err, markup)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if el.Name.Local != "svg" || el.Name.Space != "http://www.w3.org/2000/svg" {
					t.Fatalf("root %v, want svg in the SVG namespace", el.Name)
				}
			}
			depth++
			attr := map[string]string{}
			for _, a := range el.Attr {
				attr[a.Name.Local] = a.Value
			}
			if el.Name.Local == "rect" && attr["data-value"] != "" {
				v, _ := strconv.ParseInt(attr["data-value"], 10, 64)
				x, _ := strconv.ParseFloat(attr["x"], 64)
				w, _ := strconv.ParseFloat(attr["width"], 64)
				bars = append(bars, Rect{attr["data-series"], v, x, w})
			}
		case xml.EndElement:
			depth--
		}
	}
	if roots != 1 || depth != 0 {
		t.Fatalf("%d root elements, depth %d at the end", roots, depth)
	}
	return bars
}

var series = []charts.Series{{Key: "difficult", Name: "Vùng khó khăn", Color: "#b3261e"}, {Key: "other", Name: "Khác", Color: "#0b6e4f"}}

func TestStackedBarsAreProportionalAndCarryTheirValues(t *testing.T) {
	c := charts.Chart{ID: "reach-chart", Title: "Cơ sở theo huyện", Desc: "Số cơ sở <được> hỗ trợ & vùng khó khăn",
		Series: series, Rows: []charts.Row{
			{Label: "Lục Ngạn", Values: []int64{46, 0}},
			{Label: "Việt Yên", Values: []int64{0, 32}},
			{Label: "A <b>&</b> \"B\"", Values: []int64{3, 5}},
		}}
	out, err := charts.Stacked(c)
	if err != nil {
		t.Fatal(err)
	}
	bars := ParseBars(t, string(out))
	if len(bars) != 6 {
		t.Fatalf("%d bars, want 6", len(bars))
	}
	want := []int64{46, 0, 0, 32, 3, 5}
	for i, b := range bars {
		if b.Value != want[i] || b.Series != series[i%2].Key {
			t.Errorf("bar %d: %+v, want value %d of %s", i, b, want[i], series[i%2].Key)
		}
		if math.Abs(b.W-float64(b.Value)*c.Scale()) > 0.01 {
			t.Errorf("bar %d: width %.2f for %d, want %.2f", i, b.W, b.Value, float64(b.Value)*c.Scale())
		}
	}
	// Segments of a row are stacked: the second starts where the first ends; the longest bar fills the plot.
	if math.Abs(bars[5].X-(bars[4].X+bars[4].W)) > 0.011 || math.Abs(bars[0].W-520) > 0.01 {
		t.Errorf("stacking or scale wrong: %+v", bars)
	}
	if !strings.Contains(string(out), "A &lt;b&gt;&amp;&lt;/b&gt;") || strings.Contains(string(out), "<b>") {
		t.Errorf("labels are not escaped: %s", out)
	}
	if !strings.Contains(string(out), `<title id="reach-chart-title">Cơ sở theo huyện</title>`) {
		t.Errorf("no accessible title: %s", out)
	}
}

func TestEmptyChartsAreValid(t *testing.T) {
	out, err := charts.Stacked(charts.Chart{ID: "x", Title: "Trống", Series: series})
	if err != nil {
		t.Fatal(err)
	}
	if bars := ParseBars(t, string(out)); len(bars) != 0 {
		t.Errorf("bars %+v", bars)
	}
	out, err = charts.Share("y", "Trống", "", series, []int64{0, 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range ParseBars(t, string(out)) {
		if b.W != 0 {
			t.Errorf("an empty share has a bar %+v", b)
		}
	}
}

func TestShareSplitsTheWhole(t *testing.T) {
	out, err := charts.Share("funding", "Kinh phí", "26,3% cho vùng khó khăn", series,
		[]int64{10_520_000_000, 29_480_000_000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	bars := ParseBars(t, string(out))
	if len(bars) != 2 || bars[0].Value != 10_520_000_000 || bars[1].Value != 29_480_000_000 {
		t.Fatalf("bars %+v", bars)
	}
	whole := bars[0].W + bars[1].W
	if math.Abs(bars[0].W/whole-0.263) > 0.0001 {
		t.Errorf("the difficult part is %.4f of the bar, want 0,263", bars[0].W/whole)
	}
	for _, s := range []string{"Vùng khó khăn: 26,3%", "Khác: 73,7%", "10.520.000.000"} {
		if !strings.Contains(string(out), s) {
			t.Errorf("%q missing from %s", s, out)
		}
	}
}
