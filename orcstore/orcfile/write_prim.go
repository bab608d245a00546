package orcfile

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// writeOrcEpoch is ORC's timestamp epoch, 2015-01-01 00:00:00 UTC, in Unix
// seconds.
const writeOrcEpoch = 1420070400

// writePrimitive encodes the non-null values of a leaf column at the rows in
// valid (presence is already recorded).
func (wc *wColumn) writePrimitive(arr arrow.Array, valid []wRange) error {
	st := &wc.rg
	switch a := arr.(type) {
	case *array.Boolean:
		for _, r := range valid {
			for i := r.lo; i < r.hi; i++ {
				v := a.Value(i)
				wc.bools.append1(v)
				st.addBool(v)
			}
		}
	case *array.Int8:
		vs := a.Int8Values()
		for _, r := range valid {
			for _, v := range vs[r.lo:r.hi] {
				wc.bytes.append1(byte(v))
				st.addInt(int64(v))
			}
		}
	case *array.Int16:
		wWriteInts(wc, a.Int16Values(), valid)
	case *array.Int32:
		wWriteInts(wc, a.Int32Values(), valid)
	case *array.Int64:
		wWriteInts(wc, a.Int64Values(), valid)
	case *array.Date32:
		vs := a.Date32Values()
		for _, r := range valid {
			for _, v := range vs[r.lo:r.hi] {
				wc.ints.append1(int64(v))
				st.addInt(int64(v))
			}
		}
	case *array.Float32:
		vs := a.Float32Values()
		for _, r := range valid {
			for _, v := range vs[r.lo:r.hi] {
				wc.raw = binary.LittleEndian.AppendUint32(wc.raw, math.Float32bits(v))
				st.addDouble(float64(v))
			}
		}
	case *array.Float64:
		vs := a.Float64Values()
		for _, r := range valid {
			for _, v := range vs[r.lo:r.hi] {
				wc.raw = binary.LittleEndian.AppendUint64(wc.raw, math.Float64bits(v))
				st.addDouble(v)
			}
		}
	case *array.String:
		if wc.str.chunked != nil {
			v := wViewOf(a)
			for _, r := range valid {
				wc.addStringRun(&v, v.off+r.lo, v.off+r.hi)
			}
			return nil
		}
		for _, r := range valid {
			for i := r.lo; i < r.hi; i++ {
				wc.addString(a.Value(i))
			}
		}
	case *array.Dictionary:
		dict, ok := a.Dictionary().(*array.String)
		if !ok {
			return fmt.Errorf("column %q: dictionary of %v is not supported (only strings)", wc.col.Path, a.Dictionary().DataType())
		}
		for _, r := range valid {
			for i := r.lo; i < r.hi; i++ {
				wc.addString(dict.Value(a.GetValueIndex(i)))
			}
		}
	case *array.Binary:
		for _, r := range valid {
			for i := r.lo; i < r.hi; i++ {
				v := a.Value(i)
				wc.raw = append(wc.raw, v...)
				wc.lengths.append1(int64(len(v)))
				st.n++
				st.bytes += int64(len(v))
			}
		}
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		vs := a.TimestampValues()
		for _, r := range valid {
			for _, v := range vs[r.lo:r.hi] {
				wc.addTimestamp(int64(v), unit)
			}
		}
	default:
		return fmt.Errorf("column %q: Arrow type %v is not supported by the ORC writer", wc.col.Path, arr.DataType())
	}
	return nil
}

func (wc *wColumn) addString(s string) {
	if wc.str.add(s) {
		// The previous value again, in this row group: its min/max and
		// bloom filter entry are there already (that comparing and hashing
		// was 2% of ingest's CPU).
		wc.rg.addStringRepeat(len(s))
		return
	}
	wc.rg.addString(s)
	if wc.bloom != nil {
		wc.bloom.AddString(s)
	}
}

func wWriteInts[T int16 | int32 | int64](wc *wColumn, vs []T, valid []wRange) {
	for _, r := range valid {
		for _, v := range vs[r.lo:r.hi] {
			wc.ints.append1(int64(v))
			wc.rg.addInt(int64(v))
		}
	}
}

// addTimestamp splits a timestamp into ORC's seconds and nanoseconds.
//
// ORC readers (Java, C++) subtract one second when the stored seconds are
// negative and the nanos exceed 999,999, because Java's writer stores
// seconds truncated toward zero. We store the same: floor seconds, plus one
// when negative with such nanos. (Times in (-1 s, 0) before 1970 cannot be
// represented this way by any ORC writer; they read back one second late.)
func (wc *wColumn) addTimestamp(v int64, unit arrow.TimeUnit) {
	var perSec, nanoMul int64
	switch unit {
	case arrow.Second:
		perSec, nanoMul = 1, 0
	case arrow.Millisecond:
		perSec, nanoMul = 1e3, 1e6
	case arrow.Microsecond:
		perSec, nanoMul = 1e6, 1e3
	default:
		perSec, nanoMul = 1e9, 1
	}
	sec := v / perSec
	frac := v % perSec
	if frac < 0 {
		sec--
		frac += perSec
	}
	nanos := frac * nanoMul
	millis := sec*1000 + nanos/1e6 // floor milliseconds, for statistics
	stored := sec
	if stored < 0 && nanos > 999999 {
		stored++
	}
	wc.ints.append1(stored - writeOrcEpoch)
	wc.secondary.append1(writeFormatNanos(nanos))
	wc.rg.addInt(millis)
}

// writeFormatNanos drops trailing decimal zeros, recording how many in the
// low three bits (code c means c+1 zeros, used only for two or more).
func writeFormatNanos(n int64) int64 {
	if n == 0 {
		return 0
	}
	if n%100 != 0 {
		return n << 3
	}
	n /= 100
	z := int64(1)
	for n%10 == 0 && z < 7 {
		n /= 10
		z++
	}
	return n<<3 | z
}
