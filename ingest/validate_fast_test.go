package ingest

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// checkFastAgrees checks fastObject against the full validator on b: where
// the fast path accepts, the validator accepts the same bytes, sees no
// whitespace and finds the same top-level members.
func checkFastAgrees(t *testing.T, b []byte) {
	t.Helper()
	for _, wrapper := range []bool{false, true} {
		var fm []member
		n, ok := fastObject(b, &fm, wrapper)
		if !ok {
			continue
		}
		var vm []member
		v := validator{b: b, wrapperCheck: wrapper, members: &vm}
		if len(b) == 0 || b[0] != '{' {
			t.Fatalf("fast path accepted %q, which is not an object", b)
		}
		if err := v.object(1); err != nil || v.i != n || v.ws {
			t.Fatalf("fast path accepted %d bytes of %q; validator: %v at %d, ws %v", n, b, err, v.i, v.ws)
		}
		if len(fm) == 0 && len(vm) == 0 {
			continue
		}
		if !reflect.DeepEqual(fm, vm) {
			t.Fatalf("%q: members %v, validator %v", b, fm, vm)
		}
	}
}

func TestFastObjectAgrees(t *testing.T) {
	evs := projectionEvents(t)
	evs = append(evs,
		`{"a":[],"b":{},"c":[[],{}],"d":[1,-2.5e+3,0,true,false,null,"x"],"e":{"f":{"g":[{"h":"i"}]}}}`,
		`{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`, `{"a":"\q"}`, `{"a":"\u12g4"}`, `{"a":tru}`,
		`{"a":[1,]}`, `{"a":{"b":1,}}`, `{"a":1}}`, `{"a":[}`, `{"a":"x`, `{"Records":[{"a":1}]}`,
		`{"a":"`+strings.Repeat(`\"`, 30)+`"}`, `{"a":"é"}`, "{\"a\":\"\x01\"}", `{"a":1,"a":2}`,
		`{"`+strings.Repeat("k", 100)+`":"`+strings.Repeat("v", 1000)+`"}`,
	)
	r := rand.New(rand.NewSource(9))
	for _, e := range evs {
		b := []byte(e)
		checkFastAgrees(t, b)
		checkFastAgrees(t, append(append([]byte(nil), b...), `{"next":1}`...)) // an object followed by more input
		for k := 0; k < 20 && len(b) > 0; k++ {
			c := append([]byte(nil), b...)
			switch r.Intn(3) {
			case 0:
				const alphabet = "{}[]\",:\\0-e.tfn \x80"
				c[r.Intn(len(c))] = alphabet[r.Intn(len(alphabet))]
			case 1:
				c = c[:r.Intn(len(c))]
			default:
				i := r.Intn(len(c))
				c = append(c[:i], c[i+1:]...)
			}
			checkFastAgrees(t, c)
		}
	}
}

func FuzzFastObject(f *testing.F) {
	f.Add([]byte(`{"eventTime":"2023-07-10T11:45:03Z","a":[1,{"b":null}]}`))
	f.Add([]byte(`{"a":"\u00e9\n","b":-0.5e-7}`))
	f.Fuzz(func(t *testing.T, b []byte) { checkFastAgrees(t, b) })
}
