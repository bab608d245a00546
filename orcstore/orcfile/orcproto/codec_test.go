package orcproto

import (
	"bytes"
	"math/rand"
	"reflect"
	"testing"

	gproto "github.com/golang/protobuf/proto"
	ref "github.com/scritchley/orc/proto"
)

// The reference is the generated code this package replaces:
// scritchley/orc/proto through github.com/golang/protobuf.

// pairs are our messages and the reference's, by name.
func pairs() []struct {
	ours   func() Message
	theirs func() gproto.Message
} {
	type p = struct {
		ours   func() Message
		theirs func() gproto.Message
	}
	return []p{
		{func() Message { return &IntegerStatistics{} }, func() gproto.Message { return &ref.IntegerStatistics{} }},
		{func() Message { return &DoubleStatistics{} }, func() gproto.Message { return &ref.DoubleStatistics{} }},
		{func() Message { return &StringStatistics{} }, func() gproto.Message { return &ref.StringStatistics{} }},
		{func() Message { return &BucketStatistics{} }, func() gproto.Message { return &ref.BucketStatistics{} }},
		{func() Message { return &DecimalStatistics{} }, func() gproto.Message { return &ref.DecimalStatistics{} }},
		{func() Message { return &DateStatistics{} }, func() gproto.Message { return &ref.DateStatistics{} }},
		{func() Message { return &TimestampStatistics{} }, func() gproto.Message { return &ref.TimestampStatistics{} }},
		{func() Message { return &BinaryStatistics{} }, func() gproto.Message { return &ref.BinaryStatistics{} }},
		{func() Message { return &ColumnStatistics{} }, func() gproto.Message { return &ref.ColumnStatistics{} }},
		{func() Message { return &RowIndexEntry{} }, func() gproto.Message { return &ref.RowIndexEntry{} }},
		{func() Message { return &RowIndex{} }, func() gproto.Message { return &ref.RowIndex{} }},
		{func() Message { return &BloomFilter{} }, func() gproto.Message { return &ref.BloomFilter{} }},
		{func() Message { return &BloomFilterIndex{} }, func() gproto.Message { return &ref.BloomFilterIndex{} }},
		{func() Message { return &Stream{} }, func() gproto.Message { return &ref.Stream{} }},
		{func() Message { return &ColumnEncoding{} }, func() gproto.Message { return &ref.ColumnEncoding{} }},
		{func() Message { return &StripeFooter{} }, func() gproto.Message { return &ref.StripeFooter{} }},
		{func() Message { return &Type{} }, func() gproto.Message { return &ref.Type{} }},
		{func() Message { return &StripeInformation{} }, func() gproto.Message { return &ref.StripeInformation{} }},
		{func() Message { return &UserMetadataItem{} }, func() gproto.Message { return &ref.UserMetadataItem{} }},
		{func() Message { return &StripeStatistics{} }, func() gproto.Message { return &ref.StripeStatistics{} }},
		{func() Message { return &Metadata{} }, func() gproto.Message { return &ref.Metadata{} }},
		{func() Message { return &Footer{} }, func() gproto.Message { return &ref.Footer{} }},
		{func() Message { return &PostScript{} }, func() gproto.Message { return &ref.PostScript{} }},
		{func() Message { return &FileTail{} }, func() gproto.Message { return &ref.FileTail{} }},
	}
}

// fill sets v (a pointer to one of our messages) to random contents: each
// optional field set with probability 1/2, repeated fields of 0–3 elements,
// enums in range, values of every magnitude.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		if depth > 0 && r.Intn(2) == 0 {
			return
		}
		v.Set(reflect.New(t.Elem()))
		fill(r, v.Elem(), depth+1)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(r, v.Field(i), depth)
		}
	case reflect.Slice:
		n := r.Intn(4)
		if n == 0 {
			return
		}
		s := reflect.MakeSlice(t, n, n)
		for i := 0; i < n; i++ {
			e := s.Index(i)
			if e.Kind() == reflect.Pointer {
				e.Set(reflect.New(t.Elem().Elem()))
				fill(r, e.Elem(), depth+1)
			} else {
				fill(r, e, depth+1)
			}
		}
		v.Set(s)
	case reflect.String:
		b := make([]byte, r.Intn(200))
		r.Read(b)
		v.SetString(string(b))
	case reflect.Bool:
		v.SetBool(r.Intn(2) == 1)
	case reflect.Float64:
		v.SetFloat(r.NormFloat64() * 1e6)
	case reflect.Int32:
		if t.Name() != "int32" { // an enum: stay in range
			v.SetInt(int64(r.Intn(len(enumNamesOf(t)))))
			return
		}
		v.SetInt(int64(randomInt(r)))
	case reflect.Int64:
		v.SetInt(randomInt(r))
	case reflect.Uint32:
		v.SetUint(uint64(uint32(randomInt(r))))
	case reflect.Uint64, reflect.Uint8:
		if t.Kind() == reflect.Uint8 {
			v.SetUint(uint64(r.Intn(256)))
			return
		}
		v.SetUint(uint64(randomInt(r)))
	}
}

func enumNamesOf(t reflect.Type) []string {
	switch t {
	case reflect.TypeOf(CompressionKind(0)):
		return compressionKindNames
	case reflect.TypeOf(Stream_Kind(0)):
		return streamKindNames
	case reflect.TypeOf(ColumnEncoding_Kind(0)):
		return columnEncodingKindNames
	}
	return typeKindNames
}

func randomInt(r *rand.Rand) int64 {
	switch r.Intn(4) {
	case 0:
		return int64(r.Intn(128))
	case 1:
		return -int64(r.Intn(1 << 20))
	case 2:
		return int64(r.Uint64())
	}
	return int64(r.Intn(1 << 30))
}

// TestRoundTripAgainstReference marshals random messages with this codec
// and checks the reference decodes them and marshals the same bytes, and
// that this codec decodes them back to the same message.
func TestRoundTripAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, p := range pairs() {
		for i := 0; i < 300; i++ {
			m := p.ours()
			fill(r, reflect.ValueOf(m).Elem(), 0)
			b, _ := Marshal(m)
			theirs := p.theirs()
			if err := gproto.Unmarshal(b, theirs); err != nil {
				t.Fatalf("%T: the reference cannot decode our bytes: %v", m, err)
			}
			tb, err := gproto.Marshal(theirs)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, tb) {
				t.Fatalf("%T: our bytes differ from the reference's for the same message\nours   %x\ntheirs %x", m, b, tb)
			}
			back := p.ours()
			if err := Unmarshal(b, back); err != nil {
				t.Fatalf("%T: %v", m, err)
			}
			if !reflect.DeepEqual(normalize(m), normalize(back)) {
				t.Fatalf("%T: round trip changed the message\n%#v\n%#v", m, m, back)
			}
		}
	}
}

// normalize turns empty slices into nil (a decoded message has nil where
// the original had an empty slice: both marshal to nothing).
func normalize(m Message) Message {
	v := reflect.ValueOf(m)
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				walk(v.Field(i))
			}
		case reflect.Slice:
			if v.Len() == 0 && v.Type().Elem().Kind() != reflect.Uint8 {
				v.Set(reflect.Zero(v.Type()))
				return
			}
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	walk(v)
	return m
}

// agree decodes b with both codecs and checks they accept and reject the
// same inputs and, when both accept, hold the same message (compared by
// marshalling both; the reference keeps unknown fields, which are cleared
// first).
func agree(t *testing.T, b []byte) {
	t.Helper()
	for _, p := range pairs() {
		ours, theirs := p.ours(), p.theirs()
		oerr := Unmarshal(b, ours)
		terr := gproto.Unmarshal(b, theirs)
		if (oerr == nil) != (terr == nil) {
			t.Fatalf("%T on %x: ours %v, reference %v", ours, b, oerr, terr)
		}
		if oerr != nil {
			continue
		}
		clearUnknown(reflect.ValueOf(theirs))
		dropEmpty(reflect.ValueOf(theirs))
		dropEmpty(reflect.ValueOf(ours))
		ob, _ := Marshal(ours)
		tb, err := gproto.Marshal(theirs)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ob, tb) {
			t.Fatalf("%T on %x: decoded differently\nours   %x\ntheirs %x", ours, b, ob, tb)
		}
	}
}

func clearUnknown(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			clearUnknown(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).Name == "XXX_unrecognized" {
				v.Field(i).SetBytes(nil)
				continue
			}
			if v.Type().Field(i).IsExported() {
				clearUnknown(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			clearUnknown(v.Index(i))
		}
	}
}

// dropEmpty clears singular message fields that hold nothing: the
// reference leaves such a message behind for a message field sent with a
// scalar wire type, which this codec skips (see the package comment).
func dropEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return true
		}
		if v.Elem().Kind() != reflect.Struct {
			return false
		}
		return dropEmpty(v.Elem())
	case reflect.Struct:
		empty := true
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if !v.Type().Field(i).IsExported() {
				continue
			}
			switch f.Kind() {
			case reflect.Pointer:
				if f.Type().Elem().Kind() == reflect.Struct && dropEmpty(f) {
					f.Set(reflect.Zero(f.Type()))
				}
				empty = empty && f.IsNil()
			case reflect.Slice:
				for j := 0; j < f.Len(); j++ {
					dropEmpty(f.Index(j))
				}
				empty = empty && f.Len() == 0
			}
		}
		return empty
	}
	return false
}

// TestDecodeAgreesWithReference mutates valid messages (truncation, flipped
// bytes, foreign fields) and checks both codecs agree on every result.
func TestDecodeAgreesWithReference(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, p := range pairs() {
		for i := 0; i < 200; i++ {
			m := p.ours()
			fill(r, reflect.ValueOf(m).Elem(), 0)
			b, _ := Marshal(m)
			agree(t, b)
			if len(b) > 0 {
				agree(t, b[:r.Intn(len(b))])
				c := append([]byte(nil), b...)
				c[r.Intn(len(c))] ^= byte(1 << r.Intn(8))
				agree(t, c)
			}
		}
	}
	for _, b := range [][]byte{
		{0x08, 0x96, 0x01},       // field 1 varint 150
		{0x0b, 0x08, 0x01, 0x0c}, // a group holding a varint
		{0x0b, 0x0c},             // an empty group
		{0x0c},                   // an end group alone
		{0x00},                   // field 0
		{0x0e},                   // wire type 6
		{0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // a ten-byte varint
		{0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, // an overflowing one
		{0x08, 0x7f},                   // an out-of-range enum value in field 1
		{0x12, 0x03, 0x01, 0x02, 0x03}, // field 2 packed
		{0x15, 0x01, 0x02, 0x03, 0x04}, // field 2 fixed32
		{0x11, 1, 2, 3, 4, 5, 6, 7, 8}, // field 2 fixed64
	} {
		agree(t, b)
	}
}

// FuzzDecode checks that arbitrary bytes decode the same with both codecs.
func FuzzDecode(f *testing.F) {
	r := rand.New(rand.NewSource(3))
	for _, p := range pairs() {
		m := p.ours()
		fill(r, reflect.ValueOf(m).Elem(), 0)
		b, _ := Marshal(m)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) { agree(t, b) })
}

func TestEnumNames(t *testing.T) {
	if Type_STRUCT.String() != ref.Type_STRUCT.String() || Stream_Kind(42).String() != ref.Stream_Kind(42).String() ||
		CompressionKind_ZSTD.String() != "ZSTD" || ColumnEncoding_DICTIONARY_V2.String() != "DICTIONARY_V2" {
		t.Fatal("enum names differ from the reference's")
	}
}

// TestBloomFilterViews checks the views against the full decoder.
func TestBloomFilterViews(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for i := 0; i < 200; i++ {
		m := &BloomFilterIndex{}
		fill(r, reflect.ValueOf(m).Elem(), 0)
		b, _ := Marshal(m)
		views, err := BloomFilterViews(b)
		if err != nil || len(views) != len(m.BloomFilter) {
			t.Fatalf("%d views, %v; want %d", len(views), err, len(m.BloomFilter))
		}
		for j, f := range m.BloomFilter {
			if views[j].NumHashFunctions != f.GetNumHashFunctions() || !bytes.Equal(views[j].Utf8Bitset, f.GetUtf8Bitset()) {
				t.Fatalf("filter %d differs", j)
			}
		}
	}
}
