// Package store keeps everything Tongbao remembers in Redis, through one
// go-redis UniversalClient: a single server, Sentinel, Cluster, or the
// embedded in-process store (store/embedded) — one implementation for all.
//
// It holds bulletins (deduplicated by fingerprint, indexed for the timeline,
// by kind, tag and date, and for BM25 search), subscribers and their
// subscriptions, the per-bulletin delivered and read bitmaps with their
// counters, each platform's delivery queue (a Stream with a consumer group,
// delayed retries and dead letters), send leases, rate limits, leases for
// pollers and schedulers, sessions and the audit log.
//
// Keys that one command touches together share a hash tag, so every
// multi-key command runs unchanged on Redis Cluster; see the keys type.
package store
