package fn

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/functions.md from the catalog")

// TestFunctionsDoc fails when docs/functions.md differs from what the
// catalog generates; run with -update-docs to regenerate it.
func TestFunctionsDoc(t *testing.T) {
	const path = "../../docs/functions.md"
	want := FunctionTable()
	if *updateDocs {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it: go test ./exec/fn -run TestFunctionsDoc -update-docs)", err)
	}
	if string(got) != want {
		t.Fatalf("docs/functions.md is stale: go test ./exec/fn -run TestFunctionsDoc -update-docs")
	}
	// Every function issue 14 names is implemented.
	for _, name := range strings.Fields(`transform filter reduce any_match all_match none_match zip_with transform_keys
		transform_values map_filter array_sort listagg array_agg approx_percentile approx_most_frequent try to_utf8 from_utf8
		to_base64 from_base64 to_hex from_hex md5 sha256 xxhash64 uuid width_bucket format json_query json_value json_exists
		parse_duration human_readable_seconds levenshtein_distance with_timezone at_timezone current_timezone contains ip_prefix`) {
		if !strings.Contains(want, "| `"+name+"` | yes |") {
			t.Errorf("%s is not implemented", name)
		}
	}
}
