// Package exec runs plans as pull-based, vectorized operators over Apache
// Arrow record batches with selection vectors.
package exec
