package orcfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
)

// The Apache ORC C++ tools are a second independent decoder, and the only
// one at hand for ZSTD and LZ4 (and for NULL map values and NULL dates,
// which scritchley misreads). The tests skip when they are not built; point
// CTLAKE_ORC_TOOLS at their bin directory to use another build.

func wtTool(t *testing.T, name string) string {
	dir := os.Getenv("CTLAKE_ORC_TOOLS")
	if dir == "" {
		dir = "/work/orc-ref/bin"
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not found (set CTLAKE_ORC_TOOLS)", p)
	}
	return p
}

// wtReadCpp decodes a file with orc-contents (JSON lines) into canonical rows.
func wtReadCpp(t *testing.T, file []byte, schema *arrow.Schema) [][]any {
	t.Helper()
	tool := wtTool(t, "orc-contents")
	path := filepath.Join(t.TempDir(), "f.orc")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, path).Output()
	if err != nil {
		t.Fatalf("orc-contents: %v", err)
	}
	var rows [][]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("orc-contents line %q: %v", sc.Text(), err)
		}
		row := make([]any, schema.NumFields())
		for i, f := range schema.Fields() {
			row[i] = wtFromJSON(t, f.Type, m[f.Name])
		}
		rows = append(rows, row)
	}
	return rows
}

// wtFromJSON converts orc-contents' JSON for a value of type dt into the
// canonical form.
func wtFromJSON(t *testing.T, dt arrow.DataType, v any) any {
	if v == nil {
		return nil
	}
	num := func() json.Number { return v.(json.Number) }
	switch dt := dt.(type) {
	case *arrow.BooleanType:
		return v.(bool)
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type:
		n, err := num().Int64()
		if err != nil {
			t.Fatalf("int %v: %v", v, err)
		}
		return n
	case *arrow.Float32Type, *arrow.Float64Type:
		f, err := num().Float64()
		if err != nil {
			t.Fatalf("float %v: %v", v, err)
		}
		return wtApprox(f)
	case *arrow.StringType, *arrow.DictionaryType:
		return v.(string)
	case *arrow.BinaryType:
		var b []byte
		for _, x := range v.([]any) {
			n, _ := x.(json.Number).Int64()
			b = append(b, byte(n))
		}
		if b == nil {
			b = []byte{}
		}
		return b
	case *arrow.TimestampType:
		ts, err := time.Parse("2006-01-02 15:04:05.999999999", v.(string))
		if err != nil {
			t.Fatalf("timestamp %v: %v", v, err)
		}
		return wtTS{ts.UnixNano()}
	case *arrow.Date32Type:
		d, err := time.Parse("2006-01-02", v.(string))
		if err != nil {
			t.Fatalf("date %v: %v", v, err)
		}
		return wtDate{d.Unix() / 86400}
	case *arrow.StructType:
		m := map[string]any{}
		o := v.(map[string]any)
		for _, f := range dt.Fields() {
			m[f.Name] = wtFromJSON(t, f.Type, o[f.Name])
		}
		return m
	case *arrow.MapType:
		out := []any{}
		for _, e := range v.([]any) {
			o := e.(map[string]any)
			out = append(out, [2]any{wtFromJSON(t, dt.KeyType(), o["key"]), wtFromJSON(t, dt.ItemType(), o["value"])})
		}
		return out
	case *arrow.ListType:
		out := []any{}
		for _, e := range v.([]any) {
			out = append(out, wtFromJSON(t, dt.Elem(), e))
		}
		return out
	}
	t.Fatalf("wtFromJSON: %v", dt)
	return nil
}

// wtApprox marks a float that compares with a relative tolerance:
// orc-contents prints floats with limited precision.
type wtApprox float64

// wtApproxRows rounds every float in canonical rows (both sides of a C++
// comparison go through it).
func wtApproxRows(v any) any {
	switch v := v.(type) {
	case float64:
		return wtApprox(v)
	case []any:
		for i := range v {
			v[i] = wtApproxRows(v[i])
		}
		return v
	case [2]any:
		return [2]any{wtApproxRows(v[0]), wtApproxRows(v[1])}
	case map[string]any:
		for k := range v {
			v[k] = wtApproxRows(v[k])
		}
		return v
	}
	return v
}

// TestWriteRoundTripCpp reads files of every type and codec with the C++
// orc-contents, including NULL map values, NULL dates and timestamps before
// 1970.
func TestWriteRoundTripCpp(t *testing.T) {
	wtTool(t, "orc-contents")
	codecs := []Compression{CompressionNone, CompressionZlib, CompressionSnappy, CompressionZstd, CompressionLZ4}
	for _, comp := range codecs {
		for _, rows := range []int{1, 10001, 2000} {
			t.Run(fmt.Sprintf("%v/%d", comp, rows), func(t *testing.T) {
				nulls := 0.2
				switch rows {
				case 1:
					nulls = 0
				case 2000:
					nulls = 1
				}
				g := wtNewGen(int64(rows)+int64(comp), nulls)
				g.mapNullValues, g.negTimes = true, true
				rec := g.record(wtAllTypes, rows)
				opts := WriterOptions{Compression: comp, Uncompressed: comp == CompressionNone, BlockSize: 8 << 10}
				file := wtWrite(t, wtAllTypes, opts, rec)
				got := wtReadCpp(t, file, wtAllTypes)
				want := wtRows(rec)
				for _, r := range got {
					wtApproxRows(r)
				}
				for _, r := range want {
					wtApproxRows(r)
				}
				wtCompareRows(t, got, want, wtAllTypes)
			})
		}
	}
}

// TestWriteCppMetadata runs orc-metadata and orc-statistics on a file with
// bloom-free defaults and fails on any complaint.
func TestWriteCppMetadata(t *testing.T) {
	meta := wtTool(t, "orc-metadata")
	g := wtNewGen(3, 0.2)
	g.mapNullValues = true
	file := wtWrite(t, wtAllTypes, WriterOptions{StripeSize: 200 << 10}, g.record(wtAllTypes, 25000))
	path := filepath.Join(t.TempDir(), "f.orc")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{meta, "-v", path}, {wtTool(t, "orc-statistics"), "--withIndex", path}} {
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", filepath.Base(args[0]), err, out)
		}
		if bytes.Contains(bytes.ToLower(out), []byte("error")) || bytes.Contains(bytes.ToLower(out), []byte("exception")) {
			t.Fatalf("%s complains:\n%s", filepath.Base(args[0]), out)
		}
	}
}
