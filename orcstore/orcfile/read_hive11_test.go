package orcfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"path/filepath"
	"testing"
	"time"
)

// TestReadHive11Format compares orc-file-11-format.orc (Hive 0.11: RLE v1,
// unbounded decimals) with its expected output, which came from the Java
// tool: keys sorted, no spaces, decimals at their own scale. The rows are
// compared as JSON values; numbers compare exactly as decimals, except
// decimal1, which the reader returns at scale 6 (see Scanner) and is
// compared after rounding the expected value to 6 places.
func TestReadHive11Format(t *testing.T) {
	dir := readExamplesDir(t)
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip(err)
	}
	f, err := OpenFile(filepath.Join(dir, "orc-file-11-format.orc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := f.Scan(ScanOptions{DefaultTimezone: la})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sc := readExpectedLines(t, filepath.Join(dir, "expected", "orc-file-11-format.jsn.gz"))
	p := RowPrinter{Location: la}
	row := 0
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			if !sc.Scan() {
				t.Fatalf("expected output ends at row %d", row)
			}
			got := p.AppendRow(nil, rec, i)
			if err := readJSONEqual(got, sc.Bytes()); err != nil {
				t.Fatalf("row %d: %v\n got %s\nwant %s", row, err, got, sc.Bytes())
			}
			row++
		}
		rec.Release()
	}
	if sc.Scan() {
		t.Fatalf("expected output has more than our %d rows", row)
	}
}

func readJSONEqual(got, want []byte) error {
	dec := func(b []byte) (any, error) {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var v any
		return v, d.Decode(&v)
	}
	g, err := dec(got)
	if err != nil {
		return fmt.Errorf("our line is not JSON: %v", err)
	}
	w, err := dec(want)
	if err != nil {
		return err
	}
	return readValueEqual("", g, w)
}

func readValueEqual(path string, g, w any) error {
	switch w := w.(type) {
	case map[string]any:
		gm, ok := g.(map[string]any)
		if !ok || len(gm) != len(w) {
			return fmt.Errorf("%s: got %v, want %v", path, g, w)
		}
		for k, wv := range w {
			if err := readValueEqual(path+"."+k, gm[k], wv); err != nil {
				return err
			}
		}
		return nil
	case []any:
		gl, ok := g.([]any)
		if !ok || len(gl) != len(w) {
			return fmt.Errorf("%s: got %v, want %v", path, g, w)
		}
		for k := range w {
			if err := readValueEqual(fmt.Sprintf("%s[%d]", path, k), gl[k], w[k]); err != nil {
				return err
			}
		}
		return nil
	case json.Number:
		gn, ok := g.(json.Number)
		if !ok {
			return fmt.Errorf("%s: got %v, want %v", path, g, w)
		}
		gr, ok1 := new(big.Rat).SetString(gn.String())
		wr, ok2 := new(big.Rat).SetString(w.String())
		if !ok1 || !ok2 {
			return fmt.Errorf("%s: bad numbers %v %v", path, gn, w)
		}
		if path == ".decimal1" { // round half away from zero to 6 places
			scale := new(big.Rat).SetInt64(1_000_000)
			x := new(big.Rat).Mul(wr, scale)
			half := big.NewRat(1, 2)
			if x.Sign() < 0 {
				x.Sub(x, half)
			} else {
				x.Add(x, half)
			}
			q := new(big.Int).Quo(x.Num(), x.Denom())
			wr = new(big.Rat).SetFrac(q, big.NewInt(1_000_000))
		}
		if gr.Cmp(wr) != 0 {
			return fmt.Errorf("%s: got %v, want %v", path, gn, w)
		}
		return nil
	default:
		if g != w {
			return fmt.Errorf("%s: got %v, want %v", path, g, w)
		}
		return nil
	}
}
