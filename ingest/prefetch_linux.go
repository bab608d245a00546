package ingest

import "golang.org/x/sys/unix"

// prefetchFile asks the kernel to read path into the page cache in the
// background. Errors are ignored: the decoder reports them when it opens
// the file.
func prefetchFile(path string) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	_ = unix.Fadvise(fd, 0, 0, unix.FADV_WILLNEED)
	_ = unix.Close(fd)
}
