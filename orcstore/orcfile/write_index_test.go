package orcfile

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// Minimal decoders, written from the spec for the tests, to follow row
// index positions into the streams.

func wtWidth(code int) int {
	if code < 24 {
		return code + 1
	}
	return [...]int{26, 28, 30, 32, 40, 48, 56, 64}[code-24]
}

type wtBits struct {
	b   []byte
	pos int // bit position
}

func (r *wtBits) read(w int) uint64 {
	var v uint64
	for i := 0; i < w; i++ {
		bit := r.b[r.pos/8] >> (7 - uint(r.pos%8)) & 1
		v = v<<1 | uint64(bit)
		r.pos++
	}
	return v
}

func wtUvarint(b []byte, i *int) uint64 {
	v, n := binary.Uvarint(b[*i:])
	if n <= 0 {
		panic("bad varint")
	}
	*i += n
	return v
}

func wtUnzig(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// wtRLEv2 decodes runs from b[start:] until it has skip+count values and
// returns the last count.
func wtRLEv2(t testing.TB, b []byte, signed bool, start, skip, count int) []int64 {
	var out []int64
	i := start
	conv := func(u uint64) int64 {
		if signed {
			return wtUnzig(u)
		}
		return int64(u)
	}
	for len(out) < skip+count {
		if i >= len(b) {
			t.Fatalf("RLEv2: ran out of data at %d (have %d of %d values)", i, len(out), skip+count)
		}
		h := b[i]
		switch h >> 6 {
		case 0:
			w := int(h>>3&7) + 1
			n := int(h&7) + 3
			var u uint64
			for k := 0; k < w; k++ {
				u = u<<8 | uint64(b[i+1+k])
			}
			i += 1 + w
			for k := 0; k < n; k++ {
				out = append(out, conv(u))
			}
		case 1:
			w := wtWidth(int(h >> 1 & 31))
			n := (int(h&1)<<8 | int(b[i+1])) + 1
			r := &wtBits{b: b[i+2:]}
			for k := 0; k < n; k++ {
				out = append(out, conv(r.read(w)))
			}
			i += 2 + (n*w+7)/8
		case 3:
			code := int(h >> 1 & 31)
			w := 0
			if code != 0 {
				w = wtWidth(code)
			}
			n := (int(h&1)<<8 | int(b[i+1])) + 1
			i += 2
			v := conv(wtUvarint(b, &i))
			d0 := wtUnzig(wtUvarint(b, &i))
			out = append(out, v)
			if n > 1 {
				v += d0
				out = append(out, v)
			}
			r := &wtBits{b: b[i:]}
			for k := 2; k < n; k++ {
				if w == 0 {
					v += d0
				} else if d := int64(r.read(w)); d0 >= 0 {
					v += d
				} else {
					v -= d
				}
				out = append(out, v)
			}
			i += ((n-2)*w + 7) / 8
			if w == 0 {
				i -= ((n-2)*w + 7) / 8
			}
		default:
			t.Fatalf("RLEv2: PATCHED_BASE at %d (the writer never emits it)", i)
		}
	}
	return out[skip : skip+count]
}

// wtByteRLE decodes byte runs from b[start:] and returns the byte after skip.
func wtByteRLE(t testing.TB, b []byte, start, skip int) byte {
	i := start
	seen := 0
	for i < len(b) {
		c := int8(b[i])
		if c >= 0 {
			n := int(c) + 3
			if skip < seen+n {
				return b[i+1]
			}
			seen += n
			i += 2
		} else {
			n := -int(c)
			if skip < seen+n {
				return b[i+1+skip-seen]
			}
			seen += n
			i += 1 + n
		}
	}
	t.Fatalf("byte RLE: ran out of data")
	return 0
}

// wtStreamReader follows positions into one decompressed stream.
type wtStreamReader struct {
	data   []byte
	chunks []Chunk
}

// TestWriteRowIndexPositions follows every row index entry of every column
// into its streams and checks that the value found there is the first value
// of the row group.
func TestWriteRowIndexPositions(t *testing.T) {
	cases := []struct {
		name string
		opts WriterOptions
		rows int
	}{
		{"zlib small blocks", WriterOptions{Compression: CompressionZlib, BlockSize: 777, RowIndexStride: 333}, 5000},
		{"none", WriterOptions{Uncompressed: true, RowIndexStride: 500}, 3000},
		{"zstd stride 10000", WriterOptions{BlockSize: 4096}, 25000},
		{"lz4 stripes", WriterOptions{Compression: CompressionLZ4, BlockSize: 2000, RowIndexStride: 700, StripeSize: 200 << 10}, 9000},
		{"no dictionary", WriterOptions{Compression: CompressionSnappy, BlockSize: 1500, RowIndexStride: 250, DictionaryThreshold: -1}, 2000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := wtNewGen(11, 0.25)
			g.mapNullValues, g.negTimes = true, true
			rec := g.record(wtAllTypes, c.rows)
			file := wtWrite(t, wtAllTypes, c.opts, rec)
			wtCheckPositions(t, file, wtAllTypes, wtRows(rec))
		})
	}
}

func wtCheckPositions(t *testing.T, file []byte, schema *arrow.Schema, rows [][]any) {
	root, _, err := ColumnsFromArrow(schema)
	if err != nil {
		t.Fatal(err)
	}
	tl := wtReadTail(t, file)
	stride := int(tl.footer.GetRowIndexStride())
	first := 0
	checked := 0
	for si, st := range tl.stripes {
		n := int(st.info.GetNumberOfRows())
		part := rows[first : first+n]
		first += n
		streams := map[[2]int]*wtStreamReader{}
		get := func(col int, kind orcproto.Stream_Kind) *wtStreamReader {
			k := [2]int{col, int(kind)}
			if s, ok := streams[k]; ok {
				return s
			}
			raw, ok := st.streams[k]
			if !ok {
				return nil
			}
			d, ch, err := DecompressStream(tl.comp, nil, raw, tl.block)
			if err != nil {
				t.Fatalf("stripe %d column %d %v: %v", si, col, kind, err)
			}
			s := &wtStreamReader{d, ch}
			streams[k] = s
			return s
		}
		for g := 0; g*stride < n; g++ {
			vals := wtCollect(root, part[g*stride:min(n, (g+1)*stride)])
			for _, c := range root.Columns()[1:] {
				where := fmt.Sprintf("stripe %d row group %d column %d %q", si, g, c.ID, c.Path)
				pos := st.index[c.ID].Entry[g].Positions
				pi := 0
				next := func() int {
					if pi >= len(pos) {
						t.Fatalf("%s: positions %v too short", where, pos)
					}
					pi++
					return int(pos[pi-1])
				}
				seek := func(s *wtStreamReader) int {
					if tl.comp == CompressionNone {
						return next()
					}
					a := next()
					b := next()
					off, err := SeekPosition(tl.comp, s.chunks, uint64(a), uint64(b))
					if err != nil {
						t.Fatalf("%s: %v", where, err)
					}
					return off
				}
				v := vals[c.ID]
				var firstVal any
				for _, x := range v {
					if x != nil {
						firstVal = x
						break
					}
				}
				if p := get(c.ID, orcproto.Stream_PRESENT); p != nil {
					off := seek(p)
					skip, bit := next(), next()
					if len(v) > 0 {
						by := wtByteRLE(t, p.data, off, skip)
						if got := by>>(7-uint(bit))&1 == 1; got != (v[0] != nil) {
							t.Fatalf("%s: PRESENT bit %v, first value %v", where, got, v[0])
						}
					}
				}
				ints := func(kind orcproto.Stream_Kind, signed bool) (int64, bool) {
					s := get(c.ID, kind)
					off := seek(s)
					skip := next()
					if firstVal == nil {
						return 0, false
					}
					return wtRLEv2(t, s.data, signed, off, skip, 1)[0], true
				}
				var got any
				switch c.Kind {
				case orcproto.Type_BOOLEAN:
					s := get(c.ID, orcproto.Stream_DATA)
					off := seek(s)
					skip, bit := next(), next()
					if firstVal != nil {
						got = wtByteRLE(t, s.data, off, skip)>>(7-uint(bit))&1 == 1
					}
				case orcproto.Type_BYTE:
					s := get(c.ID, orcproto.Stream_DATA)
					off := seek(s)
					skip := next()
					if firstVal != nil {
						got = int64(int8(wtByteRLE(t, s.data, off, skip)))
					}
				case orcproto.Type_SHORT, orcproto.Type_INT, orcproto.Type_LONG:
					if x, ok := ints(orcproto.Stream_DATA, true); ok {
						got = x
					}
				case orcproto.Type_DATE:
					if x, ok := ints(orcproto.Stream_DATA, true); ok {
						got = wtDate{x}
					}
				case orcproto.Type_FLOAT, orcproto.Type_DOUBLE:
					s := get(c.ID, orcproto.Stream_DATA)
					off := seek(s)
					if firstVal != nil {
						if c.Kind == orcproto.Type_FLOAT {
							got = float64(math.Float32frombits(binary.LittleEndian.Uint32(s.data[off:])))
						} else {
							got = math.Float64frombits(binary.LittleEndian.Uint64(s.data[off:]))
						}
					}
				case orcproto.Type_STRING, orcproto.Type_BINARY:
					if st.footer.Columns[c.ID].GetKind() == orcproto.ColumnEncoding_DICTIONARY_V2 {
						id, ok := ints(orcproto.Stream_DATA, false)
						if ok {
							dict := get(c.ID, orcproto.Stream_DICTIONARY_DATA)
							lens := wtRLEv2(t, get(c.ID, orcproto.Stream_LENGTH).data, false, 0, 0, int(id)+1)
							o := 0
							for _, l := range lens[:id] {
								o += int(l)
							}
							got = string(dict.data[o : o+int(lens[id])])
						}
						break
					}
					s := get(c.ID, orcproto.Stream_DATA)
					off := seek(s)
					if l, ok := ints(orcproto.Stream_LENGTH, false); ok {
						b := s.data[off : off+int(l)]
						if c.Kind == orcproto.Type_STRING {
							got = string(b)
						} else {
							got = append([]byte{}, b...)
						}
					}
				case orcproto.Type_TIMESTAMP:
					secs, ok := ints(orcproto.Stream_DATA, true)
					nanos, _ := ints(orcproto.Stream_SECONDARY, false)
					if ok {
						ns := nanos >> 3
						if z := nanos & 7; z != 0 {
							ns *= int64(math.Pow10(int(z) + 1))
						}
						sec := secs + writeOrcEpoch
						if sec < 0 && ns > 999999 {
							sec--
						}
						got = wtTS{sec*1e9 + ns}
					}
				case orcproto.Type_LIST, orcproto.Type_MAP:
					if l, ok := ints(orcproto.Stream_LENGTH, false); ok {
						got = int(l)
						firstVal = len(firstVal.([]any))
					}
				case orcproto.Type_STRUCT:
					firstVal = nil
				}
				if !wtEqual(got, firstVal) {
					t.Fatalf("%s: value at positions %v is %#v, want %#v", where, pos, got, firstVal)
				}
				if pi != len(pos) {
					t.Fatalf("%s: %d positions unused of %v", where, len(pos)-pi, pos)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}
