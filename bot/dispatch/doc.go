// Package dispatch delivers bulletins: fan-out of a new bulletin to every
// matching subscriber (one entry per subscriber on their platform's Redis
// Stream), sender workers that send each entry once within the platform's
// limits, retries with backoff, dead letters, announcements with progress,
// reminders to the unread, daily digests and quiet hours.
//
// Exactly-once in normal operation comes from a per-(bulletin, subscriber)
// claim: a delivered bit that is never cleared, and a short lease held
// while sending. After a crash, leases expire and the stream's pending
// entries are reclaimed, so every delivery completes and only sends that
// were in flight at the crash can repeat.
package dispatch
