package fn

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/internal/proccpu"
	"github.com/ctlake/ctlake/planner"
)

const benchRows = 64 * 1024

func strColumn(n int, nulls bool, gen func(i int) string) (arrow.Array, int) {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	total := 0
	for i := 0; i < n; i++ {
		if nulls && i%10 == 0 {
			b.AppendNull()
			continue
		}
		s := gen(i)
		total += len(s)
		b.Append(s)
	}
	return b.NewArray(), total
}

func benchKernel(b *testing.B, name string, types []planner.Type, vecs []Vec, n int) {
	s, err := testCatalog.ResolveScalar(name, types)
	if err != nil {
		b.Fatal(err)
	}
	ctx := &Context{Mem: memory.DefaultAllocator}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := proccpu.Used()
	for i := 0; i < b.N; i++ {
		out, err := s.Kernel(ctx, vecs, n)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
	reportCPU(b, cpu0, n)
}

// reportCPU reports CPU time per row: the benchmark machine is shared, so
// wall-clock ns/op swings with other load, and cpu-ns/row is the steadier
// figure.
func reportCPU(b *testing.B, cpu0 time.Duration, rows int) {
	b.ReportMetric(float64(proccpu.Used()-cpu0)/float64(b.N)/float64(rows), "cpu-ns/row")
}

func BenchmarkLower(b *testing.B) {
	names := []string{"GetObject", "PutObject", "AssumeRole", "DescribeInstances", "ListBuckets", "ConsoleLogin"}
	for _, nulls := range []bool{false, true} {
		b.Run(fmt.Sprintf("nulls=%v", nulls), func(b *testing.B) {
			col, total := strColumn(benchRows, nulls, func(i int) string { return names[i%len(names)] })
			defer col.Release()
			b.SetBytes(int64(total))
			benchKernel(b, "lower", ts(tV), []Vec{{Arr: col}}, benchRows)
		})
	}
}

// requestParameters-like documents, as the map values and eventJson hold them.
func benchJSON(i int) string {
	switch i % 3 {
	case 0:
		return fmt.Sprintf(`{"bucketName":"logs-%d","Host":"logs.s3.us-east-1.amazonaws.com","key":"AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/file-%d.json.gz","x-amz-server-side-encryption":"aws:kms","tagging":""}`, i%97, i)
	case 1:
		return fmt.Sprintf(`{"ModifySecurityGroupRulesRequest":{"GroupId":"sg-%08x","SecurityGroupRule":{"SecurityGroupRuleId":"sgr-%08x","SecurityGroupRule":{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIpv4":"0.0.0.0/0","Description":"ssh"}}}}`, i, i*7)
	}
	return fmt.Sprintf(`{"roleArn":"arn:aws:iam::123456789012:role/role-%d","roleSessionName":"session-%d","durationSeconds":3600,"tags":[{"key":"team","value":"x"},{"key":"env","value":"prod"}]}`, i%13, i)
}

func BenchmarkJSONExtractScalar(b *testing.B) {
	col, total := strColumn(benchRows, false, benchJSON)
	defer col.Release()
	for _, path := range []string{"$.bucketName", "$.ModifySecurityGroupRulesRequest.GroupId", "$.tags[1].value"} {
		b.Run(path, func(b *testing.B) {
			b.SetBytes(int64(total))
			benchKernel(b, "json_extract_scalar", ts(tV, tV), []Vec{{Arr: col}, {IsConst: true, Const: planner.Value{Str: path}}}, benchRows)
		})
	}
}

func BenchmarkDateTrunc(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	out := newFixedOut[int64](memory.DefaultAllocator, tTS.Arrow(), benchRows)
	base := TS("2024-01-01").v.Int
	for i := range out.vals {
		out.vals[i] = base + rng.Int64N(365*nsPerDay)
	}
	col := out.finish()
	defer col.Release()
	for _, unit := range []string{"hour", "day", "week", "month"} {
		b.Run(unit, func(b *testing.B) {
			b.SetBytes(benchRows * 8)
			benchKernel(b, "date_trunc", ts(tV, tTS), []Vec{{IsConst: true, Const: planner.Value{Str: unit}}, {Arr: col}}, benchRows)
		})
	}
}

// benchAgg runs an aggregate over 1M rows in 8192-row batches into 1k groups.
func benchAgg(b *testing.B, name string, distinct bool, t planner.Type, col func(n int, rng *rand.Rand) arrow.Array) {
	const rows, batch, groups = 1 << 20, 8192, 1000
	rng := rand.New(rand.NewPCG(3, 4))
	var batches []arrow.Array
	var gs [][]uint32
	for r := 0; r < rows; r += batch {
		batches = append(batches, col(batch, rng))
		g := make([]uint32, batch)
		for i := range g {
			g[i] = uint32(rng.IntN(groups))
		}
		gs = append(gs, g)
	}
	a, err := testCatalog.ResolveAggregate(name, ts(t), distinct)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := proccpu.Used()
	for i := 0; i < b.N; i++ {
		acc := a.New()
		acc.Grow(groups)
		for j, arr := range batches {
			if err := acc.Update(gs[j], []arrow.Array{arr}); err != nil {
				b.Fatal(err)
			}
		}
		res, err := acc.Result(memory.DefaultAllocator)
		if err != nil {
			b.Fatal(err)
		}
		res.Release()
	}
	reportCPU(b, cpu0, rows)
}

func intCol(max int64) func(n int, rng *rand.Rand) arrow.Array {
	return func(n int, rng *rand.Rand) arrow.Array {
		out := newFixedOut[int64](memory.DefaultAllocator, tI.Arrow(), n)
		for i := range out.vals {
			out.vals[i] = rng.Int64N(max)
		}
		return out.finish()
	}
}

func BenchmarkSum(b *testing.B) {
	benchAgg(b, "sum", false, tI, intCol(1000))
}

func BenchmarkCountDistinct(b *testing.B) {
	b.Run("bigint", func(b *testing.B) { benchAgg(b, "count", true, tI, intCol(100)) })
	b.Run("varchar", func(b *testing.B) {
		benchAgg(b, "count", true, tV, func(n int, rng *rand.Rand) arrow.Array {
			a, _ := strColumn(n, false, func(int) string { return fmt.Sprintf("user-%d", rng.IntN(100)) })
			return a
		})
	})
}

func BenchmarkApproxDistinct(b *testing.B) {
	benchAgg(b, "approx_distinct", false, tI, intCol(1<<20))
}

func BenchmarkElementAtMap(b *testing.B) {
	rows := make([][]string, benchRows)
	for i := range rows {
		rows[i] = []string{"bucketName", fmt.Sprintf("logs-%d", i%97), "Host", "logs.s3.amazonaws.com",
			"key", fmt.Sprintf("AWSLogs/%d.json.gz", i), "x-amz-acl", "private", "versionId", "v1"}
	}
	maps := buildMaps(rows)
	defer maps.Release()
	mt := planner.MapOf(tV, tV)
	for _, key := range []string{"bucketName", "versionId", "missing"} {
		b.Run(key, func(b *testing.B) {
			benchKernel(b, "element_at", ts(mt, tV), []Vec{{Arr: maps}, {IsConst: true, Const: planner.Value{Str: key}}}, benchRows)
		})
	}
}

// A row-at-a-time kernel (split_part) for comparison with the typed loops.
func BenchmarkSplitPart(b *testing.B) {
	col, total := strColumn(benchRows, false, func(i int) string {
		return fmt.Sprintf("arn:aws:iam::%012d:role/service-role/r-%d", i%1000, i)
	})
	defer col.Release()
	b.SetBytes(int64(total))
	benchKernel(b, "split_part", ts(tV, tV, tI), []Vec{{Arr: col}, {IsConst: true, Const: planner.Value{Str: ":"}}, {IsConst: true, Const: planner.Value{Int: 5}}}, benchRows)
}
