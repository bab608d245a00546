package duckpeer

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// Options change how events are loaded.
type Options struct {
	// TimeField names a field read as the event time when eventTime is
	// absent or does not parse, e.g. "@timestamp" for events exported by
	// Logstash; a dotted path reaches inside an object. It mirrors ctlake's
	// ingest.Options.TimeField.
	TimeField string
	// KeepUntimed keeps events without a parseable time (eventTime NULL).
	// By default they are dropped, as ctlake rejects them, so that both
	// engines hold the same rows.
	KeepUntimed bool
	// Path is a database file to open (created when missing), so that a
	// table imported once can be queried by later processes, as a DuckDB
	// user's script would; "" is an in-memory database.
	Path string
}

// Peer is a DuckDB database (in memory unless Options.Path) holding
// CloudTrail events.
type Peer struct {
	db   *sql.DB
	opts Options
}

// Open starts an in-memory DuckDB with default Options.
func Open() (*Peer, error) { return OpenWith(Options{}) }

// OpenWith starts an in-memory DuckDB. The session time zone is UTC so that
// TIMESTAMPTZ values and casts never depend on the machine's zone.
func OpenWith(opts Options) (*Peer, error) {
	conn, err := duckdb.NewConnector(opts.Path, nil)
	if err != nil {
		return nil, fmt.Errorf("duckdb: %w", err)
	}
	db := sql.OpenDB(conn)
	// One connection: SET applies per connection, and an in-memory
	// database is shared by all of them anyway.
	db.SetMaxOpenConns(1)
	for _, stmt := range setup {
		if _, err := db.Exec(stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("duckdb: %s: %w", stmt, err)
		}
	}
	return &Peer{db: db, opts: opts}, nil
}

// setup runs on every open database. The macros are temporary, so a
// database file holds none of them and each process defines its own. The macros reproduce ctlake's struct
// rule on JSON objects: a field is matched by exact name first, else by the
// first key equal ignoring case (Panther has userIdentity objects spelt
// principalid, accountid, sessioncontext). DuckDB's ->> matches exactly.
//
//	ct_key(j, k)     the key of object j that field k matches, or NULL
//	ct_field(j, k)   its value as text (as ->> gives it)
//	ct_object(j, k)  its value as JSON, to go one level deeper
var setup = []string{
	"SET TimeZone = 'UTC'",
	`CREATE OR REPLACE TEMP MACRO ct_key(j, k) AS coalesce(
		list_filter(json_keys(j), x -> x = k)[1],
		list_filter(json_keys(j), x -> lower(x) = lower(k))[1])`,
	`CREATE OR REPLACE TEMP MACRO ct_field(j, k) AS j->>ct_key(j, k)`,
	`CREATE OR REPLACE TEMP MACRO ct_object(j, k) AS j->ct_key(j, k)`,
}

// DB is the underlying database, for callers that need plain database/sql.
func (p *Peer) DB() *sql.DB { return p.db }

// Close releases the database.
func (p *Peer) Close() error { return p.db.Close() }

// Exec runs statements that return no rows.
func (p *Peer) Exec(ctx context.Context, query string) error {
	if _, err := p.db.ExecContext(ctx, query); err != nil {
		return fmt.Errorf("duckdb: %w", err)
	}
	return nil
}
