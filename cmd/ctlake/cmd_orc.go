package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ctlake/ctlake/orcstore/orcfile"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// ctlake orc inspects ORC files with ctlake's own reader: meta shows the
// file's layout and statistics, cat prints rows the way Apache ORC's
// orc-contents does, so outputs can be compared with other tools.
func init() {
	register(command{name: "orc", summary: "inspect an ORC file: orc meta FILE, orc cat FILE", run: runOrc})
}

func runOrc(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("want a subcommand: meta or cat: %w", errUsage)
	}
	switch args[0] {
	case "meta":
		return runOrcMeta(args[1:], stdout, stderr)
	case "cat":
		return runOrcCat(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, "Usage: ctlake orc meta [--format text|json] FILE\n       ctlake orc cat [--columns a,b.c] [--limit N] [--tz ZONE] FILE")
		return nil
	}
	return fmt.Errorf("unknown subcommand %q (want meta or cat): %w", args[0], errUsage)
}

func runOrcCat(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("orc cat", "FILE", stderr)
	columns := fs.String("columns", "", "comma-separated columns or dotted struct paths (default: all)")
	limit := fs.Int64("limit", -1, "print at most N rows (-1: all)")
	tz := fs.String("tz", "UTC", "time zone timestamps are shown in (orc-contents uses the local zone)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("want one FILE: %w", errUsage)
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("--tz: %v: %w", err, errUsage)
	}
	f, err := orcfile.OpenFile(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	opts := orcfile.ScanOptions{Context: ctx}
	if *columns != "" {
		for _, c := range strings.Split(*columns, ",") {
			if c = strings.TrimSpace(c); c != "" {
				opts.Columns = append(opts.Columns, c)
			}
		}
	}
	s, err := f.Scan(opts)
	if err != nil {
		return err
	}
	defer s.Close()
	w := bufio.NewWriterSize(stdout, 64<<10)
	p := orcfile.RowPrinter{Location: loc}
	// A file whose root is one column, not a struct, prints one bare value
	// per row, as Apache's orc-contents does.
	bare := f.Root().Bare()
	var buf []byte
	n := int64(0)
	for *limit < 0 || n < *limit {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			w.Flush()
			return err
		}
		for i := 0; i < int(rec.NumRows()) && (*limit < 0 || n < *limit); i++ {
			if bare {
				buf = p.AppendValue(buf[:0], rec.Column(0), i)
			} else {
				buf = p.AppendRow(buf[:0], rec, i)
			}
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				rec.Release()
				return err
			}
			n++
		}
		rec.Release()
	}
	return w.Flush()
}

// orcMeta is what meta prints (as JSON, or as text).
type orcMeta struct {
	File           string            `json:"file"`
	Size           int64             `json:"size"`
	Rows           uint64            `json:"rows"`
	Version        []uint32          `json:"version"`
	WriterVersion  uint32            `json:"writerVersion"`
	Writer         int               `json:"writer"`
	Compression    string            `json:"compression"`
	BlockSize      int               `json:"blockSize"`
	RowIndexStride int               `json:"rowIndexStride"`
	Columns        []orcMetaColumn   `json:"columns"`
	UserMetadata   map[string]string `json:"userMetadata,omitempty"`
	Stripes        []orcMetaStripe   `json:"stripes"`
}

type orcMetaColumn struct {
	ID    int                 `json:"id"`
	Path  string              `json:"path"`
	Kind  string              `json:"kind"`
	Arrow string              `json:"arrow"`
	Stats *orcfile.Statistics `json:"statistics,omitempty"`
}

type orcMetaStripe struct {
	Index          int                  `json:"index"`
	Offset         uint64               `json:"offset"`
	IndexLength    uint64               `json:"indexLength"`
	DataLength     uint64               `json:"dataLength"`
	FooterLength   uint64               `json:"footerLength"`
	Rows           uint64               `json:"rows"`
	WriterTimezone string               `json:"writerTimezone,omitempty"`
	Encodings      []orcMetaEncoding    `json:"encodings"`
	Streams        []orcMetaStream      `json:"streams"`
	BloomFilters   []int                `json:"bloomFilterColumns,omitempty"`
	Stats          []orcfile.Statistics `json:"statistics,omitempty"`
}

type orcMetaEncoding struct {
	Column         int    `json:"column"`
	Kind           string `json:"kind"`
	DictionarySize uint32 `json:"dictionarySize,omitempty"`
}

type orcMetaStream struct {
	Column int    `json:"column"`
	Kind   string `json:"kind"`
	Offset uint64 `json:"offset"`
	Length uint64 `json:"length"`
}

func buildOrcMeta(f *orcfile.File) (*orcMeta, error) {
	m := &orcMeta{File: f.Name(), Size: f.Size(), Rows: f.NumRows(), Version: f.Version(), WriterVersion: f.WriterVersion(),
		Writer: f.Writer(), Compression: f.Compression().String(), BlockSize: f.BlockSize(), RowIndexStride: f.RowIndexStride()}
	stats := f.ColumnStatistics()
	for _, c := range f.Columns() {
		mc := orcMetaColumn{ID: c.ID, Path: c.Path, Kind: c.Kind.String(), Arrow: c.Type.String()}
		if c.ID == 0 {
			mc.Path = "(root)"
		}
		if c.ID < len(stats) {
			mc.Stats = &stats[c.ID]
		}
		m.Columns = append(m.Columns, mc)
	}
	for _, u := range f.UserMetadata() {
		if m.UserMetadata == nil {
			m.UserMetadata = map[string]string{}
		}
		m.UserMetadata[u.Name] = string(u.Value)
	}
	for i, info := range f.Stripes() {
		st, err := f.ReadStripe(i)
		if err != nil {
			return nil, err
		}
		ms := orcMetaStripe{Index: i, Offset: info.Offset, IndexLength: info.IndexLength, DataLength: info.DataLength,
			FooterLength: info.FooterLength, Rows: info.Rows, WriterTimezone: st.WriterTimezone}
		for c, e := range st.Encodings {
			ms.Encodings = append(ms.Encodings, orcMetaEncoding{Column: c, Kind: e.GetKind().String(), DictionarySize: e.GetDictionarySize()})
		}
		for _, s := range st.Streams {
			ms.Streams = append(ms.Streams, orcMetaStream{Column: s.Column, Kind: s.Kind.String(), Offset: s.Offset, Length: s.Length})
			if s.Kind == orcproto.Stream_BLOOM_FILTER || s.Kind == orcproto.Stream_BLOOM_FILTER_UTF8 {
				ms.BloomFilters = append(ms.BloomFilters, s.Column)
			}
		}
		if ms.Stats, err = f.StripeStatistics(i); err != nil {
			return nil, err
		}
		m.Stripes = append(m.Stripes, ms)
	}
	return m, nil
}

func runOrcMeta(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("orc meta", "FILE", stderr)
	format := fs.String("format", "text", "output format: text or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("want one FILE: %w", errUsage)
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("--format %q: want text or json: %w", *format, errUsage)
	}
	f, err := orcfile.OpenFile(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := buildOrcMeta(f)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	if *format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m); err != nil {
			return err
		}
		return w.Flush()
	}
	printOrcMetaText(w, m)
	return w.Flush()
}

func printOrcMetaText(w io.Writer, m *orcMeta) {
	fmt.Fprintf(w, "File: %s (%d bytes)\n", m.File, m.Size)
	fmt.Fprintf(w, "Rows: %d\nFormat version: %v, writer version %d, writer %d\n", m.Rows, m.Version, m.WriterVersion, m.Writer)
	fmt.Fprintf(w, "Compression: %s, block size %d\nRow index stride: %d\n", m.Compression, m.BlockSize, m.RowIndexStride)
	fmt.Fprintln(w, "\nColumns:")
	for _, c := range m.Columns {
		fmt.Fprintf(w, "  %3d %-40s %-10s %s\n", c.ID, c.Path, c.Kind, orcStatsText(c.Stats))
	}
	if len(m.UserMetadata) > 0 {
		fmt.Fprintln(w, "\nUser metadata:")
		for k, v := range m.UserMetadata {
			fmt.Fprintf(w, "  %s = %q\n", k, v)
		}
	}
	for _, s := range m.Stripes {
		fmt.Fprintf(w, "\nStripe %d: offset %d, index %d, data %d, footer %d bytes, %d rows", s.Index, s.Offset, s.IndexLength, s.DataLength, s.FooterLength, s.Rows)
		if s.WriterTimezone != "" {
			fmt.Fprintf(w, ", writer time zone %s", s.WriterTimezone)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "  Encodings:")
		for _, e := range s.Encodings {
			if e.DictionarySize > 0 {
				fmt.Fprintf(w, "    column %d: %s[%d]\n", e.Column, e.Kind, e.DictionarySize)
			} else {
				fmt.Fprintf(w, "    column %d: %s\n", e.Column, e.Kind)
			}
		}
		fmt.Fprintln(w, "  Streams:")
		for _, st := range s.Streams {
			fmt.Fprintf(w, "    column %d %-16s offset %d, %d bytes\n", st.Column, st.Kind, st.Offset, st.Length)
		}
		if len(s.BloomFilters) > 0 {
			fmt.Fprintf(w, "  Bloom filters on columns %v\n", s.BloomFilters)
		}
		if len(s.Stats) > 0 {
			fmt.Fprintln(w, "  Statistics:")
			for c := range s.Stats {
				fmt.Fprintf(w, "    column %d: %s\n", c, orcStatsText(&s.Stats[c]))
			}
		}
	}
}

// orcStatsText renders statistics in one line.
func orcStatsText(s *orcfile.Statistics) string {
	if s == nil {
		return ""
	}
	out := fmt.Sprintf("count %d", s.Count)
	if s.HasNullKnown {
		out += fmt.Sprintf(", hasNull %v", s.HasNull)
	}
	switch {
	case s.Int != nil:
		out += fmt.Sprintf(", min %d, max %d", s.Int.Min, s.Int.Max)
		if s.Int.HasSum {
			out += fmt.Sprintf(", sum %d", s.Int.Sum)
		}
	case s.Double != nil:
		out += fmt.Sprintf(", min %g, max %g, sum %g", s.Double.Min, s.Double.Max, s.Double.Sum)
	case s.String != nil:
		if s.String.HasMinMax {
			out += fmt.Sprintf(", min %q, max %q", s.String.Min, s.String.Max)
		}
		out += fmt.Sprintf(", total length %d", s.String.Sum)
	case s.Bool != nil:
		out += fmt.Sprintf(", true %d", s.Bool.TrueCount)
	case s.Date != nil:
		out += fmt.Sprintf(", min %s, max %s", time.Unix(int64(s.Date.Min)*86400, 0).UTC().Format("2006-01-02"),
			time.Unix(int64(s.Date.Max)*86400, 0).UTC().Format("2006-01-02"))
	case s.Timestamp != nil:
		zone := "UTC"
		if !s.Timestamp.UTC {
			zone = "writer-local"
		}
		out += fmt.Sprintf(", min %s, max %s (%s)", time.UnixMilli(s.Timestamp.Min).UTC().Format("2006-01-02 15:04:05.000"),
			time.UnixMilli(s.Timestamp.Max).UTC().Format("2006-01-02 15:04:05.000"), zone)
	case s.Decimal != nil:
		out += fmt.Sprintf(", min %s, max %s, sum %s", s.Decimal.Min, s.Decimal.Max, s.Decimal.Sum)
	case s.Binary != nil:
		out += fmt.Sprintf(", total length %d", s.Binary.Sum)
	}
	return out
}
