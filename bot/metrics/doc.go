// Package metrics holds Tongbao's Prometheus metrics: deliveries by
// platform and outcome, send latency, fan-out volume, reads by channel,
// messages received, and (QueueCollector) the queue depths and sent totals
// read from the store at each scrape. bot/web serves them on /metrics.
package metrics
