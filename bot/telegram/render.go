package telegram

import (
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"unicode"
	"unicode/utf8"
)

// Telegram's limits on what a message carries.
const (
	// maxText is the longest message text, in UTF-16 code units of the
	// text as shown (markup parsed, entities decoded).
	maxText = 4096
	// maxCallbackData is the longest callback_data, in bytes.
	maxCallbackData = 64
	// maxToast is the longest answerCallbackQuery text, in characters.
	maxToast = 200
	// maxParts is the most messages one reply becomes; the rest is left
	// out with a note, so that one long text cannot flood its chat.
	maxParts = 5
)

// rendered is a reply as Telegram messages in HTML parse mode.
type rendered struct {
	// parts are the message texts in order, each within the length limit,
	// and sizes their lengths as Telegram counts them.
	parts []string
	sizes []int
	// keyboard is the reply_markup of the last part, "" for none.
	keyboard string
	// dropped counts buttons Telegram would refuse (no text, callback data
	// over 64 bytes, a URL that is not http(s) or tg), left out.
	dropped int
}

// render turns a reply into HTML messages of at most limit characters
// as Telegram counts them (UTF-16 code units of the text shown): every
// text is escaped, blocks map to <b>, <i> and <a href>, and a reply too
// long for one message is split between blocks, or inside a longer block
// between lines, then sentences, never inside a tag or an entity. A reply
// longer than parts messages (parts > 0) ends with a note that the rest
// is left out.
func render(r chat.Reply, limit, parts int) rendered {
	note := msg.Say(r.Lang(), "reply.cut")
	p := packer{limit: limit, maxParts: parts}
	if parts > 0 {
		p.reserve = utf16Len(note) + 1
	}
	for _, b := range r.Blocks {
		if p.cut {
			break
		}
		p.addBlock(blockLines(b))
	}
	p.flush()
	if p.cut {
		last := len(p.parts) - 1
		p.parts[last] += "\n<i>" + html.EscapeString(note) + "</i>"
		p.sizes[last] += 1 + utf16Len(note)
	}
	kb, dropped := renderKeyboard(r.Buttons)
	return rendered{parts: p.parts, sizes: p.sizes, keyboard: kb, dropped: dropped}
}

// span is plain text with the markup around it; only the text counts
// toward a message's length, and it is escaped when written.
type span struct{ open, text, close string }

// line is one line of a message.
type line []span

func (l line) size() int {
	n := 0
	for _, s := range l {
		n += utf16Len(s.text)
	}
	return n
}

func (l line) visible() bool {
	for _, s := range l {
		if strings.TrimSpace(s.text) != "" {
			return true
		}
	}
	return false
}

func (l line) writeTo(b *strings.Builder) {
	for _, s := range l {
		if s.text == "" {
			continue // Telegram rejects empty entities
		}
		b.WriteString(s.open)
		b.WriteString(html.EscapeString(strings.ToValidUTF8(s.text, "\uFFFD"))) // Telegram takes UTF-8 only
		b.WriteString(s.close)
	}
}

// blockLines is a block as lines of spans.
func blockLines(b chat.Block) []line {
	switch b.Kind {
	case chat.BlockTitle:
		return wrapped("<b>", "</b>", b.Text)
	case chat.BlockNote:
		return wrapped("<i>", "</i>", b.Text)
	case chat.BlockField:
		ls := wrapped("", "", b.Text)
		if b.Label != "" {
			ls[0] = append(line{{"<b>", b.Label, "</b>"}, {"", "：", ""}}, ls[0]...)
		}
		return ls
	case chat.BlockList:
		var ls []line
		for i, it := range b.Items {
			item := wrapped("", "", it)
			item[0] = append(line{{"", chat.ItemNumber(i), ""}}, item[0]...)
			ls = append(ls, item...)
		}
		return ls
	case chat.BlockLink:
		text := strings.Join(strings.Fields(b.Text), " ")
		if text == "" {
			text = b.URL
		}
		if !linkable(b.URL) {
			return []line{{{"", text, ""}}}
		}
		return []line{{{`<a href="` + html.EscapeString(b.URL) + `">`, text, "</a>"}}}
	}
	return wrapped("", "", b.Text)
}

// wrapped splits text into lines, each wrapped in open and close.
func wrapped(open, close, text string) []line {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var ls []line
	for _, t := range strings.Split(text, "\n") {
		ls = append(ls, line{{open, t, close}})
	}
	return ls
}

// linkable reports whether Telegram takes u as a link: an http(s) URL with
// a host, or a tg:// link.
func linkable(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch p.Scheme {
	case "http", "https":
		return p.Host != ""
	case "tg":
		return true
	}
	return false
}

// packer fills messages with blocks, starting a new message at a block
// boundary when the next block does not fit, up to maxParts messages: the
// last keeps reserve characters free for the note that the rest is left
// out.
type packer struct {
	limit    int
	reserve  int
	maxParts int
	cut      bool // content was left out after maxParts messages
	parts    []string
	sizes    []int
	b        strings.Builder
	lines    int  // lines in the current message
	n        int  // length of the current message
	visible  bool // the current message has more than whitespace
}

func (p *packer) addBlock(ls []line) {
	if len(ls) == 0 {
		return
	}
	n := len(ls) - 1 // the newlines between its lines
	for _, l := range ls {
		n += l.size()
	}
	// A block that fits in a message starts one if it does not fit in the
	// current one; a longer block is split anyway and starts right here.
	if p.lines > 0 && p.n+1+n > p.limit && n <= p.limit {
		p.flush()
	}
	if n <= p.limit-p.n-min(p.lines, 1) {
		for _, l := range ls {
			p.add(l)
		}
		return
	}
	// A block longer than a message: line by line, a line that does not
	// fit in what is left of the message starting the next one, and a line
	// longer than a message in pieces, the first filling what is left.
	for _, l := range ls {
		for l != nil && !p.cut {
			room := p.limit
			if p.lines > 0 {
				room -= p.n + 1
			}
			switch size := l.size(); {
			case size <= room:
				p.add(l)
				l = nil
			case size <= p.limit || room < p.limit/8:
				p.flush()
			default:
				var head line
				head, l = cutLine(l, room)
				p.add(head)
			}
		}
	}
}

// add appends a line to the current message; the caller checked it fits.
// Nothing is added once the reply was cut.
func (p *packer) add(l line) {
	if p.cut {
		return
	}
	if p.lines > 0 {
		p.b.WriteByte('\n')
		p.n++
	}
	l.writeTo(&p.b)
	p.lines++
	p.n += l.size()
	p.visible = p.visible || l.visible()
}

// flush ends the current message; one with nothing visible is dropped, as
// Telegram would refuse it. Past maxParts messages the reply is cut; the
// last message's limit leaves room for the note.
func (p *packer) flush() {
	if p.visible {
		if p.maxParts > 0 && len(p.parts) == p.maxParts {
			p.cut = true
		} else {
			p.parts = append(p.parts, p.b.String())
			p.sizes = append(p.sizes, p.n)
		}
		if len(p.parts) == p.maxParts-1 {
			p.limit -= p.reserve
		}
	}
	p.b.Reset()
	p.lines, p.n, p.visible = 0, 0, false
}

// cutLine cuts the first piece of at most limit characters off a line
// longer than that, after the last sentence end (。！？；.!?;) that fits,
// else after the last space, else at the limit (at least one character),
// and returns it and the rest. Both keep the markup of their spans.
func cutLine(l line, limit int) (head, rest line) {
	type pos struct{ span, off int }
	n := 0
	sentence, space := pos{-1, 0}, pos{-1, 0}
	for i, s := range l {
		for off, r := range s.text {
			w := runeWidth(r)
			_, size := utf8.DecodeRuneInString(s.text[off:])
			if n+w > limit && n > 0 {
				cut := pos{i, off}
				switch {
				case sentence.span >= 0:
					cut = sentence
				case space.span >= 0:
					cut = space
				}
				head = append(append(line{}, l[:cut.span]...), span{l[cut.span].open, l[cut.span].text[:cut.off], l[cut.span].close})
				rest = append(line{{l[cut.span].open, l[cut.span].text[cut.off:], l[cut.span].close}}, l[cut.span+1:]...)
				return head, rest
			}
			n += w
			switch {
			case strings.ContainsRune("。！？；.!?;", r):
				sentence = pos{i, off + size}
			case unicode.IsSpace(r):
				space = pos{i, off + size}
			}
		}
	}
	return l, nil
}

// runeWidth is how many UTF-16 code units r takes, as Telegram counts.
func runeWidth(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// utf16Len is the length of s as Telegram counts it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// renderKeyboard is the inline keyboard of buttons as reply_markup JSON,
// without the buttons Telegram would refuse, and how many those were.
// Callback data is dropped rather than shortened: a cut payload would
// mean something else.
func renderKeyboard(rows [][]chat.Button) (string, int) {
	var kb keyboard
	dropped := 0
	for _, row := range rows {
		var out []keyButton
		for _, b := range row {
			k, ok := keyButtonOf(b)
			if !ok {
				dropped++
				continue
			}
			out = append(out, k)
		}
		if len(out) > 0 {
			kb.InlineKeyboard = append(kb.InlineKeyboard, out)
		}
	}
	if len(kb.InlineKeyboard) == 0 {
		return "", dropped
	}
	js, err := json.Marshal(kb)
	if err != nil {
		panic("telegram: encode keyboard: " + err.Error()) // strings only: cannot fail
	}
	return string(js), dropped
}

func keyButtonOf(b chat.Button) (keyButton, bool) {
	text := strings.TrimSpace(b.Text)
	switch {
	case text == "":
		return keyButton{}, false
	case b.Data != "":
		return keyButton{Text: text, CallbackData: b.Data}, len(b.Data) <= maxCallbackData && utf8.ValidString(b.Data)
	case b.URL != "":
		return keyButton{Text: text, URL: b.URL}, linkable(b.URL)
	}
	return keyButton{}, false
}

// toast takes the notification shown for a button press from the
// handler's replies: a first reply that is a single note and nothing else
// becomes the toast (at most 200 characters) instead of a message.
func toast(replies []chat.Reply) (string, []chat.Reply) {
	if len(replies) == 0 {
		return "", replies
	}
	r := replies[0]
	if len(r.Blocks) != 1 || r.Blocks[0].Kind != chat.BlockNote || len(r.Buttons) > 0 || r.Card != nil {
		return "", replies
	}
	text := strings.TrimSpace(r.Blocks[0].Text)
	if utf8.RuneCountInString(text) > maxToast {
		text = string([]rune(text)[:maxToast-1]) + "…"
	}
	return text, replies[1:]
}
