package tako

import (
	"net/http"

	"github.com/tako-go/tako/router"
)

// routeTable is the router holding the App's composed endpoints. Lookups run on the raw
// (percent-encoded) request path and fill the router.Params held inline in the Ctx, so
// routing a request allocates nothing.
type routeTable = router.Router[*endpoint]

func newRouteTable() *routeTable { return router.New[*endpoint]() }

// fixPath returns the corrected location (cleaned path, trailing slash toggled) for a path
// no route of method matches, or "" if there is none.
func (a *App) fixPath(method, path string) string {
	if method == http.MethodConnect {
		return ""
	}
	if p, ok := a.routes.FixPath(method, path, router.FixClean|router.FixTrailingSlash); ok && p != path {
		return p
	}
	return ""
}
