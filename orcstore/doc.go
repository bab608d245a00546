// Package orcstore keeps CloudTrail event data stores on disk: a folder per
// store holding ORC files (written and read by the orcfile subpackage) and an
// atomically replaced manifest of the committed files. It is also the one
// home of the CloudTrail Lake event schema (schema.go).
//
// orcstore imports no other ctlake package.
package orcstore
