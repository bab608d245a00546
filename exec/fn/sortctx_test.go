package fn

import (
	"cmp"
	"context"
	"errors"
	"math/rand"
	"slices"
	"testing"
)

func TestSortFunc(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{0, 1, 100, sortRun, sortRun + 1, 3*sortRun + 17, 9 * sortRun} {
		s := make([]int, n)
		for i := range s {
			s[i] = rng.Intn(n/3 + 1)
		}
		want := slices.Clone(s)
		slices.Sort(want)
		if err := SortFunc(context.Background(), s, cmp.Compare[int]); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s, want) {
			t.Fatalf("n=%d: not sorted", n)
		}
	}
	// Cancellation stops between runs.
	s := make([]int, 9*sortRun)
	for i := range s {
		s[i] = rng.Int()
	}
	ctx := &countdownCtx{Context: context.Background(), left: 3}
	if err := SortFunc(ctx, s, cmp.Compare[int]); !errors.Is(err, context.Canceled) || ctx.looks != 4 {
		t.Fatalf("got %v after %d looks", err, ctx.looks)
	}
}
