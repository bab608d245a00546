package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/orcstore"
)

// TestFollowHonoursIngestionSwitch: `ctlake ingest --follow` on a store
// whose ingestion the API stopped (StopEventDataStoreIngestion through the
// Go SDK against a server on the same data directory) says it is paused
// and ingests nothing; StartEventDataStoreIngestion resumes it and the
// folder's events arrive; a second stop pauses it again.
func TestFollowHonoursIngestionSwitch(t *testing.T) {
	in, data, sum := followInput(t, 300, 15)
	cat, ct := cliStoreAndAPI(t, data, "followed")
	ctx := context.Background()
	ref := &cloudtrail.StopEventDataStoreIngestionInput{EventDataStore: aws.String("followed")}
	if _, err := ct.StopEventDataStoreIngestion(ctx, ref); err != nil {
		t.Fatal(err)
	}

	cmd := ctlakeCmd(t, "ingest", "--data", data, "--store", "followed", "--follow", "--interval", "200ms", in)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := readLines(stderr)
	var seen []string
	waitLine := func(want string) {
		t.Helper()
		deadline := time.After(2 * time.Minute)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("follower ended before %q:\n%s", want, strings.Join(seen, "\n"))
				}
				seen = append(seen, l)
				if strings.Contains(l, want) {
					return
				}
			case <-deadline:
				t.Fatalf("no %q in 2 minutes:\n%s", want, strings.Join(seen, "\n"))
			}
		}
	}
	rows := func() int64 {
		st, err := cat.Open("followed")
		if err != nil {
			t.Fatal(err)
		}
		m, err := st.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		return m.Rows()
	}
	waitLine("paused: the store's ingestion is stopped")
	// Several pause checks (every 200 ms) pass: still nothing ingested.
	time.Sleep(time.Second)
	if n := rows(); n != 0 {
		t.Fatalf("%d events ingested while the store's ingestion was stopped", n)
	}
	if _, err := ct.StartEventDataStoreIngestion(ctx, &cloudtrail.StartEventDataStoreIngestionInput{EventDataStore: aws.String("followed")}); err != nil {
		t.Fatal(err)
	}
	waitLine("resumed")
	// Files younger than 2 s wait for a later cycle; every event arrives.
	for deadline := time.Now().Add(2 * time.Minute); rows() < sum.Events; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events after resuming", rows(), sum.Events)
		}
	}
	if _, err := ct.StopEventDataStoreIngestion(ctx, ref); err != nil {
		t.Fatal(err)
	}
	waitLine("paused: the store's ingestion is stopped")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for range lines {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, strings.Join(seen, "\n"))
	}
	if n := rows(); n != sum.Events {
		t.Fatalf("%d events stored, the folder holds %d", n, sum.Events)
	}
}

// TestCLISeesAPIDeletion: a store deleted through the API (PENDING_DELETION)
// reads so from the CLI too: `store list` and `store describe` show the
// status, `ctlake query` refuses it as the API does and says how to
// restore it; after RestoreEventDataStore the query runs.
func TestCLISeesAPIDeletion(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	_, ct := cliStoreAndAPI(t, data, "doomed", "--no-termination-protection")
	ctx := context.Background()
	if _, err := ct.DeleteEventDataStore(ctx, &cloudtrail.DeleteEventDataStoreInput{EventDataStore: aws.String("doomed")}); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		out, err := ctlakeCmd(t, append(args, "--data", data)...).CombinedOutput()
		return string(out), err
	}
	if out, err := run("store", "list"); err != nil || !strings.Contains(out, "PENDING_DELETION") {
		t.Fatalf("store list: %v\n%s", err, out)
	}
	if out, err := run("store", "describe", "doomed", "--format", "json"); err != nil || !strings.Contains(out, `"status": "PENDING_DELETION"`) {
		t.Fatalf("store describe: %v\n%s", err, out)
	}
	out, err := run("query", "SELECT count(*) FROM doomed")
	if err == nil || !strings.Contains(out, "pending deletion") || !strings.Contains(out, "restore-event-data-store") {
		t.Fatalf("query of a store pending deletion: %v\n%s", err, out)
	}
	if _, err := ct.RestoreEventDataStore(ctx, &cloudtrail.RestoreEventDataStoreInput{EventDataStore: aws.String("doomed")}); err != nil {
		t.Fatal(err)
	}
	if out, err := run("query", "SELECT count(*) AS n FROM doomed"); err != nil || strings.Contains(out, "pending") {
		t.Fatalf("query after restore: %v\n%s", err, out)
	}
	if out, err := run("store", "list"); err != nil || !strings.Contains(out, "ENABLED") {
		t.Fatalf("store list after restore: %v\n%s", err, out)
	}
}

// cliStoreAndAPI creates store name with `ctlake store create` (and flags)
// in data, and starts an API server on that data directory (on loopback,
// stopped at the end of the test) with a Go SDK client for it.
func cliStoreAndAPI(t *testing.T, data, name string, flags ...string) (*orcstore.Catalog, *cloudtrail.Client) {
	t.Helper()
	args := append([]string{"store", "create", "--data", data}, flags...)
	if out, err := ctlakeCmd(t, append(args, name)...).CombinedOutput(); err != nil {
		t.Fatalf("store create: %v\n%s", err, out)
	}
	cat, err := orcstore.OpenCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := lakeapi.New(lakeapi.Config{Catalog: cat, Keys: []lakeapi.KeyPair{{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cret"}}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return cat, apiClient(t, hs.URL, "AKIDTEST", "s3cret")
}
