package wechattest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// callRecord is one HTTP request the server received, whatever its outcome.
type callRecord struct {
	Method  string
	Path    string
	Query   url.Values
	Body    []byte
	Status  int // HTTP status answered; 0 when the client gave up during a Delay
	ErrCode int // errcode answered (0 on success and on HTTP-status faults)
	At      time.Time
}

// Article is one item of a news card (custom message or passive reply).
type Article struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	PicURL      string `json:"picurl"`
}

// CustomMessage is an accepted customer-service message (message/custom/send).
type CustomMessage struct {
	ToUser   string
	MsgType  string    // "text", "news", …
	Content  string    // text
	Articles []Article // news
	Raw      json.RawMessage
}

// TemplateValue is one field of a template message's data.
type TemplateValue struct {
	Value string `json:"value"`
	Color string `json:"color,omitempty"`
}

// TemplateMessage is an accepted template message (message/template/send).
type TemplateMessage struct {
	ToUser      string
	TemplateID  string
	URL         string
	Data        map[string]TemplateValue
	ClientMsgID string
	MsgID       int64 // the msgid answered
}

// MassMessage is an accepted mass send: to all or a tag (sendall) or to an
// openid list (send).
type MassMessage struct {
	ToAll       bool
	TagID       int64
	ToUsers     []string
	MsgType     string // "text", "mpnews", …
	Content     string // text
	MediaID     string // mpnews and other media
	ClientMsgID string
	MsgID       int64 // the msg_id answered
}

// PreviewMessage is an accepted mass preview (message/mass/preview).
type PreviewMessage struct {
	ToUser   string // openid
	ToWxName string // WeChat id, the alternative to ToUser
	MsgType  string
	Content  string
	MediaID  string
}

// MenuButton is a custom-menu button as menu/create receives it.
type MenuButton struct {
	Type       string       `json:"type,omitempty"`
	Name       string       `json:"name"`
	Key        string       `json:"key,omitempty"`
	URL        string       `json:"url,omitempty"`
	SubButtons []MenuButton `json:"sub_button,omitempty"`
}

// Menu is an accepted menu/create.
type Menu struct {
	Buttons []MenuButton
}

// TextCard is the body of a WeCom textcard message.
type TextCard struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	BtnTxt      string `json:"btntxt"`
}

// WeComMessage is an accepted WeCom app message (message/send).
type WeComMessage struct {
	ToUsers   []string // touser split on "|"
	ToParty   string
	ToTag     string
	AgentID   int64
	MsgType   string    // "text", "textcard", …
	Content   string    // text
	TextCard  *TextCard // textcard
	Delivered []string  // members who got it
	Dropped   []string  // members over a limit (WeCom drops them silently)
	MsgID     string
}

// Violation is something our side did that the real platform would have
// punished silently: a WeCom message dropped by a per-member limit, a text
// truncated for length. Tests should assert there are none.
type Violation struct {
	Member string
	Kind   string // violationPerMinute, violationPerHour, violationTextTooLong
	At     time.Time
}

// Violation kinds.
const (
	violationPerMinute   = "wecom: over 30 messages a minute to one member"
	violationPerHour     = "wecom: over 1000 messages an hour to one member"
	violationTextTooLong = "wecom: text over 2048 bytes, truncated"
)

// snapshot copies a record list under the lock.
func snapshot[T any](s *Server, list *[]T) []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(*list)
}

// Count returns how many requests were made to path.
func (s *Server) Count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.Path == path {
			n++
		}
	}
	return n
}

// CustomMessages returns the accepted customer-service messages.
func (s *Server) CustomMessages() []CustomMessage { return snapshot(s, &s.custom) }

// TemplateMessages returns the accepted template messages.
func (s *Server) TemplateMessages() []TemplateMessage { return snapshot(s, &s.templates) }

// MassMessages returns the accepted mass sends.
func (s *Server) MassMessages() []MassMessage { return snapshot(s, &s.mass) }

// Previews returns the accepted mass previews.
func (s *Server) Previews() []PreviewMessage { return snapshot(s, &s.previews) }

// Menus returns the accepted menus, the last one current.
func (s *Server) Menus() []Menu { return snapshot(s, &s.menus) }

// WeComMessages returns the accepted WeCom app messages.
func (s *Server) WeComMessages() []WeComMessage { return snapshot(s, &s.wecomMsgs) }

// Violations returns the silent platform punishments incurred so far.
func (s *Server) Violations() []Violation { return snapshot(s, &s.violations) }

// record appends r to *list and wakes waiters.
func record[T any](s *Server, list *[]T, r T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*list = append(*list, r)
	s.notifyLocked()
}

// WaitFor blocks until list (one of s's accessors, e.g. s.CustomMessages)
// returns at least n records, and returns them; it fails when ctx ends. It
// wakes on every recorded call, without polling.
func WaitFor[T any](ctx context.Context, s *Server, list func() []T, n int) ([]T, error) {
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		got := list()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return got, fmt.Errorf("wechattest: waiting for %d records, have %d: %w", n, len(got), ctx.Err())
		}
	}
}
