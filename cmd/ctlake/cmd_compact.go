package main

import (
	"context"
	"errors"
	"io"
)

// storeCompact is wired once the ORC reader and writer are merged.
func storeCompact(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("compact: not available in this build yet")
}
