// Package gen generates deterministic, realistic CloudTrail events for tests,
// benchmarks and the demo.
package gen
