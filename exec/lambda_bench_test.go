package exec

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// resourcesType is CloudTrail's resources column: array(row(ARN, type)).
var resourcesType = planner.ArrayOf(planner.RowOf(planner.Field{Name: "ARN", Type: planner.Varchar}, planner.Field{Name: "type", Type: planner.Varchar}))

// genResources builds n rows of 0..3 resources (10% NULL arrays), a third
// of the elements of type AWS::S3::Object.
func genResources(rng *rand.Rand, n int) arrow.Array {
	lb := array.NewListBuilder(mem, resourcesType.Elem.Arrow())
	defer lb.Release()
	sb := lb.ValueBuilder().(*array.StructBuilder)
	arn, typ := sb.FieldBuilder(0).(*array.StringBuilder), sb.FieldBuilder(1).(*array.StringBuilder)
	types := []string{"AWS::S3::Object", "AWS::S3::Bucket", "AWS::KMS::Key"}
	for i := 0; i < n; i++ {
		if rng.Intn(10) == 0 {
			lb.AppendNull()
			continue
		}
		lb.Append(true)
		for k := rng.Intn(4); k > 0; k-- {
			sb.Append(true)
			arn.Append(fmt.Sprintf("arn:aws:s3:::bucket-%d/key-%d", rng.Intn(100), i))
			typ.Append(types[rng.Intn(len(types))])
		}
	}
	return lb.NewArray()
}

// BenchmarkLambda times higher-order functions over 1M rows of resources
// in batches of benchRows: the lambda runs once per batch over the
// flattened elements. Bytes are those of the resources column.
func BenchmarkLambda(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	schema := arrow.NewSchema([]arrow.Field{{Name: "resources", Type: resourcesType.Arrow(), Nullable: true}}, nil)
	var batches []Batch
	var bytes int64
	for n := 0; n < benchTotal; n += benchRows {
		a := genResources(rng, benchRows)
		bytes += arrayBytes(a.Data())
		batches = append(batches, Batch{Rec: array.NewRecord(schema, []arrow.Array{a}, int64(benchRows))})
		a.Release()
	}
	res := &planner.InputRef{Index: 0, Name: "resources", T: resourcesType}
	elem := *resourcesType.Elem
	param := func() *planner.InputRef { return &planner.InputRef{Index: 0, Name: "r", T: elem} }
	isS3 := &planner.Lambda{Params: []planner.Column{{Name: "r", T: elem}},
		Body: &planner.Compare{Op: planner.OpEq, L: &planner.FieldRef{Row: param(), Name: "type", T: planner.Varchar},
			R: &planner.Literal{V: planner.Value{Str: "AWS::S3::Object"}, T: planner.Varchar}}}
	toType := &planner.Lambda{Params: []planner.Column{{Name: "r", T: elem}},
		Body: &planner.FieldRef{Row: param(), Name: "type", T: planner.Varchar}}
	for _, c := range []struct {
		name string
		e    planner.Expr
	}{
		{"any_match", &planner.LambdaCall{Name: "any_match", Args: []planner.Expr{res, isS3}, T: planner.Boolean}},
		{"filter", &planner.LambdaCall{Name: "filter", Args: []planner.Expr{res, isS3}, T: resourcesType}},
		{"transform", &planner.LambdaCall{Name: "transform", Args: []planner.Expr{res, toType}, T: planner.ArrayOf(planner.Varchar)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			ev, err := Compile(c.e, schema, &Env{})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.SetBytes(bytes)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, bt := range batches {
					v, err := ev.Eval(ctx, bt)
					if err != nil {
						b.Fatal(err)
					}
					v.Release()
				}
			}
			b.ReportMetric(float64(benchTotal)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
