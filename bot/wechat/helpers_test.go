package wechat

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/bot/chat"
	"tongbao/bot/wechat/wechattest"
	"tongbao/store"
	"tongbao/store/redistest"
)

// Callback credentials of the tests (the API credentials are wechattest's).
const (
	testToken  = "tongbao2022"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testOpenID = "o-cadre-1"
	testUserID = "zhangsan"
)

// redisSrv is the real redis-server every test of the package shares;
// each test uses its own key prefix.
var redisSrv *redistest.Server

func TestMain(m *testing.M) { redistest.Main(m, &redisSrv) }

// quietLog discards adapter logs.
func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// latestMeeting is the core's answer to "最新会议" in these tests.
var latestMeeting = chat.Text("兰溪市委常委会(扩大)会议").Add(
	chat.Block{Kind: chat.BlockField, Label: "时间", Text: "2022-05-27 09:36"},
	chat.Block{Kind: chat.BlockLink, Text: "全文", URL: "https://tongbao.example/r/abc?x=1&y=2"},
)

// fakeHandler is a conversation core that records what it gets and
// answers through answer (default: latestMeeting for anything, and a
// welcome for "/start"), after delay.
type fakeHandler struct {
	answer func(chat.Incoming) []chat.Reply
	delay  time.Duration

	mu  sync.Mutex
	got []chat.Incoming
}

func (h *fakeHandler) Handle(ctx context.Context, in chat.Incoming) []chat.Reply {
	h.mu.Lock()
	h.got = append(h.got, in)
	h.mu.Unlock()
	if h.delay > 0 {
		select {
		case <-time.After(h.delay):
		case <-ctx.Done():
			return nil
		}
	}
	if h.answer != nil {
		return h.answer(in)
	}
	if in.Text == "/start" {
		return []chat.Reply{chat.Text("欢迎关注通报！发送“最新会议”查看最近的会议。")}
	}
	return []chat.Reply{latestMeeting}
}

// calls returns what the handler received so far.
func (h *fakeHandler) calls() []chat.Incoming {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]chat.Incoming(nil), h.got...)
}

// recordedEvents records follows and unfollows; err fails them.
type recordedEvents struct {
	mu                       sync.Mutex
	subscribed, unsubscribed []string
	err                      error
}

func (e *recordedEvents) Subscribed(_ context.Context, id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.subscribed = append(e.subscribed, id)
	return e.err
}

func (e *recordedEvents) Unsubscribed(_ context.Context, id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.unsubscribed = append(e.unsubscribed, id)
	return e.err
}

func (e *recordedEvents) lists() (sub, unsub []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.subscribed...), append([]string(nil), e.unsubscribed...)
}

// fixture is an adapter under test: the fake platform API, our callback
// endpoint on a test server, a platform client of it and the recorders.
type fixture struct {
	api     *wechattest.Server
	handler *fakeHandler
	events  *recordedEvents
	st      *store.Store // the real store, under prefix
	rdb     *redis.Client
	prefix  string
	opened  map[string]bool // the keys the store wrote when it opened
	url     string          // our callback endpoint
	oa      *OfficialAccount
	wecom   *WeCom
}

// testPrefix is a Redis key prefix unique to this run of the test
// (-count runs it again against the same server).
func testPrefix(t testing.TB) string {
	return "t:" + strings.NewReplacer("/", ":", " ", "_").Replace(t.Name()) + ":" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"
}

// newFixture starts the fake API and a redis client for t.
func newFixture(t testing.TB, opts wechattest.Options, h *fakeHandler) *fixture {
	t.Helper()
	api := wechattest.NewServer(opts)
	t.Cleanup(api.Close)
	if h == nil {
		h = &fakeHandler{}
	}
	prefix := testPrefix(t)
	st, err := store.Open(context.Background(), store.Config{URL: redisSrv.URL(), Prefix: prefix}, store.Deps{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{api: api, handler: h, events: &recordedEvents{}, st: st, rdb: redisSrv.Client(t), prefix: prefix, opened: map[string]bool{}}
	for _, k := range f.keys(t) {
		f.opened[k] = true
	}
	return f
}

func (f *fixture) deps() Deps {
	return Deps{Handler: f.handler, Tokens: f.st, Limits: f.st, Dedupe: f.st, Events: f.events, Logger: quietLog()}
}

// oaConfig is a valid Official Account config against f's fake.
func (f *fixture) oaConfig() OAConfig {
	return OAConfig{
		AppID: wechattest.DefaultAppID, AppSecret: wechattest.DefaultAppSecret,
		Token: testToken, EncodingAESKey: testAESKey, APIBase: f.api.URL(),
		Template: TemplateConfig{ID: "tpl-bulletin", Fields: map[string]string{
			"first": "title", "keyword1": "field:时间", "keyword2": "summary", "remark": "=点击查看全文",
		}},
	}
}

// wecomConfig is a valid WeCom config against f's fake.
func (f *fixture) wecomConfig() WeComConfig {
	return WeComConfig{
		CorpID: wechattest.DefaultCorpID, AgentID: wechattest.DefaultAgentID, Secret: wechattest.DefaultCorpSecret,
		Token: testToken, EncodingAESKey: testAESKey, APIBase: f.api.URL(),
	}
}

// startOA builds the Official Account from cfg and serves it at /wechat;
// its client is in safe mode, or plain mode when cfg has no AES key.
func (f *fixture) startOA(t testing.TB, cfg OAConfig) *wechattest.Client {
	t.Helper()
	oa, err := NewOfficialAccount(cfg, f.deps())
	if err != nil {
		t.Fatal(err)
	}
	return f.serveOA(t, oa)
}

// serveOA serves oa at /wechat and returns a platform client of it.
func (f *fixture) serveOA(t testing.TB, oa *OfficialAccount) *wechattest.Client {
	t.Helper()
	f.oa = oa
	srv := httptest.NewServer(oa)
	t.Cleanup(func() {
		srv.Close()
		shutdown(t, oa.Shutdown)
	})
	f.url = srv.URL + "/wechat"
	c := wechattest.NewOAClient(f.url, oa.cfg.Token, oa.cfg.EncodingAESKey, oa.cfg.AppID)
	if oa.cfg.EncodingAESKey != "" {
		c.Mode = wechattest.Safe
	}
	return c
}

// startWeCom builds the WeCom app from cfg and serves it at /wecom.
func (f *fixture) startWeCom(t testing.TB, cfg WeComConfig) *wechattest.Client {
	t.Helper()
	wc, err := NewWeCom(cfg, f.deps())
	if err != nil {
		t.Fatal(err)
	}
	f.wecom = wc
	srv := httptest.NewServer(wc)
	t.Cleanup(func() {
		srv.Close()
		shutdown(t, wc.Shutdown)
	})
	f.url = srv.URL + "/wecom"
	return wechattest.NewWeComClient(f.url, cfg.Token, cfg.EncodingAESKey, cfg.CorpID)
}

// shutdown waits for an adapter's late answers.
func shutdown(t testing.TB, fn func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fn(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// keys lists the Redis keys under f's prefix written since the store opened.
func (f *fixture) keys(t testing.TB) []string {
	t.Helper()
	keys, err := f.rdb.Keys(context.Background(), f.prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var written []string
	for _, k := range keys {
		if !f.opened[k] {
			written = append(written, k)
		}
	}
	return written
}

// waitCtx bounds a wait for the fake to record something.
func waitCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// failureOf returns the class of a send error, failing the test when err
// is not a *chat.SendError.
func failureOf(t testing.TB, err error) (chat.SendFailure, time.Duration) {
	t.Helper()
	var se *chat.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *chat.SendError", err, err)
	}
	return se.Failure, se.RetryAfter
}
