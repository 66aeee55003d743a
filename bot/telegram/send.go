package telegram

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tongbao/bot/chat"
	"tongbao/content"
)

// Platform is chat.Telegram.
func (a *Adapter) Platform() chat.Platform { return chat.Telegram }

// Send delivers a reply to a chat (its numeric id as a string) and returns
// the id of the last message sent: a reply longer than one message goes
// out in several, the keyboard under the last. It is the dispatcher's
// path: the messages are paced after replies (see pacer), the first is
// tried once and failures are *chat.SendError (429, or a wait for a slot
// longer than maxPushWait, FailRateLimited with RetryAfter; 403
// FailBlocked, other 4xx FailPermanent, 5xx and network errors FailRetry),
// so the dispatcher decides when to retry; once a first message is out,
// the rest are retried within bounds. With Config.PaidBroadcast the
// messages carry allow_paid_broadcast.
func (a *Adapter) Send(ctx context.Context, chatID string, r chat.Reply) (string, error) {
	id, err := parseChat(chatID)
	if err != nil {
		return "", err
	}
	if err := a.online(); err != nil {
		return "", err
	}
	msgID, err := a.send(ctx, id, r, kindPush, retryPolicy{attempts: 1})
	if err != nil {
		return "", err
	}
	return strconv.Itoa(msgID), nil
}

// Edit replaces the text and keyboard of a message the bot sent, such as
// the dispatcher's progress message. The reply must fit one message.
// Editing a message to what it already shows is not an error. Failures are
// classified as for Send.
func (a *Adapter) Edit(ctx context.Context, chatID, messageID string, r chat.Reply) error {
	id, err := parseChat(chatID)
	if err != nil {
		return err
	}
	msgID, err := strconv.Atoi(messageID)
	if err != nil || msgID <= 0 {
		return &chat.SendError{Failure: chat.FailPermanent, Err: fmt.Errorf("telegram: edit: bad message id %q", messageID)}
	}
	if err := a.online(); err != nil {
		return err
	}
	out := a.render(id, r)
	if len(out.parts) != 1 {
		return &chat.SendError{Failure: chat.FailPermanent,
			Err: fmt.Errorf("telegram: edit %d/%d: the reply takes %d messages, not one", id, msgID, len(out.parts))}
	}
	p := messageParams(id, out.parts[0], out.keyboard)
	p["message_id"] = messageID
	err = a.message(ctx, kindEdit, id, "editMessageText", p, nil, retryPolicy{attempts: 1})
	var ae *apiError
	if errors.As(err, &ae) && ae.Code == http.StatusBadRequest && strings.Contains(ae.Description, "message is not modified") {
		return nil
	}
	if err != nil {
		return sendError(fmt.Errorf("telegram: edit %d/%d: %w", id, msgID, err))
	}
	return nil
}

// offlineRetry is how soon a message held back because the adapter is not
// connected yet is tried again.
const offlineRetry = 5 * time.Second

// online is nil once the adapter is connected; before, messages are held
// back without counting a failed attempt.
func (a *Adapter) online() error {
	if a.Ready() {
		return nil
	}
	return &chat.SendError{Failure: chat.FailRateLimited, RetryAfter: offlineRetry, Err: errOffline}
}

func parseChat(chatID string) (int64, error) {
	id, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil || id == 0 {
		return 0, &chat.SendError{Failure: chat.FailPermanent, Err: fmt.Errorf("telegram: bad chat id %q", chatID)}
	}
	return id, nil
}

// errEmptyReply is a reply with nothing Telegram can show.
var errEmptyReply = errors.New("telegram: empty reply")

// maxPushWait is how long a push waits for a slot before it goes back to
// the dispatcher's queue, letting its worker serve other chats.
const maxPushWait = 2 * time.Second

// send renders r and sends its messages of kind k to a chat, the first one
// under policy first and the rest under the adapter's retry policy, and
// returns the last message's id. Errors are *chat.SendError.
func (a *Adapter) send(ctx context.Context, chatID int64, r chat.Reply, k kind, first retryPolicy) (int, error) {
	out := a.render(chatID, r)
	if len(out.parts) == 0 {
		return 0, &chat.SendError{Failure: chat.FailPermanent, Err: errEmptyReply}
	}
	var last sentMessage
	for i, text := range out.parts {
		kb := ""
		if i == len(out.parts)-1 {
			kb = out.keyboard
		}
		p := messageParams(chatID, text, kb)
		if k == kindPush && a.cfg.PaidBroadcast {
			p["allow_paid_broadcast"] = "true"
		}
		policy := a.retry
		if i == 0 {
			policy = first
		}
		if err := a.message(ctx, k, chatID, "sendMessage", p, &last, policy); err != nil {
			return last.MessageID, sendError(fmt.Errorf("telegram: send to %d (message %d of %d): %w", chatID, i+1, len(out.parts), err))
		}
	}
	return last.MessageID, nil
}

// render renders r for a chat, logging the buttons left out.
func (a *Adapter) render(chatID int64, r chat.Reply) rendered {
	out := messages(r)
	if out.dropped > 0 {
		a.log.Warn("telegram: buttons left out of a reply", "chat", chatID, "dropped", out.dropped)
	}
	return out
}

// messageParams are the parameters of a message in HTML without link
// previews, with an optional inline keyboard.
func messageParams(chatID int64, text, keyboard string) params {
	p := params{
		"chat_id":              strconv.FormatInt(chatID, 10),
		"text":                 text,
		"parse_mode":           "HTML",
		"link_preview_options": `{"is_disabled":true}`,
	}
	if keyboard != "" {
		p["reply_markup"] = keyboard
	}
	return p
}

// sendError classifies a failed send as a *chat.SendError.
func sendError(err error) error {
	f, after := failure(err)
	return &chat.SendError{Failure: f, RetryAfter: after, Err: err}
}

// failure says what a failed call means for a message: 429 (or no slot
// soon enough) wait, 403 the user is gone, other 4xx the request is wrong,
// anything else (5xx, network, timeout) transient.
func failure(err error) (chat.SendFailure, time.Duration) {
	var be *busyError
	if errors.As(err, &be) {
		return chat.FailRateLimited, be.after
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		return chat.FailRetry, 0
	}
	switch {
	case ae.Code == http.StatusTooManyRequests:
		return chat.FailRateLimited, time.Duration(max(ae.RetryAfter, 1)) * time.Second
	case ae.Code == http.StatusForbidden:
		return chat.FailBlocked, 0
	case ae.Code >= 500:
		return chat.FailRetry, 0
	}
	return chat.FailPermanent, 0
}

// retryPolicy bounds the retries of one call.
type retryPolicy struct {
	attempts      int           // calls in all, the first included
	backoff       time.Duration // the wait after a first transient failure; it doubles
	maxRetryAfter time.Duration // a longer retry_after is not waited for
}

// defaultRetry is for what a user is waiting for: a few retries over
// about four seconds for faults, and one minute at most for a 429 (a
// longer one means the bot is flooding and the reply would come too late).
var defaultRetry = retryPolicy{attempts: 4, backoff: 500 * time.Millisecond, maxRetryAfter: time.Minute}

// wait is how long to wait before retrying after the attempt-th call
// failed with err, or false not to retry.
func (p retryPolicy) wait(err error, attempt int) (time.Duration, bool) {
	if attempt >= p.attempts {
		return 0, false
	}
	switch f, after := failure(err); f {
	case chat.FailRateLimited:
		return after, after <= p.maxRetryAfter
	case chat.FailRetry:
		d := p.backoff << (attempt - 1)
		return d + rand.N(d/2+1), true // jitter spreads the retries of many chats
	}
	return 0, false
}

// call invokes a Bot API method, each attempt bounded by callTimeout,
// retrying as policy allows.
func (a *Adapter) call(ctx context.Context, policy retryPolicy, method string, p params, out any) error {
	for attempt := 1; ; attempt++ {
		err := a.callOnce(ctx, method, p, out)
		if err == nil || !a.retryAfter(ctx, policy, method, err, attempt) {
			return err
		}
	}
}

// callOnce invokes a Bot API method once, bounded by callTimeout.
func (a *Adapter) callOnce(ctx context.Context, method string, p params, out any) error {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	return a.api().call(cctx, method, p, out)
}

// retryAfter waits before the next attempt after the attempt-th failed
// with err, and reports whether to make it, as policy allows.
func (a *Adapter) retryAfter(ctx context.Context, policy retryPolicy, method string, err error, attempt int) bool {
	wait, ok := policy.wait(err, attempt)
	if !ok || ctx.Err() != nil {
		return false
	}
	a.log.Debug("telegram: retrying", "method", method, "attempt", attempt, "wait", wait, "err", err)
	return chat.Wait(ctx, wait) == nil
}

// message sends or edits one message when the pacer gives it a slot,
// retrying as policy allows. A 429 pauses the bot's messages (an edit's:
// its chat's) on every replica for retry_after; a policy of more than one
// attempt then tries again after the pause, without counting an attempt,
// as long as ctx's deadline leaves time for it. The first message of a
// push waits at most maxPushWait for its slot.
func (a *Adapter) message(ctx context.Context, k kind, chatID int64, method string, p params, out any, policy retryPolicy) error {
	giveUp := time.Duration(0)
	if policy.attempts == 1 && k != kindReply {
		// Half the caller's time at least is left for the call itself: a
		// call cut short after Telegram took the message would repeat it.
		giveUp = maxPushWait
		if deadline, ok := ctx.Deadline(); ok {
			giveUp = max(min(giveUp, time.Until(deadline)/2), time.Millisecond)
		}
	}
	for attempt := 1; ; attempt++ {
		if err := a.pace.await(ctx, k, chatID, giveUp); err != nil {
			return err
		}
		err := a.callOnce(ctx, method, p, out)
		if err == nil {
			return nil
		}
		if f, after := failure(err); f == chat.FailRateLimited {
			if perr := a.pace.pause(ctx, k, chatID, after); perr != nil {
				a.log.Warn("telegram: flood control pause not recorded", "err", perr)
			}
			if policy.attempts > 1 && leaves(ctx, after) {
				a.log.Debug("telegram: 429, trying again after the pause", "method", method, "chat", chatID, "retry_after", after)
				attempt--
				continue
			}
			return err
		}
		if !a.retryAfter(ctx, policy, method, err, attempt) {
			return err
		}
	}
}

// leaves reports whether ctx has d left before its deadline.
func leaves(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ctx.Err() == nil && (!ok || time.Until(deadline) > d)
}

// replyTTL is how long after a user's message its replies are still worth
// sending: waits for flood control (429s included) last at most this long.
const replyTTL = time.Minute

// reply sends the handler's replies to the chat a user wrote in at
// arrived, paced first in line, retrying faults within bounds and 429s
// until the replies are replyTTL old; a 403 marks the chat's subscriber
// blocked and stops, other failures are logged.
func (a *Adapter) reply(ctx context.Context, chatID int64, arrived time.Time, replies []chat.Reply) {
	ctx, cancel := context.WithDeadline(ctx, arrived.Add(a.replyTTL))
	defer cancel()
	for _, r := range replies {
		_, err := a.send(ctx, chatID, r, kindReply, a.retry)
		if err == nil {
			continue
		}
		switch f, _ := chat.ClassifySend(err); {
		case f == chat.FailBlocked:
			a.markBlocked(ctx, chatID, err)
			return
		case f == chat.FailRateLimited || errors.Is(err, context.DeadlineExceeded):
			a.log.Warn("telegram: reply dropped: flood control kept it back until it was too old to be useful",
				"chat", chatID, "max_age", a.replyTTL, "err", err)
			return
		}
		a.log.Warn("telegram: reply not sent", "chat", chatID, "err", err)
	}
}

func (a *Adapter) markBlocked(ctx context.Context, chatID int64, cause error) {
	id := chat.SubscriberID(chat.Telegram, strconv.FormatInt(chatID, 10))
	a.log.Info("telegram: subscriber blocked the bot", "subscriber", id, "err", cause)
	if a.blocker == nil {
		return
	}
	if err := a.blocker.SetStatus(ctx, id, content.StatusBlocked); err != nil {
		a.log.Error("telegram: mark subscriber blocked", "subscriber", id, "err", err)
	}
}
