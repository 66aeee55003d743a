package wechattest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
)

// Official Account content limits, from the API documentation.
const (
	maxTextBytes      = 2048 // customer-service text
	maxClientMsgID    = 64   // mass send clientmsgid
	maxTopButtons     = 3
	maxSubButtons     = 5
	maxTopButtonName  = 16 // bytes
	maxSubButtonName  = 60 // bytes
	maxButtonKeyBytes = 128
	maxButtonURLBytes = 1024
	maxCustomArticles = 1
)

// textBody is the {"content": …} object of text messages.
type textBody struct {
	Content string `json:"content"`
}

// mediaBody is the {"media_id": …} object of media messages.
type mediaBody struct {
	MediaID string `json:"media_id"`
}

func (s *Server) customSend(req *apiRequest) reply {
	var in struct {
		ToUser  string    `json:"touser"`
		MsgType string    `json:"msgtype"`
		Text    *textBody `json:"text"`
		News    *struct {
			Articles []Article `json:"articles"`
		} `json:"news"`
	}
	if rep, good := req.decode(&in); !good {
		return rep
	}
	if in.ToUser == "" {
		return fail(CodeInvalidOpenID)
	}
	m := CustomMessage{ToUser: in.ToUser, MsgType: in.MsgType, Raw: req.body}
	switch in.MsgType {
	case "text":
		switch {
		case in.Text == nil || in.Text.Content == "":
			return fail(codeEmptyContent)
		case len(in.Text.Content) > maxTextBytes:
			return fail(codeContentTooLong)
		}
		m.Content = in.Text.Content
	case "news":
		switch {
		case in.News == nil || len(in.News.Articles) == 0:
			return fail(codeEmptyNews)
		case len(in.News.Articles) > maxCustomArticles:
			return fail(codeTooManyArticles)
		}
		m.Articles = in.News.Articles
	case "image", "voice", "video", "music", "mpnews", "mpnewsarticle", "msgmenu", "wxcard", "miniprogrampage":
		// accepted as is; Raw holds the body
	default:
		return fail(codeInvalidMsgType)
	}
	record(s, &s.custom, m)
	return ok(nil)
}

func (s *Server) templateSend(req *apiRequest) reply {
	var in struct {
		ToUser      string                   `json:"touser"`
		TemplateID  string                   `json:"template_id"`
		URL         string                   `json:"url"`
		Data        map[string]TemplateValue `json:"data"`
		ClientMsgID string                   `json:"client_msg_id"`
	}
	if rep, good := req.decode(&in); !good {
		return rep
	}
	switch {
	case in.ToUser == "":
		return fail(CodeInvalidOpenID)
	case in.TemplateID == "":
		return fail(codeInvalidTemplateID)
	}
	s.mu.Lock()
	id := s.nextIDLocked()
	s.mu.Unlock()
	record(s, &s.templates, TemplateMessage{
		ToUser: in.ToUser, TemplateID: in.TemplateID, URL: in.URL, Data: in.Data,
		ClientMsgID: in.ClientMsgID, MsgID: id,
	})
	return ok(map[string]any{"msgid": id})
}

// massBody is the content part shared by mass send and preview.
type massBody struct {
	MsgType string     `json:"msgtype"`
	Text    *textBody  `json:"text"`
	MpNews  *mediaBody `json:"mpnews"`
}

// content validates a text or mpnews body and returns its text and media id.
func (b massBody) content() (text, mediaID string, rep reply, good bool) {
	switch b.MsgType {
	case "text":
		if b.Text == nil || b.Text.Content == "" {
			return "", "", fail(codeEmptyContent), false
		}
		return b.Text.Content, "", reply{}, true
	case "mpnews":
		if b.MpNews == nil || b.MpNews.MediaID == "" {
			return "", "", fail(codeInvalidMediaID), false
		}
		return "", b.MpNews.MediaID, reply{}, true
	}
	return "", "", fail(codeInvalidMsgType), false
}

// massSend serves sendall (filter: all or a tag) and send (touser: openids).
// Like the real API it refuses a second send with the same clientmsgid, or,
// without one, with the same audience and content, answering the first
// msg_id with errcode 45065.
func (s *Server) massSend(req *apiRequest) reply {
	var in struct {
		massBody
		Filter *struct {
			IsToAll bool  `json:"is_to_all"`
			TagID   int64 `json:"tag_id"`
		} `json:"filter"`
		ToUser      []string `json:"touser"`
		ClientMsgID string   `json:"clientmsgid"`
	}
	if rep, good := req.decode(&in); !good {
		return rep
	}
	m := MassMessage{MsgType: in.MsgType, ToUsers: in.ToUser, ClientMsgID: in.ClientMsgID}
	if req.call.Path == "/cgi-bin/message/mass/sendall" {
		if in.Filter == nil || (!in.Filter.IsToAll && in.Filter.TagID == 0) {
			return fail(codeDataFormat)
		}
		m.ToAll, m.TagID, m.ToUsers = in.Filter.IsToAll, in.Filter.TagID, nil
	} else if len(in.ToUser) < 2 {
		return fail(codeOpenIDListSize)
	}
	text, media, rep, good := in.content()
	if !good {
		return rep
	}
	m.Content, m.MediaID = text, media
	if len(in.ClientMsgID) > maxClientMsgID {
		return fail(codeClientMsgIDTooLong)
	}
	key := in.ClientMsgID
	if key == "" {
		sum := sha1.Sum(fmt.Appendf(nil, "%s|%t|%d|%q|%s|%s|%s", req.call.Path, m.ToAll, m.TagID, m.ToUsers, m.MsgType, text, media))
		key = "digest:" + hex.EncodeToString(sum[:])
	}
	s.mu.Lock()
	if prev, dup := s.massKeys[key]; dup {
		s.mu.Unlock()
		return reply{code: codeClientMsgIDExist, fields: map[string]any{"msg_id": prev}}
	}
	m.MsgID = s.nextIDLocked()
	s.massKeys[key] = m.MsgID
	s.mu.Unlock()
	record(s, &s.mass, m)
	fields := map[string]any{"msg_id": m.MsgID}
	if m.MsgType == "mpnews" {
		fields["msg_data_id"] = m.MsgID
	}
	return reply{msg: "send job submission success", fields: fields}
}

func (s *Server) massPreview(req *apiRequest) reply {
	var in struct {
		massBody
		ToUser   string `json:"touser"`
		ToWxName string `json:"towxname"`
	}
	if rep, good := req.decode(&in); !good {
		return rep
	}
	if in.ToUser == "" && in.ToWxName == "" {
		return fail(CodeInvalidOpenID)
	}
	text, media, rep, good := in.content()
	if !good {
		return rep
	}
	s.mu.Lock()
	id := s.nextIDLocked()
	s.mu.Unlock()
	record(s, &s.previews, PreviewMessage{ToUser: in.ToUser, ToWxName: in.ToWxName, MsgType: in.MsgType, Content: text, MediaID: media})
	return reply{msg: "preview success", fields: map[string]any{"msg_id": id}}
}

func (s *Server) menuCreate(req *apiRequest) reply {
	var in struct {
		Button []MenuButton `json:"button"`
	}
	if rep, good := req.decode(&in); !good {
		return rep
	}
	if len(in.Button) == 0 || len(in.Button) > maxTopButtons {
		return fail(codeInvalidButtonSize)
	}
	for _, b := range in.Button {
		if code := checkButton(b, maxTopButtonName); code != 0 {
			return fail(code)
		}
		if len(b.SubButtons) > maxSubButtons {
			return fail(codeInvalidSubButtons)
		}
		for _, sub := range b.SubButtons {
			if len(sub.SubButtons) > 0 {
				return fail(codeInvalidSubButtons)
			}
			if code := checkButton(sub, maxSubButtonName); code != 0 {
				return fail(code)
			}
		}
	}
	record(s, &s.menus, Menu{Buttons: in.Button})
	return ok(nil)
}

// checkButton validates one button's name, type, key and url; 0 means valid.
func checkButton(b MenuButton, maxName int) int {
	if b.Name == "" || len(b.Name) > maxName {
		return codeInvalidButtonName
	}
	if len(b.SubButtons) > 0 {
		return 0 // a parent needs only a name
	}
	switch b.Type {
	case "click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin", "location_select":
		if b.Key == "" || len(b.Key) > maxButtonKeyBytes {
			return codeInvalidButtonKey
		}
	case "view", "miniprogram":
		if b.URL == "" || len(b.URL) > maxButtonURLBytes {
			return codeInvalidButtonURL
		}
	case "media_id", "view_limited", "article_id", "article_view_limited":
	default:
		return codeInvalidButtonType
	}
	return 0
}

// userInfo answers every openid as a subscriber; inject faults for others.
func (s *Server) userInfo(req *apiRequest) reply {
	id := req.query.Get("openid")
	if id == "" {
		return fail(CodeInvalidOpenID)
	}
	return reply{bare: true, fields: map[string]any{
		"subscribe": 1, "openid": id, "language": "zh_CN",
		"subscribe_time": s.opts.Now().Unix(), "tagid_list": []int{},
	}}
}
