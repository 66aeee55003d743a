package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"tongbao/bot/web"
)

// serveMetrics starts /metrics on metrics.listen when that is set, and
// otherwise says where the metrics are and warns when nothing guards them.
// The returned function stops the metrics server.
func (s *service) serveMetrics() (stop func(), err error) {
	m := s.cfg.Metrics
	if m.Listen == "" {
		if m.Token == "" {
			s.log.Warn("metrics: /metrics is open to anyone who can reach " + s.cfg.Listen + ": set metrics.listen (TONGBAO_METRICS_LISTEN) to serve them on a private address, or TONGBAO_METRICS_TOKEN to require a bearer token")
		}
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", m.Listen)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s (metrics.listen or TONGBAO_METRICS_LISTEN): %w", m.Listen, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", web.MetricsHandler(s.registry, m.Token))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("metrics: serve", "err", err)
		}
	}()
	s.log.Info("metrics are served apart", "listen", ln.Addr().String(), "token", m.Token != "")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
