package ingest

import (
	"context"
	"io"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/s3io"
)

// Plan is what an ingest of listed inputs will read: those not yet in the
// store's source log.
type Plan struct {
	Inputs  []Input
	Already int             // inputs the store holds, unchanged
	Changed []ChangedObject // inputs the store holds with another ETag or size
}

// ChangedObject is an input recorded in the store that has changed since:
// CloudTrail never rewrites a log file, so this is reported, not silently
// read again (dedup by eventID would hide the old events' changes anyway).
type ChangedObject struct {
	Was, Now orcstore.SourceObject
}

// PlanInputs drops the inputs the store already holds (known: the latest
// source log entry of each key). A changed input is read again only with
// reingestChanged, or when it was recorded as damaged.
func PlanInputs(inputs []Input, known map[string]orcstore.SourceObject, reingestChanged bool) Plan {
	var p Plan
	for _, in := range inputs {
		if in.Object == nil {
			p.Inputs = append(p.Inputs, in)
			continue
		}
		was, ok := known[in.Object.Key]
		switch {
		case !ok:
			p.Inputs = append(p.Inputs, in)
		case was.ETag == in.Object.ETag && was.Size == in.Object.Size:
			p.Already++
		case was.Err != "":
			// Recorded as damaged, and replaced since (a file read while
			// being written, a corrupt object uploaded again): read it.
			p.Inputs = append(p.Inputs, in)
		default:
			p.Changed = append(p.Changed, ChangedObject{Was: was, Now: *in.Object})
			if reingestChanged {
				p.Inputs = append(p.Inputs, in)
			}
		}
	}
	return p
}

// Inputs turns listed objects into pipeline inputs: small ones are read
// ahead whole (fetch.go), large ones streamed; both resume a cut body.
func (s *S3Source) Inputs(objs []s3io.Object) []Input {
	c := s.Client
	ins := make([]Input, len(objs))
	for i, o := range objs {
		url := s3io.URL(s.Bucket, o.Key)
		key, etag, size := o.Key, o.ETag, o.Size
		ins[i] = Input{
			Name:   url,
			Size:   size,
			Object: &orcstore.SourceObject{Key: url, ETag: etag, Size: size},
			open: func(ctx context.Context) (io.ReadCloser, error) {
				return c.Open(ctx, key, etag, size)
			},
			fetch: func(ctx context.Context, buf []byte) ([]byte, error) {
				return c.ReadAppend(ctx, buf, key, etag, size)
			},
		}
		if isORCName(key) {
			ins[i] = s.orcInput(ins[i], key, etag, size)
		}
	}
	return ins
}

// Stats adds the client's request counters to a progress report (for
// Config.SourceStats).
func (s *S3Source) Stats(p *Progress) {
	st := s.Client.Stats
	p.Requests += st.Attempts.Load()
	p.Retries += st.Retries.Load() + st.Resumes.Load()
}

// knownObjects is the store's source log as a map, read incrementally: a
// follower refreshes it every cycle and reads only the logs added since.
type knownObjects struct {
	objs map[string]orcstore.SourceObject
	read map[string]bool // source log files already read
}

func newKnownObjects() *knownObjects {
	return &knownObjects{objs: map[string]orcstore.SourceObject{}, read: map[string]bool{}}
}

func (k *knownObjects) refresh(s *orcstore.Store) error {
	m, err := s.Snapshot() // a lease: a compaction may retire the logs read
	if err != nil {
		return err
	}
	defer m.Release()
	var fresh orcstore.Manifest
	for _, l := range m.Sources {
		if !k.read[l.Path] {
			fresh.Sources = append(fresh.Sources, l)
		}
	}
	if len(fresh.Sources) == 0 {
		return nil
	}
	if err := s.Sources(&fresh, func(o orcstore.SourceObject) { k.objs[o.Key] = o }); err != nil {
		return err
	}
	for _, l := range fresh.Sources {
		k.read[l.Path] = true
	}
	return nil
}

// KnownObjects is the latest source log entry of each key in the store.
func KnownObjects(s *orcstore.Store) (map[string]orcstore.SourceObject, error) {
	k := newKnownObjects()
	err := k.refresh(s)
	return k.objs, err
}
