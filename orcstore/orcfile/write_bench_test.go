package orcfile_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/internal/proccpu"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// wtCloudTrail generates deterministic, realistic CloudTrail rows: skewed
// eventSource/eventName, UUID IDs, ascending times, userIdentity structs,
// maps with 2–6 keys, a resources list, and a ~1 KB eventJson.
type wtCloudTrail struct {
	rng     *rand.Rand
	t       int64 // event time, ns
	sources []string
	names   map[string][]string
	ips     []string
	agents  []string
	users   []string
}

func wtNewCloudTrail(seed int64) *wtCloudTrail {
	g := &wtCloudTrail{rng: rand.New(rand.NewSource(seed)), t: 1_700_000_000e9, names: map[string][]string{}}
	verbs := []string{"Describe", "Get", "List", "Put", "Create", "Delete", "Update", "Assume"}
	nouns := []string{"Instances", "Object", "Role", "Bucket", "Key", "Policy", "Stack", "Function", "Table", "Secret"}
	for i, s := range []string{"s3", "ec2", "iam", "sts", "kms", "lambda", "dynamodb", "cloudformation", "logs", "monitoring",
		"secretsmanager", "ssm", "sqs", "sns", "elasticloadbalancing", "autoscaling", "rds", "ecr", "ecs", "eks"} {
		src := s + ".amazonaws.com"
		g.sources = append(g.sources, src)
		for k := 0; k < 3+i%6; k++ {
			g.names[src] = append(g.names[src], verbs[(i+k)%len(verbs)]+nouns[(i*3+k)%len(nouns)])
		}
	}
	for i := 0; i < 3000; i++ {
		g.ips = append(g.ips, fmt.Sprintf("%d.%d.%d.%d", 3+i%200, i%251, (i*7)%253, (i*13)%249))
	}
	for i := 0; i < 40; i++ {
		g.agents = append(g.agents, fmt.Sprintf("aws-sdk-go-v2/1.%d.%d os/linux lang/go#1.2%d md/GOOS#linux api/%d", i%30, i%7, i%5, i))
	}
	for i := 0; i < 500; i++ {
		g.users = append(g.users, fmt.Sprintf("user-%04d", i))
	}
	return g
}

// skew picks an index in [0, n) with a heavy head.
func (g *wtCloudTrail) skew(n int) int {
	x := g.rng.ExpFloat64() * float64(n) / 6
	if int(x) >= n {
		return g.rng.Intn(n)
	}
	return int(x)
}

func (g *wtCloudTrail) uuid() string {
	a, b := g.rng.Uint64(), g.rng.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, b>>48&0x3fff|0x8000, b&0xffffffffffff)
}

// record builds n rows of orcstore.EventSchema.
func (g *wtCloudTrail) record(n int) arrow.Record {
	rb := array.NewRecordBuilder(memory.DefaultAllocator, orcstore.EventSchema)
	defer rb.Release()
	for i := 0; i < n; i++ {
		g.row(rb)
	}
	return rb.NewRecord()
}

func wtStrOrNull(b array.Builder, v string, ok bool) {
	if !ok {
		b.AppendNull()
		return
	}
	b.(*array.StringBuilder).Append(v)
}

func (g *wtCloudTrail) mapOf(b array.Builder, n int, val func(k int) string) {
	mb := b.(*array.MapBuilder)
	if n < 0 {
		mb.AppendNull()
		return
	}
	mb.Append(true)
	keys := []string{"bucketName", "key", "roleArn", "roleSessionName", "instanceId", "maxResults", "filterSet", "durationSeconds", "keyId", "encryptionContext"}
	for k := 0; k < n; k++ {
		mb.KeyBuilder().(*array.StringBuilder).Append(keys[(k*3+n)%len(keys)])
		mb.ItemBuilder().(*array.StringBuilder).Append(val(k))
	}
}

func (g *wtCloudTrail) row(rb *array.RecordBuilder) {
	g.t += int64(g.rng.Intn(20_000_000)) // ~100 events/s
	src := g.sources[g.skew(len(g.sources))]
	names := g.names[src]
	name := names[g.skew(len(names))]
	account := fmt.Sprintf("1234567890%02d", g.skew(20))
	user := g.users[g.skew(len(g.users))]
	ip := g.ips[g.skew(len(g.ips))]
	agent := g.agents[g.skew(len(g.agents))]
	eventID, requestID := g.uuid(), g.uuid()
	isErr := g.rng.Intn(20) == 0
	role := g.rng.Intn(3) > 0
	region := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}[g.skew(4)]
	arn := "arn:aws:iam::" + account + ":user/" + user
	if role {
		arn = "arn:aws:sts::" + account + ":assumed-role/" + user + "-role/session-" + user
	}
	var reqParams []string
	for _, fb := range orcstore.EventSchema.Fields() {
		b := rb.Field(orcstore.EventSchema.FieldIndices(fb.Name)[0])
		switch fb.Name {
		case "eventVersion":
			wtStrOrNull(b, "1.09", true)
		case "userIdentity":
			sb := b.(*array.StructBuilder)
			sb.Append(true)
			typ := "IAMUser"
			if role {
				typ = "AssumedRole"
			}
			vals := []string{typ, "AIDA" + user, arn, account, "AKIA" + eventID[:16], user}
			for k := 0; k < 6; k++ {
				wtStrOrNull(sb.FieldBuilder(k), vals[k], k != 5 || !role)
			}
			sc := sb.FieldBuilder(6).(*array.StructBuilder)
			if !role {
				sc.AppendNull()
			} else {
				sc.Append(true)
				attr := sc.FieldBuilder(0).(*array.StructBuilder)
				attr.Append(true)
				attr.FieldBuilder(0).(*array.TimestampBuilder).Append(arrow.Timestamp(g.t - int64(g.rng.Intn(3600))*1e9))
				wtStrOrNull(attr.FieldBuilder(1), "false", true)
				iss := sc.FieldBuilder(1).(*array.StructBuilder)
				iss.Append(true)
				for k, v := range []string{"Role", "AROA" + user, "arn:aws:iam::" + account + ":role/" + user + "-role", account, user + "-role"} {
					wtStrOrNull(iss.FieldBuilder(k), v, true)
				}
				sc.FieldBuilder(2).AppendNull()
				for k := 3; k < 7; k++ {
					sc.FieldBuilder(k).AppendNull()
				}
			}
			sb.FieldBuilder(7).AppendNull()
			sb.FieldBuilder(8).AppendNull()
			wtStrOrNull(sb.FieldBuilder(9), "cloudformation.amazonaws.com", g.rng.Intn(10) == 0)
			sb.FieldBuilder(10).AppendNull()
			sb.FieldBuilder(11).AppendNull()
		case "eventTime":
			b.(*array.TimestampBuilder).Append(arrow.Timestamp(g.t / 1e9 * 1e9))
		case "eventSource":
			wtStrOrNull(b, src, true)
		case "eventName":
			wtStrOrNull(b, name, true)
		case "awsRegion":
			wtStrOrNull(b, region, true)
		case "sourceIPAddress":
			wtStrOrNull(b, ip, true)
		case "userAgent":
			wtStrOrNull(b, agent, true)
		case "errorCode":
			wtStrOrNull(b, []string{"AccessDenied", "ThrottlingException", "NoSuchKey"}[g.skew(3)], isErr)
		case "errorMessage":
			wtStrOrNull(b, "User: "+arn+" is not authorized to perform: "+name, isErr)
		case "requestParameters":
			n := 2 + g.rng.Intn(5)
			g.mapOf(b, n, func(k int) string {
				v := fmt.Sprintf("%s-%d", user, g.rng.Intn(1000))
				reqParams = append(reqParams, v)
				return v
			})
		case "responseElements":
			n := -1
			if !isErr && g.rng.Intn(5) < 2 {
				n = 2 + g.rng.Intn(3)
			}
			g.mapOf(b, n, func(k int) string { return g.uuid() })
		case "additionalEventData":
			n := -1
			if g.rng.Intn(3) == 0 {
				n = 2 + g.rng.Intn(2)
			}
			g.mapOf(b, n, func(k int) string {
				return []string{"SigV4", "ECDHE-RSA-AES128-GCM-SHA256", "AuthHeader", "s3.amazonaws.com"}[k%4]
			})
		case "requestID":
			wtStrOrNull(b, requestID, true)
		case "eventID":
			wtStrOrNull(b, eventID, true)
		case "readOnly", "managementEvent":
			b.(*array.BooleanBuilder).Append(fb.Name == "managementEvent" || name[0] == 'D' || name[0] == 'G' || name[0] == 'L')
		case "resources":
			lb := b.(*array.ListBuilder)
			if g.rng.Intn(10) < 7 {
				lb.AppendNull()
				break
			}
			lb.Append(true)
			vb := lb.ValueBuilder().(*array.StructBuilder)
			for k := g.rng.Intn(3) + 1; k > 0; k-- {
				vb.Append(true)
				wtStrOrNull(vb.FieldBuilder(0), account, true)
				wtStrOrNull(vb.FieldBuilder(1), "AWS::S3::Object", true)
				wtStrOrNull(vb.FieldBuilder(2), "arn:aws:s3:::bucket-"+user+"/obj/"+eventID[:8], true)
				vb.FieldBuilder(3).AppendNull()
			}
		case "eventType":
			wtStrOrNull(b, "AwsApiCall", true)
		case "recipientAccountId":
			wtStrOrNull(b, account, true)
		case "vpcEndpointId":
			wtStrOrNull(b, "vpce-0a1b2c3d", g.rng.Intn(10) == 0)
		case "eventCategory":
			wtStrOrNull(b, "Management", true)
		case "tlsDetails":
			sb := b.(*array.StructBuilder)
			if g.rng.Intn(5) == 0 {
				sb.AppendNull()
				break
			}
			sb.Append(true)
			wtStrOrNull(sb.FieldBuilder(0), "TLSv1.3", true)
			wtStrOrNull(sb.FieldBuilder(1), "TLS_AES_128_GCM_SHA256", true)
			wtStrOrNull(sb.FieldBuilder(2), src, true)
		case "eventJson":
			wtStrOrNull(b, fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDA%s","arn":"%s","accountId":"%s","accessKeyId":"AKIA%s","userName":"%s"},"eventTime":"%s","eventSource":"%s","eventName":"%s","awsRegion":"%s","sourceIPAddress":"%s","userAgent":"%s","requestParameters":{"p":%q},"responseElements":null,"requestID":"%s","eventID":"%s","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"%s","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"%s"}}`,
				user, arn, account, eventID[:16], user, time.Unix(0, g.t).UTC().Format(time.RFC3339), src, name, region, ip, agent, reqParams, requestID, eventID, account, src), true)
		case "eventJsonChecksum":
			wtStrOrNull(b, fmt.Sprintf("%016x%016x", g.rng.Uint64(), g.rng.Uint64()), true)
		default:
			b.AppendNull()
		}
	}
}

// wtCountingWriter discards bytes, counting them.
type wtCountingWriter struct{ n int64 }

func (w *wtCountingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// wtHeapPeak samples HeapInuse until stop is called and returns the peak.
func wtHeapPeak() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// BenchmarkWriteCloudTrail writes 1,000,000 CloudTrail-shaped rows per
// op with each codec: 10 distinct records of 10,000 rows, written 10 times
// each (the input is built once, outside the timing, so the sub-benchmarks
// measure the writer alone). Reports rows/s and the output size. Peak heap
// is measured by TestWriteCloudTrailMemory.
//
//	go test -run '^$' -bench BenchmarkWriteCloudTrail -benchtime 1x ./orcstore/orcfile
func BenchmarkWriteCloudTrail(b *testing.B) {
	const perRecord, distinct, repeats = 10_000, 10, 10
	g := wtNewCloudTrail(1)
	var recs []arrow.Record
	var inBytes int64
	for i := 0; i < distinct; i++ {
		r := g.record(perRecord)
		recs = append(recs, r)
		for _, c := range r.Columns() {
			for _, buf := range c.Data().Buffers() {
				if buf != nil {
					inBytes += int64(buf.Len())
				}
			}
		}
	}
	rows := perRecord * distinct * repeats
	for _, comp := range []orcfile.Compression{orcfile.CompressionZstd, orcfile.CompressionNone, orcfile.CompressionSnappy} {
		b.Run(comp.String(), func(b *testing.B) {
			b.SetBytes(inBytes * repeats)
			b.ReportAllocs()
			var out wtCountingWriter
			cpu0 := proccpu.Used()
			for i := 0; i < b.N; i++ {
				out = wtCountingWriter{}
				w, err := orcfile.NewWriter(&out, orcstore.EventSchema, orcfile.WriterOptions{Compression: comp, Uncompressed: comp == orcfile.CompressionNone})
				if err != nil {
					b.Fatal(err)
				}
				for k := 0; k < repeats; k++ {
					for _, r := range recs {
						if err := w.Write(r); err != nil {
							b.Fatal(err)
						}
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			cpu := proccpu.Used() - cpu0
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			// On a shared machine wall time is noisy; rows per CPU-second of
			// the whole process (GC included) is what one core would do.
			b.ReportMetric(float64(rows)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
			b.ReportMetric(float64(out.n)/1e6, "MB-out")
		})
	}
}

// TestWriteCloudTrailMemory streams 1,000,000 generated rows (10,000 per
// record, each dropped after Write) through a ZSTD writer with the default
// 64 MiB stripes and reports the peak HeapInuse, which bounds the writer's
// buffering plus one input record plus GC slack. Opt in with
// CTLAKE_LONG_TESTS=1 (about a minute).
func TestWriteCloudTrailMemory(t *testing.T) {
	if os.Getenv("CTLAKE_LONG_TESTS") == "" {
		t.Skip("set CTLAKE_LONG_TESTS=1")
	}
	g := wtNewCloudTrail(3)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	stop := wtHeapPeak()
	var out wtCountingWriter
	w, err := orcfile.NewWriter(&out, orcstore.EventSchema, orcfile.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var live uint64 // the largest heap still reachable after a Write
	var ms runtime.MemStats
	for i := 0; i < 100; i++ {
		r := g.record(10_000)
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
		r.Release()
		if i%5 == 4 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			live = max(live, ms.HeapAlloc)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	peak := stop()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("1M rows → %.1f MB; peak HeapInuse %.1f MB (%.1f MB before); max live heap between writes %.1f MB; total allocated %.1f MB (mostly the generator)",
		float64(out.n)/1e6, float64(peak)/1e6, float64(before.HeapInuse)/1e6, float64(live)/1e6, float64(after.TotalAlloc-before.TotalAlloc)/1e6)
	if peak > 1<<30 {
		t.Errorf("peak heap %d MB exceeds 1 GiB", peak>>20)
	}
}

// TestWriteCloudTrailRoundTrip writes generated CloudTrail rows in several
// stripes and reads them back with the C++ tools when present, and checks
// the file is well-formed with scritchley's reader otherwise.
func TestWriteCloudTrailFile(t *testing.T) {
	g := wtNewCloudTrail(2)
	rec := g.record(12_000)
	var buf bytes.Buffer
	w, err := orcfile.NewWriter(&buf, orcstore.EventSchema, orcfile.WriterOptions{StripeSize: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("CTLAKE_WRITE_SAMPLE"); dir != "" {
		if err := os.WriteFile(dir+"/cloudtrail.orc", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if buf.Len() < 1000 {
		t.Fatalf("file of %d bytes", buf.Len())
	}
	_ = io.Discard
}

// BenchmarkWriteRunsInterleaved writes 200,000 CloudTrail-shaped rows of 40
// records through WriteRuns, uncompressed so that only encoding is timed:
// "sequential" takes each record whole, "interleaved" one row at a time
// from each record in turn, as ingest's time order does with the chunks of
// a partition. The gap is the per-run cost of the writer (measured on 1M
// generated events: writing in time order cost 3.2 CPU-s more than in
// input order).
//
//	go test -run '^$' -bench WriteRunsInterleaved -benchtime 3x ./orcstore/orcfile
func BenchmarkWriteRunsInterleaved(b *testing.B) {
	const recs, perRec = 40, 5000
	g := wtNewCloudTrail(4)
	var rs []arrow.Record
	for i := 0; i < recs; i++ {
		rs = append(rs, g.record(perRec))
	}
	sequential := make([]orcfile.Run, 0, recs)
	for _, r := range rs {
		sequential = append(sequential, orcfile.Run{Rec: r, Lo: 0, Hi: perRec})
	}
	interleaved := make([]orcfile.Run, 0, recs*perRec)
	for row := 0; row < perRec; row++ {
		for _, r := range rs {
			interleaved = append(interleaved, orcfile.Run{Rec: r, Lo: row, Hi: row + 1})
		}
	}
	for _, tc := range []struct {
		name string
		runs []orcfile.Run
	}{{"sequential", sequential}, {"interleaved", interleaved}} {
		b.Run(tc.name, func(b *testing.B) {
			cpu0 := proccpu.Used()
			for i := 0; i < b.N; i++ {
				var out wtCountingWriter
				w, err := orcfile.NewWriter(&out, orcstore.EventSchema, orcfile.WriterOptions{Compression: orcfile.CompressionNone, Uncompressed: true})
				if err != nil {
					b.Fatal(err)
				}
				if err := w.WriteRuns(tc.runs); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			rows := float64(recs*perRec) * float64(b.N)
			b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(rows/(proccpu.Used()-cpu0).Seconds(), "rows/cpu-s")
		})
	}
}
