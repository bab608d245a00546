package planner

import "testing"

// The documented window functions are the ones the binder accepts.
func TestWindowFunctionsDocumented(t *testing.T) {
	for name := range WindowFunctions {
		if !IsWindowFunction(name) {
			t.Errorf("%s is documented but not bound", name)
		}
	}
	for name := range rankingFuncs {
		if _, ok := WindowFunctions[name]; !ok {
			t.Errorf("%s is bound but not documented", name)
		}
	}
	for name := range valueFuncs {
		if _, ok := WindowFunctions[name]; !ok {
			t.Errorf("%s is bound but not documented", name)
		}
	}
}
