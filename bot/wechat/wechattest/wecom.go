package wechattest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// WeCom app-message limits per member (documented: 30 a minute, 1,000 an
// hour; the excess is dropped) and text length (2,048 bytes; longer is cut).
const (
	wecomPerMinute = 30
	wecomPerHour   = 1000
	wecomMaxText   = 2048
)

// flexInt accepts a JSON number or a numeric string: WeCom documents agentid
// as an integer and silenceper/wechat sends it as a string.
type flexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("wechattest: agentid %s: %w", b, err)
	}
	*f = flexInt(n)
	return nil
}

func (s *Server) wecomSend(req *apiRequest) reply {
	var in struct {
		ToUser   string    `json:"touser"`
		ToParty  string    `json:"toparty"`
		ToTag    string    `json:"totag"`
		MsgType  string    `json:"msgtype"`
		AgentID  flexInt   `json:"agentid"`
		Text     *textBody `json:"text"`
		TextCard *TextCard `json:"textcard"`
	}
	if rep, good := req.decode(&in); !good {
		return rep
	}
	switch {
	case in.AgentID == 0:
		return fail(codeMissingAgentID)
	case int64(in.AgentID) != s.opts.AgentID:
		return fail(codeInvalidAgentID)
	case in.ToUser == "" && in.ToParty == "" && in.ToTag == "":
		return fail(CodeAllRecipientInvalid)
	}
	m := WeComMessage{ToParty: in.ToParty, ToTag: in.ToTag, AgentID: int64(in.AgentID), MsgType: in.MsgType}
	switch in.MsgType {
	case "text":
		if in.Text == nil || in.Text.Content == "" {
			return fail(codeEmptyContent)
		}
		m.Content = in.Text.Content
	case "textcard":
		c := in.TextCard
		if c == nil || c.Title == "" || c.Description == "" || c.URL == "" {
			return fail(codeInvalidParameter)
		}
		m.TextCard = c
	case "image", "voice", "video", "file", "news", "mpnews", "markdown", "miniprogram_notice", "template_card":
		// accepted as is
	default:
		return fail(codeInvalidMsgType)
	}
	if in.ToUser != "" {
		m.ToUsers = strings.Split(in.ToUser, "|")
	}
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	m.MsgID = strconv.FormatInt(s.nextIDLocked(), 10)
	if len(m.Content) > wecomMaxText {
		s.violations = append(s.violations, Violation{Member: in.ToUser, Kind: violationTextTooLong, At: now})
	}
	for _, u := range m.ToUsers {
		kind := ""
		if s.opts.WeComLimits && u != "@all" {
			kind = s.admitLocked(u, now)
		}
		if kind != "" {
			m.Dropped = append(m.Dropped, u)
			s.violations = append(s.violations, Violation{Member: u, Kind: kind, At: now})
			continue
		}
		m.Delivered = append(m.Delivered, u)
	}
	s.wecomMsgs = append(s.wecomMsgs, m)
	s.notifyLocked()
	return ok(map[string]any{
		"invaliduser": "", "invalidparty": "", "invalidtag": "", "unlicenseduser": "",
		"msgid": m.MsgID, "response_code": "",
	})
}

// admitLocked counts one message to member at now against the sliding
// minute and hour windows; it returns the violated limit, or "" when the
// message is delivered. s.mu must be held.
func (s *Server) admitLocked(member string, now time.Time) string {
	times := s.sentTo[member]
	cut := 0
	for cut < len(times) && now.Sub(times[cut]) >= time.Hour {
		cut++
	}
	times = times[cut:]
	inMinute := 0
	for i := len(times) - 1; i >= 0 && now.Sub(times[i]) < time.Minute; i-- {
		inMinute++
	}
	switch {
	case inMinute >= wecomPerMinute:
		s.sentTo[member] = times
		return violationPerMinute
	case len(times) >= wecomPerHour:
		s.sentTo[member] = times
		return violationPerHour
	}
	s.sentTo[member] = append(times, now)
	return ""
}
