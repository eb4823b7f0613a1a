// Package charts draws the reports' bar charts as inline SVG on the server: readable without
// JavaScript, printed with the page, and needing no service or library beyond encoding/xml, whose
// encoder escapes every name and number that goes in.
//
// It is a package of its own rather than part of handlers because it is pure (figures in, markup out):
// it knows nothing of HTTP or of the database, and its tests parse its output as XML and measure the
// bars. Every bar is a <rect> carrying data-series and data-value (the figure it stands for), so that
// tests and scripts can read the numbers back; widths are proportional to the values.
package charts

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"strconv"

	"khuyencong/internal/vi"
)

// Series is one kind of bar segment: its key (data-series and a CSS class), its legend and its colour.
type Series struct {
	Key, Name, Color string
}

// Row is one bar: its label and one value per series, stacked from the left.
type Row struct {
	Label  string
	Values []int64
}

// Chart is a horizontal stacked bar chart.
type Chart struct {
	ID, Title, Desc string
	Series          []Series
	Rows            []Row
	// Format writes a value for people (the total at the end of each bar); vi.Int when nil.
	Format func(int64) string
}

// Geometry of the drawing, in SVG user units (the SVG scales to its container).
const (
	width     = 800.0
	labelW    = 170.0 // the row labels' column
	valueW    = 110.0 // the totals' column
	plotW     = width - labelW - valueW
	rowH      = 28.0
	barH      = 18.0
	legendH   = 30.0
	titleH    = 28.0
	fontSize  = "13"
	textColor = "#1b1f23"
)

// Scale is the width in user units of one unit of value in the chart: the longest bar fills the plot.
func (c Chart) Scale() float64 {
	var most int64
	for _, r := range c.Rows {
		var t int64
		for _, v := range r.Values {
			t += v
		}
		most = max(most, t)
	}
	if most == 0 {
		return 0
	}
	return plotW / float64(most)
}

// svg writes SVG elements through encoding/xml, which escapes attribute values and text.
type svg struct {
	enc *xml.Encoder
	err error
}

func (s *svg) open(name string, attrs ...string) {
	if s.err != nil {
		return
	}
	el := xml.StartElement{Name: xml.Name{Local: name}}
	for i := 0; i+1 < len(attrs); i += 2 {
		el.Attr = append(el.Attr, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
	}
	s.err = s.enc.EncodeToken(el)
}

func (s *svg) close(name string) {
	if s.err == nil {
		s.err = s.enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}})
	}
}

func (s *svg) text(v string) {
	if s.err == nil {
		s.err = s.enc.EncodeToken(xml.CharData(v))
	}
}

// leaf writes an element with attributes and optional text.
func (s *svg) leaf(name, content string, attrs ...string) {
	s.open(name, attrs...)
	if content != "" {
		s.text(content)
	}
	s.close(name)
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// begin opens the <svg> with its title and description (read by screen readers) and the legend.
func begin(s *svg, id, title, desc string, height float64, series []Series) {
	s.open("svg", "xmlns", "http://www.w3.org/2000/svg", "class", "chart", "id", id, "role", "img",
		"viewBox", "0 0 "+num(width)+" "+num(height), "aria-labelledby", id+"-title "+id+"-desc",
		"font-size", fontSize, "font-family", "Noto Sans, DejaVu Sans, Arial, sans-serif")
	s.leaf("title", title, "id", id+"-title")
	s.leaf("desc", desc, "id", id+"-desc")
	s.leaf("text", title, "x", "0", "y", "18", "font-weight", "700", "fill", textColor)
	x := 0.0
	for _, se := range series {
		s.open("g", "class", "legend")
		s.leaf("rect", "", "x", num(x), "y", num(titleH), "width", "14", "height", "14", "fill", se.Color, "class", "chart-"+se.Key)
		s.leaf("text", se.Name, "x", num(x+20), "y", num(titleH+12), "fill", textColor)
		s.close("g")
		x += 40 + 8*float64(len([]rune(se.Name)))
	}
}

// finish closes the <svg> and returns the markup.
func finish(s *svg, buf *bytes.Buffer) (template.HTML, error) {
	s.close("svg")
	if s.err == nil {
		s.err = s.enc.Flush()
	}
	if s.err != nil {
		return "", fmt.Errorf("chart: %w", s.err)
	}
	return template.HTML(buf.String()), nil // #nosec: built by encoding/xml, which escaped every value
}

// Stacked draws the chart: one horizontal bar per row, its segments in series order, its total at the end.
func Stacked(c Chart) (template.HTML, error) {
	format := c.Format
	if format == nil {
		format = vi.Int
	}
	var buf bytes.Buffer
	s := &svg{enc: xml.NewEncoder(&buf)}
	top := titleH + legendH
	begin(s, c.ID, c.Title, c.Desc, top+rowH*float64(len(c.Rows))+8, c.Series)
	scale := c.Scale()
	for i, r := range c.Rows {
		y := top + rowH*float64(i)
		var total int64
		for _, v := range r.Values {
			total += v
		}
		s.open("g", "class", "bar", "data-label", r.Label, "data-total", strconv.FormatInt(total, 10))
		s.leaf("text", r.Label, "x", num(labelW-8), "y", num(y+barH-4), "text-anchor", "end", "fill", textColor)
		x := labelW
		for j, v := range r.Values {
			if j >= len(c.Series) {
				break
			}
			w := float64(v) * scale
			s.leaf("rect", "", "x", num(x), "y", num(y), "width", num(w), "height", num(barH), "fill", c.Series[j].Color,
				"class", "chart-"+c.Series[j].Key, "data-series", c.Series[j].Key, "data-value", strconv.FormatInt(v, 10))
			x += w
		}
		s.leaf("text", format(total), "x", num(x+6), "y", num(y+barH-4), "fill", textColor, "class", "chart-total")
		s.close("g")
	}
	return finish(s, &buf)
}

// Share draws one bar that is the whole (100%), split into the parts' shares, each labelled with its
// percentage (52,8%) and its amount written by format (vi.Int when nil).
func Share(id, title, desc string, series []Series, values []int64, format func(int64) string) (template.HTML, error) {
	if format == nil {
		format = vi.Int
	}
	var total int64
	for _, v := range values {
		total += v
	}
	var buf bytes.Buffer
	s := &svg{enc: xml.NewEncoder(&buf)}
	top := titleH + legendH
	begin(s, id, title, desc, top+barH*2+2*rowH, series)
	full := width - 2
	x := 1.0
	for i, v := range values {
		if i >= len(series) {
			break
		}
		w := 0.0
		if total > 0 {
			w = full * float64(v) / float64(total)
		}
		s.leaf("rect", "", "x", num(x), "y", num(top), "width", num(w), "height", num(barH*2), "fill", series[i].Color,
			"class", "chart-"+series[i].Key, "data-series", series[i].Key, "data-value", strconv.FormatInt(v, 10))
		share := 0.0
		if total > 0 {
			share = float64(v) / float64(total)
		}
		anchor, tx := "start", x+4
		if i == len(values)-1 && i > 0 {
			anchor, tx = "end", x+w-4
		}
		s.leaf("text", series[i].Name+": "+vi.Percent(share), "x", num(tx), "y", num(top+barH*2+18), "text-anchor", anchor, "fill", textColor,
			"font-weight", "700")
		s.leaf("text", format(v), "x", num(tx), "y", num(top+barH*2+36), "text-anchor", anchor, "fill", textColor)
		x += w
	}
	return finish(s, &buf)
}
