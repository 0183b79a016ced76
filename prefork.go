package tako

import "time"

// Defaults of the prefork knobs in Config.
const (
	DefaultPreforkGrace    = 10 * time.Second // a child's graceful shutdown
	DefaultPreforkRestarts = 5                // restarts in a row of a child that dies early
)
