//go:build !unix

package compress

import "time"

// cpuTime is not measured here; benchmarks then omit cpuMB/s.
func cpuTime() time.Duration { return 0 }
