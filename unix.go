package tako

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
)

// ListenUnix listens on a Unix domain stream socket at path, for App.Serve. A stale
// socket file left at path by an earlier run is removed first (any other kind of file
// there is an error, never removed); the new socket file gets mode (for example
// 0o660 to let a group of local proxies connect), and closing the listener removes
// it. The mode is set right after the socket is created, so for a moment it has the
// process umask's permissions; run under a restrictive umask if that matters.
func ListenUnix(path string, mode fs.FileMode) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("tako: ListenUnix: %s exists and is not a socket", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("tako: ListenUnix: removing stale socket: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("tako: ListenUnix: %w", err)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("tako: ListenUnix: %w", err)
	}
	ln.SetUnlinkOnClose(true)
	if err := os.Chmod(path, mode.Perm()); err != nil {
		ln.Close()
		return nil, fmt.Errorf("tako: ListenUnix: %w", err)
	}
	return ln, nil
}
