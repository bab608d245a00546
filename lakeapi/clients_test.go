package lakeapi

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ctlake/ctlake/gen"
)

// The real clients — the AWS CLI v1, boto3, the Go SDK — drive one server
// through Lake's usual flow: create a store, import logs into it, start a
// query, poll DescribeQuery until FINISHED, page GetQueryResults, list the
// store's queries, cancel a long query, and have a protected store's
// delete refused; then a wrong secret, a missing signature and a stale
// date are each refused with the right error. The "long" query is held
// mid-scan (after its first rows are written) by a test hook until its
// context is cancelled, so the cancel is real and no test depends on how
// fast the machine is.

// holdMarker in a statement keeps the query RUNNING until cancelled.
const holdMarker = "/*hold*/"

// clientEnv is a server for the client tests, a second one whose clock is
// 30 minutes ahead (to every client, a stale signature), and a folder of
// logs to import.
type clientEnv struct {
	h, skewed *harness
	logs      string
	events    int
}

func newClientEnv(t *testing.T) *clientEnv {
	t.Helper()
	g := newGate(holdMarker)
	env := &clientEnv{events: 300}
	env.h = startServer(t, "", Config{hooks: &hooks{afterRecord: g.hold}})
	env.skewed = startServer(t, "", Config{Now: func() time.Time { return time.Now().Add(30 * time.Minute) }})
	env.logs = filepath.Join(t.TempDir(), "logs")
	cfg := gen.Config{Events: int64(env.events), Seed: 7, Days: 2}
	if _, err := gen.Write(context.Background(), cfg, gen.LayoutS3, env.logs); err != nil {
		t.Fatal(err)
	}
	return env
}
