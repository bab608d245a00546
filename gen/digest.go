package gen

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// CloudTrail writes a digest file per region every hour next to the logs,
// under AWSLogs/<account>/CloudTrail-Digest/. Readers must skip them (they
// are not events). The generator writes one per account, region and day,
// listing the log files delivered in that day's first hour, with their real
// SHA-256 (often none: sparse runs deliver little in that hour); the
// signature fields are placeholders. Days on which an account and region
// delivered nothing get no digest.

const trailName = "management-events"

func (w *world) writeDigests(dir string, entries []digestEntry, total *stats) error {
	type key struct {
		acct, region int
		day          int64
	}
	lists := map[key][]int{}
	active := map[key]bool{} // days on which the account+region delivered logs
	for fi := range w.files {
		f := &w.files[fi]
		k := key{f.acct, f.region, f.stamp() / 86400}
		active[k] = true
		if entries[fi].key != "" {
			lists[k] = append(lists[k], fi)
		}
	}
	start := w.cfg.Start.Unix()
	firstDay, lastDay := start/86400, (start+int64(w.cfg.Days)*86400)/86400
	var out fileBuf
	var dirs sync.Map
	for a := range w.accts {
		for ri := range regions {
			for day := firstDay; day <= lastDay; day++ {
				k := key{a, ri, day}
				if !active[k] {
					continue
				}
				out.b = out.b[:0]
				raw := w.appendDigest(nil, a, ri, day, lists[k], entries)
				zw, _ := gzip.NewWriterLevel(&out, gzip.BestSpeed)
				if _, err := zw.Write(raw); err != nil {
					return fmt.Errorf("gzip: %w", err)
				}
				if err := zw.Close(); err != nil {
					return fmt.Errorf("gzip: %w", err)
				}
				acct, region := w.accts[a].id, regions[ri].name
				end := day*86400 + 3600
				rel := "AWSLogs/" + acct + "/CloudTrail-Digest/" + region + "/" + datePath(end)
				stamp := compactStamp(end) // 20240501T0100Z
				name := acct + "_CloudTrail-Digest_" + region + "_" + trailName + "_" + region + "_" + stamp[:13] + "00Z.json.gz"
				if err := writeFile(&dirs, dir, rel, rel+"/"+name, out.b); err != nil {
					return err
				}
				total.digests++
				total.bytes += int64(len(out.b))
			}
		}
	}
	return nil
}

func (w *world) appendDigest(dst []byte, a, ri int, day int64, files []int, entries []digestEntry) []byte {
	acct := w.accts[a]
	bucket := acct.org + "-cloudtrail-logs"
	dst = append(dst, '{')
	dst = appendKV(dst, "awsAccountId", acct.id)
	dst = append(dst, `"digestStartTime":"`...)
	dst = appendISO(dst, day*86400)
	dst = append(dst, `","digestEndTime":"`...)
	dst = appendISO(dst, day*86400+3600)
	dst = append(dst, `",`...)
	dst = appendKV(dst, "digestS3Bucket", bucket)
	dst = append(dst, `"digestPublicKeyFingerprint":"0123456789abcdef0123456789abcdef","digestSignatureAlgorithm":"SHA256withRSA",`...)
	dst = append(dst, `"previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[`...)
	for i, fi := range files {
		if i > 0 {
			dst = append(dst, ',')
		}
		f := &w.files[fi]
		dst = append(dst, '{')
		dst = appendKV(dst, "s3Bucket", bucket)
		dst = appendKV(dst, "s3Object", entries[fi].key)
		dst = appendKV(dst, "hashValue", entries[fi].hash)
		dst = append(dst, `"hashAlgorithm":"SHA-256","newestEventTime":"`...)
		dst = appendISO(dst, f.start+f.win-1)
		dst = append(dst, `","oldestEventTime":"`...)
		dst = appendISO(dst, f.start)
		dst = append(dst, `"}`...)
	}
	return append(dst, `]}`...)
}
