package telegramtest

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// SentMessage is one sendMessage or editMessageText call the server
// accepted. Its slices are shared with the server's records and must not be
// modified.
type SentMessage struct {
	Method         string // "sendMessage" or "editMessageText"
	ChatID         int64
	ChatType       string
	MessageID      int    // the new message, or the edited one
	Text           string // the text parameter as sent, markup included
	ParseMode      string
	PlainText      string // the text as the user sees it: markup parsed, trimmed
	Entities       []MessageEntity
	Keyboard       [][]InlineKeyboardButton // the inline keyboard, nil if none
	ReplyTo        int                      // reply_to_message_id or reply_parameters.message_id
	DisablePreview bool                     // disable_web_page_preview or link_preview_options.is_disabled
	PaidBroadcast  bool                     // allow_paid_broadcast
	At             time.Time
}

// Buttons returns the keyboard's buttons row by row in one list.
func (m SentMessage) Buttons() []InlineKeyboardButton {
	var out []InlineKeyboardButton
	for _, row := range m.Keyboard {
		out = append(out, row...)
	}
	return out
}

// CallbackAnswer is one answerCallbackQuery call, with the press it answers.
type CallbackAnswer struct {
	QueryID   string
	From      User   // who pressed the button
	ChatID    int64  // where the pressed message is
	MessageID int    // the pressed message
	Data      string // the button's callback_data
	Text      string // the notification text, if any
	ShowAlert bool
	URL       string
	CacheTime int
	At        time.Time
}

// CommandSet is the command list set for one scope and language.
type CommandSet struct {
	Scope        BotCommandScope
	LanguageCode string // "" for every language without a list of its own
	Commands     []BotCommand
}

// WebhookSettings are the parameters of the last successful setWebhook.
type WebhookSettings struct {
	URL                string
	SecretToken        string
	MaxConnections     int
	AllowedUpdates     []string
	IPAddress          string
	DropPendingUpdates bool
}

// signal wakes every waiter at once. The owner's lock guards it; the zero
// value is ready and costs nothing while nobody waits.
type signal struct{ ch chan struct{} }

// wait returns a channel closed by the next wake.
func (s *signal) wait() <-chan struct{} {
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

func (s *signal) wake() {
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}

// Sent returns every message sent so far, in order.
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentMessage(nil), s.sent...)
}

// SentSince returns the messages sent after the first n, in order: a
// long-running reader (a soak benchmark) follows the record with it
// without copying it all each time.
func (s *Server) SentSince(n int) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n >= len(s.sent) {
		return nil
	}
	return append([]SentMessage(nil), s.sent[max(n, 0):]...)
}

// SentTo returns the messages sent to one chat, in order.
func (s *Server) SentTo(chatID int64) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SentMessage
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Edits returns every accepted editMessageText, in order.
func (s *Server) Edits() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentMessage(nil), s.edits...)
}

// Message returns the current state of a message in a chat, edits applied,
// as Telegram would show it.
func (s *Server) Message(chatID int64, messageID int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[msgKey{chatID, messageID}]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// CallbackAnswers returns every answered callback query, in order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CallbackAnswer(nil), s.answers...)
}

// Commands returns the command lists set, ordered by scope and language.
func (s *Server) Commands() []CommandSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CommandSet, 0, len(s.commands))
	for k, cmds := range s.commands {
		out = append(out, CommandSet{Scope: k.scope, LanguageCode: k.lang, Commands: cmds})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Scope.Type != b.Scope.Type:
			return a.Scope.Type < b.Scope.Type
		case a.Scope.ChatID != b.Scope.ChatID:
			return a.Scope.ChatID < b.Scope.ChatID
		case a.Scope.UserID != b.Scope.UserID:
			return a.Scope.UserID < b.Scope.UserID
		}
		return a.LanguageCode < b.LanguageCode
	})
	return out
}

// Webhook returns the webhook settings, or false when no webhook is set.
func (s *Server) Webhook() (WebhookSettings, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook == nil {
		return WebhookSettings{}, false
	}
	return s.webhook.settings, true
}

// Await blocks until cond returns true, re-checking it each time the server
// records something (a message, an edit, an answer, commands, a webhook
// change, a webhook POST done or failed, the start of a getUpdates), or
// until ctx ends. cond may call the server's accessors.
func (s *Server) Await(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed.wait()
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("telegramtest: await: %w", ctx.Err())
		}
	}
}

// WaitSent waits until at least n messages were sent and returns them all.
func (s *Server) WaitSent(ctx context.Context, n int) ([]SentMessage, error) {
	count := func() int {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.sent)
	}
	if err := s.Await(ctx, func() bool { return count() >= n }); err != nil {
		return s.Sent(), fmt.Errorf("telegramtest: %d of %d messages sent: %w", count(), n, err)
	}
	return s.Sent(), nil
}
