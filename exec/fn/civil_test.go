package fn

import (
	"math/rand/v2"
	"testing"
	"time"
)

// civilFromDays and daysFromCivil agree with the time package over a wide
// random range of days, including before 1970 and leap-year edges.
func TestCivilAgainstTimePackage(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	days := []int64{0, -1, 59, 60, -719468, 11016, 10957, 2932896}
	for i := 0; i < 20000; i++ {
		days = append(days, rng.Int64N(2*400*366)-400*366)
	}
	for _, z := range days {
		tm := time.Unix(z*86400, 0).UTC()
		y, m, d := civilFromDays(z)
		if y != int64(tm.Year()) || m != int(tm.Month()) || d != tm.Day() {
			t.Fatalf("civilFromDays(%d) = %d-%d-%d, time says %v", z, y, m, d, tm)
		}
		if back := daysFromCivil(y, m, d); back != z {
			t.Fatalf("daysFromCivil(%d-%d-%d) = %d, want %d", y, m, d, back, z)
		}
	}
}
