package exec

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// End to end: SQL text -> sql.Parse -> planner.Build (with the real
// function catalog and this package's Folder) -> Build/Run over an
// in-memory scan, checked against answers computed directly in Go. This
// pins the contract between planner and exec (column indexes, struct
// fields, aggregates, sort keys, limits, time ranges).

type testEvent struct {
	t         int64
	source    string
	name      string
	errorCode *string
	arn       *string
	params    map[string]string // nil: NULL map
}

func genEvents(n int) []testEvent {
	rng := rand.New(rand.NewSource(5))
	base := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	sources := []string{"s3.amazonaws.com", "ec2.amazonaws.com", "iam.amazonaws.com", "kms.amazonaws.com"}
	names := []string{"GetObject", "PutObject", "DescribeInstances", "GetRole", "Decrypt"}
	evs := make([]testEvent, n)
	for i := range evs {
		e := testEvent{t: base + int64(rng.Intn(10*24*3600))*1e9, source: sources[rng.Intn(len(sources))], name: names[rng.Intn(len(names))]}
		if rng.Intn(5) == 0 {
			c := []string{"AccessDenied", "NoSuchKey"}[rng.Intn(2)]
			e.errorCode = &c
		}
		if rng.Intn(7) != 0 {
			a := fmt.Sprintf("arn:aws:iam::123456789012:user/u%d", rng.Intn(6))
			e.arn = &a
		}
		if rng.Intn(4) != 0 {
			e.params = map[string]string{"bucketName": fmt.Sprintf("b%d", rng.Intn(3))}
			if rng.Intn(2) == 0 {
				e.params["key"] = "k"
			}
		}
		evs[i] = e
	}
	return evs
}

// value returns an event's value at a dotted path (nil: NULL).
func (e testEvent) value(path string) any {
	switch strings.ToLower(path) {
	case "eventtime":
		return e.t
	case "eventsource":
		return e.source
	case "eventname":
		return e.name
	case "errorcode":
		if e.errorCode == nil {
			return nil
		}
		return *e.errorCode
	case "useridentity":
		return struct{}{} // present; children decide
	case "useridentity.arn":
		if e.arn == nil {
			return nil
		}
		return *e.arn
	case "requestparameters":
		if e.params == nil {
			return nil
		}
		return e.params
	}
	return nil
}

// fill appends one event's value at path to a builder of type dt.
func fill(b array.Builder, path string, e testEvent) {
	v := e.value(path)
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.BinaryDictionaryBuilder:
		b.AppendString(v.(string))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v.(int64)))
	case *array.StructBuilder:
		b.Append(true)
		st := b.Type().(*arrow.StructType)
		for i, f := range st.Fields() {
			fill(b.FieldBuilder(i), path+"."+f.Name, e)
		}
	case *array.MapBuilder:
		m := v.(map[string]string)
		b.Append(true)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b.KeyBuilder().(*array.StringBuilder).Append(k)
			b.ItemBuilder().(*array.StringBuilder).Append(m[k])
		}
	default:
		panic(fmt.Sprintf("fill %T", b))
	}
}

// memScan serves a Scan node from events: only its columns, rows inside
// its time range, 50-row batches whose top-level strings are dictionary
// encoded in every other batch.
func memScan(evs []testEvent) func(ctx context.Context, s *planner.Scan) (Operator, error) {
	return func(ctx context.Context, s *planner.Scan) (Operator, error) {
		var kept []testEvent
		for _, e := range evs {
			if s.Spec.Time.Contains(e.t) {
				kept = append(kept, e)
			}
		}
		fs := make([]arrow.Field, len(s.Out))
		for i, c := range s.Out {
			fs[i] = arrow.Field{Name: c.Name, Type: c.T.Arrow(), Nullable: true}
		}
		src := &source{schema: arrow.NewSchema(fs, nil)}
		for off, bi := 0, 0; off < len(kept); off, bi = off+50, bi+1 {
			part := kept[off:min(off+50, len(kept))]
			cols := make([]arrow.Array, len(fs))
			rfs := make([]arrow.Field, len(fs))
			for i, f := range fs {
				dt := f.Type
				if dt.ID() == arrow.STRING && bi%2 == 1 {
					dt = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
				}
				b := array.NewBuilder(memory.DefaultAllocator, dt)
				for _, e := range part {
					fill(b, f.Name, e)
				}
				cols[i] = b.NewArray()
				b.Release()
				rfs[i] = arrow.Field{Name: f.Name, Type: dt, Nullable: true}
			}
			src.batches = append(src.batches, Batch{Rec: array.NewRecord(arrow.NewSchema(rfs, nil), cols, int64(len(part)))})
		}
		return src, nil
	}
}

func runSQL(t *testing.T, stores planner.Stores, evs []testEvent, q string) ([]string, [][]any) {
	t.Helper()
	stmt, err := sql.Parse(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	env := &Env{Now: time.Date(2024, 5, 20, 0, 0, 0, 0, time.UTC).UnixNano(), Scan: memScan(evs)}
	p, err := planner.Build(q, stmt, planner.Options{Stores: stores, Functions: fn.NewCatalog(), Folder: Folder{Env: env}})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	res, _, err := Execute(context.Background(), p, env)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer res.Release()
	var rows [][]any
	for _, rec := range res.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for j := range row {
				row[j] = cell(rec.Column(j), i)
			}
			rows = append(rows, row)
		}
	}
	return res.Names, rows
}

func TestEndToEndSQL(t *testing.T) {
	c, err := orcstore.OpenCatalog(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create("trail", orcstore.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	evs := genEvents(2000)
	may5 := time.Date(2024, 5, 5, 0, 0, 0, 0, time.UTC).UnixNano()

	t.Run("group by source since a date, top 3", func(t *testing.T) {
		names, rows := runSQL(t, c, evs, "SELECT eventSource, count(*) AS n FROM trail WHERE eventTime >= TIMESTAMP '2024-05-05 00:00:00' GROUP BY eventSource ORDER BY n DESC, eventSource LIMIT 3")
		counts := map[string]int64{}
		for _, e := range evs {
			if e.t >= may5 {
				counts[e.source]++
			}
		}
		var want [][]any
		for s, n := range counts {
			want = append(want, []any{s, n})
		}
		sort.Slice(want, func(i, j int) bool {
			if want[i][1].(int64) != want[j][1].(int64) {
				return want[i][1].(int64) > want[j][1].(int64)
			}
			return want[i][0].(string) < want[j][0].(string)
		})
		want = want[:3]
		if !reflect.DeepEqual(names, []string{"eventSource", "n"}) || !reflect.DeepEqual(rows, want) {
			t.Errorf("got %v %v\nwant %v", names, rows, want)
		}
	})

	t.Run("struct field, IS NULL, count distinct", func(t *testing.T) {
		_, rows := runSQL(t, c, evs, "SELECT userIdentity.arn, count(DISTINCT eventName), count(*) FROM trail WHERE errorCode IS NULL GROUP BY userIdentity.arn ORDER BY 1 NULLS FIRST")
		type agg struct {
			names map[string]bool
			n     int64
		}
		m := map[any]*agg{}
		for _, e := range evs {
			if e.errorCode != nil {
				continue
			}
			k := e.value("userIdentity.arn")
			if m[k] == nil {
				m[k] = &agg{names: map[string]bool{}}
			}
			m[k].names[e.name] = true
			m[k].n++
		}
		var want [][]any
		for k, a := range m {
			want = append(want, []any{k, int64(len(a.names)), a.n})
		}
		sort.Slice(want, func(i, j int) bool {
			if want[i][0] == nil {
				return true
			}
			if want[j][0] == nil {
				return false
			}
			return want[i][0].(string) < want[j][0].(string)
		})
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("got %v\nwant %v", rows, want)
		}
	})

	t.Run("LIKE, IN, order by time, limit", func(t *testing.T) {
		_, rows := runSQL(t, c, evs, "SELECT eventName, eventTime FROM trail WHERE eventName LIKE 'Get%' AND eventSource IN ('s3.amazonaws.com', 'iam.amazonaws.com') ORDER BY eventTime DESC LIMIT 7")
		var want [][]any
		sorted := append([]testEvent(nil), evs...)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].t > sorted[j].t })
		for _, e := range sorted {
			if strings.HasPrefix(e.name, "Get") && (e.source == "s3.amazonaws.com" || e.source == "iam.amazonaws.com") && len(want) < 7 {
				want = append(want, []any{e.name, e.t})
			}
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("got %v\nwant %v", rows, want)
		}
	})

	t.Run("map subscript and group by map", func(t *testing.T) {
		_, rows := runSQL(t, c, evs, "SELECT element_at(requestParameters, 'bucketName') AS b, count(*) FROM trail WHERE requestParameters IS NOT NULL GROUP BY 1 ORDER BY 1")
		m := map[string]int64{}
		for _, e := range evs {
			if e.params != nil {
				m[e.params["bucketName"]]++
			}
		}
		var want [][]any
		for k, n := range m {
			want = append(want, []any{k, n})
		}
		sort.Slice(want, func(i, j int) bool { return want[i][0].(string) < want[j][0].(string) })
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("got %v\nwant %v", rows, want)
		}
		_, rows = runSQL(t, c, evs, "SELECT requestParameters, count(*) FROM trail GROUP BY requestParameters")
		groups := map[string]bool{}
		for _, e := range evs {
			groups[fmt.Sprint(e.params)] = true // fmt prints maps sorted by key
		}
		if len(rows) != len(groups) {
			t.Errorf("%d map groups, want %d", len(rows), len(groups))
		}
	})

	t.Run("distinct, count(*) over nothing, values", func(t *testing.T) {
		_, rows := runSQL(t, c, evs, "SELECT DISTINCT eventSource FROM trail ORDER BY eventSource")
		if len(rows) != 4 || rows[0][0] != "ec2.amazonaws.com" {
			t.Errorf("distinct sources %v", rows)
		}
		_, rows = runSQL(t, c, evs, "SELECT count(*) FROM trail WHERE eventTime > TIMESTAMP '2030-01-01 00:00:00'")
		if !reflect.DeepEqual(rows, [][]any{{int64(0)}}) {
			t.Errorf("count over no rows: %v", rows)
		}
		_, rows = runSQL(t, c, evs, "SELECT 1 + 2, lower('ABC')")
		if !reflect.DeepEqual(rows, [][]any{{int64(3), "abc"}}) {
			t.Errorf("values: %v", rows)
		}
	})
}
