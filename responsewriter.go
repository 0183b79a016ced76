package tako

import "net/http"

// SwapResponseWriter replaces the http.ResponseWriter that c writes to on the
// NetHTTP engine and returns the previous one. Middleware that transforms the
// response body (compression, for one) installs its writer before calling the
// next handler and puts the previous one back afterwards. On the FastHTTP
// engine, where the response is c.FastHTTP().Response, it does nothing and
// returns nil.
func (c *Ctx) SwapResponseWriter(w http.ResponseWriter) http.ResponseWriter {
	if c.engine != NetHTTP {
		return nil
	}
	prev := c.w
	c.w = w
	return prev
}
