package lakeapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"

	"github.com/ctlake/ctlake/internal/testenv"
)

type staticCreds struct{ akid, secret string }

func (c staticCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: c.akid, SecretAccessKey: c.secret, Source: "test"}, nil
}

// sdkClient is a cloudtrail client of the Go SDK for url; creds nil sends
// unsigned requests.
func sdkClient(t testing.TB, url string, creds aws.CredentialsProvider) *cloudtrail.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	if creds == nil {
		creds = aws.AnonymousCredentials{}
	}
	return cloudtrail.New(cloudtrail.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(url),
		Credentials:      creds,
		HTTPClient:       &http.Client{Transport: testenv.BufferedBodies{Next: tr}},
		RetryMaxAttempts: 1,
	})
}

// TestGoSDK runs the client flow with github.com/aws/aws-sdk-go-v2/service/cloudtrail.
func TestGoSDK(t *testing.T) {
	env := newClientEnv(t)
	ctx := context.Background()
	ct := sdkClient(t, env.h.url, staticCreds{testAKID, testSecret})

	cr, err := ct.CreateEventDataStore(ctx, &cloudtrail.CreateEventDataStoreInput{Name: aws.String("gosdk")})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(cr.EventDataStoreArn)
	if cr.Status != types.EventDataStoreStatusEnabled || !aws.ToBool(cr.TerminationProtectionEnabled) || cr.CreatedTimestamp == nil {
		t.Fatalf("create: %+v", cr)
	}
	im, err := ct.StartImport(ctx, &cloudtrail.StartImportInput{
		Destinations: []string{arn},
		ImportSource: &types.ImportSource{S3: &types.S3ImportSource{S3LocationUri: aws.String("file://" + env.logs), S3BucketRegion: aws.String("us-east-1"), S3BucketAccessRoleArn: aws.String("arn:aws:iam::000000000000:role/none")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var imported int64
	for deadline := time.Now().Add(60 * time.Second); ; {
		g, err := ct.GetImport(ctx, &cloudtrail.GetImportInput{ImportId: im.ImportId})
		if err != nil {
			t.Fatal(err)
		}
		if g.ImportStatus == types.ImportStatusCompleted {
			imported = aws.ToInt64(g.ImportStatistics.EventsCompleted)
			break
		}
		if g.ImportStatus == types.ImportStatusFailed || time.Now().After(deadline) {
			t.Fatalf("import %s", g.ImportStatus)
		}
		time.Sleep(20 * time.Millisecond)
	}
	id := arn[strings.LastIndex(arn, "/")+1:]
	sq, err := ct.StartQuery(ctx, &cloudtrail.StartQueryInput{QueryStatement: aws.String("SELECT eventID, eventName, eventTime FROM " + id + " ORDER BY eventID")})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; {
		d, err := ct.DescribeQuery(ctx, &cloudtrail.DescribeQueryInput{QueryId: sq.QueryId})
		if err != nil {
			t.Fatal(err)
		}
		if d.QueryStatus == types.QueryStatusFinished {
			if d.QueryStatistics.EventsScanned == nil || *d.QueryStatistics.EventsScanned != imported || d.QueryStatistics.CreationTime == nil {
				t.Fatalf("statistics %+v, imported %d", d.QueryStatistics, imported)
			}
			break
		}
		if time.Now().After(deadline) || d.QueryStatus == types.QueryStatusFailed {
			t.Fatalf("query %s: %s", d.QueryStatus, aws.ToString(d.ErrorMessage))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The paginator reads every page (7 rows each) until NextToken is absent.
	pages := cloudtrail.NewGetQueryResultsPaginator(ct, &cloudtrail.GetQueryResultsInput{QueryId: sq.QueryId, MaxQueryResults: aws.Int32(7)})
	var ids []string
	npages := 0
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		npages++
		for _, row := range p.QueryResultRows {
			if len(row) != 3 || row[0]["eventID"] == "" || len(row[2]["eventTime"]) != len("2024-05-01 00:00:00.000") {
				t.Fatalf("row %v", row)
			}
			ids = append(ids, row[0]["eventID"])
		}
	}
	if int64(len(ids)) != imported || imported == 0 || npages != int(imported+6)/7 {
		t.Fatalf("%d rows in %d pages; imported %d", len(ids), npages, imported)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i-1] > ids[i] {
			t.Fatal("rows out of order across pages")
		}
	}
	// A second query so ListQueries has two to page through.
	if _, err := ct.StartQuery(ctx, &cloudtrail.StartQueryInput{QueryStatement: aws.String("SELECT count(*) FROM " + id)}); err != nil {
		t.Fatal(err)
	}
	lq := cloudtrail.NewListQueriesPaginator(ct, &cloudtrail.ListQueriesInput{EventDataStore: aws.String(arn), MaxResults: aws.Int32(1)})
	listed := 0
	for lq.HasMorePages() {
		p, err := lq.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		listed += len(p.Queries)
	}
	if listed != 2 {
		t.Fatalf("ListQueries paginator found %d queries, want 2", listed)
	}
	ls := cloudtrail.NewListEventDataStoresPaginator(ct, &cloudtrail.ListEventDataStoresInput{MaxResults: aws.Int32(1)})
	stores := 0
	for ls.HasMorePages() {
		p, err := ls.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		stores += len(p.EventDataStores)
	}
	if stores != 1 {
		t.Fatalf("%d stores listed", stores)
	}
	// Cancel a long query while it runs.
	long, err := ct.StartQuery(ctx, &cloudtrail.StartQueryInput{QueryStatement: aws.String("SELECT eventID FROM " + id + " " + holdMarker)})
	if err != nil {
		t.Fatal(err)
	}
	env.h.waitStatus(*long.QueryId, "RUNNING")
	cq, err := ct.CancelQuery(ctx, &cloudtrail.CancelQueryInput{QueryId: long.QueryId})
	if err != nil || cq.QueryStatus != types.QueryStatusCancelled {
		t.Fatalf("cancel: %+v %v", cq, err)
	}
	var inactive *types.InactiveQueryException
	if _, err := ct.CancelQuery(ctx, &cloudtrail.CancelQueryInput{QueryId: long.QueryId}); !errors.As(err, &inactive) {
		t.Fatalf("second cancel: %v", err)
	}
	// Typed errors.
	var notFound *types.QueryIdNotFoundException
	if _, err := ct.DescribeQuery(ctx, &cloudtrail.DescribeQueryInput{QueryId: aws.String("00000000-0000-4000-8000-000000000000")}); !errors.As(err, &notFound) {
		t.Fatalf("DescribeQuery of an unknown ID: %v", err)
	}
	var protected *types.EventDataStoreTerminationProtectedException
	if _, err := ct.DeleteEventDataStore(ctx, &cloudtrail.DeleteEventDataStoreInput{EventDataStore: aws.String(arn)}); !errors.As(err, &protected) {
		t.Fatalf("delete of a protected store: %v", err)
	}
	var invalid *types.InvalidQueryStatementException
	if _, err := ct.StartQuery(ctx, &cloudtrail.StartQueryInput{QueryStatement: aws.String("SELECT FROM")}); !errors.As(err, &invalid) {
		t.Fatalf("bad SQL: %v", err)
	}
	// Authentication failures.
	wantCode := func(what string, err error, code string) {
		t.Helper()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != code {
			t.Fatalf("%s: %v, want %s", what, err, code)
		}
	}
	_, err = sdkClient(t, env.h.url, staticCreds{testAKID, "wrong"}).ListEventDataStores(ctx, &cloudtrail.ListEventDataStoresInput{})
	wantCode("wrong secret", err, "InvalidSignatureException")
	_, err = sdkClient(t, env.h.url, nil).ListEventDataStores(ctx, &cloudtrail.ListEventDataStoresInput{})
	wantCode("missing signature", err, "MissingAuthenticationToken")
	_, err = sdkClient(t, env.skewed.url, staticCreds{testAKID, testSecret}).ListEventDataStores(ctx, &cloudtrail.ListEventDataStoresInput{})
	wantCode("stale date", err, "InvalidSignatureException")
	if !strings.Contains(err.Error(), "Signature expired") {
		t.Fatalf("stale date: %v", err)
	}
	_, err = sdkClient(t, env.h.url, staticCreds{"AKIDUNKNOWN", testSecret}).ListEventDataStores(ctx, &cloudtrail.ListEventDataStoresInput{})
	wantCode("unknown key", err, "UnrecognizedClientException")
}
