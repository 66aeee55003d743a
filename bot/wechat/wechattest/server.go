package wechattest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Credentials NewServer uses when Options leaves them empty.
const (
	DefaultAppID      = "wx0123456789abcdef"
	DefaultAppSecret  = "tongbao-oa-secret"
	DefaultCorpID     = "ww0123456789abcdef"
	DefaultCorpSecret = "tongbao-wecom-secret"
	DefaultAgentID    = 1000002
)

// tokenTTL is the expires_in the real token endpoints answer.
const tokenTTL = 7200

// maxBody bounds request bodies; the real API refuses far smaller ones.
const maxBody = 4 << 20

// Options configures a fake API server. Zero fields take the Default*
// credentials and time.Now.
type Options struct {
	AppID, AppSecret   string // Official Account credentials for /cgi-bin/token and stable_token
	CorpID, CorpSecret string // WeCom credentials for /cgi-bin/gettoken
	AgentID            int64  // WeCom app every message/send must name
	// WeComLimits enforces WeCom's per-member limits on message/send: 30
	// messages a minute and 1,000 an hour. The excess is answered with
	// errcode 0 and dropped, as WeCom does, and recorded as a Violation.
	WeComLimits bool
	// Now is the clock for records and the WeCom limit windows.
	Now func() time.Time
}

// platform tells which API family a route, a token or an errmsg belongs to.
type platform int

const (
	platformOA platform = iota
	platformWeCom
)

// Server is a fake of the Official Account and WeCom HTTP APIs running on a
// loopback httptest server. It is safe for concurrent use.
type Server struct {
	opts Options
	ts   *httptest.Server

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced whenever a call is recorded
	seq        int64
	tokens     map[string]platform // every access token currently valid
	stable     string              // the current stable_token answer
	faults     []*faultRule
	calls      []callRecord
	custom     []CustomMessage
	templates  []TemplateMessage
	mass       []MassMessage
	massKeys   map[string]int64 // clientmsgid (or content digest) -> msg_id
	previews   []PreviewMessage
	menus      []Menu
	wecomMsgs  []WeComMessage
	violations []Violation
	sentTo     map[string][]time.Time // WeCom member -> delivery times within the last hour
	dir        directory              // the WeCom contact book (SetDirectory)
}

// route is one API endpoint.
type route struct {
	method   string
	platform platform
	token    bool // a token endpoint: no access_token, not matched by path-less faults
	handle   func(s *Server, req *apiRequest) reply
}

var routes = map[string]route{
	"/cgi-bin/token":                 {http.MethodGet, platformOA, true, (*Server).oaToken},
	"/cgi-bin/stable_token":          {http.MethodPost, platformOA, true, (*Server).oaStableToken},
	"/cgi-bin/message/custom/send":   {http.MethodPost, platformOA, false, (*Server).customSend},
	"/cgi-bin/message/template/send": {http.MethodPost, platformOA, false, (*Server).templateSend},
	"/cgi-bin/message/mass/sendall":  {http.MethodPost, platformOA, false, (*Server).massSend},
	"/cgi-bin/message/mass/send":     {http.MethodPost, platformOA, false, (*Server).massSend},
	"/cgi-bin/message/mass/preview":  {http.MethodPost, platformOA, false, (*Server).massPreview},
	"/cgi-bin/menu/create":           {http.MethodPost, platformOA, false, (*Server).menuCreate},
	"/cgi-bin/user/info":             {http.MethodGet, platformOA, false, (*Server).userInfo},
	"/cgi-bin/gettoken":              {http.MethodGet, platformWeCom, true, (*Server).wecomToken},
	"/cgi-bin/message/send":          {http.MethodPost, platformWeCom, false, (*Server).wecomSend},
}

// NewServer starts a fake API server; Close it when done.
func NewServer(opts Options) *Server {
	if opts.AppID == "" {
		opts.AppID = DefaultAppID
	}
	if opts.AppSecret == "" {
		opts.AppSecret = DefaultAppSecret
	}
	if opts.CorpID == "" {
		opts.CorpID = DefaultCorpID
	}
	if opts.CorpSecret == "" {
		opts.CorpSecret = DefaultCorpSecret
	}
	if opts.AgentID == 0 {
		opts.AgentID = DefaultAgentID
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:     opts,
		changed:  make(chan struct{}),
		tokens:   map[string]platform{},
		massKeys: map[string]int64{},
		sentTo:   map[string][]time.Time{},
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the API base to use in place of both https://api.weixin.qq.com and
// https://qyapi.weixin.qq.com (TONGBAO_WECHAT_API, TONGBAO_WECOM_API).
func (s *Server) URL() string { return s.ts.URL }

// Close shuts the server down, interrupting slow (Delay) answers.
func (s *Server) Close() {
	s.ts.CloseClientConnections()
	s.ts.Close()
}

// ExpireTokens invalidates every access token issued so far, ordinary and
// stable, Official Account and WeCom: the next call with one is answered
// 40001 (Official Account) or 40014 (WeCom) until a new token is fetched.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
	s.stable = ""
}

// apiRequest is one decoded call on its way through a handler.
type apiRequest struct {
	query url.Values
	body  []byte
	call  *callRecord
}

// decode unmarshals the JSON body into v; a failure is the reply to send.
func (r *apiRequest) decode(v any) (reply, bool) {
	if len(strings.TrimSpace(string(r.body))) == 0 {
		return fail(codeEmptyPostData), false
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return fail(codeDataFormat), false
	}
	return reply{}, true
}

// reply is a handler's answer: an errcode with its errmsg plus extra fields.
type reply struct {
	code   int
	msg    string         // errmsg of a success; errors take the documented text
	fields map[string]any // merged into the JSON object
	bare   bool           // no errcode/errmsg at all (Official Account token answers)
}

// ok is a success answer carrying fields.
func ok(fields map[string]any) reply { return reply{msg: "ok", fields: fields} }

// fail is an error answer with the documented errmsg.
func fail(code int) reply { return reply{code: code} }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	call := &callRecord{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body, At: s.opts.Now()}
	rt, found := routes[r.URL.Path]
	if !found {
		s.finish(w, call, platformOA, reply{code: codeInvalidURL}, http.StatusNotFound)
		return
	}
	req := &apiRequest{query: call.Query, body: body, call: call}
	if rep, bad := s.precheck(rt, req); bad {
		s.finish(w, call, rt.platform, rep, http.StatusOK)
		return
	}
	if f, hit := s.takeFault(rt, req); hit {
		if !wait(r.Context(), f.Delay) {
			s.finish(w, call, rt.platform, reply{}, 0) // the client gave up: record, answer nothing
			return
		}
		switch {
		case f.HTTPStatus != 0:
			s.finish(w, call, rt.platform, reply{}, f.HTTPStatus)
			return
		case f.ErrCode != 0:
			s.finish(w, call, rt.platform, reply{code: f.ErrCode, msg: f.ErrMsg}, http.StatusOK)
			return
		}
	}
	s.finish(w, call, rt.platform, rt.handle(s, req), http.StatusOK)
}

// precheck answers a wrong method or a missing or invalid access token.
func (s *Server) precheck(rt route, req *apiRequest) (reply, bool) {
	switch {
	case req.call.Method != rt.method && rt.method == http.MethodPost:
		return fail(codeRequirePOST), true
	case req.call.Method != rt.method:
		return fail(codeRequireGET), true
	case rt.token:
		return reply{}, false
	}
	tok := req.query.Get("access_token")
	if tok == "" {
		return fail(codeAccessTokenMissing), true
	}
	s.mu.Lock()
	p, valid := s.tokens[tok]
	s.mu.Unlock()
	if valid && p == rt.platform {
		return reply{}, false
	}
	if rt.platform == platformWeCom {
		return fail(codeInvalidAccessToken), true
	}
	return fail(CodeInvalidCredential), true
}

// wait sleeps for d unless ctx ends first; it reports whether d elapsed.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// finish writes the answer (status 0: none) and records the call.
func (s *Server) finish(w http.ResponseWriter, call *callRecord, p platform, rep reply, status int) {
	call.Status = status
	call.ErrCode = rep.code
	switch {
	case status == 0:
	case status != http.StatusOK:
		http.Error(w, http.StatusText(status), status)
	default:
		obj := map[string]any{}
		for k, v := range rep.fields {
			obj[k] = v
		}
		if !rep.bare {
			obj["errcode"] = rep.code
			obj["errmsg"] = errmsg(p, rep.code, rep.msg)
		}
		w.Header().Set("Content-Type", "application/json; encoding=utf-8")
		_ = json.NewEncoder(w).Encode(obj)
	}
	s.mu.Lock()
	s.calls = append(s.calls, *call)
	s.notifyLocked()
	s.mu.Unlock()
}

// notifyLocked wakes every WaitFor; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// nextIDLocked returns a fresh positive id for msgids and tokens; s.mu must be held.
func (s *Server) nextIDLocked() int64 {
	s.seq++
	return 1000000000 + s.seq
}

// issueToken creates a valid access token for p.
func (s *Server) issueToken(p platform) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueTokenLocked(p)
}

// issueTokenLocked is issueToken with s.mu held.
func (s *Server) issueTokenLocked(p platform) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := fmt.Sprintf("%d_%s", s.nextIDLocked(), hex.EncodeToString(b[:]))
	s.tokens[tok] = p
	return tok
}

func (s *Server) oaToken(req *apiRequest) reply {
	q := req.query
	if rep, bad := s.checkOACredentials(q.Get("grant_type"), q.Get("appid"), q.Get("secret")); bad {
		return rep
	}
	return reply{bare: true, fields: map[string]any{"access_token": s.issueToken(platformOA), "expires_in": tokenTTL}}
}

func (s *Server) oaStableToken(req *apiRequest) reply {
	var in struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if rep, good := req.decode(&in); !good {
		return rep
	}
	if rep, bad := s.checkOACredentials(in.GrantType, in.AppID, in.Secret); bad {
		return rep
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.ForceRefresh && s.stable != "" {
		delete(s.tokens, s.stable) // force_refresh invalidates the previous stable token
		s.stable = ""
	}
	if s.stable == "" {
		s.stable = s.issueTokenLocked(platformOA)
	}
	tok := s.stable
	return reply{bare: true, fields: map[string]any{"access_token": tok, "expires_in": tokenTTL}}
}

// checkOACredentials validates a token request of the Official Account.
func (s *Server) checkOACredentials(grantType, appID, secret string) (reply, bool) {
	switch {
	case grantType != "client_credential":
		return fail(codeInvalidGrantType), true
	case appID != s.opts.AppID:
		return fail(codeInvalidAppID), true
	case secret != s.opts.AppSecret:
		return fail(CodeInvalidAppSecret), true
	}
	return reply{}, false
}

func (s *Server) wecomToken(req *apiRequest) reply {
	switch {
	case req.query.Get("corpid") != s.opts.CorpID:
		return fail(codeInvalidCorpID)
	case req.query.Get("corpsecret") != s.opts.CorpSecret:
		return fail(CodeInvalidCredential)
	}
	return ok(map[string]any{"access_token": s.issueToken(platformWeCom), "expires_in": tokenTTL})
}
