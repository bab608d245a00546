package sql

import "strconv"

// OutputName is the result column name CloudTrail Lake (Trino) gives a
// select item: the alias if one was written; for a column reference, the
// last segment of its path as written (userIdentity.principalId →
// principalId); otherwise "_colN" with N the item's 0-based index among
// the select items. Star items expand to many columns and have no single
// name; OutputName returns "" for them.
func OutputName(item *SelectItem, index int) string {
	switch {
	case item.Star:
		return ""
	case item.Alias != nil:
		return item.Alias.Name
	}
	switch e := item.Expr.(type) {
	case *ColumnRef:
		return e.Parts[len(e.Parts)-1]
	case *FieldAccess:
		return e.Field
	}
	return "_col" + strconv.Itoa(index)
}
