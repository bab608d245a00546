package orcfile

import (
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
	"testing"
)

// wtTail is a file's tail and stripes decoded with the protobuf types
// directly (no writer code involved).
type wtTail struct {
	ps      *orcproto.PostScript
	footer  *orcproto.Footer
	meta    *orcproto.Metadata
	comp    Compression
	block   int
	stripes []wtStripe
}

type wtStripe struct {
	info    *orcproto.StripeInformation
	footer  *orcproto.StripeFooter
	streams map[[2]int][]byte // (column, kind) → raw (still compressed) bytes
	index   map[int]*orcproto.RowIndex
	blooms  map[int]*orcproto.BloomFilterIndex
}

func wtDecompress(t testing.TB, comp Compression, block int, b []byte) []byte {
	t.Helper()
	out, _, err := DecompressStream(comp, nil, b, block)
	if err != nil {
		t.Fatalf("decompress: %v", err)
	}
	return out
}

func wtUnmarshal(t testing.TB, comp Compression, block int, b []byte, m orcproto.Message) {
	t.Helper()
	if err := orcproto.Unmarshal(wtDecompress(t, comp, block, b), m); err != nil {
		t.Fatalf("unmarshal %T: %v", m, err)
	}
}

func wtReadTail(t testing.TB, file []byte) *wtTail {
	t.Helper()
	if string(file[:3]) != "ORC" {
		t.Fatalf("header %q", file[:3])
	}
	psLen := int(file[len(file)-1])
	tl := &wtTail{ps: &orcproto.PostScript{}, footer: &orcproto.Footer{}, meta: &orcproto.Metadata{}}
	if err := orcproto.Unmarshal(file[len(file)-1-psLen:len(file)-1], tl.ps); err != nil {
		t.Fatalf("postscript: %v", err)
	}
	if tl.ps.GetMagic() != "ORC" {
		t.Fatalf("magic %q", tl.ps.GetMagic())
	}
	var err error
	tl.comp, err = compressionFromKind(tl.ps.GetCompression())
	if err != nil {
		t.Fatal(err)
	}
	tl.block = int(tl.ps.GetCompressionBlockSize())
	if tl.block == 0 {
		tl.block = DefaultBlockSize
	}
	fEnd := len(file) - 1 - psLen
	fStart := fEnd - int(tl.ps.GetFooterLength())
	mStart := fStart - int(tl.ps.GetMetadataLength())
	wtUnmarshal(t, tl.comp, tl.block, file[fStart:fEnd], tl.footer)
	wtUnmarshal(t, tl.comp, tl.block, file[mStart:fStart], tl.meta)
	if int(tl.footer.GetContentLength()) != mStart {
		t.Fatalf("contentLength %d, metadata starts at %d", tl.footer.GetContentLength(), mStart)
	}
	for _, si := range tl.footer.Stripes {
		st := wtStripe{info: si, footer: &orcproto.StripeFooter{}, streams: map[[2]int][]byte{},
			index: map[int]*orcproto.RowIndex{}, blooms: map[int]*orcproto.BloomFilterIndex{}}
		off := int(si.GetOffset())
		fo := off + int(si.GetIndexLength()+si.GetDataLength())
		wtUnmarshal(t, tl.comp, tl.block, file[fo:fo+int(si.GetFooterLength())], st.footer)
		pos := off
		for i, s := range st.footer.Streams {
			b := file[pos : pos+int(s.GetLength())]
			pos += int(s.GetLength())
			key := [2]int{int(s.GetColumn()), int(s.GetKind())}
			if _, dup := st.streams[key]; dup {
				t.Fatalf("stripe at %d: stream %d repeats column %d kind %v", off, i, key[0], s.GetKind())
			}
			st.streams[key] = b
			inIndex := pos <= off+int(si.GetIndexLength())
			switch s.GetKind() {
			case orcproto.Stream_ROW_INDEX:
				if !inIndex {
					t.Fatalf("ROW_INDEX of column %d outside the index area", key[0])
				}
				ri := &orcproto.RowIndex{}
				wtUnmarshal(t, tl.comp, tl.block, b, ri)
				st.index[key[0]] = ri
			case orcproto.Stream_BLOOM_FILTER_UTF8:
				if !inIndex {
					t.Fatalf("bloom filter of column %d outside the index area", key[0])
				}
				bi := &orcproto.BloomFilterIndex{}
				wtUnmarshal(t, tl.comp, tl.block, b, bi)
				st.blooms[key[0]] = bi
			default:
				if inIndex && s.GetLength() > 0 {
					t.Fatalf("data stream %v of column %d inside the index area", s.GetKind(), key[0])
				}
			}
		}
		if pos != fo {
			t.Fatalf("stripe streams end at %d, footer at %d", pos, fo)
		}
		tl.stripes = append(tl.stripes, st)
	}
	return tl
}
