package chat

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Platform identifies a messaging platform; it is also the prefix of a
// subscriber id (tg:123, wx:oAbC…, wecom:zhangsan, console:me).
type Platform string

// The platforms Tongbao speaks.
const (
	Telegram Platform = "tg"
	WeChat   Platform = "wx"
	WeCom    Platform = "wecom"
	Console  Platform = "console"
)

// SubscriberID is the store id of a platform user: "tg:123".
func SubscriberID(p Platform, nativeID string) string { return string(p) + ":" + nativeID }

// SplitSubscriberID splits "tg:123" into its platform and native id.
func SplitSubscriberID(id string) (Platform, string, bool) {
	p, native, ok := strings.Cut(id, ":")
	if !ok || p == "" || native == "" {
		return "", "", false
	}
	return Platform(p), native, true
}

// Incoming is one thing a user did: a text message, a command, or a button
// press, as an adapter received it.
type Incoming struct {
	Platform Platform
	// UserID is the user's native id on the platform (Telegram user id,
	// WeChat openid, WeCom userid).
	UserID string
	// ChatID is where the answer goes: the same as UserID in a private
	// chat, the group's id in a group.
	ChatID string
	// Name is the user's display name when the platform gives one.
	Name string
	// Lang is the platform's language hint ("zh", "en"), or "". The
	// language a message is written in wins over it.
	Lang string
	// ForceLang, when set, is the language to answer in regardless of the
	// message (an operator's `tongbao ask --lang en`).
	ForceLang string
	// Text is the message text; empty for a button press.
	Text string
	// Button is the data of the pressed button; empty for a message.
	Button string
	// MessageID is the platform's id of the message: for a button press,
	// the message the button belongs to (so it can be edited).
	MessageID string
	// Group is true when the message came from a group
	Group bool
	// Time is when the platform says it happened.
	Time time.Time
}

// Subscriber is the subscriber id of the person who sent the message.
func (in Incoming) Subscriber() string { return SubscriberID(in.Platform, in.UserID) }

// BlockKind says how a block of a reply is shown.
type BlockKind int

// The kinds of block a reply is made of.
const (
	BlockText  BlockKind = iota // a paragraph
	BlockTitle                  // a bold heading
	BlockField                  // "Label: value" (Label in Block.Label)
	BlockList                   // numbered items (Block.Items)
	BlockLink                   // a link: Text to URL
	BlockNote                   // secondary text (a hint, a footer)
)

// Block is one part of a reply. Text is plain text: adapters escape it for
// their format.
type Block struct {
	Kind  BlockKind
	Label string
	Text  string
	URL   string
	Items []string
}

// Button is an inline button under a reply: it either sends Data back to
// the bot (≤ 64 bytes, Telegram's limit) or opens URL.
type Button struct {
	Text string
	Data string
	URL  string
}

// Card describes a reply that is about one bulletin, for platforms that
// show link cards (a WeChat news message): title, a short description, the
// link and an optional picture.
type Card struct {
	Title       string
	Description string
	URL         string
	ImageURL    string
}

// Reply is the bot's answer, independent of any platform. Adapters render
// it natively: Telegram as HTML with an inline keyboard, WeChat as text or a
// news card, the console as plain text.
type Reply struct {
	Blocks  []Block
	Buttons [][]Button
	Card    *Card
}

// Text starts a reply with one paragraph.
func Text(s string) Reply { return Reply{Blocks: []Block{{Kind: BlockText, Text: s}}} }

// Add appends blocks to the reply and returns it.
func (r Reply) Add(blocks ...Block) Reply {
	r.Blocks = append(r.Blocks, blocks...)
	return r
}

// Lang is the language the reply is written in, for the few words an
// adapter adds of its own (a note that a long reply was cut, a card's
// button): "zh" when any of its text is Chinese, else "en".
func (r Reply) Lang() string {
	texts := []string{}
	if r.Card != nil {
		texts = append(texts, r.Card.Title, r.Card.Description)
	}
	for _, b := range r.Blocks {
		texts = append(append(texts, b.Text, b.Label), b.Items...)
	}
	for _, t := range texts {
		if strings.IndexFunc(t, func(c rune) bool { return unicode.Is(unicode.Han, c) }) >= 0 {
			return "zh"
		}
	}
	return "en"
}

// PlainText renders the reply as plain text with line breaks, the way a
// console or a WeChat text message shows it. Links are written out after
// their text; buttons are not included.
func (r Reply) PlainText() string {
	var b strings.Builder
	for i, bl := range r.Blocks {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch bl.Kind {
		case BlockTitle:
			b.WriteString("【" + bl.Text + "】")
		case BlockField:
			b.WriteString(bl.Label + LabelSep(bl.Label) + bl.Text)
		case BlockList:
			for j, it := range bl.Items {
				if j > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(ItemNumber(j) + it)
			}
		case BlockLink:
			b.WriteString(bl.Text + " " + bl.URL)
		default:
			b.WriteString(bl.Text)
		}
	}
	return b.String()
}

// ItemNumber is the prefix adapters put before the i-th (0-based) item of
// a BlockList: "1. ".
func ItemNumber(i int) string { return strconv.Itoa(i+1) + ". " }

// LabelSep is what goes between a field's label and its value: a
// full-width colon after a Chinese label, ": " after an English one.
func LabelSep(label string) string {
	if r := []rune(label); len(r) > 0 && r[len(r)-1] < 0x80 {
		return ": "
	}
	return "："
}
