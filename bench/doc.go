// Package bench measures columnar scans against JSON scans and peers.
package bench
