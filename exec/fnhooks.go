package exec

import (
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// The function library (package fn) is written alongside this package and
// will export CastKernel and LikeMatcher. Until both packages land together
// the compiler reaches them through these variables; the integrator (or
// fn's init) sets them, and tests install stand-ins.
var (
	// castKernel is fn.CastKernel: the kernel converting from -> to; with
	// try, failures give NULL instead of an error.
	castKernel func(from, to planner.Type, try bool) (fn.Kernel, error)
	// likeMatcher is fn.LikeMatcher: a compiled LIKE pattern.
	likeMatcher func(pattern, escape string) (func(string) bool, error)
)

// SetFunctionHooks installs fn's CastKernel and LikeMatcher.
func SetFunctionHooks(cast func(from, to planner.Type, try bool) (fn.Kernel, error), like func(pattern, escape string) (func(string) bool, error)) {
	castKernel, likeMatcher = cast, like
}
