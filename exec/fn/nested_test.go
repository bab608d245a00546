package fn

import (
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// resources-like column: array(row(type varchar, ARN varchar)).
var resType = planner.ArrayOf(planner.RowOf(planner.Field{Name: "type", Type: tV}, planner.Field{Name: "ARN", Type: tV}))

func buildResources(rows [][][2]string) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, resType.Arrow()).(*array.ListBuilder)
	defer b.Release()
	sb := b.ValueBuilder().(*array.StructBuilder)
	for _, r := range rows {
		if r == nil {
			b.AppendNull()
			continue
		}
		b.Append(true)
		for _, x := range r {
			sb.Append(true)
			sb.FieldBuilder(0).(*array.StringBuilder).Append(x[0])
			sb.FieldBuilder(1).(*array.StringBuilder).Append(x[1])
		}
	}
	return b.NewArray()
}

// element_at(resources, 1) returns the row (the planner then reads .ARN);
// max_by and arbitrary keep whole rows.
func TestNestedValues(t *testing.T) {
	res := buildResources([][][2]string{
		{{"AWS::S3::Bucket", "arn:aws:s3:::b"}, {"AWS::S3::Object", "arn:aws:s3:::b/k"}},
		nil,
		{{"AWS::IAM::Role", "arn:aws:iam::1:role/r"}},
	})
	defer res.Release()
	got, err := runCompound(t, "element_at", res, resType, I(-1))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`{"ARN":"arn:aws:s3:::b/k","type":"AWS::S3::Object"}`, "NULL", `{"ARN":"arn:aws:iam::1:role/r","type":"AWS::IAM::Role"}`}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("element_at(resources, -1)[%d] = %s, want %s", i, got[i], want[i])
		}
	}

	// max_by(resources, t) over one group: the row with the largest key.
	a, err := testCatalog.ResolveAggregate("max_by", []planner.Type{resType, tI}, false)
	if err != nil {
		t.Fatal(err)
	}
	acc := a.New()
	acc.Grow(1)
	kb := array.NewInt64Builder(memory.DefaultAllocator)
	kb.AppendValues([]int64{1, 5, 3}, nil)
	keys2 := kb.NewArray()
	defer keys2.Release()
	if err := acc.Update([]uint32{0, 0, 0}, []arrow.Array{res, keys2}); err != nil {
		t.Fatal(err)
	}
	out, _ := acc.Result(memory.DefaultAllocator)
	// Row 1 (key 5) holds a NULL array: max_by returns x of the max-y row even when x is NULL.
	if got := arrString(out, 0); got != "NULL" {
		t.Errorf("max_by(resources, k) = %s, want NULL (x of the row with the largest k)", got)
	}
	arb, _ := testCatalog.ResolveAggregate("arbitrary", []planner.Type{resType}, false)
	acc = arb.New()
	acc.Grow(2)
	if err := acc.Update([]uint32{1, 0, 1}, []arrow.Array{res}); err != nil {
		t.Fatal(err)
	}
	out, _ = acc.Result(memory.DefaultAllocator)
	if g0, g1 := arrString(out, 0), arrString(out, 1); g0 != "NULL" || g1 != `[{"ARN":"arn:aws:s3:::b","type":"AWS::S3::Bucket"},{"ARN":"arn:aws:s3:::b/k","type":"AWS::S3::Object"}]` {
		t.Errorf("arbitrary(resources) = %s | %s", g0, g1)
	}
}
