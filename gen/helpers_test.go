package gen

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestAppendStrMatchesEncodingJSON(t *testing.T) {
	cases := []string{"", "plain", `quote " inside`, `back\slash`, "new\nline\ttab\rcr", "ctl\x01\x1f", "Résumé ✓ 日本", "</script>&"}
	for _, s := range cases {
		got := appendStr(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("appendStr(%q) = %s: invalid JSON: %v", s, got, err)
			continue
		}
		if back != s {
			t.Errorf("appendStr(%q) round-trips to %q", s, back)
		}
	}
}

func TestTimeFormatsMatchTimePackage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	secs := []int64{0, 951782400 /* 2000-02-29 */, 1714521600, 4102444799, 1709210096}
	for i := 0; i < 2000; i++ {
		secs = append(secs, r.Int64N(4102444800))
	}
	for _, s := range secs {
		tm := time.Unix(s, 0).UTC()
		if got, want := string(appendISO(nil, s)), tm.Format("2006-01-02T15:04:05Z"); got != want {
			t.Fatalf("appendISO(%d) = %s, want %s", s, got, want)
		}
		if got, want := string(appendHuman(nil, s)), tm.Format("Jan 2, 2006, 3:04:05 PM"); got != want {
			t.Fatalf("appendHuman(%d) = %s, want %s", s, got, want)
		}
		if got, want := compactStamp(s), tm.Format("20060102T1504Z"); got != want {
			t.Fatalf("compactStamp(%d) = %s, want %s", s, got, want)
		}
		if got, want := datePath(s), tm.Format("2006/01/02"); got != want {
			t.Fatalf("datePath(%d) = %s, want %s", s, got, want)
		}
	}
}

func TestUUIDShape(t *testing.T) {
	r := rng{s: 7}
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		u := string(appendUUID(nil, &r))
		if len(u) != 36 || u[8] != '-' || u[13] != '-' || u[14] != '4' || u[18] != '-' || !strings.ContainsRune("89ab", rune(u[19])) || u[23] != '-' {
			t.Fatalf("bad UUID %q", u)
		}
		if seen[u] {
			t.Fatalf("duplicate UUID %q", u)
		}
		seen[u] = true
	}
}

func TestApportion(t *testing.T) {
	cases := []struct {
		total int64
		w     []float64
	}{
		{0, []float64{1, 2}},
		{10, []float64{1, 1, 1}},
		{1000003, []float64{0.5, 0.25, 0.125, 0.125}},
		{7, []float64{0, 1, 0}},
		{5, []float64{1, 1, 1, 1, 1, 1, 1, 1}},
	}
	for i, c := range cases {
		got := apportion(c.total, c.w, float64(i)/float64(len(cases)))
		var sum float64
		var n int64
		for i, x := range got {
			n += x
			sum += c.w[i]
		}
		if n != c.total {
			t.Errorf("apportion(%d, %v) sums to %d", c.total, c.w, n)
		}
		for i, x := range got {
			exact := float64(c.total) * c.w[i] / sum
			if float64(x) <= exact-1 || float64(x) >= exact+1 {
				t.Errorf("apportion(%d, %v)[%d] = %d, want about %.1f", c.total, c.w, i, x, exact)
			}
		}
	}
}

// A weight too small for its own share still gets events at its rate.
func TestApportionSparse(t *testing.T) {
	w := []float64{0.7, 0.2, 0.1}
	r := rng{s: 5}
	var got [3]int64
	for i := 0; i < 10000; i++ {
		for j, x := range apportion(1, w, r.float()) {
			got[j] += x
		}
	}
	for j := range w {
		if share := float64(got[j]) / 10000; share < w[j]-0.02 || share > w[j]+0.02 {
			t.Errorf("cell %d got share %.3f, want %.1f", j, share, w[j])
		}
	}
}

func TestWeightedPickFollowsWeights(t *testing.T) {
	w := newWeighted([]float64{1, 0, 3, 6})
	r := rng{s: 99}
	var got [4]int
	const n = 100000
	for i := 0; i < n; i++ {
		got[w.pick(&r)]++
	}
	want := [4]float64{0.1, 0, 0.3, 0.6}
	for i := range got {
		if share := float64(got[i]) / n; share < want[i]-0.01 || share > want[i]+0.01 {
			t.Errorf("index %d share %.3f, want %.2f", i, share, want[i])
		}
	}
}

func TestConfigValidation(t *testing.T) {
	bad := []Config{
		{Events: -1},
		{Events: 10, Days: -1},
		{Events: 10, Accounts: -2},
		{Events: 10, Duplicates: 0.9},
		{Events: 10, Duplicates: -0.1},
		{Events: 10, MaxPerFile: -5},
		{Events: 10, Start: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Events: 10, FileWindow: 7 * time.Minute},
		{Events: 10, FileWindow: 48 * time.Hour},
	}
	for _, c := range bad {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) = nil error, want one", c)
		}
	}
	if _, err := New(Config{Events: 10}); err != nil {
		t.Errorf("New with defaults: %v", err)
	}
}

func TestFileWindow(t *testing.T) {
	cases := []struct {
		cfg  Config
		want int64
	}{
		{Config{Events: 1_000_000, Days: 7, Accounts: 3}, 300},    // 27.6 per 5-minute file
		{Config{Events: 300_000, Days: 7, Accounts: 3}, 600},      // 8.3 per 5-minute file
		{Config{Events: 1000, Days: 7, Accounts: 3}, 3600},        // sparse: capped at an hour
		{Config{Events: 1000, FileWindow: 15 * time.Minute}, 900}, // explicit
	}
	for _, c := range cases {
		w, err := newWorld(c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range w.files {
			if f.win != c.want || (f.start-w.cfg.Start.Unix())%c.want != 0 {
				t.Errorf("%+v: file window [%d, +%d), want +%d aligned to start", c.cfg, f.start, f.win, c.want)
				break
			}
		}
	}
}
