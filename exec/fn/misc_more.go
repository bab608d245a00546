package fn

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

// uuid(), width_bucket, parse_duration and interval arithmetic by numbers.

var tUUID = planner.UUID

func (c *Catalog) addMiscMore() {
	c.add(&Scalar{FName: "uuid", Ret: tUUID, PerRow: true, Kernel: func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		out := newStrOut(ctx.Mem, n, 36*n)
		var b [16]byte
		for i := 0; i < n; i++ {
			if _, err := rand.Read(b[:]); err != nil {
				out.finish().Release()
				return nil, err
			}
			b[6] = b[6]&0x0f | 0x40 // version 4
			b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
			out.appendString(formatUUID(b[:]))
		}
		return out.finish(), nil
	}})
	c.fixed("width_bucket", ts(tD, tD, tD, tI), tI, rowKernel(ts(tD, tD, tD, tI), tI, false, func(a []planner.Value) (planner.Value, error) {
		return widthBucket(a[0].Float, a[1].Float, a[2].Float, a[3].Int)
	}))
	// width_bucket(x, bins): the number of bins not above x (bins sorted).
	c.fixed("width_bucket", ts(tD, planner.ArrayOf(tD)), tI, widthBucketBins)
	c.fixed("parse_duration", ts(tV), tIDS, rowKernel(ts(tV), tIDS, false, func(a []planner.Value) (planner.Value, error) {
		return parseDuration(a[0].Str)
	}))
	mulF := func(iv int64, f float64) (planner.Value, error) {
		r := math.Round(float64(iv) * f)
		if math.IsNaN(r) || math.Abs(r) > 9.2e18 {
			return vnull, errors.New("interval multiplication overflow")
		}
		return vi(int64(r)), nil
	}
	for _, t := range []planner.Type{tIDS, tIYM} {
		t := t
		c.fixed("multiply", ts(t, tD), t, rowKernel(ts(t, tD), t, false, func(a []planner.Value) (planner.Value, error) { return mulF(a[0].Int, a[1].Float) }))
		c.fixed("multiply", ts(tD, t), t, rowKernel(ts(tD, t), t, false, func(a []planner.Value) (planner.Value, error) { return mulF(a[1].Int, a[0].Float) }))
		c.fixed("divide", ts(t, tD), t, rowKernel(ts(t, tD), t, false, func(a []planner.Value) (planner.Value, error) {
			if a[1].Float == 0 {
				return vnull, errors.New("Division by zero")
			}
			return mulF(a[0].Int, 1/a[1].Float)
		}))
	}
}

func formatUUID(b []byte) string {
	h := fmt.Sprintf("%x", b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// uuidCast converts between varchar and uuid (canonical lower case).
func uuidCast(from, to planner.Type) rowFn {
	switch {
	case from.Kind == planner.KindVarchar && to.Kind == planner.KindUUID:
		return func(a []planner.Value) (planner.Value, error) {
			s := strings.TrimSpace(a[0].Str)
			if !uuidRE.MatchString(s) {
				return vnull, fmt.Errorf("Invalid UUID string length: %d", len(s))
			}
			return v(strings.ToLower(s)), nil
		}
	case from.Kind == planner.KindUUID && to.Kind == planner.KindVarchar:
		return func(a []planner.Value) (planner.Value, error) { return a[0], nil }
	case from.Kind == planner.KindUUID && to.Kind == planner.KindJSON:
		return func(a []planner.Value) (planner.Value, error) { return v(jsonQuote(a[0].Str)), nil }
	}
	return nil
}

// widthBucket is Trino's width_bucket(x, bound1, bound2, n): the bucket of
// x among n equal buckets between the bounds, 0 below and n+1 above
// (bounds may be given in descending order).
func widthBucket(x, b1, b2 float64, n int64) (planner.Value, error) {
	switch {
	case n <= 0:
		return vnull, errors.New("bucketCount must be greater than 0")
	case math.IsNaN(x):
		return vnull, errors.New("operand must not be NaN")
	case math.IsInf(b1, 0) || math.IsNaN(b1):
		return vnull, errors.New("first bound must be finite")
	case math.IsInf(b2, 0) || math.IsNaN(b2):
		return vnull, errors.New("second bound must be finite")
	case b1 == b2:
		return vnull, errors.New("bounds cannot equal each other")
	}
	lo, hi := b1, b2
	if b1 > b2 {
		lo, hi = b2, b1
	}
	var r int64
	switch {
	case b1 < b2 && x < lo, b1 > b2 && x > hi:
		r = 0
	case b1 < b2 && x >= hi, b1 > b2 && x <= lo:
		r = n + 1
	case b1 < b2:
		r = int64(float64(n)*(x-lo)/(hi-lo)) + 1
	default:
		r = int64(float64(n)*(hi-x)/(hi-lo)) + 1
	}
	return vi(r), nil
}

func widthBucketBins(ctx *Context, args []Vec, n int) (arrow.Array, error) {
	out := newValOut(ctx.Mem, tI, n)
	xs := getter(args[0], tD)
	l, ok := listArg(args[1])
	if !ok {
		for i := 0; i < n; i++ {
			out.set(i, vnull)
		}
		return out.finish(), nil
	}
	fs := floatsOf(Vec{Arr: l.ListValues()})
	for i := 0; i < n; i++ {
		x := xs(i)
		if x.Null || l.IsNull(i) {
			out.set(i, vnull)
			continue
		}
		s, e := l.ValueOffsets(i)
		bins := make([]float64, 0, e-s)
		for j := int(s); j < int(e); j++ {
			if fs.null(j) {
				out.finish().Release()
				return nil, errors.New("Bin values cannot be NULL")
			}
			bins = append(bins, fs.at(j))
		}
		if !sort.Float64sAreSorted(bins) {
			out.finish().Release()
			return nil, errors.New("Bin values are not sorted in ascending order")
		}
		out.set(i, vi(int64(sort.Search(len(bins), func(k int) bool { return bins[k] > x.Float }))))
	}
	return out.finish(), nil
}

var durationRE = regexp.MustCompile(`^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$`)

// parseDuration reads airlift's duration text ('3.81 d', '10ms') into an
// interval, rounded to milliseconds as Trino does.
func parseDuration(s string) (planner.Value, error) {
	m := durationRE.FindStringSubmatch(s)
	if m == nil {
		return vnull, fmt.Errorf("duration is not a valid data duration string: %s", s)
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return vnull, fmt.Errorf("duration is not a valid data duration string: %s", s)
	}
	unit := map[string]float64{"ns": 1e-6, "us": 1e-3, "ms": 1, "s": 1e3, "m": 6e4, "h": 3.6e6, "d": 8.64e7}[m[2]]
	if unit == 0 {
		return vnull, fmt.Errorf("Unknown time unit: %s", m[2])
	}
	ms := math.Floor(f*unit + 0.5)
	if ms > 9.2e12 {
		return vnull, fmt.Errorf("duration is too large: %s", s)
	}
	return vi(int64(ms) * 1e6), nil
}
