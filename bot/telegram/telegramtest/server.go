package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// defaultToken is the bot token a Server accepts unless WithToken says
// otherwise; the bot's user id is the part before the colon.
const defaultToken = "123456789:telegramtest-token"

// Server is a fake Telegram Bot API on a local httptest server. It speaks the
// Bot API wire format, records what the bot does, injects updates and faults
// and, when asked, enforces Telegram's flood limits. All methods are safe for
// concurrent use.
type Server struct {
	ts      *httptest.Server
	token   string
	bot     User
	strict  bool // reject a bare '&' in HTML texts
	retry   time.Duration
	client  *http.Client // posts updates to the webhook
	done    chan struct{}
	closing sync.Once
	workers sync.WaitGroup // webhook deliveries

	calls   []atomic.Int64 // by method index; the last counts unknown methods
	statsMu sync.Mutex
	errors  map[int]int64
	posts   atomic.Int64 // webhook POSTs
	failed  atomic.Int64 // webhook POSTs that failed

	faults faultSet
	flood  flood

	mu         sync.Mutex
	changed    signal // something was recorded
	updates    signal // the update queue or the webhook changed
	chats      map[int64]*chatState
	messages   map[msgKey]*Message
	sent       []SentMessage
	edits      []SentMessage
	answers    []CallbackAnswer
	queries    map[string]CallbackQuery // pressed and not answered yet
	commands   map[commandKey][]BotCommand
	webhook    *webhookState
	queue      []*queued
	history    map[int]*queued // every update ever queued, by id
	lastUpdate int
	lastQuery  int
	pollGen    int // the newest getUpdates call; older ones end with 409
}

// chatState is what the server knows of a chat.
type chatState struct {
	chat        Chat
	lastMessage int
}

type msgKey struct {
	chat int64
	id   int
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the token the server accepts; the bot's user id becomes the
// token's numeric prefix.
func WithToken(token string) Option {
	return func(s *Server) { s.token = token }
}

// WithBot sets the bot's profile returned by getMe (default: first name
// "Tongbao", username "TongbaoBot"); a zero ID keeps the token's.
func WithBot(u User) Option {
	return func(s *Server) { s.bot = u }
}

// WithLenientHTML makes HTML parsing exactly as lenient as Telegram's: a '&'
// that starts no character reference is kept as text instead of rejected.
func WithLenientHTML() Option {
	return func(s *Server) { s.strict = false }
}

// WithWebhookRetry sets the delay before the first retry of a failed webhook
// POST (default 100ms); each further retry of the same update waits twice as
// long, up to 32 times the first delay.
func WithWebhookRetry(d time.Duration) Option {
	return func(s *Server) { s.retry = d }
}

// New starts a server; Close it when done.
func New(opts ...Option) *Server {
	s := &Server{
		token:    defaultToken,
		bot:      User{FirstName: "Tongbao", Username: "TongbaoBot"},
		strict:   true,
		retry:    100 * time.Millisecond,
		done:     make(chan struct{}),
		calls:    make([]atomic.Int64, len(methodList)+1),
		errors:   map[int]int64{},
		chats:    map[int64]*chatState{},
		messages: map[msgKey]*Message{},
		queries:  map[string]CallbackQuery{},
		commands: map[commandKey][]BotCommand{},
		history:  map[int]*queued{},
	}
	s.flood.init()
	for _, o := range opts {
		o(s)
	}
	s.bot.IsBot = true
	if s.bot.ID == 0 {
		prefix, _, _ := strings.Cut(s.token, ":")
		s.bot.ID, _ = strconv.ParseInt(prefix, 10, 64)
	}
	s.client = &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 100},
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the Bot API base URL, the value for TONGBAO_TELEGRAM_API: clients
// call URL()+"/bot"+token+"/"+method.
func (s *Server) URL() string { return s.ts.URL }

// Endpoint is the endpoint format tgbotapi.NewBotAPIWithAPIEndpoint and
// NewBotAPIWithClient take: URL()+"/bot%s/%s".
func (s *Server) Endpoint() string { return s.ts.URL + "/bot%s/%s" }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// Bot is the bot's own user, as getMe returns it.
func (s *Server) Bot() User { return s.bot }

// Close ends pending long polls and webhook deliveries and shuts the server
// down.
func (s *Server) Close() {
	s.closing.Do(func() {
		close(s.done)
		s.mu.Lock()
		if s.webhook != nil {
			s.webhook.cancel()
		}
		s.mu.Unlock()
		s.ts.Close()
		s.workers.Wait()
		s.client.CloseIdleConnections()
	})
}

// apiError is an error reply: error_code, description and, for 429, the
// seconds to wait.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.code, e.desc) }

func badRequest(desc string) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + desc}
}

func tooManyRequests(retryAfter int) *apiError {
	return &apiError{
		code:       http.StatusTooManyRequests,
		desc:       "Too Many Requests: retry after " + strconv.Itoa(retryAfter),
		retryAfter: retryAfter,
	}
}

var (
	errUnauthorized = &apiError{code: http.StatusUnauthorized, desc: "Unauthorized"}
	errNotFound     = &apiError{code: http.StatusNotFound, desc: "Not Found"}
	errClosing      = &apiError{code: http.StatusBadGateway, desc: "Bad Gateway"}
)

// described is a result with the description Telegram adds to some replies
// ("Webhook was set").
type described struct {
	result any
	desc   string
}

// rawResult is a result already encoded as JSON.
type rawResult []byte

// call is one Bot API call being answered.
type call struct {
	ctx    context.Context
	method *method
	p      params
	chatID int64 // the chat_id parameter when numeric
}

// method is one Bot API method the server implements.
type method struct {
	name    string
	index   int
	message bool // sends or edits a message: subject to flood limits
	handle  func(*Server, *call) (any, error)
}

var methodList = []*method{
	{name: "getMe", handle: (*Server).getMe},
	{name: "getUpdates", handle: (*Server).getUpdates},
	{name: "sendMessage", message: true, handle: (*Server).sendMessage},
	{name: "editMessageText", message: true, handle: (*Server).editMessageText},
	{name: "answerCallbackQuery", handle: (*Server).answerCallbackQuery},
	{name: "setWebhook", handle: (*Server).setWebhook},
	{name: "deleteWebhook", handle: (*Server).deleteWebhook},
	{name: "getWebhookInfo", handle: (*Server).getWebhookInfo},
	{name: "setMyCommands", handle: (*Server).setMyCommands},
	{name: "getMyCommands", handle: (*Server).getMyCommands},
	{name: "deleteMyCommands", handle: (*Server).deleteMyCommands},
}

// methodsByName finds methods by exact name and, since Bot API method names
// are case-insensitive, by lower-case name.
var methodsByName = map[string]*method{}

func init() {
	for i, m := range methodList {
		m.index = i
		methodsByName[m.name] = m
		methodsByName[strings.ToLower(m.name)] = m
	}
}

func lookupMethod(name string) *method {
	if m, ok := methodsByName[name]; ok {
		return m
	}
	return methodsByName[strings.ToLower(name)]
}

// serveHTTP answers /bot<token>/<method>.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, name, found := strings.Cut(rest, "/")
	if !ok || !found {
		s.reply(w, nil, errNotFound)
		return
	}
	if token != s.token {
		s.reply(w, nil, errUnauthorized)
		return
	}
	m := lookupMethod(name)
	if m == nil {
		s.calls[len(methodList)].Add(1)
		s.reply(w, nil, errNotFound)
		return
	}
	p, err := readParams(r)
	if err != nil {
		s.calls[m.index].Add(1)
		s.reply(w, nil, badRequest("can't parse request: "+err.Error()))
		return
	}
	result, err := s.do(r.Context(), m, p)
	s.reply(w, result, err)
}

// do runs one call: faults first, then flood control, then the method.
func (s *Server) do(ctx context.Context, m *method, p params) (any, error) {
	s.calls[m.index].Add(1)
	c := &call{ctx: ctx, method: m, p: p}
	c.chatID, _ = p.int64("chat_id")
	fault, hit := s.faults.take(m.name, c.chatID)
	if hit && fault.Delay > 0 {
		t := time.NewTimer(fault.Delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-s.done:
			t.Stop()
			return nil, errClosing
		}
	}
	if err := s.flood.check(m, c.chatID); err != nil {
		return nil, err
	}
	if hit && fault.Code != 0 {
		if fault.Code == http.StatusTooManyRequests {
			s.flood.throttle(m, c.chatID, fault.ChatID, fault.RetryAfter, "fault")
		}
		return nil, &apiError{code: fault.Code, desc: fault.Description, retryAfter: fault.RetryAfter}
	}
	return m.handle(s, c)
}

// reply writes a result or an error in the Bot API envelope, with the HTTP
// status equal to the error_code as Telegram does.
func (s *Server) reply(w http.ResponseWriter, result any, err error) {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer bodyBuffers.Put(buf)
	buf.Reset()
	status := http.StatusOK
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			ae = &apiError{code: http.StatusInternalServerError, desc: "Internal Server Error: " + err.Error()}
		}
		status = ae.code
		s.statsMu.Lock()
		s.errors[ae.code]++
		s.statsMu.Unlock()
		out := errorReply{ErrorCode: ae.code, Description: ae.desc}
		if ae.retryAfter > 0 {
			out.Parameters = &responseParameters{RetryAfter: ae.retryAfter}
		}
		encode(buf, out)
	} else {
		switch r := result.(type) {
		case rawResult:
			buf.WriteString(`{"ok":true,"result":`)
			buf.Write(r)
			buf.WriteString("}\n")
		case described:
			encode(buf, okReply{OK: true, Result: r.result, Description: r.desc})
		default:
			encode(buf, okReply{OK: true, Result: r})
		}
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(buf.Len())}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var jsonContentType = []string{"application/json"}

// encode writes v as JSON; the values the server encodes always can be.
func encode(buf *bytes.Buffer, v any) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("telegramtest: encode reply: " + err.Error())
	}
}

// Stats are counters for benchmarks and assertions.
type Stats struct {
	Calls           map[string]int64 // requests by method; unknown methods under "unknown"
	Errors          map[int]int64    // error replies by error_code
	WebhookPosts    int64            // updates POSTed to the webhook, retries included
	WebhookFailures int64            // webhook POSTs that failed or got a non-2xx reply
}

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	st := Stats{
		Calls:           map[string]int64{},
		Errors:          map[int]int64{},
		WebhookPosts:    s.posts.Load(),
		WebhookFailures: s.failed.Load(),
	}
	for i := range s.calls {
		if n := s.calls[i].Load(); n > 0 {
			name := "unknown"
			if i < len(methodList) {
				name = methodList[i].name
			}
			st.Calls[name] = n
		}
	}
	s.statsMu.Lock()
	for code, n := range s.errors {
		st.Errors[code] = n
	}
	s.statsMu.Unlock()
	return st
}
