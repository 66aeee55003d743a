package wechat

import (
	"strings"
	"testing"
	"time"
	"tongbao/bot/chat"
	"unicode/utf8"
)

func TestRenderText(t *testing.T) {
	cases := map[string]struct {
		reply chat.Reply
		want  string
	}{
		"plain": {chat.Text("你好"), "你好"},
		"link": {chat.Text("详见").Add(chat.Block{Kind: chat.BlockLink, Text: "全文", URL: "https://x.example/r/1?a=1&b=2"}),
			"详见\n<a href=\"https://x.example/r/1?a=1&b=2\">全文</a>"},
		"link without text": {chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockLink, URL: "https://x.example/"}}},
			`<a href="https://x.example/">https://x.example/</a>`},
		"quote in url": {chat.Reply{Blocks: []chat.Block{{Kind: chat.BlockLink, Text: "t", URL: `https://x.example/"a`}}},
			`<a href="https://x.example/%22a">t</a>`},
		"fields and list": {chat.Reply{Blocks: []chat.Block{
			{Kind: chat.BlockTitle, Text: "会议"}, {Kind: chat.BlockField, Label: "主持", Text: "朱俊华"}, {Kind: chat.BlockList, Items: []string{"一", "二"}},
		}}, "【会议】\n主持：朱俊华\n1. 一\n2. 二"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := renderText(tc.reply); got != tc.want {
				t.Errorf("renderText = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSplitText(t *testing.T) {
	sentence := "要全力推进招大引强。" // 30 bytes
	link := `<a href="https://tongbao.example/r/abcdef">全文</a>`
	cases := map[string]struct {
		text  string
		limit int
		want  []string
	}{
		"short":              {"一段", 100, []string{"一段"}},
		"between paragraphs": {"第一段\n第二段\n第三段", 20, []string{"第一段\n第二段", "第三段"}},
		"after a sentence":   {strings.Repeat(sentence, 3) + "尾巴", 70, []string{strings.Repeat(sentence, 2), sentence + "尾巴"}},
		"at a character":     {strings.Repeat("长", 10), 10, []string{"长长长", "长长长", "长长长", "长"}},
		"before a link":      {strings.Repeat("字", 10) + link, 60, []string{strings.Repeat("字", 10), link}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := splitText(tc.text, tc.limit)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("splitText = %q, want %q", got, tc.want)
			}
			for _, p := range got {
				if len(p) > tc.limit || !utf8.ValidString(p) || p == "" {
					t.Errorf("part %q: %d bytes, valid %v", p, len(p), utf8.ValidString(p))
				}
			}
		})
	}
}

func TestCut(t *testing.T) {
	if got := cutBytes("兰溪市委常委会", 10); got != "兰溪…" {
		t.Errorf("cutBytes = %q", got)
	}
	if got := cutBytes("兰溪", 10); got != "兰溪" {
		t.Errorf("cutBytes of a short text = %q", got)
	}
	if got := cutRunes("兰溪市委常委会", 4); got != "兰溪市…" {
		t.Errorf("cutRunes = %q", got)
	}
	if got := cutRunes("兰溪市委常委会", 0); got != "兰溪市委常委会" {
		t.Errorf("cutRunes without limit = %q", got)
	}
}

func TestTemplateData(t *testing.T) {
	now := time.Date(2022, 5, 27, 1, 36, 0, 0, time.UTC)
	noCard := chat.Reply{Blocks: []chat.Block{
		{Kind: chat.BlockText, Text: "通知如下"},
		{Kind: chat.BlockField, Label: "时间", Text: "5月27日"},
		{Kind: chat.BlockLink, Text: "全文", URL: "https://x.example/r/2"},
	}}
	cases := map[string]struct {
		reply chat.Reply
		src   string
		want  string
	}{
		"card title":      {bulletinCard, "title", "兰溪市委常委会(扩大)会议"},
		"first line":      {noCard, "title", "通知如下"},
		"card summary":    {bulletinCard, "summary", "会议强调，要全力推进招大引强。"},
		"text as summary": {noCard, "summary", noCard.PlainText()},
		"card url":        {bulletinCard, "url", "https://tongbao.example/r/tok1"},
		"link url":        {noCard, "url", "https://x.example/r/2"},
		"now":             {noCard, "now", "2022-05-27 09:36"},
		"field":           {noCard, "field:时间", "5月27日"},
		"missing field":   {noCard, "field:地点", ""},
		"literal":         {noCard, "=点击查看", "点击查看"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := templateValue(tc.src, tc.reply, now); got != tc.want {
				t.Errorf("templateValue(%q) = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
	data := templateData(TemplateConfig{ID: "t", Fields: map[string]string{"first": "title"}, MaxRunes: 5}, bulletinCard, now)
	if got := data["first"].Value; got != "兰溪市委…" {
		t.Errorf("cut to 5 runes: %q", got)
	}
	// A template given by id alone is filled with the default mapping.
	data = templateData(TemplateConfig{ID: "t"}, bulletinCard, now)
	if len(data) != len(DefaultTemplateFields()) || data["first"].Value != "新的通报" || data["keyword1"].Value != "兰溪市委常委会(扩大)会议" {
		t.Errorf("default fields: %v", data)
	}
}

func TestUntilChinaMidnight(t *testing.T) {
	at := time.Date(2022, 5, 27, 15, 0, 0, 0, time.UTC) // 23:00 in China
	if got := untilChinaMidnight(at); got != time.Hour {
		t.Errorf("untilChinaMidnight = %s, want 1h", got)
	}
}
