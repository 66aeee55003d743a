package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// queued is an update waiting to be fetched with getUpdates or POSTed to
// the webhook.
type queued struct {
	id        int
	body      []byte // the Update as JSON
	chat      int64  // updates of one chat reach the webhook one at a time, in order
	sticky    bool   // a redelivery: kept past the getUpdates offset until fetched once
	inFlight  bool   // being POSTed to the webhook
	attempts  int    // failed webhook POSTs
	notBefore time.Time
}

// SendText injects a text message from a user in their private chat with the
// bot (a "/command" gets its bot_command entity) and returns the update.
func (s *Server) SendText(from User, text string) Update {
	chat := Chat{ID: from.ID, Type: ChatPrivate, Username: from.Username, FirstName: from.FirstName, LastName: from.LastName}
	return s.injectMessage(chat, &from, text)
}

// SendGroupText injects a text message from a user in a group; an empty
// group.Type is implied by the id ("group", or "supergroup" for "-100…"
// ids). Commands addressed to the bot read "/latest@" + Bot().Username.
func (s *Server) SendGroupText(group Chat, from User, text string) Update {
	if group.Type == "" {
		group.Type = impliedType(group.ID)
	}
	return s.injectMessage(group, &from, text)
}

// PostToChannel injects a post in a channel the bot is a member of; it
// arrives as a channel_post update.
func (s *Server) PostToChannel(channel Chat, text string) Update {
	channel.Type = ChatChannel
	return s.injectMessage(channel, nil, text)
}

func (s *Server) injectMessage(chat Chat, from *User, text string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.chatLocked(chat.ID)
	st.chat = chat
	st.lastMessage++
	msg := &Message{
		MessageID: st.lastMessage,
		From:      from,
		Date:      time.Now().Unix(),
		Chat:      chat,
		Text:      text,
		Entities:  commandEntities(text),
	}
	u := Update{Message: msg}
	if chat.Type == ChatChannel {
		msg.SenderChat = &chat
		u = Update{ChannelPost: msg}
	}
	stored := *msg // the caller gets its own copy
	s.messages[msgKey{chat.ID, msg.MessageID}] = &stored
	return s.enqueueLocked(u)
}

// PressButton injects a press by from of the callback button with data on
// a message the bot sent, as a callback_query update. It fails when the
// message does not exist or has no such button.
func (s *Server) PressButton(from User, chatID int64, messageID int, data string) (Update, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg, ok := s.messages[msgKey{chatID, messageID}]
	if !ok {
		return Update{}, fmt.Errorf("telegramtest: press button: no message %d in chat %d", messageID, chatID)
	}
	if !hasButton(msg.ReplyMarkup, data) {
		return Update{}, fmt.Errorf("telegramtest: press button: message %d in chat %d has no button with data %q", messageID, chatID, data)
	}
	s.lastQuery++
	m := *msg
	q := CallbackQuery{
		ID:           strconv.Itoa(s.lastQuery),
		From:         from,
		Message:      &m,
		ChatInstance: strconv.FormatInt(chatID^0x5bd1e995, 10), // stable per chat, opaque like Telegram's
		Data:         data,
	}
	s.queries[q.ID] = q
	return s.enqueueLocked(Update{CallbackQuery: &q}), nil
}

func hasButton(m *InlineKeyboardMarkup, data string) bool {
	if m == nil {
		return false
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData == data {
				return true
			}
		}
	}
	return false
}

// Inject queues any update (its UpdateID is replaced by the next one) and
// returns it as queued. Its message becomes known (the bot can reply to it)
// and its callback query can be answered.
func (s *Server) Inject(u Update) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range []*Message{u.Message, u.EditedMessage, u.ChannelPost} {
		if m == nil {
			continue
		}
		st := s.chatLocked(m.Chat.ID)
		st.chat = m.Chat
		st.lastMessage = max(st.lastMessage, m.MessageID)
		stored := *m
		s.messages[msgKey{m.Chat.ID, m.MessageID}] = &stored
	}
	if q := u.CallbackQuery; q != nil {
		s.queries[q.ID] = *q
	}
	return s.enqueueLocked(u)
}

// Redeliver queues an update already delivered again, with the same
// update_id, as Telegram does when a webhook reply is lost. In polling mode
// the copy is handed out by the next getUpdates whatever its offset.
func (s *Server) Redeliver(updateID int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.history[updateID]
	if !ok {
		return fmt.Errorf("telegramtest: redeliver: no update %d", updateID)
	}
	s.queue = append(s.queue, &queued{id: q.id, body: q.body, chat: q.chat, sticky: true})
	s.updates.wake()
	return nil
}

// enqueueLocked numbers u and queues it. The caller holds s.mu.
func (s *Server) enqueueLocked(u Update) Update {
	s.lastUpdate++
	u.UpdateID = s.lastUpdate
	body, err := json.Marshal(u)
	if err != nil {
		panic("telegramtest: encode update: " + err.Error()) // Update holds only encodable fields
	}
	q := &queued{id: u.UpdateID, body: body, chat: updateChat(u)}
	s.queue = append(s.queue, q)
	s.history[q.id] = q
	s.updates.wake()
	return u
}

func updateChat(u Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.ChannelPost != nil:
		return u.ChannelPost.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	}
	return 0
}

// Pending is the number of updates not yet confirmed by getUpdates or
// accepted by the webhook.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

var (
	errWebhookActive = &apiError{code: http.StatusConflict,
		desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	errOtherPoll = &apiError{code: http.StatusConflict,
		desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
)

// maxPollLimit is the most updates one getUpdates returns.
const maxPollLimit = 100

// getUpdates confirms the updates below offset and returns up to limit of
// the rest, waiting up to timeout seconds for one to arrive. A newer
// getUpdates ends an older one with 409, as on Telegram.
func (s *Server) getUpdates(c *call) (any, error) {
	offset, err := c.p.int("offset")
	if err != nil {
		return nil, badRequest("invalid offset")
	}
	limit, _ := c.p.int("limit")
	if limit <= 0 || limit > maxPollLimit {
		limit = maxPollLimit
	}
	timeout, _ := c.p.int("timeout")
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		expired = t.C
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook != nil {
		return nil, errWebhookActive
	}
	s.pollGen++
	gen := s.pollGen
	s.updates.wake()
	s.changed.wake() // a poll began: Await may wait for one
	s.confirmLocked(offset)
	for {
		switch {
		case s.webhook != nil:
			return nil, errWebhookActive
		case gen != s.pollGen:
			return nil, errOtherPoll
		}
		if batch, n := s.collectLocked(limit); n > 0 || expired == nil {
			return batch, nil
		}
		wake := s.updates.wait()
		s.mu.Unlock()
		select {
		case <-wake:
		case <-expired:
			expired = nil
		case <-c.ctx.Done():
			s.mu.Lock()
			return nil, c.ctx.Err()
		case <-s.done:
			expired = nil
		}
		s.mu.Lock()
	}
}

// confirmLocked forgets the updates confirmed by offset: below it when
// positive, all but the last -offset when negative.
func (s *Server) confirmLocked(offset int) {
	switch {
	case offset < 0:
		if n := len(s.queue) + offset; n > 0 {
			clear(s.queue[:n])
			s.queue = s.queue[n:]
		}
	case offset > 0:
		kept := s.queue[:0]
		for _, q := range s.queue {
			if q.id >= offset || q.sticky || q.inFlight {
				kept = append(kept, q)
			}
		}
		clear(s.queue[len(kept):])
		s.queue = kept
	}
}

// collectLocked returns up to limit queued updates as a JSON array.
func (s *Server) collectLocked(limit int) (rawResult, int) {
	var b bytes.Buffer
	b.WriteByte('[')
	n := 0
	for _, q := range s.queue {
		if n == limit {
			break
		}
		if q.inFlight {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		b.Write(q.body)
		q.sticky = false
		n++
	}
	b.WriteByte(']')
	return rawResult(b.Bytes()), n
}

// webhookState is a set webhook and its delivery workers.
type webhookState struct {
	settings      WebhookSettings
	cancel        context.CancelFunc
	busy          map[int64]bool // chats with an update being POSTed
	lastErrorDate int64
	lastError     string
}

// Webhook defaults and bounds, as Telegram's.
const (
	defaultMaxConnections = 40
	maxMaxConnections     = 100
	maxSecretToken        = 256
)

func (s *Server) setWebhook(c *call) (any, error) {
	raw := c.p["url"]
	if raw == "" {
		return s.removeWebhook(c.p.bool("drop_pending_updates")), nil
	}
	// Telegram wants https; the test server takes http too, since the
	// receivers are local httptest servers.
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	set := WebhookSettings{
		URL:                raw,
		SecretToken:        c.p["secret_token"],
		IPAddress:          c.p["ip_address"],
		DropPendingUpdates: c.p.bool("drop_pending_updates"),
	}
	if !validSecret(set.SecretToken) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	set.MaxConnections, err = c.p.int("max_connections")
	if err != nil || set.MaxConnections < 0 || set.MaxConnections > maxMaxConnections {
		return nil, badRequest("bad webhook: max_connections must be between 1 and 100")
	}
	if set.MaxConnections == 0 {
		set.MaxConnections = defaultMaxConnections
	}
	if err := c.p.decode("allowed_updates", &set.AllowedUpdates); err != nil {
		return nil, badRequest("can't parse allowed updates JSON object")
	}
	ctx, cancel := context.WithCancel(context.Background())
	hook := &webhookState{settings: set, cancel: cancel, busy: map[int64]bool{}}
	s.mu.Lock()
	old := s.webhook
	s.webhook = hook
	if set.DropPendingUpdates {
		s.dropPendingLocked()
	}
	for range set.MaxConnections {
		s.workers.Add(1)
		go s.deliver(ctx, hook)
	}
	s.updates.wake() // pollers end with 409
	s.changed.wake()
	s.mu.Unlock()
	if old != nil {
		old.cancel()
	}
	return described{true, "Webhook was set"}, nil
}

// validSecret reports whether a secret_token is 0-256 characters of
// A-Z, a-z, 0-9, _ and -.
func validSecret(t string) bool {
	if len(t) > maxSecretToken {
		return false
	}
	for _, c := range []byte(t) {
		if !(isCommandByte(c) || c == '-') {
			return false
		}
	}
	return true
}

func (s *Server) deleteWebhook(c *call) (any, error) {
	return s.removeWebhook(c.p.bool("drop_pending_updates")), nil
}

func (s *Server) removeWebhook(drop bool) described {
	s.mu.Lock()
	old := s.webhook
	s.webhook = nil
	if drop {
		s.dropPendingLocked()
	}
	s.changed.wake()
	s.mu.Unlock()
	if old == nil {
		return described{true, "Webhook is already deleted"}
	}
	old.cancel()
	return described{true, "Webhook was deleted"}
}

// dropPendingLocked forgets the queued updates not being delivered.
func (s *Server) dropPendingLocked() {
	kept := s.queue[:0]
	for _, q := range s.queue {
		if q.inFlight {
			kept = append(kept, q)
		}
	}
	clear(s.queue[len(kept):])
	s.queue = kept
}

func (s *Server) getWebhookInfo(*call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := webhookInfo{PendingUpdateCount: len(s.queue)}
	if h := s.webhook; h != nil {
		info.URL = h.settings.URL
		info.IPAddress = h.settings.IPAddress
		info.MaxConnections = h.settings.MaxConnections
		info.AllowedUpdates = h.settings.AllowedUpdates
		info.LastErrorDate = h.lastErrorDate
		info.LastErrorMessage = h.lastError
	}
	return info, nil
}

// deliver is one of the webhook's connections: it POSTs queued updates
// until the webhook is replaced or deleted.
func (s *Server) deliver(ctx context.Context, hook *webhookState) {
	defer s.workers.Done()
	for ctx.Err() == nil {
		s.mu.Lock()
		q, wait := s.nextForWebhookLocked(hook)
		if q == nil {
			wake := s.updates.wait()
			s.mu.Unlock()
			var timer *time.Timer
			var retry <-chan time.Time
			if wait > 0 {
				timer = time.NewTimer(wait)
				retry = timer.C
			}
			select {
			case <-wake:
			case <-retry:
			case <-ctx.Done():
			}
			if timer != nil {
				timer.Stop()
			}
			continue
		}
		q.inFlight = true
		hook.busy[q.chat] = true
		s.mu.Unlock()

		call, err := s.post(ctx, hook.settings, q.body)

		s.mu.Lock()
		q.inFlight = false
		delete(hook.busy, q.chat)
		switch {
		case err == nil:
			s.removeQueuedLocked(q)
		case ctx.Err() == nil: // a failure, not a webhook change: retry later
			s.failed.Add(1)
			q.attempts++
			q.notBefore = time.Now().Add(s.retry << min(q.attempts-1, 5))
			hook.lastErrorDate, hook.lastError = time.Now().Unix(), err.Error()
		}
		s.updates.wake()
		s.changed.wake() // a POST delivered or failed: Await may wait for either
		s.mu.Unlock()
		if call != nil {
			s.runWebhookReply(call)
		}
	}
}

// nextForWebhookLocked picks the first queued update that may be POSTed
// now: not in flight, not waiting for a retry, and no earlier update of its
// chat pending. Otherwise it returns how long until a retry is due (0: none).
func (s *Server) nextForWebhookLocked(hook *webhookState) (*queued, time.Duration) {
	if s.webhook != hook {
		return nil, 0
	}
	now := time.Now()
	var held map[int64]bool // chats with an earlier update not deliverable now
	var soonest time.Duration
	for _, q := range s.queue {
		if q.chat != 0 && (hook.busy[q.chat] || held[q.chat]) {
			continue
		}
		wait := q.notBefore.Sub(now)
		if !q.inFlight && wait <= 0 {
			return q, 0
		}
		if !q.inFlight && (soonest == 0 || wait < soonest) {
			soonest = wait
		}
		if q.chat != 0 {
			if held == nil {
				held = map[int64]bool{}
			}
			held[q.chat] = true
		}
	}
	return nil, soonest
}

func (s *Server) removeQueuedLocked(q *queued) {
	for i, e := range s.queue {
		if e == q {
			if i == 0 {
				s.queue[0] = nil
				s.queue = s.queue[1:]
				return
			}
			last := len(s.queue) - 1
			copy(s.queue[i:], s.queue[i+1:])
			s.queue[last] = nil
			s.queue = s.queue[:last]
			return
		}
	}
}

// maxWebhookReply bounds the body of a webhook's reply the server reads.
const maxWebhookReply = 1 << 20

// post sends one update to the webhook and returns the method call in the
// webhook's reply, if any.
func (s *Server) post(ctx context.Context, set WebhookSettings, body []byte) (params, error) {
	s.posts.Add(1)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, set.URL, bytes.NewReader(body))
	if err != nil {
		return nil, webhookFailure("Bad webhook URL: " + err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	if set.SecretToken != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", set.SecretToken)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, webhookFailure("Connection failed: " + err.Error())
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, webhookFailure("Wrong response from the webhook: " + resp.Status)
	}
	// The update is delivered; a reply that cannot be read carries no call.
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, maxWebhookReply))
	p := params{}
	if len(reply) == 0 || p.addBody(mediaType(resp.Header.Get("Content-Type")), reply) != nil || p["method"] == "" {
		return nil, nil
	}
	return p, nil
}

// webhookFailure is why a webhook POST failed, worded as Telegram's
// getWebhookInfo last_error_message.
type webhookFailure string

func (f webhookFailure) Error() string { return string(f) }

// runWebhookReply runs the method call a webhook put in its reply (a JSON or
// form body with a "method" parameter), as Telegram does; its result is not
// reported to anyone.
func (s *Server) runWebhookReply(p params) {
	m := lookupMethod(p["method"])
	if m == nil {
		return
	}
	_, _ = s.do(context.Background(), m, p)
}
