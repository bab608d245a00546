package gen_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/ctlake/ctlake/gen"
)

// Events in memory, without files: each call appends one compact JSON event.
func ExampleGenerator() {
	g, err := gen.New(gen.Config{Events: 1000, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	var buf []byte
	for {
		buf, err = g.Next(buf[:0])
		if errors.Is(err, gen.ErrDone) {
			break
		}
		_ = buf // parse, ingest, ...
	}
	s := g.Summary()
	fmt.Println(s.Events, s.Counts[gen.Pair{EventSource: "s3.amazonaws.com", EventName: "GetObject"}] > 0)
}

// A trail bucket's worth of gzipped log files, and the ground truth an
// ingest test compares its query results with.
func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "trail")
	defer os.RemoveAll(dir)
	cfg := gen.Config{Events: 50_000, Seed: 7, Days: 2, Duplicates: 0.01}
	sum, err := gen.Write(context.Background(), cfg, gen.LayoutS3, dir)
	if err != nil {
		log.Fatal(err)
	}
	if err := sum.WriteCountsTSV(os.Stdout); err != nil { // unique events per (eventSource, eventName)
		log.Fatal(err)
	}
}
