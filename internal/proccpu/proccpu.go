// Package proccpu reads this process's CPU time (user + system).
//
// Benchmarks report CPU time beside wall time because the machines they
// run on are shared: wall time measures the neighbours too. The bench
// package and the benchmarks of ingest, lakeapi, orcstore, s3io and exec
// read it here rather than each keeping its own getrusage call.
//
// proccpu imports no other ctlake package, so the bottom packages
// (orcstore, sql) may use it without breaking the one-way import rule.
package proccpu
