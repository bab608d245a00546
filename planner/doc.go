// Package planner binds parsed SQL to the CloudTrail schema, prunes columns,
// pushes predicates and time ranges into ORC scans and explains its plans.
package planner
