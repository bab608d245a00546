package querytest

import (
	"context"
	"math"
	"testing"
)

// TestTableSample checks what the goldens cannot: the size of random
// samples. BERNOULLI must keep about p percent of the rows (within six
// standard deviations of the binomial), with pushdown and without; SYSTEM
// must repeat exactly for one seed, with pushdown and without (it samples
// row groups by position, not by what pruning reads), and keep about p
// percent on average over seeds.
func TestTableSample(t *testing.T) {
	cat := fixtureCatalog(t)
	ctx := context.Background()
	count := func(r *Runner, q string, noPushdown bool) float64 {
		t.Helper()
		res, err := r.Query(ctx, q, noPushdown)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return float64(res.Rows[0][0].(int64))
	}
	r := NewRunner(cat)
	const where = " WHERE eventSource = 's3.amazonaws.com'"
	all := count(r, "SELECT count(*) FROM events", false)
	s3 := count(r, "SELECT count(*) FROM events"+where, false)
	for _, c := range []struct {
		q    string
		rows float64
		p    float64
	}{
		{"SELECT count(*) FROM events TABLESAMPLE BERNOULLI (30)", all, 0.30},
		{"SELECT count(*) FROM events TABLESAMPLE BERNOULLI (2.5)", all, 0.025},
		{"SELECT count(*) FROM events TABLESAMPLE BERNOULLI (80)" + where, s3, 0.80},
		{"SELECT count(*) FROM (SELECT * FROM events" + where + ") TABLESAMPLE SYSTEM (50)", s3, 0.50},
	} {
		for _, off := range []bool{false, true} {
			got := count(r, c.q, off)
			mean, sd := c.rows*c.p, math.Sqrt(c.rows*c.p*(1-c.p))
			if math.Abs(got-mean) > 6*sd {
				t.Errorf("%s (pushdown off %v): %v rows, expected %v ± %.0f", c.q, off, got, mean, 6*sd)
			}
		}
	}

	const system = "SELECT count(*) FROM events TABLESAMPLE SYSTEM (50)"
	var sum float64
	seen := map[float64]bool{}
	const seeds = 20
	for seed := uint64(1); seed <= seeds; seed++ {
		rs := NewRunner(cat)
		rs.SampleSeed = seed
		on, off := count(rs, system, false), count(rs, system, true)
		if on != off {
			t.Errorf("seed %d: SYSTEM sample of %v rows with pushdown, %v without", seed, on, off)
		}
		if again := count(rs, system, false); again != on {
			t.Errorf("seed %d: SYSTEM sample of %v rows, then %v", seed, on, again)
		}
		sum += on
		seen[on] = true
	}
	if f := sum / seeds / all; f < 0.3 || f > 0.7 {
		t.Errorf("SYSTEM (50) kept %.2f of the rows on average over %d seeds", f, seeds)
	}
	if len(seen) < 3 {
		t.Errorf("SYSTEM (50) kept only %d distinct sizes over %d seeds", len(seen), seeds)
	}
}
