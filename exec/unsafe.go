package exec

import "unsafe"

// castSlice views a byte buffer as n values of T (the buffer comes from an
// Arrow allocator, which aligns to 64 bytes).
func castSlice[T any](b []byte, n int) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// bytesView is b as a string without copying; it aliases the Arrow buffer
// like array.String.Value does.
func bytesView(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
