package ingest

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/orcstore"
)

// projectionEvents are events in every shape the decoder's rules cover
// (the TestDecodeRules cases and more), generated events, and events to
// reject.
func projectionEvents(t *testing.T) []string {
	evs := []string{
		"{ \"a\" : [1, 2.50, {\"b\" : \"x  y\\\"} \\u00e9\"}] ,\n " + t0 + " }",
		`{"eventTime":"2023-07-10T13:45:03.5+02:00"}`,
		`{` + t0 + `,"eventSource":"a\u00e9\n","userIdentity":{"arn":"\/x"}}`,
		`{` + t0 + `,"eventSource":123.50,"eventName":true,"errorCode":{"a": [1, "b"]},"awsRegion":null}`,
		`{` + t0 + `,"readOnly":"TRUE","managementEvent":1}`,
		`{` + t0 + `,"requestParameters":{"s":"x","n":5,"b":false,"z":null,"o":{"k": [1, {"a":"b"}]},"Tagging":{},"tagging":""}}`,
		`{` + t0 + `,"addendum":{"re\u0061son":"x"},"insightDetails":{"o":{"k":"a\"b\u00e9"}}}`,
		`{` + t0 + `,"userIdentity":{"principalid":"low","type":"IAMUser","accountid":"fold","accountId":"exact","unknown":1,"ARN":"A"}}`,
		`{` + t0 + `,"resources":[{"ARN":"a1","type":"T"},{"arn":"a2","accountId":7},"str"]}`,
		`{"EVENTTIME":"2023-07-10T11:45:03Z","EventName":"X","eventname":"Y"}`,
		`{"eventName":"x","eventName":"y",` + t0 + `,"EVENTNAME":"z"}`, // duplicates: the first exact wins
		`{"eventname":"fold",` + t0 + `,"eventName":"exact"}`,          // exact wins over an earlier fold
		`{"event\u004eame":"escaped key",` + t0 + `}`,
		`{"eventTime":"2023-07-10T11:45:03\u005a","eventSource":"x\\y"}`,
		`{` + t0 + ` , "eventSource" : "spaced" , "resources" : [ ] }`,
		"{\"eventTime\":\"2023-07-10T11:45:03Z\",\"a\":\"\xff\"}",
		`{"eventName":"x"}`,
		`{"eventTime":null}`,
		`{"eventTime":"redacted"}`,
		`{"eventTime":1688989503}`,
		`{"eventTime":"2023-07-10T11:45:03Z","a":tru}`,
		"{\"eventTime\":\"2023-07-10T11:45:03Z\",\"a\":\"\x01\"}",
		`[1]`,
		`{}`,
	}
	g, err := gen.New(gen.Config{Events: 2000, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for {
		b, err := g.Next(nil)
		if err != nil {
			break
		}
		evs = append(evs, strings.TrimSpace(string(b)))
	}
	return evs
}

// TestProjectionMatchesBuilder decodes every event with the full Decoder
// and Builder and with Projections of every column and of random subsets:
// the same events are rejected for the same reasons, and every projected
// column equals the Builder's, value for value.
func TestProjectionMatchesBuilder(t *testing.T) {
	evs := projectionEvents(t)
	full := func(names []string) ([]string, arrow.Record) {
		d := NewDecoder(Options{})
		b := NewBuilder()
		var errs []string
		for _, e := range evs {
			ev, err := d.Parse([]byte(e))
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			errs = append(errs, "")
			b.Append(ev)
		}
		return errs, b.NewRecord()
	}
	wantErrs, wantRec := full(nil)
	defer wantRec.Release()
	var all []string
	for _, f := range orcstore.EventSchema.Fields() {
		all = append(all, f.Name)
	}
	r := rand.New(rand.NewSource(1))
	subsets := [][]string{all, {"eventTime"}, {"eventSource", "eventName"}, {"userIdentity", "eventJson"}, {"resources", "requestParameters", "readOnly"}}
	for i := 0; i < 5; i++ {
		var s []string
		for _, n := range all {
			if r.Intn(3) == 0 {
				s = append(s, n)
			}
		}
		subsets = append(subsets, s)
	}
	withMembers := 0
	for _, names := range subsets {
		p, err := NewProjection(names, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range evs {
			ev := RawEvent{Data: []byte(e)}
			if i%2 == 1 {
				// Through a Framer recording the members (the JSON
				// scan's way); events it rejects are Parse's rejects.
				fr := NewFramer(strings.NewReader(e+"\n"), "in")
				fr.RecordMembers()
				raw, err := fr.Next()
				if err != nil {
					if wantErrs[i] == "" {
						t.Fatalf("event %d %q: the Framer rejects it (%v), Parse does not", i, e, err)
					}
					fr.Close()
					continue
				}
				ev = raw.Rebase(append([]byte(nil), raw.Data...))
				if ev.members != nil {
					withMembers++
				}
				fr.Close()
			}
			err := p.Decode(ev)
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				p.Append()
			}
			if got != wantErrs[i] {
				t.Fatalf("%v: event %d %q: error %q, Parse's %q", names, i, e, got, wantErrs[i])
			}
		}
		rec := p.NewRecord()
		if rec.NumRows() != wantRec.NumRows() {
			t.Fatalf("%v: %d rows, Builder %d", names, rec.NumRows(), wantRec.NumRows())
		}
		for c, f := range rec.Schema().Fields() {
			want := wantRec.Column(wantRec.Schema().FieldIndices(f.Name)[0])
			if !array.Equal(rec.Column(c), want) {
				for row := 0; row < int(rec.NumRows()); row++ {
					if g, w := fmt.Sprint(cell(rec.Column(c), row)), fmt.Sprint(cell(want, row)); g != w {
						t.Fatalf("%v: column %s row %d: %s, Builder %s", names, f.Name, row, g, w)
					}
				}
				t.Fatalf("%v: column %s differs", names, f.Name)
			}
		}
		rec.Release()
	}
	if withMembers < 1000 {
		t.Fatalf("only %d events came with the members the Framer found", withMembers)
	}
}

// TestProjectionTrustsFramer checks that events the Framer validated are
// decoded without checking them again, with its whitespace report.
func TestProjectionTrustsFramer(t *testing.T) {
	fr := NewFramer(strings.NewReader("{"+t0+", \"eventName\" : \"x\"}\n"), "in")
	raw, err := fr.Next()
	if err != nil {
		t.Fatal(err)
	}
	if !raw.checked || !raw.hasWS {
		t.Skip("the framer's fast path did not validate this event")
	}
	p, _ := NewProjection([]string{"eventJson", "eventName"}, Options{})
	if err := p.Decode(raw.Rebase(append([]byte(nil), raw.Data...))); err != nil {
		t.Fatal(err)
	}
	p.Append()
	rec := p.NewRecord()
	defer rec.Release()
	if got := cell(rec.Column(1), 0); got != "{"+t0+`,"eventName":"x"}` {
		t.Errorf("eventJson %q", got)
	}
}

func TestIsEventLine(t *testing.T) {
	for line, want := range map[string]bool{
		`{` + t0 + `}`:                     true,
		` {"a":1} `:                        true,
		`{"Records":[{"a":1}]}`:            false,
		`{"Records":"not an array"}`:       true,
		`{"a":1}{"b":2}`:                   false,
		`{"a":1`:                           false,
		`[{"a":1}]`:                        false,
		`  "userIdentity": {"type": "x"},`: false,
		"{\"a\":\"\xff\"}":                 false,
	} {
		if got := IsEventLine([]byte(line)); got != want {
			t.Errorf("%q: %v, want %v", line, got, want)
		}
	}
}
