package dispatch_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/bot/readlink"
	"tongbao/bot/telegram"
	"tongbao/bot/wechat"
	"tongbao/bot/wechat/wechattest"
)

// readLink matches a personal read link, which differs between the
// preview (a sample) and each subscriber's message.
var readLink = regexp.MustCompile(`https://tb\.example/r/[^"<\s]+`)

func unlinked(s string) string { return readLink.ReplaceAllString(s, "LINK") }

// TestAnnouncementPreviewIsWhatIsSent: for the same announcement, each
// platform's preview is what its fake server received — Telegram's HTML
// and buttons, the Official Account's news card or its texts cut at
// 2,048 bytes, WeCom's text card or texts — read links aside.
func TestAnnouncementPreviewIsWhatIsSent(t *testing.T) {
	var long strings.Builder
	for i := range 60 {
		long.WriteString(strings.Repeat("请各单位做好防汛准备，", 8) + "第" + string(rune('A'+i%26)) + "段。\n")
	}
	cases := map[string]struct {
		text  string
		links bool
	}{
		"short, with read links": {"明天上午停电检修 <script>alert(1)</script> & <b>不是粗体</b>\n请做好准备", true},
		"long, without links":    {long.String() + "<script>alert(1)</script> &amp;", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t)
			tgFake, tg := newTelegram(t, st)
			wxFake := wechattest.NewServer(wechattest.Options{})
			t.Cleanup(wxFake.Close)
			wdeps := wechat.Deps{Handler: noHandler{}, Tokens: st, Limits: st, Dedupe: st, Logger: quiet}
			oa, err := wechat.NewOfficialAccount(wechat.OAConfig{AppID: wechattest.DefaultAppID, AppSecret: wechattest.DefaultAppSecret, Token: "tongbao", APIBase: wxFake.URL()}, wdeps)
			if err != nil {
				t.Fatal(err)
			}
			wc, err := wechat.NewWeCom(wechat.WeComConfig{CorpID: wechattest.DefaultCorpID, AgentID: wechattest.DefaultAgentID, Secret: wechattest.DefaultCorpSecret,
				Token: "tongbao", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", APIBase: wxFake.URL()}, wdeps)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"tg:1001", "wx:oUser1", "wecom:zhangsan"} {
				if _, _, err := st.Touch(ctx, id, "", "zh", true); err != nil {
					t.Fatal(err)
				}
			}
			var links *readlink.Links
			if tc.links {
				links = readlink.New("https://tb.example", "k")
			}
			d := dispatch.New(dispatch.Config{Owner: "preview", SendTimeout: 2 * time.Second, ClaimLease: 3 * time.Second, ReclaimIdle: 4 * time.Second},
				dispatch.Deps{Store: st, Senders: []chat.Sender{tg, oa, wc}, Limiter: st, Links: links, Logger: quiet})
			ann := chat.Announcement{Actor: "tg:1", Text: tc.text, Segment: "all"}
			reply := d.AnnouncementReply(ann, "zh")
			run(t, d)
			if sent, err := d.Announce(ctx, ann); err != nil || sent.Recipients != 3 {
				t.Fatalf("Announce = %+v, %v", sent, err)
			}
			for _, p := range []string{"tg", "wx", "wecom"} {
				waitDrained(t, st, p)
			}

			// Telegram: the HTML messages, their lengths, the buttons.
			tgWant := telegram.Preview(reply)
			tgGot := tgFake.Sent()
			if len(tgGot) != len(tgWant.Messages) {
				t.Fatalf("Telegram got %d messages, the preview shows %d", len(tgGot), len(tgWant.Messages))
			}
			for i, m := range tgWant.Messages {
				if unlinked(m.Markup) != unlinked(tgGot[i].Text) {
					t.Errorf("Telegram message %d:\npreview %q\nsent    %q", i+1, m.Markup, tgGot[i].Text)
				}
				if shown := len(utf16.Encode([]rune(tgGot[i].PlainText))); m.Size != shown || m.Size > m.Limit {
					t.Errorf("Telegram message %d: preview size %d/%d, Telegram shows %d characters", i+1, m.Size, m.Limit, shown)
				}
				var keys [][]string
				for _, row := range tgGot[i].Keyboard {
					var texts []string
					for _, b := range row {
						texts = append(texts, b.Text)
					}
					keys = append(keys, texts)
				}
				if !slices.EqualFunc(m.Buttons, keys, slices.Equal) {
					t.Errorf("Telegram message %d: preview buttons %q, sent %q", i+1, m.Buttons, keys)
				}
			}
			if last := tgGot[len(tgGot)-1]; !strings.Contains(last.PlainText, "<script>alert(1)</script>") || strings.Contains(last.Text, "<script>") {
				t.Errorf("Telegram should show the script as text: %q", last.Text)
			}

			// Official Account: a news card, or texts.
			oaWant := wechat.PreviewOA(reply)
			oaGot := wxFake.CustomMessages()
			if len(oaGot) != len(oaWant.Messages) {
				t.Fatalf("the Official Account got %d messages, the preview shows %d", len(oaGot), len(oaWant.Messages))
			}
			for i, m := range oaWant.Messages {
				got := oaGot[i]
				switch {
				case m.Card != nil:
					a := got.Articles
					if got.MsgType != "news" || len(a) != 1 || a[0].Title != m.Card.Title || a[0].Description != m.Card.Description || unlinked(a[0].URL) != unlinked(m.Card.URL) {
						t.Errorf("OA message %d: preview card %+v, sent %s %+v", i+1, *m.Card, got.MsgType, a)
					}
				case got.MsgType != "text" || got.Content != m.Markup || m.Size != len(got.Content) || m.Size > m.Limit:
					t.Errorf("OA message %d: preview %q (%d/%d bytes), sent %s %q", i+1, m.Markup, m.Size, m.Limit, got.MsgType, got.Content)
				}
			}

			// WeCom: a text card, or texts.
			wcWant := wechat.PreviewWeCom(reply)
			wcGot := wxFake.WeComMessages()
			if len(wcGot) != len(wcWant.Messages) {
				t.Fatalf("WeCom got %d messages, the preview shows %d", len(wcGot), len(wcWant.Messages))
			}
			for i, m := range wcWant.Messages {
				got := wcGot[i]
				switch {
				case m.Card != nil:
					c := got.TextCard
					if got.MsgType != "textcard" || c == nil || c.Title != m.Card.Title || c.Description != m.Card.Description || c.BtnTxt != m.CardButton || unlinked(c.URL) != unlinked(m.Card.URL) {
						t.Errorf("WeCom message %d: preview card %+v %q, sent %s %+v", i+1, *m.Card, m.CardButton, got.MsgType, c)
					}
				case got.MsgType != "text" || got.Content != m.Markup || m.Size > m.Limit:
					t.Errorf("WeCom message %d: preview %q, sent %s %q", i+1, m.Markup, got.MsgType, got.Content)
				}
			}
			if tc.links == (len(oaWant.Messages) > 1) || !tc.links && len(tgWant.Messages) != 2 {
				t.Errorf("the case is not the one meant: %d OA messages, %d Telegram messages", len(oaWant.Messages), len(tgWant.Messages))
			}
		})
	}
}
