package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/bot/readlink"
	"tongbao/content"
	"tongbao/store"
	"tongbao/store/redistest"
)

var redisServer *redistest.Server

func TestMain(m *testing.M) { redistest.Main(m, &redisServer) }

var testTopics = func() *content.Topics {
	t, err := content.ParseTopics([]byte(`topics:
  - {name: 防汛, en: flood control, keywords: [防汛, 汛期, 防台, 度汛]}
  - {name: 人才, en: talent, keywords: [人才]}
  - {name: 安全生产, en: work safety, keywords: [安全生产, 隐患排查]}`))
	if err != nil {
		panic(err)
	}
	return t
}()

var prefixes atomic.Int64

// newTestStore opens a store on the shared redis-server under a fresh
// prefix and fills it with the sample bulletins.
func newTestStore(t testing.TB) *store.Store {
	t.Helper()
	st := openEmptyStore(t)
	p := content.NewParser(content.ParserConfig{}, content.ParserDeps{Topics: testTopics})
	for _, name := range []string{"lanxi-2022-05-27-standing-committee.txt", "qingxi-2022-06-08-county-executive.txt", "qingxi-2022-06-01-flood-notice.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "configs", "samples", name))
		if err != nil {
			t.Fatal(err)
		}
		parseAndSave(t, st, p, name, data)
	}
	return st
}

// parseAndSave parses a bulletin, stores it and returns its id.
func parseAndSave(t testing.TB, st *store.Store, p *content.Parser, name string, data []byte) string {
	t.Helper()
	b, err := p.Parse(content.Input{Data: data, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveBulletin(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b.ID
}

// openEmptyStore opens a store on the shared redis-server under a fresh
// prefix.
func openEmptyStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{URL: redisServer.URL(), Prefix: fmt.Sprintf("bt%d:", prefixes.Add(1))}, store.Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fakeAnnouncer records announcements instead of sending them.
type fakeAnnouncer struct {
	mu  sync.Mutex
	got []chat.Announcement
}

func (f *fakeAnnouncer) Announce(_ context.Context, a chat.Announcement) (chat.Announced, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, a)
	return chat.Announced{ID: "a-test", Recipients: 7}, nil
}

func newTestBot(t testing.TB, st Store, perMinute int) *Bot {
	return New(Config{Admins: []string{"tg:1"}, MessagesPerMinute: perMinute}, Deps{
		Store: st, Topics: testTopics, Links: readlink.New("https://tb.example.gov.cn", "test-secret"),
		Now: func() time.Time { return testNow }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

// say runs one message from a user and returns the replies as text.
func ask(t testing.TB, b *Bot, user, text string) string {
	t.Helper()
	return render(b.Handle(context.Background(), chat.Incoming{Platform: chat.Telegram, UserID: user, ChatID: user, Text: text}))
}

func press(t testing.TB, b *Bot, user, data string) string {
	t.Helper()
	return render(b.Handle(context.Background(), chat.Incoming{Platform: chat.Telegram, UserID: user, ChatID: user, Button: data, MessageID: "55"}))
}

func render(rs []chat.Reply) string {
	var parts []string
	for _, r := range rs {
		text := r.PlainText()
		for _, row := range r.Buttons {
			for _, btn := range row {
				text += "\n[" + btn.Text + "|" + btn.Data + "]"
			}
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, "\n---\n")
}

func TestConversation(t *testing.T) {
	st := newTestStore(t)
	b := newTestBot(t, st, 100)
	const (
		lanxi  = "20220527-62a4a24c"
		qingxi = "20220608-0ce36211"
		notice = "20220601-28428f91"
	)
	tests := []struct {
		name, user, text string
		want             []string
		not              []string
	}{
		{"latest meeting", "2", "最新会议", []string{"青溪县召开县政府第十二次常务会议", "县委副书记、县长王立新", "2022-06-08", "6月7日下午", "会议要点", "https://tb.example.gov.cn/r/" + qingxi + ".", "[全文|full:" + qingxi + "]", "[已读|read:" + qingxi + "]"}, nil},
		{"latest standing committee", "2", "最近的常委会", []string{"兰溪召开市委常委会(扩大)会议", "朱俊华", "2022-05-27", "要全力推进招大引强"}, []string{"青溪"}},
		{"latest executive meeting", "2", "最近的常务会议", []string{"县政府第十二次常务会议", "王立新"}, nil},
		{"english", "3", "latest meeting", []string{"Chaired by: 县委副书记、县长王立新", "Published: 2022-06-08", "Key points"}, []string{"主持："}},
		{"latest notice", "2", "/latest 通知", []string{"青政办明电〔2022〕12号", "文号"}, nil},
		{"latest notice in english", "2", "/latest notice", []string{"青政办明电〔2022〕12号", "Document: "}, nil},
		{"search", "2", "搜索 防汛", []string{"「防汛」共找到3条", "1. ", "2. ", "3. ", "青溪县人民政府办公室关于切实做好2022年汛期安全防范工作的通知"}, nil},
		{"search in english (topic name)", "3", "/search talent", []string{"results for \"talent\"", "兰溪召开市委常委会"}, nil},
		{"search in english (word of a topic name)", "3", "search flood", []string{"results for \"flood\"", "青溪县人民政府办公室关于切实做好2022年汛期安全防范工作的通知"}, nil},
		{"plain keyword", "2", "招大引强", []string{"为您找到与「招大引强」相关的通报（1条）", "兰溪"}, nil},
		{"date without year", "2", "5月27日的会议", []string{"朱俊华"}, nil},
		{"month", "2", "6月的会议", []string{"王立新"}, []string{"朱俊华"}},
		{"date with nothing", "2", "2022-05-30", []string{"2022年5月30日没有通报"}, nil},
		{"recent", "2", "最近10条", []string{"最近的通报", "1. 青溪县召开县政府第十二次常务会议", "3. 兰溪召开"}, nil},
		{"full text by number", "2", "全文 3", []string{"兰溪召开市委常委会", "会议还研究了其他事项。"}, nil},
		{"no more pages", "2", "下一页", []string{"没有更多了"}, nil},
		{"full text of a bad number", "2", "全文 9", []string{"没有找到第9条"}, nil},
		{"subscribe while receiving everything", "2", "订阅 防汛", []string{"您正在接收全部通报，「防汛」已包含在内", "只看防汛", "[只看「防汛」|only:防汛]"}, nil},
		{"only one topic", "2", "只看防汛", []string{"只推送「防汛」"}, nil},
		{"subscribe again", "2", "/sub 防汛", []string{"已经订阅了「防汛」"}, nil},
		{"subscribe english topic while receiving everything", "3", "subscribe talent", []string{"talent is already included", "only talent"}, nil},
		{"subscribe keyword", "2", "订阅 王立新", []string{"已订阅关键词「王立新」"}, nil},
		{"my subscriptions", "2", "我的订阅", []string{"您订阅了：防汛、王立新", "即时推送"}, nil},
		{"topics", "2", "主题", []string{"防汛 ✓", "人才", "[订阅「人才」|sub:人才]"}, nil},
		{"unsubscribe", "2", "退订 防汛", []string{"已退订「防汛」"}, nil},
		{"unsubscribe what is not there", "2", "退订 人才", []string{"您没有订阅「人才」"}, nil},
		{"digest", "2", "每日摘要 8点", []string{"每天08:00"}, nil},
		{"quiet hours", "2", "免打扰 22:00-07:00", []string{"22:00-07:00期间"}, nil},
		{"quiet hours wrong", "2", "免打扰 晚上", []string{"免打扰 22:00-07:00"}, nil},
		{"my subscriptions show the mode", "2", "我的订阅", []string{"每日摘要（08:00）", "免打扰 22:00-07:00"}, nil},
		{"unit", "2", "单位 县应急管理局", []string{"县应急管理局"}, nil},
		{"help", "2", "帮助", []string{"最新会议", "搜索 防汛"}, []string{"/broadcast"}},
		{"help for an admin", "1", "/help", []string{"/broadcast"}, nil},
		{"words nothing holds", "2", "今天天气怎么样", []string{"没有找到包含「天气」的通报", "最近10条"}, nil},
		{"nothing understood", "2", "嗯？", []string{"抱歉，我没有理解", "最新会议"}, nil},
		{"unknown command", "2", "/frobnicate", []string{"抱歉，我没有理解"}, nil},
		{"empty", "2", "   ", []string{"最新会议"}, nil},
		{"stats as a user", "2", "/stats", []string{"只对管理员开放"}, []string{"订阅者"}},
		{"stats as an admin", "1", "/stats", []string{"通报 3 条（会议 2，通知公告 1，新闻 0）"}, nil},
		{"stats of one bulletin", "1", "/stats " + qingxi, []string{"青溪县召开县政府第十二次常务会议", "已读"}, nil},
		{"broadcast as a user", "2", "/broadcast 明天停电", []string{"只对管理员开放"}, nil},
		{"lang", "3", "/lang zh", []string{"我会用中文回复您"}, nil},
		{"channel as a user", "2", "/channel @county_news", []string{"只对管理员开放"}, nil},
		{"channel", "1", "/channel @county_news", []string{"已添加推送目标 @county_news"}, nil},
		{"channel, bad name", "1", "/channel county news", []string{"/channel @"}, nil},
		{"channel removed", "1", "/channel 移除 @county_news", []string{"已移除推送目标 @county_news"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ask(t, b, tc.user, tc.text)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q: reply lacks %q:\n%s", tc.text, w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("%q: reply should not contain %q:\n%s", tc.text, w, got)
				}
			}
			for _, bad := range []string{"redis:", "store:", "%!", "<nil>", "panic"} {
				if strings.Contains(got, bad) {
					t.Errorf("%q: internal text %q in reply:\n%s", tc.text, bad, got)
				}
			}
		})
	}
}

func TestButtonsRecordReads(t *testing.T) {
	st := newTestStore(t)
	b := newTestBot(t, st, 100)
	const id = "20220608-0ce36211"
	if got := press(t, b, "9", "read:"+id); !strings.Contains(got, "已标记为已读") {
		t.Errorf("first press: %s", got)
	}
	if got := press(t, b, "9", "read:"+id); !strings.Contains(got, "已经读过") {
		t.Errorf("second press: %s", got)
	}
	if got := press(t, b, "10", "full:"+id); !strings.Contains(got, "会议还研究了其他事项") {
		t.Errorf("full-text button: %s", got)
	}
	s, err := st.Stats(context.Background(), id)
	if err != nil || s.Via[content.ViaButton] != 1 || s.Via[content.ViaText] != 1 {
		t.Errorf("reads via = %v, %v", s.Via, err)
	}
	if got := press(t, b, "9", "sub:人才"); !strings.Contains(got, "「人才」已包含在内") {
		t.Errorf("follow button: %s", got)
	}
	if got := press(t, b, "9", "read:nope"); !strings.Contains(got, "没有找到") {
		t.Errorf("unknown bulletin: %s", got)
	}
}

func TestBroadcastFlow(t *testing.T) {
	st := newTestStore(t)
	b := newTestBot(t, st, 100)
	ann := &fakeAnnouncer{}
	b.SetAnnouncer(ann)
	ask(t, b, "5", "/start") // one more subscriber for the audience
	if got := ask(t, b, "1", "/broadcast"); !strings.Contains(got, "请发送要广播的内容") {
		t.Fatalf("/broadcast: %s", got)
	}
	got := ask(t, b, "1", "今晚有暴雨，请注意防范")
	for _, w := range []string{"广播预览", "今晚有暴雨，请注意防范", "将发送给 2 位订阅者", "[确认发送|bc:ok]", "[取消|bc:no]"} {
		if !strings.Contains(got, w) {
			t.Errorf("preview lacks %q:\n%s", w, got)
		}
	}
	if got := press(t, b, "5", "bc:ok"); !strings.Contains(got, "只对管理员开放") {
		t.Errorf("a non-admin confirmed: %s", got)
	}
	if got := press(t, b, "1", "bc:ok"); !strings.Contains(got, "已开始发送，共 7 位") {
		t.Errorf("confirm: %s", got)
	}
	if len(ann.got) != 1 || ann.got[0].Text != "今晚有暴雨，请注意防范" || ann.got[0].Actor != "tg:1" || ann.got[0].ReplyTo.MessageID != "55" {
		t.Errorf("announcements = %+v", ann.got)
	}
	if got := press(t, b, "1", "bc:ok"); !strings.Contains(got, "已过期") {
		t.Errorf("confirming twice: %s", got)
	}
	got = ask(t, b, "1", "广播 紧急 @防汛 河道水位上涨")
	if !strings.Contains(got, "紧急") || !strings.Contains(got, "订阅「防汛」的人") {
		t.Errorf("urgent segment preview: %s", got)
	}
	if got := press(t, b, "1", "bc:no"); !strings.Contains(got, "已取消") {
		t.Errorf("cancel: %s", got)
	}
	if got := ask(t, b, "1", "广播 @planet 你好"); !strings.Contains(got, "不认识发送对象") {
		t.Errorf("bad segment: %s", got)
	}
}

func TestTooFast(t *testing.T) {
	b := newTestBot(t, newTestStore(t), 3)
	for i := 1; i <= 3; i++ {
		if got := ask(t, b, "7", "最新会议"); !strings.Contains(got, "青溪") {
			t.Fatalf("message %d: %s", i, got)
		}
	}
	if got := ask(t, b, "7", "最新会议"); !strings.Contains(got, "太快") {
		t.Errorf("fourth message: %s", got)
	}
	if got := b.Handle(context.Background(), chat.Incoming{Platform: chat.Telegram, UserID: "7", ChatID: "7", Text: "最新会议"}); got != nil {
		t.Errorf("fifth message got a reply: %s", render(got))
	}
	if got := ask(t, b, "8", "最新会议"); !strings.Contains(got, "青溪") {
		t.Errorf("another user was limited: %s", got)
	}
}

// panickyStore fails in the middle of a conversation.
type panickyStore struct{ *store.Store }

func (panickyStore) Search(context.Context, string, int, int) ([]content.SearchHit, int64, error) {
	panic("index corrupted")
}

func TestFailuresArePolite(t *testing.T) {
	st := newTestStore(t)
	b := newTestBot(t, panickyStore{st}, 100)
	if got := ask(t, b, "2", "搜索 防汛"); got != msg.Say("zh", "error") {
		t.Errorf("panic reply = %q", got)
	}
	if got := ask(t, b, "2", "search flood"); got != msg.Say("en", "error") {
		t.Errorf("panic reply in English = %q", got)
	}
	st.Close()
	if got := ask(t, b, "2", "最新会议"); got != msg.Say("zh", "error") {
		t.Errorf("closed store reply = %q", got)
	}
}
