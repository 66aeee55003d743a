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
//
// The files: dispatcher.go (fan-out, announcements and their progress,
// reminders), worker.go (the sender workers, retries, reclaiming),
// render.go (the message of each delivery: a card from bot/cards, an
// announcement or a digest, in the subscriber's language from bot/msg),
// preview.go (an announcement's message for the console's preview) and
// schedule.go (the scheduler: automatic reminders, daily digests and
// resumed fan-outs on the replica holding its lease). It talks to the
// platforms through bot/chat's Sender and never imports the conversation.
package dispatch
