package content

import "time"

// Read channels, as counted per bulletin.
const (
	ViaLink   = "link"   // opened the personal link
	ViaButton = "button" // pressed 已读 (Telegram)
	ViaText   = "text"   // asked for the full text (全文)
)

// Purposes of a delivery.
const (
	PurposeBulletin     = "bulletin"
	PurposeAnnouncement = "announcement"
	PurposeReminder     = "reminder"
	PurposeDigest       = "digest"
	// PurposeNotice is a message of the catalog to one person (their bind
	// request was decided); its BulletinID names it, for the once-only
	// claim.
	PurposeNotice = "notice"
)

// Notice is what a PurposeNotice delivery says: a catalog key (bot/msg)
// and its arguments, put in the recipient's language when it is sent.
type Notice struct {
	Key  string   `json:"k"`
	Args []string `json:"a,omitempty"`
}

// Delivery is one message to send to one subscriber.
type Delivery struct {
	// StreamID is the entry's id in the queue (set when received).
	StreamID   string `json:"-"`
	BulletinID string `json:"b"`
	Subscriber string `json:"s"`
	Dense      int64  `json:"d"`
	Purpose    string `json:"p,omitempty"`
	// Attempt counts sends tried before this one (0 for the first).
	Attempt int  `json:"a,omitempty"`
	Urgent  bool `json:"u,omitempty"`
	// LastError is why the previous attempt failed.
	LastError string `json:"e,omitempty"`
	// NotBefore holds a delivery back until then (quiet hours).
	NotBefore int64 `json:"nb,omitempty"`
	// Notice is the message of a PurposeNotice delivery.
	Notice *Notice `json:"n,omitempty"`
}

// DeadLetter is a delivery that was given up on, with the reason.
type DeadLetter struct {
	Delivery Delivery  `json:"delivery"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

// HistoryEntry is one read in a subscriber's history.
type HistoryEntry struct {
	BulletinID string
	ReadAt     time.Time
}

// DeliveryStats is what is known of one bulletin's reach.
type DeliveryStats struct {
	BulletinID string `json:"bulletin_id"`
	Delivered  int64  `json:"delivered"`
	Read       int64  `json:"read"`
	// ReadRate is Read/Delivered (0 when nothing was delivered).
	ReadRate   float64          `json:"read_rate"`
	ByPlatform map[string]Reach `json:"by_platform"`
	ByUnit     map[string]Reach `json:"by_unit"`
	// Via counts first reads by channel (link, button, text).
	Via map[string]int64 `json:"via"`
	// ByHour counts first reads by whole hours after publication.
	ByHour map[int]int64 `json:"by_hour"`
	// Reminded is how many reminders were sent.
	Reminded int64 `json:"reminded"`
}

// Reach is delivered and read counts for one slice of the audience.
type Reach struct {
	Delivered int64 `json:"delivered"`
	Read      int64 `json:"read"`
}

// QueueStats describes one platform's queue.
type QueueStats struct {
	Length  int64 `json:"length"`  // entries in the stream (handled ones until trimmed)
	Pending int64 `json:"pending"` // received, not yet acknowledged
	Lag     int64 `json:"lag"`     // not yet received by any consumer
	Delayed int64 `json:"delayed"` // waiting for a retry
	Dead    int64 `json:"dead"`    // given up
}

// AuditEntry is one admin action.
type AuditEntry struct {
	At     time.Time         `json:"at"`
	Actor  string            `json:"actor"`
	Action string            `json:"action"`
	Detail map[string]string `json:"detail,omitempty"`
}

// Claim is the answer to "may I send this (bulletin, subscriber) now?".
type Claim int

// The answers a claim gets.
const (
	ClaimOK        Claim = iota // send it: the caller holds the lease
	ClaimDelivered              // already delivered: acknowledge and skip
	ClaimBusy                   // another sender holds the lease: leave it
)

// Slot answers a request for a send slot under rate limits (see
// store.Store.ReserveSlot).
type Slot struct {
	// Reserved is true when the slot is taken (and counted): send after
	// Wait. Otherwise nothing was counted and the caller asks again after
	// Wait.
	Reserved bool
	// ChatBusy tells, when not Reserved, that the chat (not the whole
	// account) is at its limit or paused.
	ChatBusy bool
	Wait     time.Duration
}

// Rate is one send limit: at most one message per Interval under Key (a
// platform's whole account, one chat, one group), with Burst messages
// allowed at once (Burst ≤ 1 means evenly spaced).
type Rate struct {
	Key      string
	Interval time.Duration
	Burst    int
}
