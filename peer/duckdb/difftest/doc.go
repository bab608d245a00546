// Package difftest runs the same queries on ctlake and on DuckDB over the
// same CloudTrail events and requires equal results. It is test-only; see
// difftest_test.go and querytest/README.md in the main module.
package difftest
