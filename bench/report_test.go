package bench

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func timing(ms ...float64) *Timing {
	t := &Timing{EventsScanned: 1000}
	for _, m := range ms {
		t.Seconds = append(t.Seconds, m/1e3)
	}
	t.finish()
	return t
}

func sampleReport(sizes ...int64) *Report {
	r := &Report{Config: ReportConfig{Runs: 3, JSONRuns: 1}}
	for i, n := range sizes {
		f := float64(i + 1)
		r.Sizes = append(r.Sizes, &SizeReport{
			Dataset: &Dataset{Events: n},
			Queries: []*QueryResult{
				{Name: "a<b", Kind: "full", ORC: timing(10*f, 30*f, 20*f), JSON: timing(800 * f), DuckTable: timing(12 * f), DuckJSON: timing(300 * f), Check: "equal"},
				{Name: "lookup", Kind: "selective", ORC: timing(2*f, 4*f), JSON: timing(100 * f), DuckTable: timing(1 * f), DuckJSON: timing(30 * f), Check: "equal"},
			},
		})
	}
	return r
}

func TestTimingMedian(t *testing.T) {
	cases := []struct {
		ms   []float64
		want float64
	}{{[]float64{30, 10, 20}, 20}, {[]float64{4, 2}, 3}, {[]float64{7}, 7}}
	for _, c := range cases {
		if got := timing(c.ms...).Median * 1e3; got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("median of %v = %v, want %v", c.ms, got, c.want)
		}
	}
}

// Targets: medians 20 ms and 3 ms on ORC against 800 ms and 100 ms on JSON
// are 40× and 33.3× (median 36.7× ≥ 30); DuckDB's NDJSON times are 15× and
// 10×; against DuckDB's table the first is 20 ms vs 12 ms (1.67×, over
// 1.5×) and the lookup 3 ms vs 1 ms.
func TestTargets(t *testing.T) {
	got := strings.Join(Targets(sampleReport(1000).Sizes[0]), "\n")
	for _, want := range []string{"36.7× — met", "NDJSON, every query: met", "MISSED on a<b ctlake 1.67× DuckDB's time, lookup ctlake 3.00× DuckDB's time"} {
		if !strings.Contains(got, want) {
			t.Errorf("targets lack %q:\n%s", want, got)
		}
	}
}

// Both chart kinds are well-formed XML naming every query and series, with
// names escaped.
func TestSVG(t *testing.T) {
	for _, sizes := range [][]int64{{1000}, {1000, 10000, 100000}} {
		var b bytes.Buffer
		if err := WriteSVG(&b, sampleReport(sizes...)); err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(b.Bytes()))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%v: not XML: %v", sizes, err)
			}
		}
		for _, w := range []string{"a&lt;b", "lookup", "DuckDB table", "ctlake ORC store"} {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%v: SVG lacks %q", sizes, w)
			}
		}
	}
}

func TestDiffAndCanonicalTime(t *testing.T) {
	cases := []struct {
		a, b    []string
		ordered bool
		same    bool
	}{
		{[]string{"x", "y"}, []string{"y", "x"}, false, true},
		{[]string{"x", "y"}, []string{"y", "x"}, true, false},
		{[]string{"x"}, []string{"x", "x"}, false, false},
	}
	for _, c := range cases {
		if got := Diff(c.a, c.b, c.ordered) == ""; got != c.same {
			t.Errorf("Diff(%v, %v, %v) same=%v, want %v", c.a, c.b, c.ordered, got, c.same)
		}
	}
	for in, want := range map[string]string{"2024-05-01 00:00:00": "2024-05-01 00:00:00.000000000", "2024-05-01 10:00:00.5": "2024-05-01 10:00:00.500000000"} {
		if got := canonicalTime(in); got != want {
			t.Errorf("canonicalTime(%q) = %q, want %q", in, got, want)
		}
	}
}

// Cold targets: SELECT 1 at 12 ms meets ≤ 15 ms; the lookup at 40 ms misses
// ≤ 30 ms and is slower than DuckDB's table process (35 ms); the NDJSON
// process is 10× the lookup but 9× SELECT-free scan "a".
func TestColdTargets(t *testing.T) {
	c := &ColdReport{Runs: 3, Queries: []*ColdResult{
		{Name: coldSelect1, Kind: "startup", ORC: timing(12, 11, 13), DuckTable: timing(100)},
		{Name: "eventid-lookup", Kind: "selective", ORC: timing(40), DuckTable: timing(35), DuckJSON: timing(400)},
		{Name: "a", Kind: "full", ORC: timing(50), DuckTable: timing(60), DuckJSON: timing(450)},
	}}
	got := strings.Join(coldTargets(c), "\n")
	for _, want := range []string{
		"target cold SELECT 1 ≤ 15 ms: 12.0 ms — met",
		"target cold eventID lookup ≤ 30 ms: 40.0 ms — MISSED",
		"every query faster than a DuckDB process on its table: MISSED on eventid-lookup 0.88×",
		"≥ 10× faster than a DuckDB process on the NDJSON: MISSED on a 9.0×",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("targets lack %q:\n%s", want, got)
		}
	}
	var b bytes.Buffer
	writeCold(&b, c)
	if !strings.Contains(b.String(), "eventid-lookup") || !strings.Contains(b.String(), "10.0×") {
		t.Errorf("cold table:\n%s", b.String())
	}
}

// TestGzRoute checks the .json.gz route's table and target: the median of
// ctlake ÷ DuckDB over the queries that ran both, judged against 1.
func TestGzRoute(t *testing.T) {
	r := sampleReport(1000)
	s := r.Sizes[0]
	if _, ok := gzRouteTarget(s); ok {
		t.Fatal("a target judged without the .json.gz route")
	}
	s.Queries[0].JSONGz, s.Queries[0].DuckJSONGz = timing(400), timing(1000)
	s.Queries[1].JSONGz, s.Queries[1].DuckJSONGz = timing(300), timing(200)
	got, ok := gzRouteTarget(s)
	if !ok || !strings.Contains(got, "0.95×") || !strings.HasSuffix(got, "met") {
		t.Fatalf("target %q (want the median of 0.40 and 1.50, met)", got)
	}
	s.Queries[0].DuckJSONGz = timing(100)
	if got, _ = gzRouteTarget(s); !strings.Contains(got, "2.75×") || !strings.HasSuffix(got, "MISSED") {
		t.Fatalf("target %q (want 2.75×, missed)", got)
	}
	var b bytes.Buffer
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, ".json.gz Records files") || !strings.Contains(out, "4.00×") || !strings.Contains(out, "read_json") {
		t.Fatalf("report without the .json.gz table or target:\n%s", out)
	}
}
