package wechat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"tongbao/bot/chat"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// Official Account errcodes the senders act on.
const (
	codeSystemBusy    = -1
	codeUnsubscribed  = 43004 // require subscribe: the user unfollowed
	codeDailyQuota    = 45009 // reach max api daily quota limit
	codeMinuteQuota   = 45011 // api minute-quota reach limit
	codeOutOfWindow   = 45015 // response out of time limit: 48 h since the user last wrote
	codeResponseCount = 45047 // out of response count limit: too many messages since then
	codeMassDuplicate = 45065 // clientmsgid exist: this mass send was already accepted
)

// Send pushes r to the follower openID as customer-service messages: a
// news card when r has a Card with a link, else text (links as <a href>)
// cut into messages of at most 2,048 bytes between paragraphs. When the
// 48-hour window is closed (45015, 45047) it sends the configured template
// message instead and returns its msgid. Refusals are *chat.SendError: an
// unfollowed user (43004) FailLeft, the daily quota (45009) FailQuota until
// midnight China time, system busy (-1), HTTP 5xx and timeouts FailRetry.
// An expired token (40001, 42001) is refreshed and the call retried once.
func (a *OfficialAccount) Send(ctx context.Context, openID string, r chat.Reply) (string, error) {
	msgs := customerMessages(openID, r)
	if len(msgs) == 0 {
		return "", &chat.SendError{Failure: chat.FailPermanent, Err: errEmptyReply}
	}
	for i, m := range msgs {
		err := a.api.call(ctx, "/cgi-bin/message/custom/send", m, nil)
		switch {
		case err == nil:
		case i == 0 && outOfWindow(err) && a.cfg.Template.ID != "":
			return a.sendTemplate(ctx, openID, r)
		default:
			return "", sendError(fmt.Errorf("customer message %d: %w", i+1, err), classifyOA)
		}
	}
	return "", nil
}

// customerMessages renders r as customer-service messages to openID.
func customerMessages(openID string, r chat.Reply) []*message.CustomerMessage {
	if hasCard(r) {
		c := r.Card
		return []*message.CustomerMessage{{
			ToUser:  openID,
			Msgtype: message.MsgTypeNews,
			News: &message.MediaNews{Articles: []message.MediaArticles{{
				Title: c.Title, Description: c.Description, URL: c.URL, Picurl: c.ImageURL,
			}}},
		}}
	}
	text := renderText(r)
	if text == "" {
		return nil
	}
	var msgs []*message.CustomerMessage
	for _, part := range splitText(text, maxText) {
		msgs = append(msgs, message.NewCustomerTextMessage(openID, part))
	}
	return msgs
}

// outOfWindow reports whether err says the customer-service window to the
// user is closed.
func outOfWindow(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.Code == codeOutOfWindow || ae.Code == codeResponseCount)
}

// templateMessage is a template message/send body. silenceper's
// message.TemplateMessage always sends an empty "miniprogram" object.
type templateMessage struct {
	ToUser     string                               `json:"touser"`
	TemplateID string                               `json:"template_id"`
	URL        string                               `json:"url,omitempty"`
	Data       map[string]*message.TemplateDataItem `json:"data"`
}

// sendTemplate sends r as the configured template message.
func (a *OfficialAccount) sendTemplate(ctx context.Context, openID string, r chat.Reply) (string, error) {
	t := a.cfg.Template
	msg := templateMessage{ToUser: openID, TemplateID: t.ID, URL: link(r), Data: templateData(t, r, time.Now())}
	var res struct {
		MsgID int64 `json:"msgid"`
	}
	if err := a.api.call(ctx, "/cgi-bin/message/template/send", msg, &res); err != nil {
		return "", sendError(fmt.Errorf("template message: %w", err), classifyOA)
	}
	return strconv.FormatInt(res.MsgID, 10), nil
}

// classifyOA says what an Official Account errcode means for a send.
func classifyOA(code int) (chat.SendFailure, time.Duration) {
	switch code {
	case codeUnsubscribed:
		return chat.FailLeft, 0
	case codeDailyQuota:
		return chat.FailQuota, untilChinaMidnight(time.Now())
	case codeMinuteQuota:
		return chat.FailRateLimited, time.Minute
	case codeSystemBusy:
		return chat.FailRetry, 0
	}
	if oaTokenExpired(code) { // still refused after a fresh token: another replica is refreshing
		return chat.FailRetry, 0
	}
	return chat.FailPermanent, 0
}

// untilChinaMidnight is how long until the daily quotas reset: midnight
// in China.
func untilChinaMidnight(now time.Time) time.Duration {
	t := now.In(chinaTime)
	next := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, chinaTime)
	return next.Sub(t)
}

// massText is the text message body of mass sends and their preview.
type massText struct {
	Filter      *massFilter       `json:"filter,omitempty"`
	ToUser      string            `json:"touser,omitempty"`
	MsgType     string            `json:"msgtype"`
	Text        message.MediaText `json:"text"`
	ClientMsgID string            `json:"clientmsgid,omitempty"`
}

type massFilter struct {
	IsToAll bool  `json:"is_to_all"`
	TagID   int64 `json:"tag_id,omitempty"`
}

// MassSendText sends text to every follower with tag tagID (0: every
// follower) as a mass send (群发) and returns its msg_id. clientMsgID (at
// most 64 bytes) makes it idempotent: a repeat is not sent again, and
// returns the first send's msg_id with no error. Mass sends are few (4 per
// follower a month on service accounts): preview them first. Refusals
// are *chat.SendError as for Send.
func (a *OfficialAccount) MassSendText(ctx context.Context, tagID int64, text, clientMsgID string) (int64, error) {
	body := massText{
		Filter:      &massFilter{IsToAll: tagID == 0, TagID: tagID},
		MsgType:     "text",
		Text:        message.MediaText{Content: text},
		ClientMsgID: clientMsgID,
	}
	var res struct {
		MsgID int64 `json:"msg_id"`
	}
	err := a.api.call(ctx, "/cgi-bin/message/mass/sendall", body, &res)
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == codeMassDuplicate && res.MsgID != 0 {
		return res.MsgID, nil
	}
	if err != nil {
		return 0, sendError(fmt.Errorf("mass send: %w", err), classifyOA)
	}
	return res.MsgID, nil
}

// Preview sends text as a mass-send preview to one follower (an admin),
// who sees exactly what MassSendText would send.
func (a *OfficialAccount) Preview(ctx context.Context, openID, text string) error {
	body := massText{ToUser: openID, MsgType: "text", Text: message.MediaText{Content: text}}
	if err := a.api.call(ctx, "/cgi-bin/message/mass/preview", body, nil); err != nil {
		return sendError(fmt.Errorf("mass preview: %w", err), classifyOA)
	}
	return nil
}
