package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/internal/testenv"
	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/querytest"
)

type testCreds struct{ akid, secret string }

func (c testCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: c.akid, SecretAccessKey: c.secret}, nil
}

func apiClient(t *testing.T, url, akid, secret string) *cloudtrail.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return cloudtrail.New(cloudtrail.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: testCreds{akid, secret},
		HTTPClient: &http.Client{Transport: testenv.BufferedBodies{Next: tr}}, RetryMaxAttempts: 1,
	})
}

// apiRows runs sql through the API (Go SDK: StartQuery, DescribeQuery until
// it ends, GetQueryResults pages) and returns the rows as Lake sends them.
func apiRows(ctx context.Context, ct *cloudtrail.Client, sql string) ([][]map[string]string, error) {
	sq, err := ct.StartQuery(ctx, &cloudtrail.StartQueryInput{QueryStatement: aws.String(sql)})
	if err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(2 * time.Minute); ; {
		d, err := ct.DescribeQuery(ctx, &cloudtrail.DescribeQueryInput{QueryId: sq.QueryId})
		if err != nil {
			return nil, err
		}
		if d.QueryStatus == types.QueryStatusFinished {
			break
		}
		if d.QueryStatus != types.QueryStatusQueued && d.QueryStatus != types.QueryStatusRunning {
			return nil, fmt.Errorf("query %s: %s", d.QueryStatus, aws.ToString(d.ErrorMessage))
		}
		if time.Now().After(deadline) {
			return nil, errors.New("query still running after 2 minutes")
		}
		time.Sleep(2 * time.Millisecond)
	}
	var rows [][]map[string]string
	p := cloudtrail.NewGetQueryResultsPaginator(ct, &cloudtrail.GetQueryResultsInput{QueryId: sq.QueryId, MaxQueryResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		rows = append(rows, page.QueryResultRows...)
	}
	return rows, nil
}

// cliValue is one value of `ctlake query --format json`, as JSON text.
type cliValue struct {
	name string
	raw  json.RawMessage
}

// cliRows runs sql through `ctlake query --format json` and returns each
// row's values in column order.
func cliRows(ctx context.Context, data, sql string) ([][]cliValue, error) {
	var out, errb bytes.Buffer
	if code := runMain(ctx, []string{"query", "--data", data, "--format", "json", sql}, &out, &errb); code != 0 {
		return nil, fmt.Errorf("ctlake query exit %d: %s", code, errb.String())
	}
	dec := json.NewDecoder(&out)
	if _, err := dec.Token(); err != nil { // [
		return nil, err
	}
	var rows [][]cliValue
	for dec.More() {
		if _, err := dec.Token(); err != nil { // {
			return nil, err
		}
		var row []cliValue
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, err
			}
			row = append(row, cliValue{k.(string), raw})
		}
		if _, err := dec.Token(); err != nil { // }
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// lakeText renders a `--format json` value the way Lake's string results
// show it, written independently of lakeapi's Arrow renderer: strings as
// they are, numbers as their JSON text, objects as {k=v, ...} and arrays as
// [a, b], null as absent. ok is false for NULL.
func lakeText(raw json.RawMessage) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, _ := dec.Token()
	if tok == nil {
		return "", false
	}
	var b strings.Builder
	var write func(tok json.Token)
	write = func(tok json.Token) {
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' {
				b.WriteByte('{')
				for first := true; dec.More(); first = false {
					if !first {
						b.WriteString(", ")
					}
					k, _ := dec.Token()
					b.WriteString(k.(string) + "=")
					next, _ := dec.Token()
					write(next)
				}
				dec.Token()
				b.WriteByte('}')
			} else {
				b.WriteByte('[')
				for first := true; dec.More(); first = false {
					if !first {
						b.WriteString(", ")
					}
					next, _ := dec.Token()
					write(next)
				}
				dec.Token()
				b.WriteByte(']')
			}
		case nil:
			b.WriteString("null")
		case string:
			b.WriteString(t)
		case json.Number:
			b.WriteString(t.String())
		case bool:
			b.WriteString(strconv.FormatBool(t))
		}
	}
	write(tok)
	return b.String(), true
}

var numberRE = regexp.MustCompile(`^-?[0-9][0-9.eE+-]*$`)

// sameValue compares an API value with the CLI's: exactly as strings;
// numbers by value (JSON prints 1.0 as 1, Lake as 1.0); compound values
// without regard to case (Lake prints struct fields in lower case, the
// CLI's JSON keeps CloudTrail's camelCase).
func sameValue(api string, apiNull bool, cli json.RawMessage) bool {
	want, ok := lakeText(cli)
	if !ok || apiNull {
		return !ok && apiNull
	}
	if api == want {
		return true
	}
	if numberRE.MatchString(string(cli)) {
		a, err1 := strconv.ParseFloat(api, 64)
		c, err2 := strconv.ParseFloat(string(cli), 64)
		if err1 != nil || err2 != nil {
			return false
		}
		if a == c {
			return fn.FormatDouble(c) == api
		}
		// Parallel scans add partial sums in a varying order, so two
		// runs of stddev or avg may differ in the last bits.
		return math.Abs(a-c) <= 1e-12*math.Max(math.Abs(a), math.Abs(c))
	}
	if len(cli) > 0 && (cli[0] == '{' || cli[0] == '[') {
		// Inside compound values a double prints as 1.0 in Lake and 1 in JSON.
		return strings.EqualFold(wholeDoubleRE.ReplaceAllString(api, "$1"), wholeDoubleRE.ReplaceAllString(want, "$1"))
	}
	// varbinary: JSON carries base64, Lake shows hex bytes ("68 65").
	if len(cli) > 0 && cli[0] == '"' {
		if raw, err := base64.StdEncoding.DecodeString(want); err == nil {
			hexes := make([]string, len(raw))
			for i, c := range raw {
				hexes[i] = fmt.Sprintf("%02x", c)
			}
			return api == strings.Join(hexes, " ")
		}
	}
	return false
}

var wholeDoubleRE = regexp.MustCompile(`\b([0-9]+)\.0\b`)

// orderedQuery reports whether the statement orders its result: an ORDER
// BY at parenthesis depth zero, not one inside WITHIN GROUP or OVER.
func orderedQuery(lower string) bool {
	depth := 0
	for i := 0; i < len(lower); i++ {
		switch lower[i] {
		case '(':
			depth++
		case ')':
			depth--
		case 'o':
			if depth == 0 && strings.HasPrefix(lower[i:], "order by") {
				return true
			}
		}
	}
	return false
}

// TestServeMatchesQuery: for the golden queries, the rows the API returns
// equal those `ctlake query --format json` prints on the same store.
func TestServeMatchesQuery(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	cat, err := querytest.BuildFixture(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := lakeapi.New(lakeapi.Config{Catalog: cat, Keys: []lakeapi.KeyPair{{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cret"}}, MaxQueries: 50})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer srv.Close()
	defer hs.Close()
	ct := apiClient(t, hs.URL, "AKIDTEST", "s3cret")
	files, err := querytest.GoldenFiles(filepath.Join("..", "..", "testdata", "queries"))
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, f := range files {
		cases, err := querytest.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			lower := strings.ToLower(c.Input)
			// now() is pinned in the goldens but not in `ctlake query`.
			if c.Command != "query" || strings.Contains(lower, "now()") || strings.Contains(lower, "current_") {
				continue
			}
			api, err := apiRows(ctx, ct, c.Input)
			if err != nil {
				t.Errorf("%s: API: %v", c.Pos, err)
				continue
			}
			cli, err := cliRows(ctx, cat.Dir, c.Input)
			if err != nil {
				t.Errorf("%s: CLI: %v", c.Pos, err)
				continue
			}
			if msg := compareRows(api, cli, orderedQuery(lower)); msg != "" {
				t.Errorf("%s: %s\n%s", c.Pos, msg, c.Input)
			}
			compared++
		}
	}
	if compared < 20 {
		t.Fatalf("only %d golden queries compared", compared)
	}
	t.Logf("%d golden queries: API rows equal `ctlake query --format json`", compared)
}

// compareRows checks API rows against CLI rows, in order when ordered.
func compareRows(api [][]map[string]string, cli [][]cliValue, ordered bool) string {
	if len(api) != len(cli) {
		return fmt.Sprintf("API %d rows, CLI %d", len(api), len(cli))
	}
	key := func(i int, a bool) string {
		var parts []string
		if a {
			for _, m := range api[i] {
				for k, v := range m {
					parts = append(parts, k+"="+v)
				}
			}
		} else {
			for _, v := range cli[i] {
				s, _ := lakeText(v.raw)
				parts = append(parts, v.name+"="+s)
			}
		}
		return strings.Join(parts, "\x00")
	}
	ai, ci := make([]int, len(api)), make([]int, len(cli))
	for i := range ai {
		ai[i], ci[i] = i, i
	}
	if !ordered {
		sort.Slice(ai, func(x, y int) bool { return key(ai[x], true) < key(ai[y], true) })
		sort.Slice(ci, func(x, y int) bool { return key(ci[x], false) < key(ci[y], false) })
	}
	for r := range ai {
		a, c := api[ai[r]], cli[ci[r]]
		if len(a) != len(c) {
			return fmt.Sprintf("row %d: API %d columns, CLI %d", r, len(a), len(c))
		}
		for i := range a {
			if len(a[i]) != 1 {
				return fmt.Sprintf("row %d column %d: %d keys in the cell map", r, i, len(a[i]))
			}
			v, ok := a[i][c[i].name]
			// The Go SDK turns a JSON null into "".
			null := ok && v == "" && string(c[i].raw) == "null"
			if !ok || !null && !sameValue(v, false, c[i].raw) {
				return fmt.Sprintf("row %d column %s: API %q, CLI %s", r, c[i].name, v, c[i].raw)
			}
		}
	}
	return ""
}

// TestServeProcess runs `ctlake serve` as a process: the first start
// creates the credentials file (mode 0600) and prints the key once, the
// key signs requests, SIGTERM shuts it down cleanly, and a second start
// reuses the key without printing the secret.
func TestServeProcess(t *testing.T) {
	data := t.TempDir()
	start := func() (*proc, string, string) {
		cmd := ctlakeCmd(t, "serve", "--data", data, "--listen", "127.0.0.1:0")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		p := newProc(cmd)
		t.Cleanup(p.kill)
		sc := bufio.NewScanner(stderr)
		var banner strings.Builder
		url := ""
		for sc.Scan() {
			line := sc.Text()
			banner.WriteString(line + "\n")
			if i := strings.Index(line, "API on http://"); i >= 0 {
				url = strings.Fields(line[i+len("API on "):])[0]
				break
			}
		}
		go io.Copy(io.Discard, stderr)
		if url == "" {
			t.Fatalf("no URL in the banner:\n%s", banner.String())
		}
		return p, url, banner.String()
	}
	p, url, banner := start()
	path := lakeapi.CredentialsPath(data)
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", st, err)
	}
	keys, err := lakeapi.LoadCredentials(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(banner, keys[0].SecretAccessKey) {
		t.Fatalf("first start did not print the new key:\n%s", banner)
	}
	ct := apiClient(t, url, keys[0].AccessKeyID, keys[0].SecretAccessKey)
	ctx := context.Background()
	if _, err := ct.CreateEventDataStore(ctx, &cloudtrail.CreateEventDataStoreInput{Name: aws.String("from-api")}); err != nil {
		t.Fatal(err)
	}
	if _, err := apiRows(ctx, ct, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	p.signal(syscall.SIGTERM)
	if err := p.wait(30 * time.Second); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	// The store is the CLI's too.
	c, err := orcstore.OpenCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Open("from-api"); err != nil {
		t.Fatal(err)
	}
	p, _, banner = start()
	if strings.Contains(banner, keys[0].SecretAccessKey) {
		t.Fatalf("second start printed the secret again:\n%s", banner)
	}
	p.signal(os.Interrupt)
	if err := p.wait(30 * time.Second); err != nil {
		t.Fatalf("after SIGINT: %v", err)
	}
}

// proc is a child process a test signals and waits for.
type proc struct {
	cmd  *exec.Cmd
	done chan error
	once sync.Once
}

func newProc(cmd *exec.Cmd) *proc {
	p := &proc{cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	return p
}

func (p *proc) signal(s os.Signal) { p.cmd.Process.Signal(s) }

// wait waits up to d for the process to exit and returns its error.
func (p *proc) wait(d time.Duration) error {
	select {
	case err := <-p.done:
		p.once.Do(func() {})
		return err
	case <-time.After(d):
		p.kill()
		return fmt.Errorf("still running after %v", d)
	}
}

// kill ends the process if it still runs (test cleanup).
func (p *proc) kill() {
	p.once.Do(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
}
