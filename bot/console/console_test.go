package console

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"tongbao/bot/chat"
)

func TestRender(t *testing.T) {
	r := chat.Reply{Blocks: []chat.Block{
		{Kind: chat.BlockTitle, Text: "青溪县召开县政府第十二次常务会议"},
		{Kind: chat.BlockField, Label: "主持", Text: "王立新"},
		{Kind: chat.BlockField, Label: "Chaired by", Text: "王立新"},
		{Kind: chat.BlockList, Items: []string{"要加强监测", "要落实责任"}},
		{Kind: chat.BlockLink, Text: "阅读全文", URL: "https://x/r/t"},
		{Kind: chat.BlockNote, Text: "发送「全文 编号」"},
	}, Buttons: [][]chat.Button{{{Text: "全文", Data: "full:b1"}, {Text: "已读", Data: "read:b1"}}, {{Text: "下一页", Data: "more"}}}}
	plain := Render(r, false)
	for _, want := range []string{"青溪县召开县政府第十二次常务会议\n", "主持：王立新", "Chaired by: 王立新", "  1. 要加强监测\n  2. 要落实责任", "阅读全文：https://x/r/t", "[全文 → 全文 b1]", "[下一页 → 下一页]"} {
		if !strings.Contains(plain, want) {
			t.Errorf("plain render lacks %q:\n%s", want, plain)
		}
	}
	if strings.Contains(plain, "\033[") || strings.Contains(plain, "read:b1") {
		t.Errorf("plain render has escapes or raw button data:\n%s", plain)
	}
	if colored := Render(r, true); !strings.Contains(colored, "\033[1m青溪县") {
		t.Errorf("colored render lacks bold title:\n%q", colored)
	}
}

func TestSender(t *testing.T) {
	var buf bytes.Buffer
	s := NewSender(&buf, false)
	if s.Platform() != chat.Console {
		t.Errorf("platform = %s", s.Platform())
	}
	id, err := s.Send(context.Background(), "me", chat.Text("通知：明天停电"))
	if err != nil || id != "1" || !strings.Contains(buf.String(), "通知：明天停电") || !strings.Contains(buf.String(), "me") {
		t.Errorf("Send = %q, %v; output %q", id, err, buf.String())
	}
}
