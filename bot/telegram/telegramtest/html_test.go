package telegramtest

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseHTML(t *testing.T) {
	cases := map[string]struct {
		in       string
		plain    string
		entities []MessageEntity
	}{
		"plain": {in: "最新会议", plain: "最新会议"},
		"nested": {
			in:    "<b>a <i>b</i></b>",
			plain: "a b",
			entities: []MessageEntity{
				{Type: "bold", Offset: 0, Length: 3},
				{Type: "italic", Offset: 2, Length: 1},
			},
		},
		"synonyms": {
			in:    "<strong>1</strong><em>2</em><ins>3</ins><del>4</del><strike>5</strike><s>6</s><u>7</u>",
			plain: "1234567",
			entities: []MessageEntity{
				{Type: "bold", Offset: 0, Length: 1}, {Type: "italic", Offset: 1, Length: 1},
				{Type: "underline", Offset: 2, Length: 1}, {Type: "strikethrough", Offset: 3, Length: 1},
				{Type: "strikethrough", Offset: 4, Length: 1}, {Type: "strikethrough", Offset: 5, Length: 1},
				{Type: "underline", Offset: 6, Length: 1},
			},
		},
		"link with entities in href": {
			in:       `<a href="https://example.org/r/x?a=1&amp;b=2">全文</a>`,
			plain:    "全文",
			entities: []MessageEntity{{Type: "text_link", Offset: 0, Length: 2, URL: "https://example.org/r/x?a=1&b=2"}},
		},
		"link with single quotes and spaces": {
			in:       `<a  href = 'http://example.org' >x</a>`,
			plain:    "x",
			entities: []MessageEntity{{Type: "text_link", Offset: 0, Length: 1, URL: "http://example.org"}},
		},
		"escapes":        {in: "&lt;b&gt; &amp; &quot;x&quot; &#25991; &#x6587;", plain: `<b> & "x" 文 文`},
		"bare > is text": {in: "a > b", plain: "a > b"},
		"emoji count two UTF-16 units": {
			in:       "😀<b>x</b>",
			plain:    "😀x",
			entities: []MessageEntity{{Type: "bold", Offset: 2, Length: 1}},
		},
		"pre with language": {
			in:       `<pre><code class="language-go">x := 1</code></pre>`,
			plain:    "x := 1",
			entities: []MessageEntity{{Type: "pre", Offset: 0, Length: 6, Language: "go"}},
		},
		"code drops language": {
			in:       `<code class="language-go">x</code>`,
			plain:    "x",
			entities: []MessageEntity{{Type: "code", Offset: 0, Length: 1}},
		},
		"spoilers and quotes": {
			in:    `<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler><blockquote expandable>c</blockquote><blockquote>d</blockquote>`,
			plain: "abcd",
			entities: []MessageEntity{
				{Type: "spoiler", Offset: 0, Length: 1}, {Type: "spoiler", Offset: 1, Length: 1},
				{Type: "expandable_blockquote", Offset: 2, Length: 1}, {Type: "blockquote", Offset: 3, Length: 1},
			},
		},
		"unquoted class": {
			in:       `<span class=tg-spoiler>a</span>`,
			plain:    "a",
			entities: []MessageEntity{{Type: "spoiler", Offset: 0, Length: 1}},
		},
		"upper-case tags": {in: "<B>x</B>", plain: "x", entities: []MessageEntity{{Type: "bold", Offset: 0, Length: 1}}},
		"trimmed": {
			in:       "\n  <b> x </b>\n\n",
			plain:    "x",
			entities: []MessageEntity{{Type: "bold", Offset: 0, Length: 1}},
		},
		"empty tag makes no entity": {in: "<b></b>x", plain: "x"},
		"invalid link keeps text":   {in: `<a href="">全文</a>`, plain: "全文"},
		"end tag without name":      {in: "<b>x</>", plain: "x", entities: []MessageEntity{{Type: "bold", Offset: 0, Length: 1}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			plain, entities, err := parseHTML(c.in, true)
			if err != nil {
				t.Fatalf("parseHTML(%q): %v", c.in, err)
			}
			if plain != c.plain || !slices.Equal(entities, c.entities) {
				t.Errorf("parseHTML(%q) = %q %+v, want %q %+v", c.in, plain, entities, c.plain, c.entities)
			}
		})
	}
}

func TestParseHTMLErrors(t *testing.T) {
	cases := map[string]struct{ in, err string }{
		"unsupported tag":    {"<p>x</p>", `Unsupported start tag "p" at byte offset 0`},
		"stray less-than":    {"1 < 2", `Unsupported start tag "" at byte offset 2`},
		"less-than word":     {"a<br>b", `Unsupported start tag "br" at byte offset 1`},
		"unclosed start":     {"x <b", "Unclosed start tag at byte offset 2"},
		"unclosed end":       {"<b>x</b", "Unclosed end tag at byte offset 4"},
		"no end tag":         {"<b>x", `Can't find end tag corresponding to start tag "b"`},
		"unmatched end":      {"<b><i>x</b></i>", `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		"unexpected end":     {"x</b>", "Unexpected end tag at byte offset 1"},
		"span without class": {"<span>x</span>", `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		"bad unquoted value": {"<a href=http://x>y</a>", "Unexpected end of name token at byte offset 12"},
		"empty attribute":    {`<a ="x">y</a>`, `Empty attribute name in the tag "a" at byte offset 0`},
		"unclosed quote":     {`<a href="x>y</a>`, "Unclosed start tag at byte offset 0"},
		"bare ampersand":     {"A & B", `Unescaped "&" at byte offset 2 (the test server is stricter than Telegram here: escape it as &amp;)`},
		"unknown entity":     {"&nbsp;", `Unescaped "&" at byte offset 0 (the test server is stricter than Telegram here: escape it as &amp;)`},
		"bad custom emoji":   {`<tg-emoji emoji-id="abc">x</tg-emoji>`, "Invalid custom emoji identifier specified"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := parseHTML(c.in, true)
			if err == nil || err.Error() != c.err {
				t.Errorf("parseHTML(%q) error = %v, want %q", c.in, err, c.err)
			}
		})
	}
}

func TestParseHTMLLenient(t *testing.T) {
	plain, _, err := parseHTML("A & B &nbsp; &amp;", false)
	if err != nil || plain != "A & B &nbsp; &" {
		t.Errorf("lenient = %q, %v", plain, err)
	}
}

func TestCommandEntities(t *testing.T) {
	cases := map[string]struct {
		in   string
		want []MessageEntity
	}{
		"command":          {"/start", []MessageEntity{{Type: "bot_command", Offset: 0, Length: 6}}},
		"with bot":         {"/latest@TongbaoBot meeting", []MessageEntity{{Type: "bot_command", Offset: 0, Length: 18}}},
		"after text":       {"看 /sub 防汛", []MessageEntity{{Type: "bot_command", Offset: 2, Length: 4}}},
		"emoji before":     {"😀 /help", []MessageEntity{{Type: "bot_command", Offset: 3, Length: 5}}},
		"two":              {"/a /b", []MessageEntity{{Type: "bot_command", Offset: 0, Length: 2}, {Type: "bot_command", Offset: 3, Length: 2}}},
		"path is not":      {"/usr/bin", nil},
		"inside word":      {"a/b", nil},
		"slash alone":      {"/ x", nil},
		"chinese after":    {"/订阅", nil},
		"short bot suffix": {"/s@ab", []MessageEntity{{Type: "bot_command", Offset: 0, Length: 2}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if got := commandEntities(c.in); !slices.Equal(got, c.want) {
				t.Errorf("commandEntities(%q) = %+v, want %+v", c.in, got, c.want)
			}
		})
	}
}

// FuzzParseHTML checks that any input either fails cleanly or yields valid
// UTF-8 text whose entities lie inside it.
func FuzzParseHTML(f *testing.F) {
	for _, seed := range []string{
		"<b>a <i>b</i></b>", `<a href="https://x.org/?a&amp;b">x</a>`, "&#x1F600; &lt;", "<pre><code class=\"language-go\">x</code></pre>",
		"😀 <u>下划线</u>", "<b>x", "x</b>", "<span class=tg-spoiler>s</span>", " \n<b> </b>\n ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, strict := range []bool{true, false} {
			plain, entities, err := parseHTML(in, strict)
			if err != nil {
				continue
			}
			if !utf8.ValidString(plain) && utf8.ValidString(in) {
				t.Fatalf("parseHTML(%q) = invalid UTF-8 %q", in, plain)
			}
			size := utf16Count(plain)
			for _, e := range entities {
				if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > size {
					t.Fatalf("parseHTML(%q) = %q with entity %+v outside %d units", in, plain, e, size)
				}
			}
			if strings.TrimSpace(plain) != plain {
				t.Fatalf("parseHTML(%q) = %q, not trimmed", in, plain)
			}
		}
	})
}
