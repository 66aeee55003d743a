package telegramtest

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTextLength is the longest message text Telegram accepts, counted after
// entity parsing and trimming. The server counts UTF-16 code units (as
// entity offsets do), which equals characters for Chinese text and is
// stricter than Telegram for emoji, so a text this server accepts Telegram
// accepts too.
const maxTextLength = 4096

// htmlTags are the tags Telegram's HTML parse mode supports, with the
// entity type each makes.
var htmlTags = map[string]string{
	"b": "bold", "strong": "bold",
	"i": "italic", "em": "italic",
	"u": "underline", "ins": "underline",
	"s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
	"span": "spoiler", "tg-spoiler": "spoiler",
	"a":          "text_link",
	"code":       "code",
	"pre":        "pre",
	"blockquote": "blockquote",
	"tg-emoji":   "custom_emoji",
}

// parseError is a rejected HTML text; its message follows Telegram's.
type parseError struct{ msg string }

func (e *parseError) Error() string { return e.msg }

func parseErrorf(format string, args ...any) error {
	return &parseError{fmt.Sprintf(format, args...)}
}

// openTag is a start tag waiting for its end tag.
type openTag struct {
	name   string
	arg    string // href, language, emoji id, "expandable"
	start  int    // UTF-16 offset in the output where the tag began
	bodyAt int    // byte offset in the input just after the start tag
}

// htmlParser turns Telegram HTML into plain text and entities, following
// the rules of https://core.telegram.org/bots/api#html-style as Telegram's
// parser applies them: only the tags above, attributes quoted or not, the
// named entities &lt; &gt; &amp; &quot; and every numeric entity. Telegram
// keeps a '&' that starts no entity as text; in strict mode the parser
// rejects it instead, so a missing html.EscapeString shows up in tests.
type htmlParser struct {
	in       string
	strict   bool
	out      strings.Builder
	utf16    int
	stack    []openTag
	entities []MessageEntity
}

// parseHTML returns the visible text and the entities of an HTML text.
func parseHTML(in string, strict bool) (string, []MessageEntity, error) {
	p := htmlParser{in: in, strict: strict}
	p.out.Grow(len(in))
	if err := p.run(); err != nil {
		return "", nil, err
	}
	for i := range p.entities {
		if p.entities[i].Type == "code" {
			p.entities[i].Language = ""
		}
	}
	text, entities := trimText(p.out.String(), p.entities)
	return text, entities, nil
}

func (p *htmlParser) run() error {
	in := p.in
	for i := 0; i < len(in); {
		switch in[i] {
		case '&':
			r, n := decodeEntity(in[i:])
			if n == 0 {
				if p.strict {
					return parseErrorf("Unescaped \"&\" at byte offset %d (the test server is stricter than Telegram here: escape it as &amp;)", i)
				}
				r, n = '&', 1
			}
			p.emit(r)
			i += n
		case '<':
			var err error
			if i+1 < len(in) && in[i+1] == '/' {
				i, err = p.endTag(i)
			} else {
				i, err = p.startTag(i)
			}
			if err != nil {
				return err
			}
		default:
			r, n := utf8.DecodeRuneInString(in[i:])
			p.emit(r)
			i += n
		}
	}
	if len(p.stack) > 0 {
		return parseErrorf("Can't find end tag corresponding to start tag %q", p.stack[len(p.stack)-1].name)
	}
	return nil
}

func (p *htmlParser) emit(r rune) {
	p.out.WriteRune(r)
	p.utf16 += utf16Len(r)
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// startTag parses the tag at in[at] == '<' and returns the offset after it.
func (p *htmlParser) startTag(at int) (int, error) {
	in := p.in
	i := at + 1
	for i < len(in) && !isHTMLSpace(in[i]) && in[i] != '>' {
		i++
	}
	if i >= len(in) {
		return 0, parseErrorf("Unclosed start tag at byte offset %d", at)
	}
	name := strings.ToLower(in[at+1 : i])
	if _, ok := htmlTags[name]; !ok {
		return 0, parseErrorf("Unsupported start tag %q at byte offset %d", name, at)
	}
	tag := openTag{name: name, start: p.utf16}
	for {
		for i < len(in) && isHTMLSpace(in[i]) {
			i++
		}
		if i >= len(in) {
			return 0, parseErrorf("Unclosed start tag at byte offset %d", at)
		}
		if in[i] == '>' {
			break
		}
		nameAt := i
		for i < len(in) && !isHTMLSpace(in[i]) && !strings.ContainsRune("=>/\"'", rune(in[i])) {
			i++
		}
		attr := strings.ToLower(in[nameAt:i])
		if attr == "" {
			return 0, parseErrorf("Empty attribute name in the tag %q at byte offset %d", name, at)
		}
		for i < len(in) && isHTMLSpace(in[i]) {
			i++
		}
		if i >= len(in) {
			return 0, parseErrorf("Unclosed start tag %q at byte offset %d", name, at)
		}
		if in[i] != '=' { // an attribute without a value
			if name == "blockquote" && attr == "expandable" {
				tag.arg = attr
			}
			continue
		}
		i++
		for i < len(in) && isHTMLSpace(in[i]) {
			i++
		}
		if i >= len(in) {
			return 0, parseErrorf("Unclosed start tag %q at byte offset %d", name, at)
		}
		var value string
		if q := in[i]; q == '"' || q == '\'' {
			var b strings.Builder
			i++
			for i < len(in) && in[i] != q {
				if r, n := decodeEntity(in[i:]); n > 0 {
					b.WriteRune(r)
					i += n
					continue
				}
				b.WriteByte(in[i])
				i++
			}
			if i >= len(in) {
				return 0, parseErrorf("Unclosed start tag at byte offset %d", at)
			}
			i++ // the closing quote
			value = b.String()
		} else {
			valueAt := i
			for i < len(in) && isNameTokenByte(in[i]) {
				i++
			}
			if i >= len(in) {
				return 0, parseErrorf("Unclosed start tag at byte offset %d", at)
			}
			if !isHTMLSpace(in[i]) && in[i] != '>' {
				return 0, parseErrorf("Unexpected end of name token at byte offset %d", i)
			}
			value = strings.ToLower(in[valueAt:i])
		}
		switch {
		case name == "a" && attr == "href":
			tag.arg = value
		case name == "code" && attr == "class" && strings.HasPrefix(value, "language-"):
			tag.arg = strings.TrimPrefix(value, "language-")
		case name == "span" && attr == "class" && value == "tg-spoiler":
			tag.arg = value
		case name == "tg-emoji" && attr == "emoji-id":
			tag.arg = value
		}
	}
	if name == "span" && tag.arg != "tg-spoiler" {
		return 0, parseErrorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", at)
	}
	if name == "tg-emoji" {
		if _, err := strconv.ParseInt(tag.arg, 10, 64); err != nil {
			return 0, parseErrorf("Invalid custom emoji identifier specified")
		}
	}
	tag.bodyAt = i + 1
	p.stack = append(p.stack, tag)
	return i + 1, nil
}

func isNameTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// endTag parses the end tag at in[at:] == "</" and returns the offset after it.
func (p *htmlParser) endTag(at int) (int, error) {
	in := p.in
	if len(p.stack) == 0 {
		return 0, parseErrorf("Unexpected end tag at byte offset %d", at)
	}
	i := at + 2
	for i < len(in) && !isHTMLSpace(in[i]) && in[i] != '>' {
		i++
	}
	name := strings.ToLower(in[at+2 : i])
	for i < len(in) && isHTMLSpace(in[i]) {
		i++
	}
	if i >= len(in) || in[i] != '>' {
		return 0, parseErrorf("Unclosed end tag at byte offset %d", at)
	}
	top := p.stack[len(p.stack)-1]
	if name != "" && name != top.name {
		return 0, parseErrorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", at, top.name, name)
	}
	p.stack = p.stack[:len(p.stack)-1]
	p.closeEntity(top, in[top.bodyAt:at])
	return i + 1, nil
}

// closeEntity adds the entity of a closed tag whose raw body is body.
func (p *htmlParser) closeEntity(tag openTag, body string) {
	length := p.utf16 - tag.start
	if length == 0 {
		return
	}
	e := MessageEntity{Type: htmlTags[tag.name], Offset: tag.start, Length: length}
	switch tag.name {
	case "a":
		href := strings.TrimSpace(tag.arg)
		if href == "" {
			href = strings.TrimSpace(body)
		}
		if !strings.Contains(href, ":") {
			href = "http://" + href // Telegram completes a bare host
		}
		u, err := url.Parse(href)
		if err != nil || u.Scheme != "tg" && u.Scheme != "mailto" && !strings.Contains(u.Hostname(), ".") {
			return // Telegram drops a link it cannot use and keeps the text
		}
		e.URL = u.String()
	case "blockquote":
		if tag.arg != "" {
			e.Type = "expandable_blockquote"
		}
	case "tg-emoji":
		e.CustomEmojiID = tag.arg
	case "code":
		e.Language = tag.arg // kept only if a <pre> around it makes it "pre"
	case "pre":
		if n := len(p.entities); n > 0 {
			last := &p.entities[n-1]
			if last.Type == "code" && last.Offset == e.Offset && last.Length == e.Length {
				last.Type = "pre"
				return
			}
		}
	}
	p.entities = append(p.entities, e)
}

// decodeEntity decodes the character reference at the start of s
// ("&lt;", "&#60;", "&#x3C;") and returns the character and its length,
// or a zero length when s does not start with one Telegram supports.
func decodeEntity(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if len(s) < 3 || s[0] != '&' || end < 0 || end > 12 {
		return 0, 0
	}
	name := s[1:end]
	switch name {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, 0
	}
	var n uint64
	var err error
	if name[1] == 'x' || name[1] == 'X' {
		n, err = strconv.ParseUint(name[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(name[1:], 10, 32)
	}
	r := rune(n)
	if err != nil || n == 0 || !utf8.ValidRune(r) {
		return 0, 0
	}
	return r, end + 1
}

// trimText trims the whitespace around a text, as Telegram does, and fits
// the entities to what is left, dropping those that become empty.
func trimText(text string, entities []MessageEntity) (string, []MessageEntity) {
	trimmed := strings.TrimRightFunc(text, unicode.IsSpace)
	lead := len(trimmed) - len(strings.TrimLeftFunc(trimmed, unicode.IsSpace))
	shift := utf16Count(trimmed[:lead])
	trimmed = trimmed[lead:]
	size := utf16Count(trimmed)
	kept := entities[:0]
	for _, e := range entities {
		start, end := max(e.Offset-shift, 0), min(e.Offset+e.Length-shift, size)
		if end > start {
			e.Offset, e.Length = start, end-start
			kept = append(kept, e)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].Offset != kept[j].Offset {
			return kept[i].Offset < kept[j].Offset
		}
		return kept[i].Length > kept[j].Length
	})
	if len(kept) == 0 {
		kept = nil
	}
	return trimmed, kept
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// utf16Count is the length of s in UTF-16 code units.
func utf16Count(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Len(r)
	}
	return n
}

// commandEntities finds the bot commands in a user's text ("/start",
// "/latest@TongbaoBot") and returns a bot_command entity for each, so
// clients see commands as Telegram marks them.
func commandEntities(text string) []MessageEntity {
	var out []MessageEntity
	offset := 0 // UTF-16 offset of text[i]
	prev := ' ' // the start of the text counts as a space
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == '/' && unicode.IsSpace(prev) {
			end := i + 1
			for end < len(text) && isCommandByte(text[end]) && end-i <= 64 {
				end++
			}
			if end > i+1 && end < len(text) && text[end] == '@' {
				at := end + 1
				for at < len(text) && isCommandByte(text[at]) {
					at++
				}
				if at-end-1 >= 3 {
					end = at
				}
			}
			if end > i+1 && (end == len(text) || !isCommandByte(text[end]) && text[end] != '/') {
				out = append(out, MessageEntity{Type: "bot_command", Offset: offset, Length: end - i})
				offset += end - i
				prev = rune(text[end-1])
				i = end
				continue
			}
		}
		offset += utf16Len(r)
		prev = r
		i += n
	}
	return out
}

func isCommandByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
