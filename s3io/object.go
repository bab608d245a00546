package s3io

import (
	"context"
	"fmt"
	"io"
	"time"
)

// maxResumes is how many times one object's body may be cut and resumed.
const maxResumes = 8

// Open starts reading an object. The reader resumes where it stopped, with
// a range request pinned to the listed ETag (If-Match), when the body is
// cut short — a connection reset, a stalled transfer past Options.Timeout,
// fewer bytes than the object's size — so a long transfer does not start
// over and a truncated body is never mistaken for the object's end. size
// and etag come from the listing (size < 0: unknown, taken from the first
// response; etag "": not checked).
func (c *Client) Open(ctx context.Context, key, etag string, size int64) (io.ReadCloser, error) {
	r := &objectReader{c: c, ctx: ctx, key: key, etag: etag, size: size}
	if err := r.start(); err != nil {
		return nil, err
	}
	return r, nil
}

// ReadAll reads a whole object into memory (prefetching small objects).
func (c *Client) ReadAll(ctx context.Context, key, etag string, size int64) ([]byte, error) {
	return c.ReadAppend(ctx, make([]byte, 0, max(size, 0)+1), key, etag, size) // +1: EOF without growing
}

// ReadAppend reads a whole object, appending it to buf (a reused buffer).
func (c *Client) ReadAppend(ctx context.Context, buf []byte, key, etag string, size int64) ([]byte, error) {
	rc, err := c.Open(ctx, key, etag, size)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := rc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

type objectReader struct {
	c       *Client
	ctx     context.Context
	key     string
	etag    string
	size    int64
	off     int64
	body    io.ReadCloser
	cancel  context.CancelFunc
	resumes int
}

// start issues the GET for the bytes from r.off on.
func (r *objectReader) start() error {
	rng := ""
	if r.off > 0 {
		rng = fmt.Sprintf("bytes=%d-", r.off)
	}
	ctx, cancel := context.WithCancel(r.ctx)
	out, err := r.c.get(ctx, r.key, r.etag, rng)
	if err != nil {
		cancel()
		return r.c.wrap(r.ctx, "read", r.key, err)
	}
	if got := TrimETag(out.etag); r.etag != "" && got != "" && got != r.etag {
		out.body.Close()
		cancel()
		return &Error{Op: "read", Bucket: r.c.Bucket, Key: r.key, Kind: KindChanged,
			Err: fmt.Errorf("listed with ETag %s, now %s", r.etag, got)}
	}
	if r.size < 0 && r.off == 0 && out.contentLength != nil {
		r.size = *out.contentLength
	}
	r.body, r.cancel = out.body, cancel
	return nil
}

func (r *objectReader) Read(p []byte) (int, error) {
	for {
		if r.body == nil {
			if err := r.resume(nil); err != nil {
				return 0, err
			}
		}
		n, err := r.body.Read(p)
		r.off += int64(n)
		r.c.Stats.Bytes.Add(int64(n))
		if err == nil || n > 0 && err != io.EOF {
			return n, nil
		}
		if err == io.EOF && (r.size < 0 || r.off >= r.size) {
			return n, io.EOF
		}
		// Cut short: fewer bytes than the object holds, or a read error.
		r.closeBody()
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if r.ctx.Err() != nil {
			return n, r.ctx.Err()
		}
		if n > 0 {
			return n, nil // resume on the next call
		}
		if rerr := r.resume(err); rerr != nil {
			return 0, rerr
		}
	}
}

// resume backs off and reopens the body at r.off.
func (r *objectReader) resume(cause error) error {
	if r.resumes >= maxResumes {
		return &Error{Op: "read", Bucket: r.c.Bucket, Key: r.key, Kind: KindCut,
			Err: fmt.Errorf("the body was cut %d times, last at byte %d of %d: %v", r.resumes, r.off, r.size, cause)}
	}
	r.resumes++
	r.c.Stats.Resumes.Add(1)
	wait := time.Duration(50<<min(r.resumes, 6)) * time.Millisecond
	t := time.NewTimer(wait)
	select {
	case <-t.C:
	case <-r.ctx.Done():
		t.Stop()
		return r.ctx.Err()
	}
	return r.start()
}

func (r *objectReader) closeBody() {
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
}

func (r *objectReader) Close() error {
	r.closeBody()
	return nil
}

// ReaderAt reads ranges of an object, each with its own ranged GET pinned
// to etag (ORC files are read footer first, then only the streams needed).
func (c *Client) ReaderAt(ctx context.Context, key, etag string) io.ReaderAt {
	return &rangeReader{c: c, ctx: ctx, key: key, etag: etag}
}

type rangeReader struct {
	c         *Client
	ctx       context.Context
	key, etag string
}

func (r *rangeReader) ReadAt(p []byte, off int64) (int, error) {
	done := 0
	for cuts := 0; done < len(p); cuts++ {
		out, err := r.c.get(r.ctx, r.key, r.etag, fmt.Sprintf("bytes=%d-%d", off+int64(done), off+int64(len(p))-1))
		if err != nil {
			return done, r.c.wrap(r.ctx, "read", r.key, err)
		}
		n, err := io.ReadFull(out.body, p[done:])
		out.body.Close()
		done += n
		r.c.Stats.Bytes.Add(int64(n))
		if err == nil {
			break
		}
		if r.ctx.Err() != nil {
			return done, r.ctx.Err()
		}
		if cuts >= maxResumes {
			return done, &Error{Op: "read", Bucket: r.c.Bucket, Key: r.key, Kind: KindCut, Err: err}
		}
		r.c.Stats.Resumes.Add(1)
	}
	return done, nil
}
