package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"tongbao/bot/chat"
	"unicode"
	"unicode/utf8"
)

// allowedUpdates are the update kinds the bot asks for: messages and
// button presses. Channel posts, edits and the rest never arrive.
const allowedUpdates = `["message","callback_query"]`

// Run receives updates until ctx ends, then waits for the updates being
// handled. Without Config.WebhookURL it long-polls getUpdates (after
// deleteWebhook, which Telegram requires); only one process may poll a
// bot. With it, Run sets the webhook (with the secret token) and updates
// arrive through ServeHTTP, on any number of replicas. Outages and 429s
// are waited out; Run returns an error only when Telegram refuses the
// token or the webhook.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.lanes.wait()
	if a.connected(ctx) != nil {
		return nil // ended before Connect connected the adapter
	}
	if a.cfg.WebhookURL != "" {
		p := params{"url": a.cfg.WebhookURL, "secret_token": a.cfg.WebhookSecret, "allowed_updates": allowedUpdates}
		if err := a.persist(ctx, callTimeout, "setWebhook", p, nil); err != nil {
			return ended(ctx, fmt.Errorf("telegram: set webhook: %w", err))
		}
		a.log.Info("telegram: webhook set", "url", a.cfg.WebhookURL)
		<-ctx.Done()
		return nil
	}
	if err := a.persist(ctx, callTimeout, "deleteWebhook", nil, nil); err != nil {
		if ctx.Err() != nil {
			return ended(ctx, fmt.Errorf("telegram: delete webhook before polling: %w", err))
		}
		// Polling itself reports a webhook still set (409): go on.
		a.log.Warn("telegram: could not delete the webhook before polling", "err", err)
	}
	offset := 0
	for {
		var batch []update
		p := params{
			"offset":          strconv.Itoa(offset),
			"timeout":         strconv.Itoa(int(a.pollTimeout / time.Second)),
			"allowed_updates": allowedUpdates,
		}
		if err := a.persist(ctx, a.pollTimeout+callTimeout, "getUpdates", p, &batch); err != nil {
			return ended(ctx, fmt.Errorf("telegram: poll: %w", err))
		}
		for _, u := range batch {
			if err := a.accept(ctx, u); err != nil {
				return nil // ctx ended: the unconfirmed updates come again
			}
			offset = max(offset, u.UpdateID+1)
		}
	}
}

// ended is nil when ctx has ended (a shutdown, not a failure), else err.
func ended(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// Backoff between calls that must eventually succeed.
const (
	minBackoff = 500 * time.Millisecond
	maxBackoff = 30 * time.Second
)

// persist calls a method until it succeeds, each attempt bounded by
// timeout: it waits as a 429 says, backs off exponentially from 0.5 s to
// 30 s on transient failures and on 409 (another poller, a webhook being
// changed), so an outage costs a few calls a minute. It gives up on other
// refusals (a wrong token, a bad webhook URL) and when ctx ends.
func (a *Adapter) persist(ctx context.Context, timeout time.Duration, method string, p params, out any) error {
	backoff := minBackoff
	for {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		err := a.api().call(cctx, method, p, out)
		cancel()
		if err == nil || ctx.Err() != nil {
			return err
		}
		var ae *apiError
		conflict := errors.As(err, &ae) && ae.Code == http.StatusConflict
		wait := backoff
		switch f, after := failure(err); {
		case f == chat.FailRateLimited:
			wait = after
		case f == chat.FailRetry || conflict:
			backoff = min(backoff*2, maxBackoff)
		default:
			return err
		}
		a.log.Warn("telegram: call failed; retrying", "method", method, "wait", wait, "err", err)
		if err := chat.Wait(ctx, wait); err != nil {
			return err
		}
	}
}

// ServeHTTP is the webhook endpoint (the /telegram route): it checks the
// X-Telegram-Bot-Api-Secret-Token header in constant time (401 and nothing
// read when wrong or missing), reads one update of at most 1 MiB (413
// beyond, 400 when it is not an update), and answers 200 as soon as the
// update is queued for its chat; 503 asks Telegram to retry later when the
// adapter is full or not connected yet. Only POST is allowed.
func (a *Adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secret := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if a.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(a.cfg.WebhookSecret)) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if !a.Ready() {
		http.Error(w, "not connected to the Bot API yet", http.StatusServiceUnavailable)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var u update
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&u); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "update too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "malformed update", http.StatusBadRequest)
		return
	}
	if u.UpdateID <= 0 {
		http.Error(w, "malformed update", http.StatusBadRequest)
		return
	}
	if err := a.accept(r.Context(), u); err != nil {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// accept takes one update: it waits for room, drops a duplicate, and
// queues the rest behind their chat's earlier updates. It fails only when
// ctx ends before there is room; the update is then not marked seen, so
// Telegram's next delivery of it is handled.
func (a *Adapter) accept(ctx context.Context, u update) error {
	in, chatID, ok := a.incoming(u)
	if !ok {
		return nil
	}
	if err := a.lanes.admit(ctx); err != nil {
		return err
	}
	if !a.firstTime(ctx, u.UpdateID) {
		a.lanes.release()
		return nil
	}
	var queryID string
	if u.CallbackQuery != nil {
		queryID = u.CallbackQuery.ID
	}
	arrived := time.Now()
	a.lanes.run(chatID, func() { a.handle(in, chatID, queryID, arrived) })
	return nil
}

// firstTime reports whether the update is seen for the first time. When
// the Deduper fails, the update is handled: a rare duplicate answer is
// better than a lost question.
func (a *Adapter) firstTime(ctx context.Context, updateID int) bool {
	key := "tg:update:" + strconv.FormatInt(a.self().ID, 10) + ":" + strconv.Itoa(updateID)
	first, err := a.dedupe.Once(ctx, key, updateTTL)
	if err != nil {
		a.log.Warn("telegram: dedupe failed; handling the update", "update_id", updateID, "err", err)
		return true
	}
	if !first {
		a.log.Debug("telegram: duplicate update dropped", "update_id", updateID)
	}
	return first
}

// handle runs the handler for one update and sends its replies. A button
// press is always answered, with the handler's toast if it gave one, even
// when the handler panics.
func (a *Adapter) handle(in chat.Incoming, chatID int64, queryID string, arrived time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), handleTimeout)
	defer cancel()
	answered := queryID == ""
	defer func() {
		if v := recover(); v != nil {
			a.log.Error("telegram: handler panicked", "chat", chatID, "panic", v)
		}
		if !answered {
			a.answer(ctx, chatID, queryID, "")
		}
	}()
	replies := a.h.Handle(ctx, in)
	if !answered {
		var text string
		text, replies = toast(replies)
		a.answer(ctx, chatID, queryID, text)
		answered = true
	}
	a.reply(ctx, chatID, arrived, replies)
}

// answer answers a callback query, showing text as a toast if not empty.
func (a *Adapter) answer(ctx context.Context, chatID int64, queryID, text string) {
	p := params{"callback_query_id": queryID}
	if text != "" {
		p["text"] = text
	}
	if err := a.call(ctx, a.retry, "answerCallbackQuery", p, nil); err != nil {
		a.log.Warn("telegram: answer callback query", "chat", chatID, "err", err)
	}
}

// incoming maps an update to what the handler sees, and the chat to answer
// in. It reports false for what the bot ignores: group chatter not
// addressed to it, messages without text, other bots.
func (a *Adapter) incoming(u update) (chat.Incoming, int64, bool) {
	switch {
	case u.Message != nil:
		m := u.Message
		if m.From == nil || m.From.IsBot || m.Text == "" {
			return chat.Incoming{}, 0, false
		}
		text := m.Text
		group := m.Chat.Type == "group" || m.Chat.Type == "supergroup"
		switch {
		case m.Chat.Type == "private":
		case group:
			var ok bool
			if text, ok = a.addressed(m); !ok {
				return chat.Incoming{}, 0, false
			}
		default:
			return chat.Incoming{}, 0, false
		}
		in := a.from(*m.From, m.Chat.ID, group)
		in.Text = text
		in.Time = time.Unix(m.Date, 0)
		return in, m.Chat.ID, true
	case u.CallbackQuery != nil && u.CallbackQuery.Data != "":
		q := u.CallbackQuery
		chatID, group := q.From.ID, false
		if q.Message != nil {
			chatID = q.Message.Chat.ID
			group = q.Message.Chat.Type != "private"
		}
		in := a.from(q.From, chatID, group)
		in.Button = q.Data
		in.Time = time.Now()
		return in, chatID, true
	}
	return chat.Incoming{}, 0, false
}

func (a *Adapter) from(u user, chatID int64, group bool) chat.Incoming {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = u.Username
	}
	return chat.Incoming{
		Platform: chat.Telegram,
		UserID:   strconv.FormatInt(u.ID, 10),
		ChatID:   strconv.FormatInt(chatID, 10),
		Name:     name,
		Lang:     langOf(u.LanguageCode),
		Group:    group,
	}
}

// langOf maps Telegram's IETF language tag to the bot's languages.
func langOf(code string) string {
	code = strings.ToLower(code)
	switch {
	case strings.HasPrefix(code, "zh"):
		return "zh"
	case strings.HasPrefix(code, "en"):
		return "en"
	}
	return ""
}

// addressed reports whether a group message is for the bot — a command
// that is plain (/latest) or names it (/latest@TongbaoBot), a mention of
// it, or a reply to one of its messages — and returns the text with the
// bot's name taken out.
func (a *Adapter) addressed(m *message) (string, bool) {
	text := m.Text
	if strings.HasPrefix(text, "/") {
		word, rest, _ := strings.Cut(text, " ")
		cmd, to, named := strings.Cut(word, "@")
		switch {
		case !named:
			return text, true
		case strings.EqualFold(to, a.self().Username):
			return strings.TrimSpace(cmd + " " + rest), true
		}
		return "", false // a command for another bot
	}
	if t, ok := a.withoutMention(text); ok {
		return t, true
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.ID == a.self().ID {
		return text, true
	}
	return "", false
}

// withoutMention removes "@BotName" from text and reports whether it was
// there as a whole word.
func (a *Adapter) withoutMention(text string) (string, bool) {
	mention := "@" + a.self().Username
	for i := 0; i+len(mention) <= len(text); i++ {
		if text[i] != '@' || !strings.EqualFold(text[i:i+len(mention)], mention) {
			continue
		}
		end := i + len(mention)
		if next, _ := utf8.DecodeRuneInString(text[end:]); end < len(text) && (next == '_' || unicode.IsLetter(next) || unicode.IsDigit(next)) {
			continue // @TongbaoBotFan is someone else
		}
		return strings.TrimSpace(text[:i] + text[end:]), true
	}
	return text, false
}
