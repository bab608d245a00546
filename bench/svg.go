package bench

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// series is one source's bars or lines in a chart.
type series struct {
	name  string
	color string
	get   func(q *QueryResult) *Timing
}

var allSeries = []series{
	{"ctlake ORC store", "#1f77b4", func(q *QueryResult) *Timing { return q.ORC }},
	{"ctlake on NDJSON (same engine)", "#ff7f0e", func(q *QueryResult) *Timing { return q.JSON }},
	{"DuckDB table", "#2ca02c", func(q *QueryResult) *Timing { return q.DuckTable }},
	{"DuckDB on NDJSON", "#9467bd", func(q *QueryResult) *Timing { return q.DuckJSON }},
}

// present keeps the series that have figures in the report.
func present(r *Report) []series {
	var out []series
	for _, s := range allSeries {
		for _, sz := range r.Sizes {
			if len(sz.Queries) > 0 && s.get(sz.Queries[0]) != nil {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// WriteSVG draws the report: with one size, horizontal bars of each
// query's median time per source on a log scale; with several, one small
// log–log panel per query of median time against events.
func WriteSVG(w io.Writer, r *Report) error {
	if len(r.Sizes) == 0 {
		return fmt.Errorf("nothing to plot")
	}
	if len(r.Sizes) == 1 {
		return barChart(w, r, r.Sizes[0])
	}
	return scalingChart(w, r)
}

// decades returns the powers of ten spanning [lo, hi].
func decades(lo, hi float64) (float64, float64) {
	return math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi)))
}

func msLabel(ms float64) string {
	switch {
	case ms >= 1000:
		return fmt.Sprintf("%gs", ms/1000)
	case ms >= 1:
		return fmt.Sprintf("%gms", ms)
	}
	return fmt.Sprintf("%gµs", ms*1000)
}

func barChart(w io.Writer, r *Report, s *SizeReport) error {
	ser := present(r)
	const left, right, top, barH, gap = 190.0, 70.0, 60.0, 11.0, 12.0
	const width = 940.0
	lo, hi := math.Inf(1), 0.0
	for _, q := range s.Queries {
		for _, sr := range ser {
			if t := sr.get(q); t != nil && t.Median > 0 {
				lo, hi = math.Min(lo, t.Median*1e3), math.Max(hi, t.Median*1e3)
			}
		}
	}
	lo, hi = decades(lo, hi)
	plotW := width - left - right
	x := func(ms float64) float64 { return left + plotW*math.Log10(ms/lo)/math.Log10(hi/lo) }
	groupH := float64(len(ser))*barH + gap
	height := top + groupH*float64(len(s.Queries)) + 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="11">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="18" font-size="14" font-weight="bold">Median query time, %d events (log scale; shorter is faster)</text>`+"\n", left, s.Dataset.Events)
	for i, sr := range ser {
		lx := left + float64(i)*185
		fmt.Fprintf(&b, `<rect x="%.0f" y="28" width="12" height="10" fill="%s"/><text x="%.0f" y="37">%s</text>`+"\n", lx, sr.color, lx+16, html.EscapeString(sr.name))
	}
	axisY := top + groupH*float64(len(s.Queries))
	for d := lo; d <= hi*1.0001; d *= 10 {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#ddd"/><text x="%.1f" y="%.0f" text-anchor="middle" fill="#555">%s</text>`+"\n",
			x(d), top-6, x(d), axisY, x(d), axisY+14, msLabel(d))
	}
	for qi, q := range s.Queries {
		y0 := top + groupH*float64(qi)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end">%s</text>`+"\n", left-8, y0+float64(len(ser))*barH/2+4, html.EscapeString(q.Name))
		for si, sr := range ser {
			t := sr.get(q)
			if t == nil || t.Median <= 0 {
				continue
			}
			ms := t.Median * 1e3
			y := y0 + float64(si)*barH
			fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %.1f ms</title></rect>`+"\n",
				left, y, math.Max(x(ms)-left, 1), barH-1, sr.color, html.EscapeString(sr.name), ms)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="9" fill="#333">%s</text>`+"\n", x(ms)+3, y+barH-3, fmtMs(ms))
		}
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func fmtMs(ms float64) string {
	if ms >= 100 {
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f ms", ms)
}

func scalingChart(w io.Writer, r *Report) error {
	ser := present(r)
	queries := r.Sizes[0].Queries
	const cols, pw, ph, ml, mb, pad = 4, 230.0, 170.0, 46.0, 28.0, 14.0
	rows := (len(queries) + cols - 1) / cols
	width := float64(cols) * (pw + pad)
	height := 60 + float64(rows)*(ph+pad+20)
	nlo, nhi := math.Inf(1), 0.0
	tlo, thi := math.Inf(1), 0.0
	for _, s := range r.Sizes {
		n := float64(s.Dataset.Events)
		nlo, nhi = math.Min(nlo, n), math.Max(nhi, n)
		for _, q := range s.Queries {
			for _, sr := range ser {
				if t := sr.get(q); t != nil && t.Median > 0 {
					tlo, thi = math.Min(tlo, t.Median*1e3), math.Max(thi, t.Median*1e3)
				}
			}
		}
	}
	nlo, nhi = decades(nlo, nhi)
	tlo, thi = decades(tlo, thi)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="10">`+"\n", width, height)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	b.WriteString(`<text x="10" y="18" font-size="14" font-weight="bold">Median query time vs events (log–log)</text>` + "\n")
	for i, sr := range ser {
		lx := 10 + float64(i)*210
		fmt.Fprintf(&b, `<rect x="%.0f" y="28" width="12" height="10" fill="%s"/><text x="%.0f" y="37" font-size="11">%s</text>`+"\n", lx, sr.color, lx+16, html.EscapeString(sr.name))
	}
	for qi, q := range queries {
		ox := float64(qi%cols) * (pw + pad)
		oy := 50 + float64(qi/cols)*(ph+pad+20)
		x := func(n float64) float64 { return ox + ml + (pw-ml-6)*math.Log10(n/nlo)/math.Log10(nhi/nlo) }
		y := func(ms float64) float64 { return oy + 16 + (ph-mb-16)*(1-math.Log10(ms/tlo)/math.Log10(thi/tlo)) }
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-weight="bold">%s</text>`+"\n", ox+ml, oy+10, html.EscapeString(q.Name))
		for d := tlo; d <= thi*1.0001; d *= 10 {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/><text x="%.1f" y="%.1f" text-anchor="end" fill="#555">%s</text>`+"\n",
				x(nlo), y(d), x(nhi), y(d), x(nlo)-3, y(d)+3, msLabel(d))
		}
		for d := nlo; d <= nhi*1.0001; d *= 10 {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/><text x="%.1f" y="%.1f" text-anchor="middle" fill="#555">%s</text>`+"\n",
				x(d), y(tlo), x(d), y(thi), x(d), y(tlo)+12, eventsLabel(d))
		}
		for _, sr := range ser {
			var pts []string
			for _, s := range r.Sizes {
				if qi >= len(s.Queries) {
					continue
				}
				if t := sr.get(s.Queries[qi]); t != nil && t.Median > 0 {
					px, py := x(float64(s.Dataset.Events)), y(t.Median*1e3)
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"><title>%s, %d events: %.1f ms</title></circle>`+"\n", px, py, sr.color, html.EscapeString(sr.name), s.Dataset.Events, t.Median*1e3)
				}
			}
			if len(pts) > 1 {
				fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n", strings.Join(pts, " "), sr.color)
			}
		}
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func eventsLabel(n float64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%gM", n/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%gk", n/1e3)
	}
	return fmt.Sprintf("%g", n)
}
