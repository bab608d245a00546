// with main's orcstore/orcfile/bloom package; delete it then.

package orcfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/orcstore/orcfile/bloom"
)

// TestWriteBloomFilters writes real bloom filters and checks them with the
// bloom package (no false negatives, a false positive rate near the target)
// and, when built, with Apache ORC's C++ library through orc-bloom-test.
func TestWriteBloomFilters(t *testing.T) {
	g := wtNewGen(5, 0.2)
	rec := g.record(wtAllTypes, 25000)
	file := wtWrite(t, wtAllTypes, WriterOptions{BloomFilterColumns: []string{"Str", "st.inner.x"}}, rec)
	tl := wtReadTail(t, file)
	root, _, _ := ColumnsFromArrow(wtAllTypes)
	col, _ := root.Find("Str")
	rows := wtRows(rec)
	probes, falsePos := 0, 0
	for gi, bf := range tl.stripes[0].blooms[col.ID].BloomFilter {
		f, err := bloom.FromProto(bf)
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]bool{}
		for _, v := range wtCollect(root, rows[gi*10000:min(len(rows), (gi+1)*10000)])[col.ID] {
			if v != nil {
				in[v.(string)] = true
				if !f.MightContainString(v.(string)) {
					t.Fatalf("row group %d: false negative for %q", gi, v)
				}
			}
		}
		for i := 0; i < 2000; i++ {
			s := "absent-" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('0'+i%10)) + string(rune(i))
			if in[s] {
				continue
			}
			probes++
			if f.MightContainString(s) {
				falsePos++
			}
		}
	}
	if rate := float64(falsePos) / float64(probes); rate > 0.03 {
		t.Errorf("false positive rate %.3f, want about 0.01", rate)
	}

	tool := filepath.Join(os.Getenv("CTLAKE_ORC_TOOLS"), "orc-bloom-test")
	if os.Getenv("CTLAKE_ORC_TOOLS") == "" {
		tool = "/work/orc-ref/bin/orc-bloom-test"
	}
	if _, err := os.Stat(tool); err != nil {
		t.Skipf("%s not found", tool)
	}
	path := filepath.Join(t.TempDir(), "b.orc")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	var vals []string
	for i := 0; i < len(rows); i += 997 {
		if v, ok := rows[i][col.ID-1].(string); ok {
			vals = append(vals, v)
		}
	}
	out, err := exec.Command(tool, append([]string{path, "8", "string"}, vals...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("orc-bloom-test: %v\n%s", err, out)
	}
	// Every probed value must be "maybe" in its own row group.
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i := 0; i < len(rows); i += 997 {
		v, ok := rows[i][col.ID-1].(string)
		if !ok {
			continue
		}
		want := "0\t" + string(rune('0'+i/10000)) + "\t" + v + "\tmaybe"
		found := false
		for _, l := range lines {
			if l == want {
				found = true
			}
		}
		if !found {
			t.Errorf("orc-bloom-test does not report %q", want)
		}
	}
}
