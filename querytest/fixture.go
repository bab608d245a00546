package querytest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
)

// FixtureStore is the store name the golden files query.
const FixtureStore = "events"

// FixtureOther is the fixture's second, smaller store, for joins between
// stores: gen with the same accounts over two days, plus hand-written
// events that share eventIDs, addresses and names with FixtureStore's and
// carry NULL and duplicate join keys.
const FixtureOther = "other"

// FixtureOtherEvents is how many events gen writes into FixtureOther.
const FixtureOtherEvents = 300

// FixtureNow is the pinned now() of every golden query: one day after the
// generated week ends, so "now() - interval" ranges select known data.
var FixtureNow = time.Date(2024, 5, 9, 0, 0, 0, 0, time.UTC)

// FixtureEvents is how many events gen writes into the fixture.
const FixtureEvents = 6000

// handEvents are the odd cases the generator does not write: NULL and
// missing fields, nested request parameters, resource lists of several
// sizes, escaped strings, numbers in maps, a LIKE escape target.
const handEvents = `{"Records":[
{"eventVersion":"1.09","eventTime":"2024-05-03T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"odd_agent%50","eventID":"hand-0001","eventType":"AwsApiCall","readOnly":true,"recipientAccountId":"111122223333",
 "userIdentity":{"type":"IAMUser","principalId":"AIDAHAND","arn":"arn:aws:iam::111122223333:user/hand","accountId":"111122223333","userName":"hand"},
 "requestParameters":{"bucketName":"hand-bucket","key":"a/b.txt","nested":{"k":[1,2],"z":"\u00e9"},"n":1.50,"flag":true,"nothing":null},
 "resources":[{"ARN":"arn:aws:s3:::hand-bucket/a/b.txt","type":"AWS::S3::Object"},{"ARN":"arn:aws:s3:::hand-bucket","type":"AWS::S3::Bucket","accountId":"111122223333"}]},
{"eventVersion":"1.09","eventTime":"2024-05-03T10:20:31.250Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"odd\\agent","eventID":"hand-0002","eventType":"AwsApiCall","readOnly":false,"errorCode":"AccessDenied","errorMessage":"It's \"denied\"",
 "userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/r/s","sessionContext":{"attributes":{"creationDate":"2024-05-03T09:00:00Z","mfaAuthenticated":"false"},"sessionIssuer":{"type":"Role","userName":"r","arn":"arn:aws:iam::111122223333:role/r"}}},
 "requestParameters":{"bucketName":"hand-bucket"},
 "resources":[]},
{"eventVersion":"1.09","eventTime":"2024-05-04T00:00:00Z","eventSource":"hand.example.com","eventName":"NoIdentity","awsRegion":"eu-west-1","eventID":"hand-0003","eventType":"AwsServiceEvent","recipientAccountId":"111122223333"},
{"eventVersion":"1.09","eventTime":"2024-05-04T00:00:00Z","eventSource":"hand.example.com","eventName":"NoIdentity","awsRegion":"eu-west-1","eventID":"hand-0004","eventType":"AwsServiceEvent","sourceIPAddress":"","userAgent":"","errorCode":"","requestParameters":{},"userIdentity":{}},
{"eventVersion":"1.09","eventTime":"2024-05-07T23:59:59.999Z","eventSource":"hand.example.com","eventName":"Unicode","awsRegion":"ap-south-1","eventID":"hand-0005","eventType":"AwsApiCall","userAgent":"Ünïcødé agent ✓","sourceIPAddress":"2001:db8::1",
 "requestParameters":{"list":["x","y"],"deep":{"a":{"b":{"c":"d"}}},"bucketName":null},
 "resources":[{"ARN":"arn:aws:kms:ap-south-1:111122223333:key/1"},{"ARN":null,"type":"AWS::KMS::Key"},{"ARN":"arn:aws:kms:ap-south-1:111122223333:key/3"}]}
]}`

// otherHandEvents are FixtureOther's hand-written events: hand-0001 again
// (the same event in both stores), a second copy of its address and name
// (duplicate keys), events without sourceIPAddress or userIdentity (NULL
// keys) and one in an hour nothing else has.
const otherHandEvents = `{"Records":[
{"eventVersion":"1.09","eventTime":"2024-05-03T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"odd_agent%50","eventID":"hand-0001","eventType":"AwsApiCall","readOnly":true,"recipientAccountId":"111122223333",
 "userIdentity":{"type":"IAMUser","principalId":"AIDAHAND","arn":"arn:aws:iam::111122223333:user/hand","accountId":"111122223333","userName":"hand"}},
{"eventVersion":"1.09","eventTime":"2024-05-03T11:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","eventID":"other-0001","eventType":"AwsApiCall","readOnly":true,"recipientAccountId":"111122223333",
 "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/hand","accountId":"111122223333","userName":"hand"}},
{"eventVersion":"1.09","eventTime":"2024-05-03T12:00:00Z","eventSource":"hand.example.com","eventName":"NoIdentity","awsRegion":"eu-west-1","eventID":"other-0002","eventType":"AwsServiceEvent"},
{"eventVersion":"1.09","eventTime":"2024-05-03T12:00:01Z","eventSource":"hand.example.com","eventName":"NoIdentity","awsRegion":"eu-west-1","eventID":"other-0003","eventType":"AwsServiceEvent","errorCode":"AccessDenied"},
{"eventVersion":"1.09","eventTime":"2024-05-09T05:00:00Z","eventSource":"hand.example.com","eventName":"Late","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.9","eventID":"other-0004","eventType":"AwsApiCall"}
]}`

// BuildFixture generates the fixture events into dir/in and dir/other,
// ingests them into stores FixtureStore and FixtureOther of the data
// directory dir/data, and returns the catalog. The result depends only on
// the constants above.
func BuildFixture(ctx context.Context, dir string) (*orcstore.Catalog, error) {
	in := filepath.Join(dir, "in")
	cfg := gen.Config{Events: FixtureEvents, Seed: 20240501, Days: 7, Accounts: 2, FileWindow: 24 * time.Hour, MaxPerFile: 100000}
	if _, err := gen.Write(ctx, cfg, gen.LayoutS3, in); err != nil {
		return nil, fmt.Errorf("generate fixture: %w", err)
	}
	if err := os.WriteFile(filepath.Join(in, "hand.json"), []byte(handEvents), 0o644); err != nil {
		return nil, err
	}
	// Small files (about 16) so that pruning by file statistics has
	// something to skip.
	c, err := IngestDirs(ctx, filepath.Join(dir, "data"), FixtureStore, ingest.Config{MaxFileRows: 400}, in)
	if err != nil {
		return nil, err
	}
	other := filepath.Join(dir, FixtureOther)
	cfg = gen.Config{Events: FixtureOtherEvents, Seed: 20240501, Start: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC), Days: 2, Accounts: 2, FileWindow: 24 * time.Hour, MaxPerFile: 100000}
	if _, err := gen.Write(ctx, cfg, gen.LayoutS3, other); err != nil {
		return nil, fmt.Errorf("generate fixture: %w", err)
	}
	if err := os.WriteFile(filepath.Join(other, "hand.json"), []byte(otherHandEvents), 0o644); err != nil {
		return nil, err
	}
	if err := ingestInto(ctx, c, FixtureOther, ingest.Config{MaxFileRows: 100}, other); err != nil {
		return nil, err
	}
	return c, nil
}

// IngestDirs ingests every event file under paths into a new store of a new
// data directory; cfg carries ingest options (cfg.Store is set here).
func IngestDirs(ctx context.Context, dataDir, store string, cfg ingest.Config, paths ...string) (*orcstore.Catalog, error) {
	c, err := orcstore.OpenCatalog(dataDir)
	if err != nil {
		return nil, err
	}
	return c, ingestInto(ctx, c, store, cfg, paths...)
}

// ingestInto ingests every event file under paths into a new store of c.
func ingestInto(ctx context.Context, c *orcstore.Catalog, store string, cfg ingest.Config, paths ...string) error {
	s, err := c.Create(store, orcstore.CreateOptions{})
	if err != nil {
		return err
	}
	inputs, problems := ingest.Discover(paths, ingest.DiscoverOptions{})
	if len(problems) > 0 {
		return fmt.Errorf("discover %v: %v", paths, problems[0])
	}
	cfg.Store = s
	sum, err := ingest.Ingest(ctx, cfg, inputs)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if len(sum.InputErrors) > 0 {
		return fmt.Errorf("ingest: %v", sum.InputErrors[0])
	}
	return nil
}
