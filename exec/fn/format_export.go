package fn

// FormatDouble prints a double as CAST(x AS varchar) does (Java's
// Double.toString: 1.0, 0.001, 1.0E7, NaN), for front-ends that must
// render values as Lake's string results do.
func FormatDouble(f float64) string { return javaDouble(f) }
