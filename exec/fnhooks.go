package exec

import (
	"github.com/ctlake/ctlake/exec/fn"
)

// The compiler reaches fn's CAST and LIKE through these variables so tests
// can substitute them; they default to the function library's own.
var (
	// castKernel converts from -> to; with try, failures give NULL.
	castKernel = fn.CastKernel
	// likeMatcher compiles a LIKE pattern.
	likeMatcher = fn.LikeMatcher
)
