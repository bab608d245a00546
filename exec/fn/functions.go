package fn

import "github.com/ctlake/ctlake/planner"

// addTrinoMore registers the functions added for the rest of Lake's Trino
// surface (issue 14), each family in its own file.
func (c *Catalog) addTrinoMore() {
	c.addConstructors()
	c.addZoned()
	c.addMoreAggregates()
	c.addBinary()
	c.addIP()
	c.addMiscMore()
	c.addFormat()
	c.addJSONSQL()
}

// moreCasts are the casts of the types added with them (timestamp with
// time zone, ipaddress, ipprefix, varbinary, uuid); ok is false for other
// pairs.
func moreCasts(from, to planner.Type, try bool) (Kernel, bool, error) {
	if from.Kind == planner.KindUnknown {
		return nil, false, nil
	}
	if k, ok, err := zoneCast(from, to, try); ok {
		return k, ok, err
	}
	if k, ok, err := nestedCast(from, to, try); ok {
		return k, ok, err
	}
	for _, mk := range []func(from, to planner.Type) rowFn{binaryCast, ipCast, uuidCast} {
		if f := mk(from, to); f != nil {
			conv := f
			if try {
				conv = func(a []planner.Value) (planner.Value, error) {
					r, err := f(a)
					if err != nil {
						return vnull, nil
					}
					return r, nil
				}
			}
			return rowKernel(ts(from), to, false, conv), true, nil
		}
	}
	return nil, false, nil
}
