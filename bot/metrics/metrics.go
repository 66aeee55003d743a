package metrics

import (
	"context"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tongbao/content"
)

// Outcome is what became of one delivery attempt: the "outcome" label of
// tongbao_deliveries_total.
type Outcome string

// The outcomes of a delivery attempt.
const (
	OutcomeSent        Outcome = "sent"         // the platform accepted it
	OutcomeSkipped     Outcome = "skipped"      // nothing to send (already delivered, subscriber gone, bulletin gone)
	OutcomeHeld        Outcome = "held"         // put back until quiet hours end or a limit allows
	OutcomeRetry       Outcome = "retry"        // failed, retried later with backoff
	OutcomeRateLimited Outcome = "rate_limited" // the platform said wait (429), retried after that
	OutcomeQuota       Outcome = "quota"        // a daily quota is used up, retried much later
	OutcomeBlocked     Outcome = "blocked"      // the subscriber blocked the bot
	OutcomeLeft        Outcome = "left"         // the subscriber unfollowed or left
	OutcomeDead        Outcome = "dead"         // given up: in the dead-letter list
	OutcomeStale       Outcome = "stale"        // another worker's claim took over
	OutcomeError       Outcome = "error"        // the store failed while settling it
)

// Outcomes lists every outcome, for the metric's help text.
var Outcomes = []Outcome{OutcomeSent, OutcomeSkipped, OutcomeHeld, OutcomeRetry, OutcomeRateLimited, OutcomeQuota,
	OutcomeBlocked, OutcomeLeft, OutcomeDead, OutcomeStale, OutcomeError}

// outcomeNames is the outcomes as a comma-separated list.
func outcomeNames() string {
	names := make([]string, len(Outcomes))
	for i, o := range Outcomes {
		names[i] = string(o)
	}
	return strings.Join(names, ", ")
}

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
			Name: "tongbao_deliveries_total", Help: "Push deliveries by platform and outcome (" + outcomeNames() + ").",
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

// QueueCollector reports each platform's queue depth, and the total sent
// through it, at scrape time.
type QueueCollector struct {
	store     QueueStatser
	platforms []string
	depth     *prometheus.Desc
	sent      *prometheus.Desc
}

// NewQueueCollector reads the queues of these platforms when scraped.
func NewQueueCollector(st QueueStatser, platforms []string) *QueueCollector {
	return &QueueCollector{store: st, platforms: platforms,
		depth: prometheus.NewDesc(
			"tongbao_queue_deliveries", "Deliveries in the queue by platform and state (pending = being sent, waiting = not yet taken (lag), delayed = waiting to retry, dead).",
			[]string{"platform", "state"}, nil),
		// Kept in the store, so it counts every replica's sends and
		// survives restarts, unlike tongbao_deliveries_total.
		sent: prometheus.NewDesc(
			"tongbao_queue_sent_total", "Deliveries sent by platform, ever (kept in the store, across replicas and restarts).",
			[]string{"platform"}, nil)}
}

// Describe implements prometheus.Collector.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.sent
}

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
		ch <- prometheus.MustNewConstMetric(c.sent, prometheus.CounterValue, float64(st.Sent), p)
	}
}
