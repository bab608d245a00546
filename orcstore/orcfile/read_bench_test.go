package orcfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	orc "github.com/scritchley/orc"
)

// The benchmarks read a file of CloudTrail-shaped rows (1M by default;
// ORCFILE_BENCH_ROWS overrides). Until ctlake's own writer lands, the file
// is written once with the scritchley/orc writer (about a minute for 1M
// rows) and cached in the temp directory. Run with
//
//	go test -run XXX -bench BenchmarkRead -benchmem ./orcstore/orcfile

const readBenchSchema = "struct<eventVersion:string," +
	"userIdentity:struct<type:string,principalId:string,arn:string,accountId:string,accessKeyId:string,userName:string>," +
	"eventTime:timestamp,eventSource:string,eventName:string,awsRegion:string,sourceIPAddress:string,userAgent:string," +
	"errorCode:string,requestParameters:map<string,string>,requestID:string,eventID:string,readOnly:boolean," +
	"resources:array<struct<accountId:string,type:string,ARN:string>>,eventType:string,managementEvent:boolean," +
	"recipientAccountId:string,eventCategory:string>"

func readBenchFile(b *testing.B) (string, int) {
	rows := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("ORCFILE_BENCH_ROWS")); err == nil && v > 0 {
		rows = v
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ctlake-orcfile-bench-v1-%d.orc", rows))
	if _, err := os.Stat(path); err == nil {
		return path, rows
	}
	b.Logf("writing %d rows to %s", rows, path)
	schema, err := orc.ParseSchema(readBenchSchema)
	if err != nil {
		b.Fatal(err)
	}
	tmp := path + ".tmp"
	fh, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(fh, 1<<20)
	w, err := orc.NewWriter(bw, orc.SetSchema(schema))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	names := []string{"GetObject", "PutObject", "AssumeRole", "DescribeInstances", "ListBuckets", "ConsoleLogin", "GetCallerIdentity", "Decrypt", "CreateLogStream", "PutEvents"}
	sources := []string{"s3.amazonaws.com", "sts.amazonaws.com", "ec2.amazonaws.com", "kms.amazonaws.com", "logs.amazonaws.com"}
	regions := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}
	accounts := []string{"111122223333", "444455556666", "777788889999"}
	users := make([]string, 50)
	for i := range users {
		users[i] = fmt.Sprintf("user-%02d", i)
	}
	t0 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	for r := 0; r < rows; r++ {
		acct := accounts[rng.Intn(len(accounts))]
		user := users[rng.Intn(len(users))]
		var errCode any
		if rng.Intn(20) == 0 {
			errCode = "AccessDenied"
		}
		row := []any{
			"1.08",
			[]any{"IAMUser", "AIDA" + user, "arn:aws:iam::" + acct + ":user/" + user, acct, fmt.Sprintf("AKIA%016d", rng.Intn(1000)), user},
			t0.Add(time.Duration(r) * 37 * time.Millisecond),
			sources[rng.Intn(len(sources))],
			names[rng.Intn(len(names))],
			regions[rng.Intn(len(regions))],
			fmt.Sprintf("10.%d.%d.%d", rng.Intn(4), rng.Intn(256), rng.Intn(256)),
			"aws-cli/2.15.0 Python/3.11",
			errCode,
			map[string]any{"bucketName": fmt.Sprintf("bucket-%d", rng.Intn(20)), "key": fmt.Sprintf("obj/%d", rng.Intn(100000))},
			fmt.Sprintf("%016X", rng.Int63()),
			fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.Intn(65536), rng.Intn(65536), rng.Intn(65536), rng.Int63n(1<<48)),
			rng.Intn(2) == 0,
			[]any{[]any{acct, "AWS::S3::Object", fmt.Sprintf("arn:aws:s3:::bucket-%d/obj", rng.Intn(20))}},
			"AwsApiCall",
			true,
			acct,
			"Management",
		}
		if err := w.Write(row...); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	fh.Close()
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path, rows
}

func readBenchScan(b *testing.B, cols []string) {
	path, rows := readBenchFile(b)
	f, err := OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(f.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := f.Scan(ScanOptions{Columns: cols})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rec, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n += int(rec.NumRows())
			rec.Release()
		}
		s.Close()
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
}

func BenchmarkReadTwoColumns(b *testing.B) { readBenchScan(b, []string{"eventName", "eventTime"}) }

func BenchmarkReadAllColumns(b *testing.B) { readBenchScan(b, nil) }
