package jsontable

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"

	"github.com/ctlake/ctlake/ingest"
)

// A part is a byte range of one input that one worker frames and decodes.
// Most inputs are one part (a CloudTrail trail is many small gzip files,
// decoded in parallel file by file); a large uncompressed NDJSON file is
// cut into ranges at line starts so that every core reads it: with one
// framer per file, a 1.6 GB export was read by one core while the other
// decoded, and framing alone is most of a projected scan's work.
type part struct {
	in       ingest.Input
	off, end int64 // byte range; end < 0: the whole input
}

// splitMinBytes is the size from which an NDJSON file is cut into ranges
// (a variable so that tests can cut small files).
var splitMinBytes int64 = 32 << 20

func partBytes() int64 { return max(splitMinBytes/4, 1) }

// splitProbe bounds how far a line is read to check it is one event.
const splitProbe = 1 << 20

// parts returns the parts of in for n workers.
func parts(in ingest.Input, n int) []part {
	whole := []part{{in: in, end: -1}}
	if in.Path == "" || n < 2 || strings.HasSuffix(in.Path, ".gz") {
		return whole
	}
	// A trail is tens of thousands of small files: a stat rules them out
	// (opening each one here too was a tenth of such a scan's CPU).
	st, err := os.Stat(in.Path)
	if err != nil || !st.Mode().IsRegular() || st.Size() < splitMinBytes {
		return whole // errors are reported when the part is read
	}
	size := st.Size()
	f, err := os.Open(in.Path)
	if err != nil {
		return whole
	}
	defer f.Close()
	// Only NDJSON is cut: the first line must be a whole event (this also
	// rules out gzip, byte order marks, Records files and pretty-printed
	// objects), and so must the line at every cut.
	if !eventLineAt(f, 0, size) {
		return whole
	}
	// Parts are small (a quarter of splitMinBytes, 8 MiB) rather than one
	// per worker: the merge takes them back in input order (order.go), and
	// a worker ahead of it waits once its part's slot is full, so small
	// parts keep every worker busy and bound what waits for the merge.
	k := int(max((size+partBytes()-1)/partBytes(), 2))
	out := make([]part, 0, k)
	prev := int64(0)
	for i := 1; i < k; i++ {
		cut, ok := lineStart(f, size*int64(i)/int64(k), size)
		if !ok {
			return whole
		}
		if cut <= prev || cut >= size {
			continue
		}
		if !eventLineAt(f, cut, size) {
			return whole
		}
		out = append(out, part{in: in, off: prev, end: cut})
		prev = cut
	}
	return append(out, part{in: in, off: prev, end: size})
}

// lineStart returns the offset just after the first newline at or after
// off-1 (so a cut right after a newline stays there).
func lineStart(r io.ReaderAt, off, size int64) (int64, bool) {
	br := bufio.NewReaderSize(io.NewSectionReader(r, off-1, size-off+1), 64<<10)
	n := off - 1
	for {
		b, err := br.ReadSlice('\n')
		n += int64(len(b))
		if err == nil {
			return n, true
		}
		if err != bufio.ErrBufferFull {
			return 0, false
		}
	}
}

// eventLineAt reports whether the line at off is one whole event. It
// reads 64 KiB first (CloudTrail events are a few KiB; a file is probed at
// every cut) and up to splitProbe for a longer line.
func eventLineAt(r io.ReaderAt, off, size int64) bool {
	for probe := int64(64 << 10); ; probe = splitProbe {
		buf := make([]byte, min(probe, size-off))
		n, err := r.ReadAt(buf, off)
		if err != nil && err != io.EOF {
			return false
		}
		buf = buf[:n]
		nl := bytes.IndexByte(buf, '\n')
		if nl < 0 {
			if off+int64(n) < size {
				if probe < splitProbe {
					continue
				}
				return false // a line longer than the probe
			}
			nl = n
		}
		return ingest.IsEventLine(bytes.TrimRight(buf[:nl], "\r"))
	}
}

// open returns a reader of the part's bytes.
func (p part) open() (io.ReadCloser, error) {
	rc, err := p.in.Open()
	if err != nil || p.end < 0 {
		return rc, err
	}
	f, ok := rc.(*os.File)
	if !ok {
		rc.Close()
		return nil, os.ErrInvalid
	}
	return sectionCloser{io.NewSectionReader(f, p.off, p.end-p.off), f}, nil
}

type sectionCloser struct {
	*io.SectionReader
	f *os.File
}

func (s sectionCloser) Close() error { return s.f.Close() }
