package ingest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/internal/proccpu"
)

// Benchmarks run on one core: go test -run XXX -bench . -cpu 1 ./ingest
// They report events/s beside MB/s. The events are synthesized from four
// shapes seen in real trails (an STS call with a session context, an EC2
// describe with nested request parameters, an S3 data event with
// resources, an EC2 RunInstances with a large nested response), about
// 1.5 KB each on average, with varying IDs and times.

var benchTemplates = []string{
	`{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROATFQR7NSC%[1]d:session-%[1]d","arn":"arn:aws:sts::123837392027:assumed-role/Admin/session-%[1]d","accountId":"123837392027","accessKeyId":"ASIATFQR7NSC%[1]dXYZ","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROATFQR7NSC%[1]d","arn":"arn:aws:iam::123837392027:role/Admin","accountId":"123837392027","userName":"Admin"},"webIdFederationData":{},"attributes":{"creationDate":"2023-07-10T11:%02[2]d:03Z","mfaAuthenticated":"false"}}},"eventTime":"2023-07-10T11:%02[2]d:%02[3]dZ","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","sourceIPAddress":"10.0.%[3]d.17","userAgent":"aws-sdk-go-v2/1.18.0 os/linux lang/go/1.20.4 md/GOOS/linux md/GOARCH/amd64 api/sts/1.19.0","requestParameters":{"roleArn":"arn:aws:iam::123837392027:role/Reader","roleSessionName":"session-%[1]d","durationSeconds":3600},"responseElements":{"credentials":{"accessKeyId":"ASIATFQR7NSC%[1]dABC","sessionToken":"IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD%[1]d","expiration":"Jul 10, 2023, 12:45:03 PM"},"assumedRoleUser":{"assumedRoleId":"AROATFQR7NSC%[1]d:session-%[1]d","arn":"arn:aws:sts::123837392027:assumed-role/Reader/session-%[1]d"}},"requestID":"5b1c%[1]d-0c2d-4e5f-8a9b-1c2d3e4f5a6b","eventID":"9f8e%[1]d-7d6c-4b5a-9c8d-7e6f5a4b3c2d","readOnly":true,"resources":[{"accountId":"123837392027","type":"AWS::IAM::Role","ARN":"arn:aws:iam::123837392027:role/Reader"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123837392027","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.2","cipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","clientProvidedHostHeader":"sts.amazonaws.com"}}`,
	`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDATFQR7NSC5U6Q3TMDR","arn":"arn:aws:iam::123837392027:user/benjamin","accountId":"123837392027","accessKeyId":"AKIATFQR7NSCUXC3DDDP","userName":"benjamin"},"eventTime":"2023-07-10T11:%02[2]d:%02[3]dZ","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"10.248.16.%[3]d","userAgent":"Boto3/1.26.165 Python/3.10.6 Linux/5.19.0-46-generic Botocore/1.29.165","requestParameters":{"instancesSet":{},"filterSet":{"items":[{"name":"instance-state-name","valueSet":{"items":[{"value":"running"},{"value":"stopped"}]}},{"name":"tag:Owner","valueSet":{"items":[{"value":"team-%[1]d"}]}}]},"maxResults":1000},"responseElements":null,"requestID":"909b%[1]d-94c2-4144-a362-ddbaa68cad50","eventID":"989c%[1]d-a738-407b-8a95-55f3343c50a3","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123837392027","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.2","cipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","clientProvidedHostHeader":"ec2.us-east-1.amazonaws.com"}}`,
	`{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROATFQR7NSC%[1]d:i-0abc%[1]d","arn":"arn:aws:sts::123837392027:assumed-role/app/i-0abc%[1]d","accountId":"123837392027","accessKeyId":"ASIATFQR7NSC%[1]dEC2","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROATFQR7NSC%[1]d","arn":"arn:aws:iam::123837392027:role/app","accountId":"123837392027","userName":"app"},"attributes":{"creationDate":"2023-07-10T10:%02[2]d:00Z","mfaAuthenticated":"false"},"ec2RoleDelivery":"2.0"}},"eventTime":"2023-07-10T11:%02[2]d:%02[3]d.%03[1]dZ","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"172.31.%[3]d.4","userAgent":"[aws-cli/2.13.0 Python/3.11.4 Linux/5.10.184 exe/x86_64.amzn.2 prompt/off command/s3.cp]","requestParameters":{"bucketName":"cardholder-data-%[3]d","Host":"cardholder-data.s3.amazonaws.com","key":"exports/2023/07/10/part-%[1]d.csv.gz"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"b2fQ%[1]dYmZ+kxJ8q0w6wFQf3xXWz1c9h0=","bytesTransferredOut":%[1]d},"requestID":"X1Y2%[1]dZ3","eventID":"0a1b%[1]d-3d4e-5f6a-7b8c-9d0e1f2a3b4c","readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::cardholder-data-%[3]d/exports/2023/07/10/part-%[1]d.csv.gz"},{"accountId":"123837392027","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::cardholder-data-%[3]d"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"123837392027","eventCategory":"Data","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"cardholder-data.s3.amazonaws.com"}}`,
	`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDATFQR7NSC5AU2ZV3IE","arn":"arn:aws:iam::123837392027:user/bert-jan","accountId":"123837392027","accessKeyId":"AKIATFQR7NSC%[1]d","userName":"bert-jan"},"eventTime":"2023-07-10T11:%02[2]d:%02[3]dZ","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.%[3]d","userAgent":"APN/1.0 HashiCorp/1.0 Terraform/1.5.2 (+https://www.terraform.io) terraform-provider-aws/5.7.0","requestParameters":{"instancesSet":{"items":[{"imageId":"ami-0c55b159cbfafe1f0","minCount":1,"maxCount":1}]},"instanceType":"t3.micro","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"terraform-%[1]d","tagSpecificationSet":{"items":[{"resourceType":"instance","tags":[{"key":"Name","value":"stratus-%[1]d"}]}]}},"responseElements":{"requestId":"c1d2%[1]d","reservationId":"r-0%[1]d","ownerId":"123837392027","groupSet":{},"instancesSet":{"items":[{"instanceId":"i-0%[1]d","imageId":"ami-0c55b159cbfafe1f0","instanceState":{"code":0,"name":"pending"},"privateDnsName":"ip-172-31-%[3]d-9.ec2.internal","amiLaunchIndex":0,"productCodes":{},"instanceType":"t3.micro","launchTime":1688989503000,"placement":{"availabilityZone":"us-east-1a","tenancy":"default"},"monitoring":{"state":"disabled"},"subnetId":"subnet-0%[1]d","vpcId":"vpc-0%[3]d","privateIpAddress":"172.31.%[3]d.9","sourceDestCheck":true,"groupSet":{"items":[{"groupId":"sg-0%[1]d","groupName":"default"}]},"architecture":"x86_64","rootDeviceType":"ebs","rootDeviceName":"/dev/xvda","blockDeviceMapping":{},"virtualizationType":"hvm","hypervisor":"xen","networkInterfaceSet":{"items":[{"networkInterfaceId":"eni-0%[1]d","subnetId":"subnet-0%[1]d","status":"in-use"}]},"ebsOptimized":false,"enaSupport":true}]}},"requestID":"c1d2%[1]d-aaaa-bbbb-cccc-ddddeeeeffff","eventID":"e5f6%[1]d-1111-2222-3333-444455556666","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123837392027","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.2","cipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","clientProvidedHostHeader":"ec2.us-east-1.amazonaws.com"}}`,
}

// benchRecords returns a {"Records":[...]} file of n synthesized events.
func benchRecords(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, benchTemplates[i%len(benchTemplates)], 100000+i, i%60, (i/60)%60)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

const benchEvents = 20000

// startCPU returns a function reporting events/s (wall clock) and, where
// available, events per CPU-second of the whole process (GC included); run
// with -cpu 1 so that the latter means one core.
func startCPU(b *testing.B) func(perOp int) {
	b.ResetTimer()
	c0 := proccpu.Used()
	return func(perOp int) {
		events := float64(perOp) * float64(b.N)
		b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
		if cpu := proccpu.Used() - c0; cpu > 0 {
			b.ReportMetric(events/cpu.Seconds(), "events/cpu-s")
		}
	}
}

func BenchmarkFrame(b *testing.B) {
	data := benchRecords(benchEvents)
	b.SetBytes(int64(len(data)))
	report := startCPU(b)
	for i := 0; i < b.N; i++ {
		fr := NewFramer(bytes.NewReader(data), "bench")
		n := 0
		for {
			if _, err := fr.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchEvents {
			b.Fatalf("%d events", n)
		}
	}
	report(benchEvents)
}

func framedEvents(b *testing.B, data []byte) [][]byte {
	var evs [][]byte
	fr := NewFramer(bytes.NewReader(data), "bench")
	for {
		ev, err := fr.Next()
		if err == io.EOF {
			return evs
		} else if err != nil {
			b.Fatal(err)
		}
		evs = append(evs, bytes.Clone(ev.Data))
	}
}

// BenchmarkDecode measures Parse + Builder.Append (the per-event CPU cost
// of the pipeline's workers), records flushed every 8192 events.
func BenchmarkDecode(b *testing.B) {
	evs := framedEvents(b, benchRecords(benchEvents))
	size := 0
	for _, e := range evs {
		size += len(e)
	}
	b.SetBytes(int64(size))
	d := NewDecoder(Options{})
	bld := NewBuilder()
	defer bld.Release()
	report := startCPU(b)
	for i := 0; i < b.N; i++ {
		for _, raw := range evs {
			ev, err := d.Parse(raw)
			if err != nil {
				b.Fatal(err)
			}
			bld.Append(ev)
			if bld.Len() == 8192 {
				bld.NewRecord().Release()
			}
		}
	}
	report(len(evs))
	b.ReportMetric(float64(size)/float64(len(evs)), "bytes/event")
}

// BenchmarkIngest is the whole ingest path on one goroutine: gunzip, frame,
// parse, append (not ORC writing).
func BenchmarkIngest(b *testing.B) {
	for _, enc := range []string{"plain", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			data := benchRecords(benchEvents)
			b.SetBytes(int64(len(data))) // decompressed bytes
			if enc == "gzip" {
				data = gz(b, string(data))
			}
			bld := NewBuilder()
			defer bld.Release()
			report := startCPU(b)
			for i := 0; i < b.N; i++ {
				n, err := ReadInto(bytes.NewReader(data), "bench", Options{}, bld, func(r *Reject) { b.Fatal(r) })
				if err != nil || n != benchEvents {
					b.Fatal(n, err)
				}
				bld.NewRecord().Release()
			}
			report(benchEvents)
		})
	}
}

func TestBenchTemplatesAreValid(t *testing.T) {
	d := NewDecoder(Options{})
	total := 0
	for i := 0; i < 8; i++ {
		raw := []byte(fmt.Sprintf(benchTemplates[i%len(benchTemplates)], 100000+i, i%60, 7))
		total += len(raw)
		if _, err := d.Parse(raw); err != nil || strings.Contains(string(raw), "%!") {
			t.Fatalf("template %d: %v\n%s", i%len(benchTemplates), err, raw)
		}
	}
	if avg := total / 8; avg < 1000 || avg > 2200 {
		t.Errorf("average synthesized event is %d bytes, want about 1.5 KB", avg)
	}
}
