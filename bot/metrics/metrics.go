// Package metrics holds Tongbao's Prometheus metrics: deliveries by
// platform and outcome, send latency, fan-out volume, reads by channel, and
// the queue depths, served on /metrics by bot/web.
package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tongbao/content"
)

// Metrics are the counters the dispatcher, the bot and the reader update.
type Metrics struct {
	Deliveries  *prometheus.CounterVec   // platform, outcome
	SendSeconds *prometheus.HistogramVec // platform
	Enqueued    *prometheus.CounterVec   // platform, purpose
	Reads       *prometheus.CounterVec   // via
	Updates     *prometheus.CounterVec   // platform: incoming messages
}

// New creates the metrics and registers them on reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tongbao_deliveries_total", Help: "Push deliveries by platform and outcome (sent, retry, rate_limited, blocked, left, dead, skipped).",
		}, []string{"platform", "outcome"}),
		SendSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tongbao_send_seconds", Help: "Time a platform took to accept one message.", Buckets: prometheus.DefBuckets,
		}, []string{"platform"}),
		Enqueued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tongbao_enqueued_total", Help: "Deliveries put on the queues by fan-out, by platform and purpose.",
		}, []string{"platform", "purpose"}),
		Reads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tongbao_reads_total", Help: "First reads of bulletins, by channel (link, button, text).",
		}, []string{"via"}),
		Updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tongbao_incoming_total", Help: "Messages and button presses received, by platform.",
		}, []string{"platform"}),
	}
	reg.MustRegister(m.Deliveries, m.SendSeconds, m.Enqueued, m.Reads, m.Updates)
	return m
}

// QueueStatser is what the queue collector reads.
type QueueStatser interface {
	QueueStats(ctx context.Context, platform string) (*content.QueueStats, error)
}

// QueueCollector reports each platform's queue depth at scrape time.
type QueueCollector struct {
	store     QueueStatser
	platforms []string
	depth     *prometheus.Desc
}

// NewQueueCollector reads the queues of these platforms when scraped.
func NewQueueCollector(st QueueStatser, platforms []string) *QueueCollector {
	return &QueueCollector{store: st, platforms: platforms, depth: prometheus.NewDesc(
		"tongbao_queue_deliveries", "Deliveries in the queue by platform and state (pending = being sent, waiting = not yet taken (lag), delayed = waiting to retry, dead).",
		[]string{"platform", "state"}, nil)}
}

// Describe implements prometheus.Collector.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.depth }

// Collect implements prometheus.Collector.
func (c *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, p := range c.platforms {
		st, err := c.store.QueueStats(ctx, p)
		if err != nil {
			continue
		}
		for state, v := range map[string]int64{"pending": st.Pending, "waiting": st.Lag, "delayed": st.Delayed, "dead": st.Dead} {
			ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(v), p, state)
		}
	}
}
