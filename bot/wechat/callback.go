package wechat

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
	"tongbao/bot/chat"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// Callback limits.
const (
	// maxBody is the largest callback body accepted; real ones are a few KB.
	maxBody = 1 << 20
	// dedupeTTL outlives the platforms' retries (3 within about 15 s).
	dedupeTTL = 10 * time.Minute
	// lateTimeout bounds the core's answer and its delivery when it
	// missed the passive-reply budget.
	lateTimeout = time.Minute
)

// errStatus is a refused callback: its HTTP status and why.
type errStatus struct {
	status int
	err    error
}

func (e *errStatus) Error() string { return fmt.Sprintf("HTTP %d: %v", e.status, e.err) }
func (e *errStatus) Unwrap() error { return e.err }

func refuse(status int, err error) *errStatus { return &errStatus{status: status, err: err} }

// readBody reads a callback body of at most maxBody bytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *errStatus) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, refuse(http.StatusRequestEntityTooLarge, fmt.Errorf("wechat: body over %d bytes", maxBody))
	case err != nil:
		return nil, refuse(http.StatusBadRequest, fmt.Errorf("wechat: read body: %w", err))
	}
	return body, nil
}

// inbound is the part of a callback message the adapters read. (The
// library's message.MixMessage has about a hundred fields: decoding into
// it took a fifth of a callback's time.)
type inbound struct {
	XMLName      xml.Name          `xml:"xml"`
	ToUserName   string            `xml:"ToUserName"`
	FromUserName string            `xml:"FromUserName"`
	CreateTime   int64             `xml:"CreateTime"`
	MsgType      message.MsgType   `xml:"MsgType"`
	Content      string            `xml:"Content"`
	MsgID        int64             `xml:"MsgId"`
	Recognition  string            `xml:"Recognition"` // voice, when speech recognition is on
	Event        message.EventType `xml:"Event"`
	EventKey     string            `xml:"EventKey"`
}

// openMessage verifies and decrypts an encrypted callback body (safe,
// compatible and WeCom modes: msg_signature over Encrypt) and parses the
// message; box nil means the body is the plain message.
func openMessage(body []byte, b *box, msgSignature, timestamp, nonce string) (*inbound, *errStatus) {
	plain := body
	if b != nil {
		var env message.EncryptedXMLMsg
		if err := xml.Unmarshal(body, &env); err != nil || env.EncryptedMsg == "" {
			return nil, refuse(http.StatusBadRequest, fmt.Errorf("wechat: no Encrypt in the body: %v", err))
		}
		if !b.check(msgSignature, timestamp, nonce, env.EncryptedMsg) {
			return nil, refuse(http.StatusForbidden, fmt.Errorf("wechat: msg_signature: %w", errSignature))
		}
		var err error
		if plain, err = b.open(env.EncryptedMsg); err != nil {
			return nil, refuse(http.StatusBadRequest, err)
		}
	}
	var msg inbound
	if err := xml.Unmarshal(plain, &msg); err != nil {
		return nil, refuse(http.StatusBadRequest, fmt.Errorf("wechat: message XML: %w", err))
	}
	if msg.FromUserName == "" || msg.ToUserName == "" || msg.MsgType == "" {
		return nil, refuse(http.StatusBadRequest, errors.New("wechat: message without FromUserName, ToUserName or MsgType"))
	}
	return &msg, nil
}

// responder answers callbacks through the conversation core: passively
// when the answer is ready within the budget and fits one message, else
// with "no reply" now and the answer as messages through sender later.
type responder struct {
	platform chat.Platform
	handler  Handler
	dedupe   Deduper
	sender   chat.Sender
	box      *box // seals passive replies to encrypted requests
	budget   time.Duration
	log      *slog.Logger

	late sync.WaitGroup // answers still being computed or delivered
}

// methodNotAllowed answers a callback request that is neither GET (URL
// verification) nor POST (a message or event).
func methodNotAllowed(w http.ResponseWriter) {
	w.Header().Set("Allow", "GET, POST")
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
}

// newResponder returns the responder of an adapter's callback: sender
// sends its late answers, and the callback's token, EncodingAESKey and
// receiver id (the appid or corpid) open and seal its messages.
func newResponder(sender chat.Sender, deps Deps, token, aesKey, receiver string, replyBudget time.Duration) (*responder, error) {
	b, err := newBox(token, aesKey, receiver)
	if err != nil {
		return nil, err
	}
	return &responder{
		platform: sender.Platform(),
		handler:  deps.Handler,
		dedupe:   deps.Dedupe,
		sender:   sender,
		box:      b,
		budget:   budget(replyBudget),
		log:      deps.Logger,
	}, nil
}

// first reports whether the callback identified by key is seen for the
// first time. When the dedupe store fails it says yes: a rare duplicate
// answer is better than none.
func (p *responder) first(ctx context.Context, key string) bool {
	fresh, err := p.dedupe.Once(ctx, key, dedupeTTL)
	if err != nil {
		p.log.Warn("wechat: dedupe failed; processing the callback", "platform", p.platform, "err", err)
		return true
	}
	return fresh
}

// incoming builds the core's view of a message from msg with text.
func (p *responder) incoming(msg *inbound, text string) chat.Incoming {
	in := chat.Incoming{
		Platform: p.platform,
		UserID:   msg.FromUserName,
		ChatID:   msg.FromUserName,
		Text:     text,
		Time:     time.Unix(msg.CreateTime, 0),
	}
	if msg.MsgID != 0 {
		in.MessageID = strconv.FormatInt(msg.MsgID, 10)
	}
	return in
}

// answer runs the core on in and writes the callback's answer. A retry of
// a callback already seen (key) gets "no reply": the first attempt
// answers, passively or with messages. encrypted seals the passive reply.
func (p *responder) answer(w http.ResponseWriter, r *http.Request, msg *inbound, in chat.Incoming, key string, encrypted bool) {
	if !p.first(r.Context(), key) {
		p.noReply(w)
		return
	}
	ready := make(chan []chat.Reply)
	abandoned := make(chan struct{})
	p.late.Add(1)
	go func() {
		defer p.late.Done()
		replies := p.handle(context.WithoutCancel(r.Context()), in)
		select {
		case ready <- replies:
		case <-abandoned:
			p.deliver(in.ChatID, replies)
		}
	}()
	timer := time.NewTimer(p.budget)
	defer timer.Stop()
	select {
	case replies := <-ready:
		now := time.Now().Unix()
		if reply := passive(replies, msg.FromUserName, msg.ToUserName, now); reply != nil {
			p.write(w, reply, now, encrypted)
			return
		}
		p.noReply(w)
		if len(replies) > 0 {
			p.late.Add(1)
			go func() {
				defer p.late.Done()
				p.deliver(in.ChatID, replies)
			}()
		}
	case <-timer.C:
		close(abandoned)
		p.noReply(w)
	case <-r.Context().Done():
		close(abandoned) // the platform hung up; it will retry and get "no reply"
	}
}

// handle asks the core, containing its panics.
func (p *responder) handle(ctx context.Context, in chat.Incoming) (replies []chat.Reply) {
	ctx, cancel := context.WithTimeout(ctx, lateTimeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			p.log.Error("wechat: handler panicked", "platform", p.platform, "subscriber", in.Subscriber(), "panic", v)
			replies = nil
		}
	}()
	return p.handler.Handle(ctx, in)
}

// deliver sends replies in order as messages.
func (p *responder) deliver(chatID string, replies []chat.Reply) {
	ctx, cancel := context.WithTimeout(context.Background(), lateTimeout)
	defer cancel()
	for _, r := range replies {
		if _, err := p.sender.Send(ctx, chatID, r); err != nil {
			failure, _ := chat.ClassifySend(err)
			p.log.Warn("wechat: late answer not delivered", "platform", p.platform,
				"subscriber", chat.SubscriberID(p.platform, chatID), "failure", failure, "err", err)
			return
		}
	}
}

// write sends a passive reply, sealed when the request was encrypted.
func (p *responder) write(w http.ResponseWriter, reply []byte, now int64, encrypted bool) {
	if encrypted {
		reply = p.box.seal(reply, now)
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(reply)
}

// shutdown waits for late answers to be delivered, or for ctx to end.
func (p *responder) shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		p.late.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wechat: late answers still pending: %w", ctx.Err())
	}
}

// noReply answers "no passive reply": "success" on the Official Account,
// an empty body on WeCom, as each documents.
func (p *responder) noReply(w http.ResponseWriter) {
	if p.platform == chat.WeCom {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "success")
}

// fail answers a refused callback and logs why, without the body.
func (p *responder) fail(w http.ResponseWriter, r *http.Request, e *errStatus) {
	p.log.Warn("wechat: callback refused", "platform", p.platform, "status", e.status, "remote", r.RemoteAddr, "err", e.err)
	http.Error(w, http.StatusText(e.status), e.status)
}

// eventKey identifies an event for dedupe: events carry no MsgId.
func eventKey(prefix string, msg *inbound) string {
	return prefix + ":evt:" + msg.FromUserName + ":" + strconv.FormatInt(msg.CreateTime, 10) + ":" + string(msg.Event) + ":" + msg.EventKey
}
