package ingest

import (
	"errors"
	"io"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Large inputs are read with O_DIRECT, around the page cache. Ingest reads a
// big export once, start to end; through the page cache each cold megabyte
// cost kernel time to allocate, fill, copy and later evict pages: 3.6 of
// the 23 CPU-seconds of a 1.6 GB NDJSON ingest on the reference VM. Reading
// it with O_DIRECT into aligned 4 MB blocks cost 0.15 s of system time.
// O_DIRECT reads are synchronous, so a goroutine reads a few blocks ahead.
// Where the file system refuses O_DIRECT (tmpfs, some network and FUSE
// file systems), at open or at any read, the file is read normally.

const (
	directBlock  = 4 << 20 // bytes per read: a multiple of any block size
	directAlign  = 4096    // buffer alignment O_DIRECT needs
	directBlocks = 3       // blocks in flight
)

// directMinSize is the input size from which O_DIRECT is used (a variable
// so that tests can use small files).
var directMinSize int64 = 64 << 20

// openDirect opens path for an O_DIRECT read-ahead reader, or returns nil
// (the caller opens it normally) when the file is small or O_DIRECT is not
// available.
func openDirect(path string) io.ReadCloser {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() < directMinSize {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECT, 0)
	if err != nil {
		return nil
	}
	return newDirectReader(f)
}

// newDirectReader reads f (opened with O_DIRECT, or not) ahead in blocks.
func newDirectReader(f *os.File) *directReader {
	r := &directReader{
		f:      f,
		filled: make(chan directFill, directBlocks),
		free:   make(chan []byte, directBlocks),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	for i := 0; i < directBlocks; i++ {
		r.free <- alignedBlock()
	}
	go r.readAhead()
	return r
}

func alignedBlock() []byte {
	raw := make([]byte, directBlock+directAlign)
	off := int(directAlign - uintptr(unsafe.Pointer(&raw[0]))%directAlign)
	return raw[off : off+directBlock : off+directBlock]
}

type directFill struct {
	buf []byte // the whole block, to go back to free
	n   int    // bytes read into it
	err error  // error after those bytes (io.EOF at the end)
}

// directReader hands out the blocks its goroutine reads, in order.
type directReader struct {
	f      *os.File
	filled chan directFill
	free   chan []byte
	stop   chan struct{}
	done   chan struct{}

	cur     directFill // block being consumed
	off     int        // consumed bytes of cur
	started bool
	err     error // terminal error, returned once cur is consumed
}

// readAhead fills free blocks until the end of the file, an error or stop.
func (r *directReader) readAhead() {
	defer close(r.done)
	defer close(r.filled)
	for {
		var buf []byte
		select {
		case buf = <-r.free:
		case <-r.stop:
			return
		}
		n, err := r.fill(buf)
		select {
		case r.filled <- directFill{buf, n, err}:
		case <-r.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// fill reads a whole block, or up to the end of the file. A read O_DIRECT
// refuses (EINVAL) turns O_DIRECT off and is retried.
func (r *directReader) fill(buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.f.Read(buf[n:])
		n += k
		if err != nil {
			if errors.Is(err, syscall.EINVAL) && r.plain() {
				continue
			}
			return n, err
		}
	}
	return n, nil
}

// plain clears O_DIRECT on the file; it reports whether that worked.
func (r *directReader) plain() bool {
	fd := int(r.f.Fd())
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil || fl&syscall.O_DIRECT == 0 {
		return false
	}
	_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl&^syscall.O_DIRECT)
	return err == nil
}

func (r *directReader) Read(p []byte) (int, error) {
	for !r.started || r.off == r.cur.n {
		if r.started {
			if r.cur.err != nil {
				return 0, r.cur.err
			}
			r.free <- r.cur.buf
		}
		fill, ok := <-r.filled
		if !ok {
			return 0, io.ErrClosedPipe
		}
		r.cur, r.off, r.started = fill, 0, true
	}
	k := copy(p, r.cur.buf[r.off:r.cur.n])
	r.off += k
	return k, nil
}

// Close stops the read-ahead and closes the file.
func (r *directReader) Close() error {
	close(r.stop)
	<-r.done
	return r.f.Close()
}
