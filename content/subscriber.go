package content

import (
	"strings"
	"time"
)

// Status is whether a subscriber receives pushes.
type Status string

// Subscriber statuses.
const (
	StatusActive  Status = "active"  // receives pushes
	StatusBlocked Status = "blocked" // blocked the bot (Telegram 403); nothing is pushed
	StatusLeft    Status = "left"    // unfollowed the account / left; nothing is pushed
)

// Statuses lists every subscriber status.
var Statuses = []Status{StatusActive, StatusBlocked, StatusLeft}

// Delivery modes.
const (
	ModeInstant = "instant" // each bulletin as it arrives
	ModeDigest  = "digest"  // one digest a day at DigestAt
)

// Subscription kinds.
const (
	SubAll     = "all"     // every bulletin (the default for a new subscriber)
	SubTopic   = "topic"   // a topic from the topic list
	SubKind    = "kind"    // a kind: meeting, notice, news
	SubKeyword = "keyword" // any bulletin whose text contains a word
)

// Subscription is one thing a subscriber asked to receive.
type Subscription struct {
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"`
}

// Subscriber is one person (or group or channel) on one platform.
type Subscriber struct {
	ID       string // platform:native_id
	Platform string
	NativeID string
	Name     string
	Lang     string // "zh" or "en"
	Unit     string // 单位
	Status   Status
	Admin    bool
	// Dense is the subscriber's small integer, its bit in every per-bulletin
	// bitmap.
	Dense     int64
	FirstSeen time.Time
	LastSeen  time.Time
	// LastInbound is when the person last wrote to us (WeChat allows
	// customer-service messages for 48 hours after it).
	LastInbound time.Time
	Mode        string // ModeInstant or ModeDigest
	DigestAt    string // "08:00" (Asia/Shanghai)
	Quiet       string // quiet hours "22:00-07:00", or ""
	Subs        []Subscription
}

// WantsAll reports whether the subscriber's subscriptions cover all bulletins.
func (s *Subscriber) WantsAll() bool {
	for _, sub := range s.Subs {
		if sub.Kind == SubAll {
			return true
		}
	}
	return false
}

// Recipient is a subscriber chosen for a delivery: the id and the dense
// integer that is its bit in the per-bulletin bitmaps.
type Recipient struct {
	ID    string
	Dense int64
}

// Wants reports whether the subscriber's subscriptions cover a bulletin:
// everything, one of its topics, its kind, or a keyword in its text.
func (s *Subscriber) Wants(b *Bulletin) bool {
	for _, sub := range s.Subs {
		switch sub.Kind {
		case SubAll:
			return true
		case SubTopic:
			if b.HasTag(sub.Value) {
				return true
			}
		case SubKind:
			if string(b.Kind) == sub.Value {
				return true
			}
		case SubKeyword:
			if sub.Value != "" && (strings.Contains(b.Title, sub.Value) || strings.Contains(b.Text(), sub.Value)) {
				return true
			}
		}
	}
	return false
}

// Segment names a broadcast audience: "all", "platform:tg", "topic:防汛",
// "unit:县应急管理局", "kind:meeting".
type Segment string

// SubscriberCounts tallies subscribers by status, platform and unit.
type SubscriberCounts struct {
	Total      int64            `json:"total"`
	ByStatus   map[Status]int64 `json:"by_status"`
	ByPlatform map[string]int64 `json:"by_platform"`
	ByUnit     map[string]int64
}
