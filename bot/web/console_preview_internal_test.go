package web

import (
	"strings"
	"testing"
)

// TestPreviewMarkupIsShownSafely: a preview keeps the formatting the
// platform shows and nothing that would run in the page.
func TestPreviewMarkupIsShownSafely(t *testing.T) {
	const rel = ` rel="noopener noreferrer nofollow"`
	telegram := map[string]struct{ in, want string }{
		"the adapter's output": {"<b>通知</b>\n停电 &lt;script&gt;alert(1)&lt;/script&gt; &amp; <a href=\"https://x.cn/r/a.1.s\">确认已读</a>",
			"<b>通知</b>\n停电 &lt;script&gt;alert(1)&lt;/script&gt; &amp; <a href=\"https://x.cn/r/a.1.s\"" + rel + ">确认已读</a>"},
		"a live script is text":     {"<script>alert(1)</script>", "alert(1)"},
		"attributes are dropped":    {`<b onclick="x()">y</b><img src=x onerror=alert(1)>`, "<b>y</b>"},
		"a script link is its text": {`<a href="javascript:alert(1)">x</a>`, "<span>x</span>"},
		"a quote in a link":         {`<a href="https://x.cn/?q=&quot;&gt;">x</a>`, `<a href="https://x.cn/?q=&#34;&gt;"` + rel + ">x</a>"},
		"unclosed tags are closed":  {"<b><i>y</b>z", "<b><i>y</i></b>z"},
	}
	for name, tc := range telegram {
		t.Run("telegram/"+name, func(t *testing.T) {
			if got := string(telegramHTML(tc.in)); got != tc.want {
				t.Errorf("telegramHTML(%q)\n = %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
	wechat := map[string]struct{ in, want string }{
		"the adapter's output": {"【通知】\n停电 <script>alert(1)</script> &amp;\n<a href=\"https://x.cn/r/a.1.s\">确认已读</a>",
			"【通知】\n停电 &lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;\n<a href=\"https://x.cn/r/a.1.s\"" + rel + ">确认已读</a>"},
		"a script link is its text": {`<a href="javascript:alert(1)">x</a>`, "x"},
		"markup in a link's text":   {`<a href="https://x.cn"><img src=x></a>`, `<a href="https://x.cn"` + rel + `>&lt;img src=x&gt;</a>`},
	}
	for name, tc := range wechat {
		t.Run("wechat/"+name, func(t *testing.T) {
			if got := string(wechatHTML(tc.in)); got != tc.want {
				t.Errorf("wechatHTML(%q)\n = %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// BenchmarkPreviewMarkup makes a longest announcement's Telegram and
// WeChat messages safe for the page: the preview's own work, beside the
// store's audience count.
func BenchmarkPreviewMarkup(b *testing.B) {
	text := strings.Repeat("明天上午9点至11点停电检修 &amp; 请提前做好准备。\n", 60)
	tg := "<b>通知</b>\n" + text + `<a href="https://tb.example/r/a-1.0.sig">确认已读</a>`
	wx := "【通知】\n" + text + `<a href="https://tb.example/r/a-1.0.sig">确认已读</a>`
	for b.Loop() {
		telegramHTML(tg)
		wechatHTML(wx)
	}
}
