// Package gen generates deterministic, realistic CloudTrail events for tests,
// benchmarks and the demo.
//
// Realism. Events come from a catalog of ~590 (eventSource, eventName) pairs
// over 44 services with Zipf-like popularity (S3 object reads, KMS Decrypt,
// sts AssumeRole and EC2 Describe* dominate), spread over a handful of
// regions (us-east-1 heaviest, global services only there) and over --days
// with a business-hours peak and quiet weekends. Management, data (S3
// objects, Lambda Invoke, DynamoDB items, SQS/SNS, Bedrock agents, Step
// Functions InvokeHTTPEndpoint, Nova Act, Q Apps), network activity
// (AwsVpceEvent) and Insights events appear in realistic shares, with the
// record shapes of the CloudTrail documentation: every userIdentity type,
// per-account pools of principals with a few hot ones, AKIA/ASIA keys, skewed
// source IPs, SDK/CLI/console user agents, a few percent of errors with each
// service's codes, nested requestParameters, responseElements for writes,
// additionalEventData, resources and tlsDetails.
//
// Determinism. All randomness derives from Config.Seed through independent
// splitmix64 streams. A plan fixed up front assigns every log file its
// account, region, window and the global numbers of its events; event k is
// built from its own generator seeded by (Seed, k). Files can therefore be
// generated and compressed by any number of workers in any order, and the
// output is byte-identical for the same Config whatever Config.Workers is.
//
// Use. New returns an in-memory Generator (Next appends one event's JSON);
// Write produces files in the S3 layout of a trail's bucket (gzipped
// {"Records":[…]} per account, region and ~5 minutes, plus CloudTrail-Insight
// and CloudTrail-Digest files) or as NDJSON. Both report a Summary whose
// Counts give the ground truth per (eventSource, eventName), writable as the
// TSV the shared datasets use.
//
// JSON is built by appending to byte slices with small escaping helpers; no
// reflection or maps on the hot path (about 1M events/s per core).
package gen
