package main

import (
	"context"
	"fmt"
	"os"
)

// shellSettings are what meta-commands change for the rest of a session.
type shellSettings struct {
	format       string
	timer, stats bool
	outFile      *os.File
	outName      string
}

func (sh *shell) settings() shellSettings {
	s := shellSettings{format: sh.format, timer: sh.timer, stats: sh.stats, outFile: sh.outFile}
	if sh.outFile != nil {
		s.outName = sh.outFile.Name()
	}
	return s
}

// readFile is .read: it runs the statements and commands of path, then
// puts back the settings the file changed (.format, .timer, .stats,
// .output), so that a saved investigation cannot leave the session
// printing differently (or into a file) afterwards. .param values stay:
// setting them is what a setup file is for.
func (sh *shell) readFile(ctx context.Context, path string) (quit bool) {
	if sh.depth >= 8 {
		sh.fail(fmt.Errorf(".read %s: nested too deeply", path))
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		sh.fail(err)
		return false
	}
	defer f.Close()
	saved := sh.settings()
	sh.depth++
	quit = sh.script(ctx, f, path)
	sh.depth--
	sh.restore(saved)
	return quit
}

// restore puts back settings saved before a .read.
func (sh *shell) restore(s shellSettings) {
	sh.format, sh.timer, sh.stats = s.format, s.timer, s.stats
	if sh.outFile == s.outFile {
		return
	}
	sh.closeOutput() // a file the .read opened
	if s.outFile == nil {
		return
	}
	// The .read file switched away from the session's output file, which
	// closed it: reopen it to append where the session left off.
	f, err := os.OpenFile(s.outName, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		sh.fail(fmt.Errorf(".output %s cannot be restored after .read: %v", s.outName, err))
		return
	}
	sh.outFile, sh.out = f, f
}
