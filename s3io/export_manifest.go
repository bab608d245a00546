package s3io

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Symlink manifests: what makes an export a snapshot for engines that list
// a table's folder. A Hive table over PREFIX/eventdate=…/ reads whatever
// files are there when a query lists them — half of an export's uploads,
// or a compacted file beside the files it replaced. A table declared with
// Hive's SymlinkTextInputFormat (Athena, Trino's Hive connector, Redshift
// Spectrum; the way Delta Lake serves those engines) reads instead the
// files named in the text files of its partition folders: ctlake writes
// one per partition, PREFIX/_symlink_format_manifest/eventdate=D/manifest,
// holding the s3:// URLs of that day's files in the snapshot, after the
// files are uploaded and in one PUT, so each day a query reads is exactly
// that day's events in either the previous or the new snapshot, never a
// mix, and never a file before it is complete (S3 replaces an object
// atomically). Days are disjoint (an event's eventdate never changes), so
// a query over several days during an export sees every event at most
// once; it may see some days already at the new snapshot and others still
// at the previous one, for as long as the manifest PUTs take.

// ManifestDir is the symlink table's folder under an export prefix.
const ManifestDir = "_symlink_format_manifest/"

// manifestKey is the manifest of one eventdate partition.
func manifestKey(prefix, date string) string {
	return prefix + ManifestDir + "eventdate=" + date + "/manifest"
}

// writeManifests writes the manifest of every exported date holding files
// in files (the snapshot, sorted by date), and deletes the manifests of
// exported dates that no longer hold any. A manifest whose ETag shows the
// same content is left alone, so that an export rewrites only the days
// that changed. existing is the listing of the
// prefix taken before the export.
func (c *Client) writeManifests(ctx context.Context, prefix string, files []ExportedFile, existing map[string]Object, inRange func(date string) bool) error {
	byDate := map[string][]string{}
	for _, f := range files {
		if inRange(f.Date) {
			byDate[f.Date] = append(byDate[f.Date], URL(c.Bucket, prefix+f.Key))
		}
	}
	dates := make([]string, 0, len(byDate))
	for d := range byDate {
		dates = append(dates, d)
	}
	sort.Strings(dates)
	for _, d := range dates {
		urls := byDate[d]
		sort.Strings(urls)
		body := []byte(strings.Join(urls, "\n") + "\n")
		key := manifestKey(prefix, d)
		if sum := md5.Sum(body); existing[key].ETag == hex.EncodeToString(sum[:]) {
			continue // unchanged: the day's files are those of the last export
		}
		if err := c.put(ctx, key, body, "text/plain"); err != nil {
			return err
		}
	}
	for key := range existing {
		rel, ok := strings.CutPrefix(key, prefix+ManifestDir)
		if !ok || !strings.HasSuffix(rel, "/manifest") {
			continue
		}
		date, ok := partitionDate(rel)
		if !ok || !inRange(date) || byDate[date] != nil {
			continue
		}
		if _, err := c.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(c.Bucket), Key: aws.String(key)}); err != nil {
			return c.wrap(ctx, "delete", key, err)
		}
	}
	return nil
}
