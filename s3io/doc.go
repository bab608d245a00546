// Package s3io is ctlake's S3 access: a client built on the AWS SDK for Go
// v2 (the standard credential chain through config.LoadDefaultConfig,
// bucket region discovery, --endpoint-url and path-style addressing for
// S3-compatible stores), listing, object reads that resume after a cut
// body, uploads, and errors that name the object and the identity in use.
//
// It knows nothing of CloudTrail or stores: ingest decides what to list and
// read (ingest/s3*.go), and export decides what to upload (export.go in
// this package works on an orcstore manifest).
package s3io
