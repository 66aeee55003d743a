// Package store keeps everything Tongbao remembers in Redis, through one
// go-redis UniversalClient: a single server, Sentinel, Cluster, or the
// embedded in-process store (store/embedded) — one implementation for all.
//
// What it holds, and the file that holds it:
//
//	bulletins.go      bulletins, deduplicated by fingerprint and MinHash, with
//	                  their timeline, kind and tag indexes and aliases
//	facets.go         structured facts about a bulletin (place, body, person…)
//	lexicon.go        the words the stored bulletins give a meaning to
//	search.go         the BM25 index and search
//	select.go         paging through the intersection of indexes
//	announcements.go  admins' announcements (read and counted like bulletins)
//	subscribers.go    subscribers, their settings and subscriptions, audiences
//	reads.go          per-bulletin delivered and read bitmaps, counters, history
//	queue.go          each platform's delivery queue (a Stream with a consumer
//	                  group, delayed retries, dead letters) and send leases
//	reclaim.go        consumer heartbeats and taking over a dead one's work
//	limit.go          the rate limiter (GCRA), shared by every replica
//	pace.go           send slots that pace one account's messages
//	lease.go          named leases: Hold runs a job (a poller, the scheduler,
//	                  a fan-out) on one replica at a time
//	jobs.go           unfinished work (a fan-out) to resume after a crash
//	schedules.go      named schedules of members due at a time
//	sessions.go       small per-user conversation state
//	once.go           dropping platform retries (seen-once keys)
//	audit.go          the admin audit log
//	console.go        the admin console: one-time sign-in links, sessions,
//	                  broadcasts awaiting approval, subscriber search, the
//	                  unread by unit, read counts of many bulletins at once,
//	                  dead-letter retry
//	sources.go        source pollers' status and the items they handed over
//	secret.go         the deployment's read-link secret
//	tokens.go         platform access tokens every replica shares
//	cache.go          BulletinCache: recently read bulletins kept in memory
//	                  (fan-outs and the web reader; a bulletin never changes)
//	store.go          opening and closing; connect.go the Redis settings
//	schema.go         the data's schema version, migrated at Open under a lease
//	backup.go         Backup and Restore: a compressed copy of every key
//	serverinfo.go     the Redis version and persistence, for `tongbao check`
//
// Keys that one command touches together share a hash tag, so every
// multi-key command runs unchanged on Redis Cluster; keys.go builds every
// key and lists the families.
package store
