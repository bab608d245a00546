// Package ingest turns CloudTrail JSON in every shape it is delivered in
// ({"Records":[...]}, NDJSON, arrays, gzip, CloudTrail's S3 layout) into typed
// Arrow records of the event schema and commits them to an orcstore.
package ingest

import _ "github.com/valyala/fastjson" // pinned until the decoder imports it
