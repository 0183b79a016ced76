//go:build !linux

package tako

import (
	"errors"
	"runtime"
)

var errPreforkOS = errors.New("tako: ListenPrefork needs Linux, whose SO_REUSEPORT balances connections across processes; not supported on " + runtime.GOOS)

func (a *App) preforkChild(addr string) error  { return errPreforkOS }
func (a *App) preforkParent(addr string) error { return errPreforkOS }
