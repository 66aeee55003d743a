// Package content is Tongbao's domain: the Bulletin, its Meeting structure
// and Summary, and the pipeline that turns raw bytes (text or HTML, UTF-8 or
// GBK, or a Word .docx) into a Bulletin: decode, strip site chrome, extract fields and meeting
// structure, summarize, tag topics and fingerprint for dedupe.
//
// It also holds the records the rest of Tongbao passes around —
// Subscriber, Subscription, Delivery, DeliveryStats, SearchHit — so the store
// and the bot agree on them without importing each other. It imports no
// other package of this module.
package content
