package wechattest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Errcodes the fake answers, with the errmsg texts of the platforms' global
// return code pages. WeCom reuses some numbers with other texts (see errmsg).
const (
	CodeSystemBusy          = -1    // system error: retry later
	CodeInvalidCredential   = 40001 // OA: invalid or superseded access_token; WeCom: wrong corpsecret
	codeInvalidGrantType    = 40002
	CodeInvalidOpenID       = 40003
	codeInvalidMediaID      = 40007
	codeInvalidMsgType      = 40008
	codeInvalidAppID        = 40013 // also WeCom's invalid corpid
	codeInvalidCorpID       = 40013
	codeInvalidAccessToken  = 40014 // WeCom: unknown or expired access_token
	codeInvalidButtonSize   = 40016
	codeInvalidButtonType   = 40017
	codeInvalidButtonName   = 40018
	codeInvalidButtonKey    = 40019
	codeInvalidButtonURL    = 40020
	codeInvalidSubButtons   = 40023
	codeInvalidTemplateID   = 40037
	codeInvalidAgentID      = 40056
	codeInvalidParameter    = 40058
	codeInvalidURL          = 40066
	CodeInvalidAppSecret    = 40125
	codeOpenIDListSize      = 40130 // mass/send needs at least two openids
	codeAccessTokenMissing  = 41001
	codeMissingAgentID      = 41011
	codeRequireGET          = 43001
	codeRequirePOST         = 43002
	CodeRequireSubscribe    = 43004 // the user has unsubscribed
	codeEmptyPostData       = 44002
	codeEmptyNews           = 44003
	codeEmptyContent        = 44004
	codeContentTooLong      = 45002
	codeTooManyArticles     = 45008
	CodeDailyQuota          = 45009 // reach max api daily quota limit
	CodeOutOfWindow         = 45015 // customer-service message outside the 48-hour window
	CodeResponseCountLimit  = 45047 // too many customer-service messages since the user last wrote
	codeClientMsgIDExist    = 45065 // mass send with a clientmsgid already used
	codeClientMsgIDTooLong  = 45067
	codeDataFormat          = 47001
	CodeAllRecipientInvalid = 81013
)

// oaErrmsg holds the Official Account errmsg texts.
var oaErrmsg = map[int]string{
	CodeSystemBusy:         "system error",
	CodeInvalidCredential:  "invalid credential, access_token is invalid or not latest",
	codeInvalidGrantType:   "invalid grant_type",
	CodeInvalidOpenID:      "invalid openid",
	codeInvalidMediaID:     "invalid media_id",
	codeInvalidMsgType:     "invalid message type",
	codeInvalidAppID:       "invalid appid",
	codeInvalidButtonSize:  "invalid button size",
	codeInvalidButtonType:  "invalid button type",
	codeInvalidButtonName:  "invalid button name size",
	codeInvalidButtonKey:   "invalid button key size",
	codeInvalidButtonURL:   "invalid button url size",
	codeInvalidSubButtons:  "invalid sub button size",
	codeInvalidTemplateID:  "invalid template_id",
	codeInvalidURL:         "invalid url",
	CodeInvalidAppSecret:   "invalid appsecret",
	codeOpenIDListSize:     "invalid openid list size, at least two openid",
	codeAccessTokenMissing: "access_token missing",
	codeRequireGET:         "require GET method",
	codeRequirePOST:        "require POST method",
	CodeRequireSubscribe:   "require subscribe",
	codeEmptyPostData:      "empty post data",
	codeEmptyNews:          "empty news data",
	codeEmptyContent:       "empty content",
	codeContentTooLong:     "content size out of limit",
	codeTooManyArticles:    "article size out of limit",
	CodeDailyQuota:         "reach max api daily quota limit",
	CodeOutOfWindow:        "response out of time limit or subscription is canceled",
	CodeResponseCountLimit: "out of response count limit",
	codeClientMsgIDExist:   "clientmsgid exist",
	codeClientMsgIDTooLong: "clientmsgid size out of limit",
	codeDataFormat:         "data format error",
}

// wecomErrmsg holds the WeCom texts that differ from the Official Account's.
var wecomErrmsg = map[int]string{
	CodeInvalidCredential:   "invalid credential",
	codeInvalidCorpID:       "invalid corpid",
	codeInvalidAccessToken:  "invalid access_token",
	codeInvalidAgentID:      "invalid agentid",
	codeInvalidParameter:    "invalid Request Parameter",
	codeMissingAgentID:      "missing agentid",
	CodeDailyQuota:          "api freq out of limit",
	CodeAllRecipientInvalid: "user & party & tag all invalid",
}

// errmsg is the errmsg for code on p: success answers carry msg ("ok" by
// default); errors carry msg or the documented text followed by the request
// id the real servers append, so callers must not compare errmsg exactly.
func errmsg(p platform, code int, msg string) string {
	if code == 0 {
		if msg == "" {
			return "ok"
		}
		return msg
	}
	if msg == "" {
		msg = oaErrmsg[code]
		if t, found := wecomErrmsg[code]; found && p == platformWeCom {
			msg = t
		}
	}
	if msg == "" {
		msg = fmt.Sprintf("errcode %d", code)
	}
	if p == platformWeCom {
		return fmt.Sprintf("%s, hint: [%d_%08x], more info at https://open.work.weixin.qq.com/devtool/query?e=%d",
			msg, time.Now().Unix(), rand.Uint32(), code)
	}
	return fmt.Sprintf("%s rid: %08x-%08x-%08x", msg, rand.Uint32(), rand.Uint32(), rand.Uint32())
}

// Fault makes matching calls fail or stall. A call matches when its path is
// Path (empty: any API but the token endpoints) and OpenID is one of its
// recipients (the openid or WeCom userid in touser or ?openid=; empty: any).
// The first matching fault applies: after Delay it answers HTTPStatus if set,
// else ErrCode if set, else the call proceeds normally.
type Fault struct {
	Path       string        // API path such as "/cgi-bin/message/custom/send"
	OpenID     string        // recipient openid or WeCom userid
	ErrCode    int           // errcode to answer, e.g. CodeOutOfWindow
	ErrMsg     string        // errmsg instead of the documented text
	HTTPStatus int           // HTTP status to answer instead of JSON, e.g. 502
	Delay      time.Duration // wait before answering; a client that gives up gets nothing
	Times      int           // matching calls it applies to; 0 means until ClearFaults
}

// faultRule is an injected Fault and how many more calls it applies to (-1: unlimited).
type faultRule struct {
	Fault
	left int
}

// InjectFault adds a fault after the ones already injected.
func (s *Server) InjectFault(f Fault) {
	left := f.Times
	if left <= 0 {
		left = -1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRule{Fault: f, left: left})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault matching the call and uses one of its times.
func (s *Server) takeFault(rt route, req *apiRequest) (Fault, bool) {
	var to []string
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Path != req.call.Path && (f.Path != "" || rt.token) {
			continue
		}
		if f.OpenID != "" {
			if to == nil {
				to = recipients(req)
			}
			if !slices.Contains(to, f.OpenID) {
				continue
			}
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

// recipients lists the openids / userids a call addresses: ?openid= and the
// body's touser, a string ("a|b" on WeCom) or an array (mass send).
func recipients(req *apiRequest) []string {
	out := []string{}
	if id := req.query.Get("openid"); id != "" {
		out = append(out, id)
	}
	var b struct {
		ToUser json.RawMessage `json:"touser"`
	}
	if json.Unmarshal(req.body, &b) != nil || len(b.ToUser) == 0 {
		return out
	}
	var one string
	var many []string
	switch {
	case json.Unmarshal(b.ToUser, &one) == nil:
		out = append(out, strings.Split(one, "|")...)
	case json.Unmarshal(b.ToUser, &many) == nil:
		out = append(out, many...)
	}
	return out
}
