package duckpeer

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
)

// LoadJSON creates table from the events in files (see ExpandPaths for
// directories): {"Records":[...]} files, NDJSON, pretty-printed objects and
// JSON arrays, plain or gzip. Each shape is read by one DuckDB call over all
// its files; the calls are joined with UNION ALL in a single CREATE TABLE.
// It returns the number of rows stored.
func (p *Peer) LoadJSON(ctx context.Context, table string, paths []string) (int64, error) {
	src, err := p.sourceSQL(paths)
	if err != nil {
		return 0, err
	}
	if err := p.Exec(ctx, "CREATE TABLE "+ident(table)+" AS "+src); err != nil {
		return 0, fmt.Errorf("load %s: %w", table, err)
	}
	var n int64
	if err := p.db.QueryRowContext(ctx, "SELECT count(*) FROM "+ident(table)).Scan(&n); err != nil {
		return 0, fmt.Errorf("load %s: count: %w", table, err)
	}
	return n, nil
}

// HasTable reports whether the database holds a table or view named
// table (a database file opened again).
func (p *Peer) HasTable(ctx context.Context, table string) (bool, error) {
	var n int
	err := p.db.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", table).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("duckdb: %w", err)
	}
	return n > 0, nil
}

// ViewJSON defines view over files without importing them: every query on
// it reads and parses the JSON again (DuckDB "on JSON" rather than "after
// import"). The file list and their shapes are fixed when the view is made.
func (p *Peer) ViewJSON(ctx context.Context, view string, paths []string) error {
	src, err := p.sourceSQL(paths)
	if err != nil {
		return err
	}
	if err := p.Exec(ctx, "CREATE VIEW "+ident(view)+" AS "+src); err != nil {
		return fmt.Errorf("view %s: %w", view, err)
	}
	return nil
}

// SourceSQL is the SELECT that LoadJSON and ViewJSON store, for callers
// that want to time or EXPLAIN it.
func (p *Peer) SourceSQL(paths []string) (string, error) { return p.sourceSQL(paths) }

type groupKey struct {
	shape Shape
	gzip  bool
}

func (p *Peer) sourceSQL(paths []string) (string, error) {
	if len(paths) == 0 {
		return "", fmt.Errorf("no files to load")
	}
	shapes, err := detectAll(paths)
	if err != nil {
		return "", err
	}
	groups := map[groupKey][]fileShape{}
	var order []groupKey
	for _, fs := range shapes {
		if fs.shape == Empty {
			continue
		}
		k := groupKey{fs.shape, fs.gzip}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], fs)
	}
	tf := parseTimeField(p.opts.TimeField)
	cols := readColumns(tf)
	var parts []string
	for _, k := range order {
		parts = append(parts, readSQL(k, groups[k], cols))
	}
	if len(parts) == 0 {
		// Only empty files: an empty relation of the right columns.
		parts = append(parts, emptySQL(cols))
	}
	q := "SELECT " + projection(tf) + " FROM (" + strings.Join(parts, " UNION ALL ") + ")"
	if !p.opts.KeepUntimed {
		q = "SELECT * FROM (" + q + ") WHERE \"eventTime\" IS NOT NULL"
	}
	return q, nil
}

// readSQL reads one group of files of the same shape and compression,
// giving one raw column per readCol (VARCHAR or JSON, named readCol.as).
func readSQL(k groupKey, files []fileShape, cols []readCol) string {
	list := make([]string, len(files))
	var maxSize int64
	for i, f := range files {
		list[i] = lit(f.path)
		maxSize = max(maxSize, f.size)
	}
	args := []string{"[" + strings.Join(list, ", ") + "]"}
	if k.gzip {
		args = append(args, "compression='gzip'")
	} else {
		args = append(args, "compression='uncompressed'")
	}
	switch k.shape {
	case Records:
		// The whole file is one object: DuckDB must be allowed to buffer
		// it (its default limit is 16 MB).
		args = append(args, "format='unstructured'", objectSizeArg(maxSize),
			"columns={Records: "+lit(structType(cols)+"[]")+"}")
		return "SELECT " + selectFields(cols, "r.") + " FROM (SELECT unnest(Records) AS r FROM read_json(" +
			strings.Join(args, ", ") + "))"
	case NDJSON:
		args = append(args, "format='newline_delimited'")
	case Objects:
		args = append(args, "format='unstructured'")
	case Array:
		args = append(args, "format='array'")
	}
	args = append(args, "columns="+columnsArg(cols))
	return "SELECT " + selectFields(cols, "") + " FROM read_json(" + strings.Join(args, ", ") + ")"
}

// objectSizeArg allows objects as large as the largest file, with room.
func objectSizeArg(size int64) string {
	const min = 16 << 20
	n := max(int64(min), size+size/4+1<<20)
	return fmt.Sprintf("maximum_object_size=%d", n)
}

// structType is the STRUCT type of one event, for the Records list.
func structType(cols []readCol) string {
	fields := make([]string, len(cols))
	for i, c := range cols {
		fields[i] = ident(c.key) + " " + c.typ
	}
	return "STRUCT(" + strings.Join(fields, ", ") + ")"
}

// columnsArg is read_json's columns= struct literal.
func columnsArg(cols []readCol) string {
	fields := make([]string, len(cols))
	for i, c := range cols {
		fields[i] = lit(c.key) + ": " + lit(c.typ)
	}
	return "{" + strings.Join(fields, ", ") + "}"
}

// selectFields renames each JSON key to its raw column name.
func selectFields(cols []readCol, prefix string) string {
	fields := make([]string, len(cols))
	for i, c := range cols {
		fields[i] = prefix + ident(c.key) + " AS " + ident(c.as)
	}
	return strings.Join(fields, ", ")
}

func emptySQL(cols []readCol) string {
	fields := make([]string, len(cols))
	for i, c := range cols {
		fields[i] = "CAST(NULL AS " + c.typ + ") AS " + ident(c.as)
	}
	return "SELECT " + strings.Join(fields, ", ") + " WHERE false"
}

// detectAll runs detect over paths on every core (a trail's S3 layout has
// thousands of small .json.gz files; opening them one by one was a
// noticeable share of a load) and returns the shapes in path order, or the
// first path's error.
func detectAll(paths []string) ([]fileShape, error) {
	out := make([]fileShape, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(paths)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = detect(paths[i])
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
