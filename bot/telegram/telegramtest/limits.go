package telegramtest

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// Rate is Events per Per, with bursts of up to Burst events (0: Events).
type Rate struct {
	Events int
	Per    time.Duration
	Burst  int
}

// Limits are the flood limits a server built WithLimits enforces on
// sendMessage and editMessageText.
//
// Each limit is a token bucket (golang.org/x/time/rate) that refills at
// Events/Per and holds Burst tokens. With Burst == Events, any sequence that
// never has more than Events messages in a window of Per passes, and so does
// a client pacing itself with a bucket of the same rate and a smaller or equal
// burst: "30 messages per second" sustained, with the short bursts Telegram
// tolerates. A faster client is answered 429 with retry_after (whole seconds,
// at least 1), as Telegram does.
type Limits struct {
	// Global caps messages of the whole bot; Telegram: about 30 per second.
	Global Rate
	// Paid caps all messages together; those with allow_paid_broadcast
	// are exempt from Global. Telegram: 1,000 per second.
	Paid Rate
	// PerChat caps messages to one chat; Telegram: about 1 per second,
	// short bursts tolerated (default burst 3).
	PerChat Rate
	// PerGroup caps messages to one group, supergroup or channel (a chat
	// with a negative id) on top of PerChat; Telegram: 20 per minute.
	PerGroup Rate
}

// DefaultLimits are Telegram's documented limits (see Limits).
func DefaultLimits() Limits {
	return Limits{
		Global:   Rate{Events: 30, Per: time.Second, Burst: 30},
		Paid:     Rate{Events: 1000, Per: time.Second, Burst: 1000},
		PerChat:  Rate{Events: 1, Per: time.Second, Burst: 3},
		PerGroup: Rate{Events: 20, Per: time.Minute, Burst: 20},
	}
}

// WithLimits enforces flood limits; zero Rates take DefaultLimits'.
// Edits count toward PerChat and PerGroup only: Telegram does not say that
// they count toward the bot's global rate.
func WithLimits(l Limits) Option {
	d := DefaultLimits()
	for _, r := range []struct{ set, def *Rate }{
		{&l.Global, &d.Global}, {&l.Paid, &d.Paid}, {&l.PerChat, &d.PerChat}, {&l.PerGroup, &d.PerGroup},
	} {
		if r.set.Events <= 0 || r.set.Per <= 0 {
			*r.set = *r.def
		}
		if r.set.Burst <= 0 {
			r.set.Burst = r.set.Events
		}
	}
	return func(s *Server) { s.flood.enforce(l) }
}

// WithStrictLimits enforces flood limits as sliding windows, the way an
// independent fake (or a strict reading of Telegram's documentation) does:
// a message is answered 429 when it would make more than Events messages
// fall in any span of Per (Burst is ignored), with retry_after the whole
// seconds until the oldest of them leaves the window. Every call that comes
// while a retry_after is running counts as a Violation (no in-flight
// grace). Zero Rates take DefaultLimits' numbers, with 1 message per second
// to a chat.
func WithStrictLimits(l Limits) Option {
	d := DefaultLimits()
	d.PerChat = Rate{Events: 1, Per: time.Second}
	for _, r := range []struct{ set, def *Rate }{
		{&l.Global, &d.Global}, {&l.Paid, &d.Paid}, {&l.PerChat, &d.PerChat}, {&l.PerGroup, &d.PerGroup},
	} {
		if r.set.Events <= 0 || r.set.Per <= 0 {
			*r.set = *r.def
		}
	}
	return func(s *Server) {
		s.flood.strict = true
		s.flood.grace = 0
		s.flood.enforce(l)
	}
}

// WithInFlightGrace sets how long after a 429 a call on the same scope is
// still taken for one sent before the client saw the 429 (default 250ms):
// such calls get 429 too but are not Violations.
func WithInFlightGrace(d time.Duration) Option {
	return func(s *Server) { s.flood.grace = d }
}

// Throttle is one 429 the server answered.
type Throttle struct {
	Method     string
	ChatID     int64 // the chat the call was for
	Scope      int64 // the chat the 429 asks to wait for; 0: every chat
	RetryAfter int
	Reason     string // "global limit", "paid limit", "chat limit", "group limit", "fault" or "not honoured"
	At         time.Time
}

// Violation is a call that came before the retry_after of an earlier 429
// on its scope had passed: the client did not honour it.
type Violation struct {
	Method   string
	ChatID   int64
	Scope    int64     // the chat the 429 was for; 0: every chat
	At       time.Time // when the call came
	IssuedAt time.Time // when the 429 was answered
	Until    time.Time // when the client could have called again
}

// String describes the violation for a test's failure message.
func (v Violation) String() string {
	scope := "every chat"
	if v.Scope != 0 {
		scope = fmt.Sprintf("chat %d", v.Scope)
	}
	return fmt.Sprintf("%s for chat %d came %v after a 429 for %s that asked to wait %v",
		v.Method, v.ChatID, v.At.Sub(v.IssuedAt).Round(time.Millisecond), scope,
		v.Until.Sub(v.IssuedAt).Round(time.Millisecond))
}

// Throttled returns every 429 answered so far, in order.
func (s *Server) Throttled() []Throttle {
	s.flood.mu.Lock()
	defer s.flood.mu.Unlock()
	return append([]Throttle(nil), s.flood.throttles...)
}

// CheckPaced fails t on any violation, or on more than two 429s. A client
// pacing a little under the limits gets no 429 from an idle machine; the
// fake times a call when its handler runs, so on two busy cores under the
// race detector a call can be timed late enough to crowd the next window
// once in a while. The 429 then pauses every sender (no violation), while a
// pacing fault gives many 429s, which this still catches.
func (s *Server) CheckPaced(t testing.TB) {
	t.Helper()
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("%d violations, the first: %v", len(v), v[0])
	}
	switch th := s.Throttled(); {
	case len(th) > 2:
		t.Errorf("%d 429s, the first: %+v", len(th), th[0])
	case len(th) > 0:
		t.Logf("%d 429s (timing on a loaded machine), the first: %+v", len(th), th[0])
	}
}

// Violations returns every call that did not honour a 429, in order. A
// well-behaved client has none.
func (s *Server) Violations() []Violation {
	s.flood.mu.Lock()
	defer s.flood.mu.Unlock()
	return append([]Violation(nil), s.flood.violations...)
}

// blockKey is a scope a 429 asks to wait on: the message methods together
// (Telegram's flood control counts messages, not methods) or one other
// method, for one chat or (chat 0) for all.
type blockKey struct {
	methods string
	chat    int64
}

type block struct {
	issued, until time.Time
}

// flood is the flood control: the 429s the server gave and, when enforcing,
// the limits' buckets.
type flood struct {
	active atomic.Bool // a block may exist or limits apply: take the lock
	grace  time.Duration

	mu         sync.Mutex
	limits     *Limits
	strict     bool // sliding windows instead of token buckets
	global     counter
	paid       counter
	chats      map[int64]counter
	groups     map[int64]counter
	blocks     map[blockKey]block
	throttles  []Throttle
	violations []Violation
}

func (f *flood) init() {
	f.grace = 250 * time.Millisecond
	f.blocks = map[blockKey]block{}
}

func (f *flood) enforce(l Limits) {
	f.limits = &l
	f.global = f.newCounter(l.Global)
	f.paid = f.newCounter(l.Paid)
	f.chats = map[int64]counter{}
	f.groups = map[int64]counter{}
	f.active.Store(true)
}

// counter is one flood limit: a token bucket or, when strict, a sliding
// window.
type counter interface {
	// wait is how long until one more message is within the limit; 0 now.
	wait(now time.Time) time.Duration
	// take counts a message.
	take(now time.Time)
}

func (f *flood) newCounter(r Rate) counter {
	if f.strict {
		return &window{events: r.Events, per: r.Per}
	}
	return bucket{rate.NewLimiter(rate.Limit(float64(r.Events)/r.Per.Seconds()), r.Burst)}
}

// bucket is a token bucket.
type bucket struct{ lim *rate.Limiter }

func (b bucket) wait(now time.Time) time.Duration {
	tokens := b.lim.TokensAt(now)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / float64(b.lim.Limit()) * float64(time.Second))
}

func (b bucket) take(now time.Time) { b.lim.AllowN(now, 1) }

// window allows at most events messages in any span of per: it keeps the
// times of the messages of the last span, oldest first.
type window struct {
	events int
	per    time.Duration
	times  []time.Time
}

func (w *window) wait(now time.Time) time.Duration {
	drop := 0
	for drop < len(w.times) && !w.times[drop].After(now.Add(-w.per)) {
		drop++
	}
	w.times = w.times[drop:]
	if len(w.times) < w.events {
		return 0
	}
	return w.times[len(w.times)-w.events].Add(w.per).Sub(now)
}

func (w *window) take(now time.Time) { w.times = append(w.times, now) }

func keyFor(m *method, chat int64) blockKey {
	if m.message {
		return blockKey{"messages", chat}
	}
	return blockKey{m.name, chat}
}

// check answers 429 to a call that comes while an earlier 429 on its scope
// asks to wait, and records the violation.
func (f *flood) check(m *method, chat int64) error {
	if !f.active.Load() {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	for _, k := range []blockKey{keyFor(m, 0), keyFor(m, chat)} {
		b, ok := f.blocks[k]
		if !ok {
			continue
		}
		if !now.Before(b.until) {
			delete(f.blocks, k)
			continue
		}
		if now.Sub(b.issued) >= f.grace {
			f.violations = append(f.violations, Violation{
				Method: m.name, ChatID: chat, Scope: k.chat, At: now, IssuedAt: b.issued, Until: b.until,
			})
		}
		wait := int(math.Ceil(b.until.Sub(now).Seconds()))
		f.throttles = append(f.throttles, Throttle{
			Method: m.name, ChatID: chat, Scope: k.chat, RetryAfter: wait, Reason: "not honoured", At: now,
		})
		return tooManyRequests(wait)
	}
	return nil
}

// throttle records a 429 given to a call for chat that asks to wait
// retryAfter seconds on scope (a chat, or 0 for all).
func (f *flood) throttle(m *method, chat, scope int64, retryAfter int, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttleLocked(m, chat, scope, retryAfter, reason, time.Now())
}

func (f *flood) throttleLocked(m *method, chat, scope int64, retryAfter int, reason string, now time.Time) {
	f.active.Store(true)
	f.blocks[keyFor(m, scope)] = block{issued: now, until: now.Add(time.Duration(retryAfter) * time.Second)}
	f.throttles = append(f.throttles, Throttle{
		Method: m.name, ChatID: chat, Scope: scope, RetryAfter: retryAfter, Reason: reason, At: now,
	})
}

// admit takes a token from every bucket a message to chat draws on, or
// answers 429 (taking none) when one is empty.
func (f *flood) admit(m *method, chat int64, paid bool) error {
	if f.limits == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	type limit struct {
		c      counter
		scope  int64
		reason string
	}
	limits := make([]limit, 0, 4)
	if m.name == "sendMessage" {
		limits = append(limits, limit{f.paid, 0, "paid limit"})
		if !paid {
			limits = append(limits, limit{f.global, 0, "global limit"})
		}
	}
	limits = append(limits, limit{f.counterFor(f.chats, chat, f.limits.PerChat), chat, "chat limit"})
	if chat < 0 {
		limits = append(limits, limit{f.counterFor(f.groups, chat, f.limits.PerGroup), chat, "group limit"})
	}
	var worst time.Duration
	var hit *limit
	for i, l := range limits {
		if wait := l.c.wait(now); wait > 0 && (hit == nil || wait > worst) {
			worst, hit = wait, &limits[i]
		}
	}
	if hit == nil {
		for _, l := range limits {
			l.c.take(now)
		}
		return nil
	}
	retryAfter := max(int(math.Ceil(worst.Seconds())), 1)
	f.throttleLocked(m, chat, hit.scope, retryAfter, hit.reason, now)
	return tooManyRequests(retryAfter)
}

func (f *flood) counterFor(m map[int64]counter, chat int64, r Rate) counter {
	c, ok := m[chat]
	if !ok {
		c = f.newCounter(r)
		m[chat] = c
	}
	return c
}
