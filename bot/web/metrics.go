package web

import (
	"crypto/subtle"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MetricsHandler serves the Prometheus metrics of g. With a token, a
// scrape must send "Authorization: Bearer <token>" (Prometheus:
// authorization.credentials in the scrape config) or gets 401; without
// one the metrics are open to whoever reaches the handler, so it should
// then listen on an address of its own (metrics.listen).
func MetricsHandler(g prometheus.Gatherer, token string) http.Handler {
	h := promhttp.HandlerFor(g, promhttp.HandlerOpts{})
	if token == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hasBearer(r, token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tongbao metrics"`)
			http.Error(w, "metrics need Authorization: Bearer <TONGBAO_METRICS_TOKEN>", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// hasBearer reports whether r carries "Authorization: Bearer <token>",
// compared in constant time.
func hasBearer(r *http.Request, token string) bool {
	return subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+token)) == 1
}
