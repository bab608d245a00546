package fn

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/valyala/fastjson"
)

// TestJSONScannerOnRealEvents checks the JSON scanner against a full parse
// on every path of real CloudTrail events. Opt-in: set CTLAKE_DATASETS to
// the shared datasets directory (it reads *.ndjson files under it).
func TestJSONScannerOnRealEvents(t *testing.T) {
	dir := os.Getenv("CTLAKE_DATASETS")
	if dir == "" {
		t.Skip("CTLAKE_DATASETS not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.ndjson"))
	var p fastjson.Parser
	checked := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			doc := sc.Text()
			root, err := p.Parse(doc)
			if err != nil {
				continue
			}
			var walk func(v *fastjson.Value, path string)
			walk = func(v *fastjson.Value, path string) {
				steps, err := compilePath(path)
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				raw, _, ok := scanPath(doc, steps)
				ref := walkPath(root, steps)
				if !ok || ref == nil {
					t.Fatalf("path %s: scanner %v, full parse %v", path, ok, ref != nil)
				}
				if string(compactJSON(nil, raw)) != string(compactJSON(nil, string(ref.MarshalTo(nil)))) {
					t.Fatalf("path %s differs", path)
				}
				checked++
				switch v.Type() {
				case fastjson.TypeObject:
					o, _ := v.Object()
					o.Visit(func(k []byte, c *fastjson.Value) { walk(c, path+"["+strconv.Quote(string(k))+"]") })
				case fastjson.TypeArray:
					a, _ := v.Array()
					for i, c := range a {
						walk(c, fmt.Sprintf("%s[%d]", path, i))
					}
				}
			}
			walk(root, "$")
		}
		fh.Close()
	}
	t.Logf("%d paths checked in %d files", checked, len(files))
}
