package bot

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/dispatch"
	"tongbao/content"
	"tongbao/store"
)

// rosterReminderOf reminds through the store and records who was reminded.
type rosterReminderOf struct {
	st  *store.Store
	who [][]content.MemberStatus
}

func (r *rosterReminderOf) RemindRoster(ctx context.Context, actor, id string, scope []string) ([]content.MemberStatus, error) {
	_, who, err := r.st.RosterReminders(ctx, id, scope, content.DefaultPlatformOrder)
	r.who = append(r.who, who)
	return who, err
}

// newRosterBot is a conversation with a roster: 县委办 张三 and 李四,
// 县委办/督查室 王五, 县财政局 赵六 and 钱七. Admins: tg:1 (every unit) and
// tg:2 (县委办 and below).
func newRosterBot(t *testing.T) (*Bot, *store.Store, *rosterReminderOf) {
	t.Helper()
	st := newTestStore(t)
	ctx := context.Background()
	rows, err := content.ReadRoster([]byte("姓名,单位,职务\n张三,县委办,主任\n李四,县委办,科员\n王五,县委办/督查室,科员\n赵六,县财政局,局长\n钱七,县财政局,科员\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ApplyRoster(ctx, content.PlanRoster(nil, rows, content.SourceImport), 0); err != nil {
		t.Fatal(err)
	}
	if err := st.SetScope(ctx, "tg:2", []string{"县委办"}); err != nil {
		t.Fatal(err)
	}
	rem := &rosterReminderOf{st: st}
	b := New(Config{Admins: []string{"tg:1", "tg:2"}, MessagesPerMinute: 100}, Deps{Store: st, Topics: testTopics,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Roster: st, RosterReminder: rem, Notifier: dispatch.NewNotifier(st)})
	return b, st, rem
}

func inviteCode(t *testing.T, st *store.Store, unit, name string, ttl time.Duration) string {
	t.Helper()
	ms, err := st.FindMembers(context.Background(), name, unit)
	if err != nil || len(ms) != 1 {
		t.Fatalf("find %s %s: %v %v", unit, name, ms, err)
	}
	codes, err := st.Invite(context.Background(), []int64{ms[0].ID}, ttl, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return codes[ms[0].ID]
}

// TestBindInChat: a code binds once; a reused, unknown or expired code and
// an account bound to someone else are each refused with their own reply;
// 绑定 姓名 单位 is a request that an admin of the unit approves, and the
// requester is told the decision once.
func TestBindInChat(t *testing.T) {
	b, st, _ := newRosterBot(t)
	ctx := context.Background()
	if err := st.EnsureQueue(ctx, "tg"); err != nil {
		t.Fatal(err)
	}
	code := inviteCode(t, st, "县委办", "张三", time.Hour)
	steps := []struct {
		user, text, want string
	}{
		{"100", "绑定", "请发送「绑定 绑定码」"},
		{"100", "绑定 " + strings.ToLower(code), "已绑定：县委办 张三"},
		{"100", "我的绑定", "您已绑定：县委办 张三（共 1 个账号）"},
		{"101", "绑定 " + code, "这个绑定码已经用过了"},
		{"101", "绑定 ZZZZZZZZ", "没有「ZZZZZZZZ」这个绑定码"},
		{"100", "绑定 " + inviteCode(t, st, "县委办", "李四", time.Hour), "已经绑定了名册上的另一个人"},
		{"102", "绑定 " + inviteCode(t, st, "县财政局", "赵六", -time.Minute), "这个绑定码已过期"},
		{"103", "绑定 王五 县委办/督查室", "已提交绑定申请（第 1 号：县委办/督查室 王五）"},
		{"104", "bind 赵六 县财政局", "已提交绑定申请（第 2 号：县财政局 赵六）"},
		{"106", "bind ZZZZZZZZ", "There is no code \"ZZZZZZZZ\""},
		{"105", "绑定 周九 县委办", "名册上没有找到「周九 县委办」"},
		{"103", "批准 1", "这个功能只对管理员开放"},
		{"2", "绑定申请", "1. 县委办/督查室 王五 ← tg:103"},
		{"2", "批准 2", "没有第 2 号待批准的申请"}, // 县财政局 is not tg:2's
		{"2", "批准 1", "已批准第 1 号申请：县委办/督查室 王五"},
		{"1", "拒绝 2", "已拒绝第 2 号申请（县财政局 赵六）"},
		{"1", "拒绝 2", "没有第 2 号待批准的申请"},
		{"1", "绑定申请", "没有待批准的绑定申请"},
		{"103", "我的绑定", "您已绑定：县委办/督查室 王五"},
		{"104", "我的绑定", "还没有绑定名册"},
		{"100", "解绑", "已解除这个账号与 县委办 张三 的绑定"},
		{"100", "批准了哪些文件", "审议通过"},
	}
	for _, s := range steps {
		got := typeIn(b, chat.Telegram, s.user, s.text)
		if !strings.Contains(got, s.want) {
			t.Errorf("tg:%s %q:\n got %s\nwant …%s…", s.user, s.text, got, s.want)
		}
	}
	if _, err := st.BoundMember(ctx, "tg:101"); err == nil {
		t.Error("a refused code bound tg:101")
	}
	// The requesters' notices are queued, one each, to the account that
	// asked.
	queued, err := st.Receive(ctx, "tg", "test", 100, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var notices []string
	for _, d := range queued {
		if d.Purpose != content.PurposeNotice || d.Notice == nil {
			t.Fatalf("queued %+v", d)
		}
		notices = append(notices, d.Subscriber+" "+d.BulletinID+" "+d.Notice.Key+" "+strings.Join(d.Notice.Args, "|"))
	}
	slices.Sort(notices)
	want := "tg:103 notice:bind-1 bind.approved 1|县委办/督查室 王五; tg:104 notice:bind-2 bind.refused 2|县财政局 赵六"
	if got := strings.Join(notices, "; "); got != want {
		t.Errorf("notices\n got %s\nwant %s", got, want)
	}
}

// TestWhoUnreadInChat: 谁没读 names the unread and the 未绑定 of the admin's
// own units only; 催读 reminds each unread person once; a subscriber who is
// not an admin learns nothing.
func TestWhoUnreadInChat(t *testing.T) {
	b, st, rem := newRosterBot(t)
	ctx := context.Background()
	for user, who := range map[string][2]string{"100": {"县委办", "张三"}, "101": {"县委办", "李四"}, "102": {"县财政局", "赵六"}} {
		if got := typeIn(b, chat.Telegram, user, "绑定 "+inviteCode(t, st, who[0], who[1], time.Hour)); !strings.Contains(got, "已绑定") {
			t.Fatalf("bind %s: %s", user, got)
		}
	}
	if got := typeIn(b, chat.Telegram, "2", "谁没读"); !strings.Contains(got, "还没有按名册发送过通报") {
		t.Errorf("谁没读 before any roster bulletin: %s", got)
	}
	const id = "20220608-roster"
	seg := content.RosterAudience{Units: []string{"县委办", "县财政局"}}.Segment()
	if err := st.AudienceOf(ctx, id, seg, nil, func(rs []content.Recipient) error { return deliverOnTelegram(ctx, st, id, rs) }); err != nil {
		t.Fatal(err)
	}
	zhang, err := st.Subscriber(ctx, "tg:100")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.MarkRead(ctx, id, zhang.Dense, content.ViaLink, time.Time{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	got := typeIn(b, chat.Telegram, "2", "谁没读")
	for _, w := range []string{"县委办：已读 1 / 应读 2（已送达 2）", "未读：李四", "县委办/督查室：已读 0 / 应读 1（已送达 0）", "未绑定（无法送达）：王五"} {
		if !strings.Contains(got, w) {
			t.Errorf("谁没读 of 县委办's admin lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "赵六") || strings.Contains(got, "钱七") || strings.Contains(got, "县财政局") {
		t.Errorf("谁没读 shows another unit's people to 县委办's admin:\n%s", got)
	}
	if got := typeIn(b, chat.Telegram, "1", "谁没读 "+id); !strings.Contains(got, "县财政局：已读 0 / 应读 2") || !strings.Contains(got, "未读：赵六") || !strings.Contains(got, "未绑定（无法送达）：钱七") {
		t.Errorf("谁没读 of the county admin:\n%s", got)
	}
	if got := typeIn(b, chat.Telegram, "100", "谁没读"); !strings.Contains(got, "只对管理员开放") || strings.Contains(got, "李四") {
		t.Errorf("谁没读 of a subscriber: %s", got)
	}
	if got := typeIn(b, chat.Telegram, "2", "催读"); !strings.Contains(got, "已提醒 1 人：县委办 李四") || !strings.Contains(got, "未绑定（无法送达）：王五") {
		t.Errorf("催读: %s", got)
	}
	if got := typeIn(b, chat.Telegram, "2", "催读"); !strings.Contains(got, "没有需要提醒的人") {
		t.Errorf("催读 twice: %s", got)
	}
	if got := typeIn(b, chat.Telegram, "1", "催读 "+id); !strings.Contains(got, "已提醒 1 人：县财政局 赵六") {
		t.Errorf("催读 of the county admin: %s", got)
	}
	if len(rem.who) != 3 {
		t.Errorf("reminder calls: %v", rem.who)
	}
}

// deliverOnTelegram delivers a bulletin to Telegram recipients the way
// the dispatcher's workers do: enqueue, receive, take the lease, finish.
func deliverOnTelegram(ctx context.Context, st *store.Store, id string, rs []content.Recipient) error {
	if err := st.EnsureQueue(ctx, "tg"); err != nil {
		return err
	}
	ds := make([]content.Delivery, len(rs))
	for i, r := range rs {
		ds[i] = content.Delivery{BulletinID: id, Subscriber: r.ID, Dense: r.Dense, Purpose: content.PurposeBulletin}
	}
	if err := st.Enqueue(ctx, "tg", ds); err != nil {
		return err
	}
	got, err := st.Receive(ctx, "tg", "test", len(ds), time.Second)
	if err != nil {
		return err
	}
	for _, d := range got {
		if _, _, err := st.BeginDeliveries(ctx, []content.Delivery{d}, []string{id}, []string{"t"}, time.Minute); err != nil {
			return err
		}
		if err := st.FinishDelivery(ctx, "tg", d, id, "t"); err != nil {
			return err
		}
	}
	return nil
}

// TestBroadcastToRosterInChat: an admin's broadcast to roster units names
// them in the preview and counts the people who can be reached.
func TestBroadcastToRosterInChat(t *testing.T) {
	b, st, _ := newRosterBot(t)
	if got := typeIn(b, chat.Telegram, "100", "绑定 "+inviteCode(t, st, "县委办", "张三", time.Hour)); !strings.Contains(got, "已绑定") {
		t.Fatalf("bind: %s", got)
	}
	got := typeIn(b, chat.Telegram, "1", "/broadcast @roster:unit=县委办,县财政局 明天上午开会")
	for _, w := range []string{"名册上的 县委办、县财政局（每人一次，按其所用平台）", "明天上午开会"} {
		if !strings.Contains(got, w) {
			t.Errorf("preview lacks %q:\n%s", w, got)
		}
	}
}

// TestScopedBroadcastInChat: the broadcast of an admin scoped to 县委办
// reaches only the accounts bound to 县委办's people, and the preview says
// so and counts exactly those.
func TestScopedBroadcastInChat(t *testing.T) {
	b, st, _ := newRosterBot(t)
	ctx := context.Background()
	for user, who := range map[string][2]string{"100": {"县委办", "张三"}, "101": {"县委办/督查室", "王五"}, "102": {"县财政局", "赵六"}} {
		if got := typeIn(b, chat.Telegram, user, "绑定 "+inviteCode(t, st, who[0], who[1], time.Hour)); !strings.Contains(got, "已绑定") {
			t.Fatalf("bind %s: %s", user, got)
		}
	}
	typeIn(b, chat.Telegram, "103", "你好") // a subscriber bound to nobody
	if err := st.EnsureQueue(ctx, "tg"); err != nil {
		t.Fatal(err)
	}
	b.SetAnnouncer(dispatch.New(dispatch.Config{}, dispatch.Deps{Store: st, Logger: b.log}))

	got := typeIn(b, chat.Telegram, "2", "/broadcast 明天上午开会")
	for _, w := range []string{"将发送给 2 位订阅者", "仅限您管理的单位：县委办"} {
		if !strings.Contains(got, w) {
			t.Errorf("preview of 县委办's admin lacks %q:\n%s", w, got)
		}
	}
	if got := press(t, b, "2", "bc:ok"); !strings.Contains(got, "已开始发送，共 2 位") {
		t.Errorf("confirm: %s", got)
	}
	queued, err := st.Receive(ctx, "tg", "test", 100, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, d := range queued {
		to = append(to, d.Subscriber)
	}
	slices.Sort(to)
	if strings.Join(to, " ") != "tg:100 tg:101" {
		t.Errorf("县委办's admin broadcast to %v, want tg:100 tg:101", to)
	}
	// The county admin (no scope) reaches everyone.
	if got := typeIn(b, chat.Telegram, "1", "/broadcast 明天上午开会"); !strings.Contains(got, "将发送给 6 位订阅者") || strings.Contains(got, "仅限") {
		t.Errorf("preview of the county admin:\n%s", got)
	}
}
