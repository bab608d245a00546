package fn

import (
	"context"
	"slices"
)

// sortRun is how many elements SortFunc sorts between two looks at the
// context: a few milliseconds of work.
const sortRun = 1 << 16

// SortFunc sorts s by cmp, which must be a total order (break ties by
// position), and returns ctx's error as soon as it is cancelled. A
// comparison sort cannot be interrupted from inside, so large inputs are
// sorted in runs of sortRun elements that are then merged pairwise, with
// the context checked between runs and merge steps; the cost is the same
// O(n log n) and one buffer of len(s). The executor's ORDER BY and
// array_sort use it, so a cancelled query does not finish sorting millions
// of rows first.
func SortFunc[T any](ctx context.Context, s []T, cmp func(a, b T) int) error {
	if len(s) <= sortRun {
		slices.SortFunc(s, cmp)
		return nil
	}
	for i := 0; i < len(s); i += sortRun {
		if err := ctx.Err(); err != nil {
			return err
		}
		slices.SortFunc(s[i:min(i+sortRun, len(s))], cmp)
	}
	buf := make([]T, len(s))
	src, dst := s, buf
	for width := sortRun; width < len(s); width *= 2 {
		for lo := 0; lo < len(s); lo += 2 * width {
			if err := ctx.Err(); err != nil {
				return err
			}
			mid, hi := min(lo+width, len(s)), min(lo+2*width, len(s))
			mergeRuns(dst[lo:hi], src[lo:mid], src[mid:hi], cmp)
		}
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
	return nil
}

// mergeRuns merges sorted a and b into out (len(a)+len(b)), a first on ties.
func mergeRuns[T any](out, a, b []T, cmp func(x, y T) int) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if cmp(b[j], a[i]) < 0 {
			out[k] = b[j]
			j++
		} else {
			out[k] = a[i]
			i++
		}
		k++
	}
	k += copy(out[k:], a[i:])
	copy(out[k:], b[j:])
}
