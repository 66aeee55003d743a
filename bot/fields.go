package bot

import (
	"encoding/json"
	"regexp"
	"strings"

	"tongbao/bot/cards"
	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// meetingFieldKeys are the JSON names of the meeting's fields that answer
// a question about a field, best first. A field the content package adds
// later under one of these names (decisions) answers without a change here.
var meetingFieldKeys = map[string][]string{
	fieldRelayed:  {"relayed"},
	fieldHeard:    {"heard"},
	fieldApproved: {"approved"},
	fieldDecided:  {"decisions", "decided", "approved", "studied"},
	fieldPoints:   {"points"},
	fieldMeasures: {"points"},
}

// meetingItems reads a list field of a meeting by its JSON names: the
// first that has items.
func meetingItems(m *content.Meeting, keys []string) []string {
	data, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil
	}
	for _, k := range keys {
		var items []string
		if json.Unmarshal(fields[k], &items) == nil && len(items) > 0 {
			return items
		}
	}
	return nil
}

// withField is the first bulletin (the newest, or the best ranked) that
// answers a field, else the first.
func withField(bs []*content.Bulletin, field string) *content.Bulletin {
	for _, bl := range bs {
		if hasField(bl, field) {
			return bl
		}
	}
	return bs[0]
}

// hasField reports whether a bulletin says something about a field.
func hasField(bl *content.Bulletin, field string) bool {
	m := bl.Meeting
	switch field {
	case fieldChair:
		return m != nil && m.Chair.Name != ""
	case fieldAttendees:
		return m != nil && len(m.Attendees) > 0
	case fieldDoc:
		return bl.DocNumber != ""
	case fieldSummary, fieldFull, fieldWhen:
		return true
	}
	if m != nil && len(meetingItems(m, meetingFieldKeys[field])) > 0 {
		return true
	}
	return (field == fieldMeasures || field == fieldPoints) && len(noticeItems(bl)) > 0
}

// numberedItem starts a numbered paragraph of a notice: 一、 （一） 1. 第一条.
var numberedItem = regexp.MustCompile(`^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．]\s*|第[一二三四五六七八九十]+条)`)

// noticeItems are a document's numbered requirements, or nil.
func noticeItems(bl *content.Bulletin) []string {
	var out []string
	for _, p := range bl.Paragraphs {
		if numberedItem.MatchString(p) {
			out = append(out, strings.TrimSpace(numberedItem.ReplaceAllString(p, "")))
		}
	}
	return out
}

// dayOf is the day a bulletin's meeting was held (else published):
// 5月27日, 27 May 2022.
func dayOf(bl *content.Bulletin, lang string) string {
	return msg.Date(lang, "date.day", heldDay(bl))
}

// subjectOf names a bulletin in an answer: the day and the meeting, or the
// title.
func subjectOf(bl *content.Bulletin, lang string) string {
	if bl.Meeting != nil && bl.Meeting.Name != "" {
		return msg.Say(lang, "subject.meeting", bl.Meeting.FullName(), dayOf(bl, lang))
	}
	return msg.Say(lang, "subject.title", bl.Title, strings.Trim(bl.Title, "《》"))
}

// fieldAnswer answers a question about one field of a bulletin: a
// sentence (and the items), then the bulletin's card.
func (b *Bot) fieldAnswer(t *turn, bl *content.Bulletin, field string) []chat.Reply {
	lang, subject := t.lang, subjectOf(bl, t.lang)
	m := bl.Meeting
	card := b.card(t, bl)
	answer := func(sentence string, items []string) []chat.Reply {
		r := chat.Text(capitalize(sentence))
		if len(items) > 0 {
			r = r.Add(chat.Block{Kind: chat.BlockList, Items: cards.FitItems(items, maxAnswerRunes)})
		}
		return []chat.Reply{r, card}
	}
	switch field {
	case fieldChair:
		if m == nil || m.Chair.Name == "" {
			return answer(msg.Say(lang, "ans.chair.none", subject), nil)
		}
		return answer(msg.Say(lang, "ans.chair", subject, m.Chair.String()), nil)
	case fieldAttendees:
		if m == nil || len(m.Attendees) == 0 {
			chair := ""
			if m != nil && m.Chair.Name != "" {
				chair = msg.Say(lang, "ans.chair", subject, m.Chair.String())
			}
			return answer(strings.TrimSpace(msg.Say(lang, "ans.attendees.none", subject)+" "+chair), nil)
		}
		names := make([]string, len(m.Attendees))
		for i, p := range m.Attendees {
			names[i] = p.String()
		}
		return answer(msg.Say(lang, "ans.attendees", subject, strings.Join(names, "、")), nil)
	case fieldWhen:
		if m == nil {
			return answer(msg.Say(lang, "ans.published", subject, bl.PublishedText("2006-01-02")), nil)
		}
		return answer(msg.Say(lang, "ans.when", subject, bl.PublishedText("2006-01-02")), nil)
	case fieldDoc:
		if bl.DocNumber == "" {
			return answer(msg.Say(lang, "ans.doc.none", subject), nil)
		}
		return answer(msg.Say(lang, "ans.doc", subject, bl.DocNumber), nil)
	case fieldSummary:
		return answer(bl.Summary, nil)
	case fieldFull:
		return []chat.Reply{cards.FullText(bl, lang, b.link(t, bl.ID))}
	}
	var items []string
	if m != nil {
		items = meetingItems(m, meetingFieldKeys[field])
	}
	if len(items) == 0 && (field == fieldMeasures || field == fieldPoints) {
		items = noticeItems(bl)
	}
	if len(items) == 0 {
		return answer(msg.Say(lang, "ans."+field+".none", subject), nil)
	}
	if field == fieldPoints || field == fieldMeasures {
		// The items are the answer: the card need not repeat them.
		card = b.cardWithoutPoints(t, bl)
	}
	return answer(msg.Say(lang, "ans."+field, subject, len(items)), items)
}

// maxAnswerRunes bounds the items of one answer, under every platform's
// message size (Telegram's 4,096 characters, with room for the rest).
const maxAnswerRunes = 3000

// cardWithoutPoints is a bulletin's card without its points, for when the
// answer above it lists them.
func (b *Bot) cardWithoutPoints(t *turn, bl *content.Bulletin) chat.Reply {
	c := *bl
	if bl.Meeting != nil {
		m := *bl.Meeting
		m.Points = nil
		c.Meeting = &m
	}
	return b.card(t, &c)
}

// capitalize starts an English sentence with a capital letter.
func capitalize(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
