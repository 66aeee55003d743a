package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// rosterCSV builds a roster file: each person "单位,姓名,职务[,手机[,企业微信账号]]".
func rosterCSV(people ...string) []byte {
	var b strings.Builder
	b.WriteString("姓名,单位,职务,手机,企业微信账号\n")
	for _, p := range people {
		f := strings.Split(p, ",")
		for len(f) < 5 {
			f = append(f, "")
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s\n", f[1], f[0], f[2], f[3], f[4])
	}
	return []byte(b.String())
}

// importRoster brings the store's roster in line with a file, as
// `tongbao roster import` does.
func importRoster(t testing.TB, s *Store, file []byte) content.RosterChange {
	t.Helper()
	ctx := context.Background()
	rows, err := content.ReadRoster(file)
	if err != nil {
		t.Fatal(err)
	}
	current, version, err := s.Roster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ch := content.PlanRoster(current, rows, content.SourceImport)
	if err := s.ApplyRoster(ctx, ch, version); err != nil {
		t.Fatal(err)
	}
	return ch
}

func memberByName(t testing.TB, s *Store, unit, name string) content.Member {
	t.Helper()
	ms, err := s.FindMembers(context.Background(), name, unit)
	if err != nil || len(ms) != 1 {
		t.Fatalf("find %s %s: %v %v", unit, name, ms, err)
	}
	return ms[0]
}

func TestRosterImport(t *testing.T) {
	for _, name := range []string{"single", "cluster"} {
		t.Run(name, func(t *testing.T) {
			s := backends[name](t)
			ctx := context.Background()
			file := rosterCSV("县委办,张三,主任,13800000001", "县委办/督查室,李四,科员", "县财政局,王五,局长,,wangwu")
			ch := importRoster(t, s, file)
			if len(ch.Added) != 3 || len(ch.Changed)+len(ch.Removed) != 0 {
				t.Fatalf("first import: %+v", ch)
			}
			people, _, err := s.Roster(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var export strings.Builder
			if err := content.WriteRosterCSV(&export, people); err != nil {
				t.Fatal(err)
			}
			if again := importRoster(t, s, []byte(export.String())); !again.Empty() {
				t.Fatalf("re-importing the export changed %v", again.Lines())
			}
			units, _ := s.RosterUnits(ctx)
			if !slices.Equal(units, []string{"县委办", "县委办/督查室", "县财政局"}) {
				t.Fatalf("units %v", units)
			}

			// 王五 moves (matched by WeCom account), 李四 leaves, 赵六 arrives.
			before := memberByName(t, s, "县财政局", "王五")
			ch = importRoster(t, s, rosterCSV("县委办,张三,主任,13800000001", "县委办,王五,副主任,,wangwu", "县财政局,赵六,局长"))
			if got := strings.Join(ch.Lines(), "\n"); got != "+ 县财政局 赵六 (局长)\n~ 县财政局 王五: 单位 县财政局 → 县委办; 职务 局长 → 副主任\n- 县委办/督查室 李四 (科员)" {
				t.Fatalf("lines:\n%s", got)
			}
			after := memberByName(t, s, "县委办", "王五")
			if after.ID != before.ID {
				t.Fatalf("a move changed the id: %d → %d", before.ID, after.ID)
			}
			if ms, _ := s.FindMembers(ctx, "李四", ""); len(ms) != 0 {
				t.Fatalf("李四 is still on the roster: %v", ms)
			}
			units, _ = s.RosterUnits(ctx)
			if !slices.Equal(units, []string{"县委办", "县财政局"}) {
				t.Fatalf("units after the move %v", units)
			}
			// The roster as remembered from the reads before is the roster
			// read afresh.
			remembered, _, err := s.Roster(ctx)
			if err != nil {
				t.Fatal(err)
			}
			s.members = memberMemo{}
			fresh, _, err := s.Roster(ctx)
			if err != nil || !reflect.DeepEqual(remembered, fresh) {
				t.Fatalf("remembered roster %+v\nread afresh %+v (%v)", remembered, fresh, err)
			}
		})
	}
}

func TestRosterApplyConflict(t *testing.T) {
	s := backends["single"](t)
	ctx := context.Background()
	importRoster(t, s, rosterCSV("县委办,张三,主任"))
	current, version, _ := s.Roster(ctx)
	rows, _ := content.ReadRoster(rosterCSV("县委办,张三,主任", "县委办,李四,科员"))
	ch := content.PlanRoster(current, rows, content.SourceImport)
	importRoster(t, s, rosterCSV("县委办,张三,副主任")) // another import lands first
	if err := s.ApplyRoster(ctx, ch, version); !errors.Is(err, ErrRosterChanged) {
		t.Fatalf("stale plan applied: %v", err)
	}
	people, _, _ := s.Roster(ctx)
	if len(people) != 1 || people[0].Post != "副主任" {
		t.Fatalf("roster after a refused change: %+v", people)
	}
}

func TestRosterBinding(t *testing.T) {
	s := backends["single"](t)
	ctx := context.Background()
	importRoster(t, s, rosterCSV("县委办,张三,主任", "县委办,李四,科员"))
	zhang, li := memberByName(t, s, "县委办", "张三"), memberByName(t, s, "县委办", "李四")
	for _, id := range []string{"tg:1", "wx:o1", "tg:2"} {
		if _, _, err := s.Touch(ctx, id, "", "zh", true); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, content.Shanghai)
	codes, err := s.Invite(ctx, []int64{zhang.ID, li.ID}, 72*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.BindCode(ctx, strings.ToLower(codes[zhang.ID][:4])+"-"+codes[zhang.ID][4:], "tg:1", now)
	if err != nil || m.ID != zhang.ID || !slices.Equal(m.Accounts, []string{"tg:1"}) {
		t.Fatalf("bind: %+v %v", m, err)
	}
	cases := map[string]struct {
		code, account string
		at            time.Time
		want          error
	}{
		"reused":          {codes[zhang.ID], "tg:2", now, content.ErrCodeUsed},
		"unknown":         {"ABCDEFGH", "tg:2", now, content.ErrCodeUnknown},
		"expired":         {codes[li.ID], "tg:2", now.Add(73 * time.Hour), content.ErrCodeExpired},
		"someone else's":  {codes[li.ID], "tg:1", now, content.ErrBoundElsewhere},
		"unknown account": {codes[li.ID], "tg:999", now, ErrNotFound},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := s.BindCode(ctx, c.code, c.account, c.at); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// A refused attempt changed nothing: 李四's code still works once.
	if _, err := s.BindCode(ctx, codes[li.ID], "tg:2", now); err != nil {
		t.Fatal(err)
	}
	// A second account for 张三 through an approved request.
	req, err := s.RequestBind(ctx, "wx:o1", zhang, now)
	if err != nil {
		t.Fatal(err)
	}
	taken, err := s.TakeBindRequest(ctx, req.ID)
	if err != nil || taken.Subscriber != "wx:o1" {
		t.Fatalf("take: %+v %v", taken, err)
	}
	if _, err := s.TakeBindRequest(ctx, req.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a request taken twice: %v", err)
	}
	if m, err = s.Bind(ctx, taken.MemberID, taken.Subscriber); err != nil || len(m.Accounts) != 2 {
		t.Fatalf("approve: %+v %v", m, err)
	}
	if got, _ := s.BoundMember(ctx, "wx:o1"); got == nil || got.ID != zhang.ID {
		t.Fatalf("bound member of wx:o1: %+v", got)
	}
	if _, err := s.Unbind(ctx, "tg:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BoundMember(ctx, "tg:1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("tg:1 still bound: %v", err)
	}
}

// rosterFixture imports three units and binds some accounts: 县委办 张三
// on WeCom and Telegram, 县委办/督查室 李四 on Telegram, 县财政局 王五 on
// the Official Account, 县财政局 赵六 on nothing.
func rosterFixture(t *testing.T, s *Store) map[string]content.Member {
	t.Helper()
	ctx := context.Background()
	importRoster(t, s, rosterCSV("县委办,张三,主任", "县委办/督查室,李四,科员", "县财政局,王五,局长", "县财政局,赵六,科员"))
	out := map[string]content.Member{}
	for unit, name := range map[string]string{"县委办": "张三", "县委办/督查室": "李四", "县财政局": "王五"} {
		out[name] = memberByName(t, s, unit, name)
	}
	out["赵六"] = memberByName(t, s, "县财政局", "赵六")
	for acc, name := range map[string]string{"tg:1": "张三", "wecom:zhangsan": "张三", "tg:2": "李四", "wx:o3": "王五"} {
		if _, _, err := s.Touch(ctx, acc, "", "zh", true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Bind(ctx, out[name].ID, acc); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestRosterAudience(t *testing.T) {
	s := backends["single"](t)
	ctx := context.Background()
	ms := rosterFixture(t, s)
	cases := map[string]struct {
		aud  content.RosterAudience
		want string // member name → chosen account, sorted
	}{
		"unit with sub-units": {content.RosterAudience{Units: []string{"县委办"}}, "张三=wecom:zhangsan 李四=tg:2"},
		"Telegram first":      {content.RosterAudience{Units: []string{"县委办"}, Via: []string{"tg", "wecom"}}, "张三=tg:1 李四=tg:2"},
		"post":                {content.RosterAudience{Posts: []string{"科员"}}, "李四=tg:2 赵六=-"},
		"unit and post":       {content.RosterAudience{Units: []string{"县财政局"}, Posts: []string{"局长"}}, "王五=wx:o3"},
		"named":               {content.RosterAudience{IDs: []int64{ms["赵六"].ID, ms["王五"].ID}}, "王五=wx:o3 赵六=-"},
		"sub-unit only":       {content.RosterAudience{Units: []string{"县委办/督查室"}}, "李四=tg:2"},
	}
	names := map[int64]string{}
	for n, m := range ms {
		names[m.ID] = n
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			targets, err := s.ResolveRoster(ctx, c.aud)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tg := range targets {
				acc := "-"
				if tg.Bound {
					acc = tg.Recipient.ID
				}
				got = append(got, names[tg.Member]+"="+acc)
			}
			slices.Sort(got)
			if strings.Join(got, " ") != c.want {
				t.Fatalf("got %v, want %s", got, c.want)
			}
		})
	}
	// A blocked account is passed over for the next platform.
	if err := s.SetStatus(ctx, "wecom:zhangsan", content.StatusBlocked); err != nil {
		t.Fatal(err)
	}
	targets, _ := s.ResolveRoster(ctx, content.RosterAudience{IDs: []int64{ms["张三"].ID}})
	if len(targets) != 1 || targets[0].Recipient.ID != "tg:1" {
		t.Fatalf("blocked WeCom account chosen: %+v", targets)
	}
}

func TestRosterReceipts(t *testing.T) {
	s := backends["single"](t)
	ctx := context.Background()
	ms := rosterFixture(t, s)
	const id = "a-roster-1"
	seg := content.RosterAudience{Units: []string{"县委办", "县财政局"}}.Segment()
	if n, err := s.CountAudience(ctx, seg, nil); err != nil || n != 3 {
		t.Fatalf("count: %d %v", n, err)
	}
	var got []content.Recipient
	if err := s.AudienceOf(ctx, id, seg, nil, func(b []content.Recipient) error { got = append(got, b...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("recipients %v", got)
	}
	for _, r := range got {
		if err := s.complete(ctx, id, r.Dense); err != nil {
			t.Fatal(err)
		}
	}
	// 张三 reads on Telegram (not the WeCom account it was sent to), then
	// unbinds it: the read still counts.
	tg1, _ := s.accountDense(ctx, "tg:1")
	if _, err := s.MarkRead(ctx, id, tg1, content.ViaLink, time.Time{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unbind(ctx, "tg:1"); err != nil {
		t.Fatal(err)
	}
	st, err := s.RosterStatus(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rc := content.Receipts(id, st, nil)
	want := "县委办 1/1/1 [] []; 县委办/督查室 1/1/0 [李四] []; 县财政局 2/1/0 [王五] [赵六]"
	if g := receiptLine(rc); g != want {
		t.Fatalf("receipts\n got %s\nwant %s", g, want)
	}
	if g := receiptLine(content.Receipts(id, st, []string{"县财政局"})); g != "县财政局 2/1/0 [王五] [赵六]" {
		t.Fatalf("scoped receipts %s", g)
	}

	// Reminders: once per person, on their platform, within scope.
	recips, who, err := s.RosterReminders(ctx, id, []string{"县委办"}, content.DefaultPlatformOrder)
	if err != nil || len(recips) != 1 || recips[0].ID != "tg:2" || who[0].Name != "李四" {
		t.Fatalf("reminders: %v %v %v", recips, who, err)
	}
	recips, _, _ = s.RosterReminders(ctx, id, nil, content.DefaultPlatformOrder)
	if len(recips) != 1 || recips[0].ID != "wx:o3" {
		t.Fatalf("second reminders: %v", recips)
	}
	if recips, _, _ = s.RosterReminders(ctx, id, nil, content.DefaultPlatformOrder); len(recips) != 0 {
		t.Fatalf("reminded twice: %v", recips)
	}

	// Forgetting 王五 removes his name and his pending request; the counts
	// stay.
	wang := memberByName(t, s, "县财政局", "王五")
	if _, err := s.RequestBind(ctx, "tg:1", wang, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Forget(ctx, wang); err != nil {
		t.Fatal(err)
	}
	if reqs, _ := s.BindRequests(ctx); len(reqs) != 0 {
		t.Fatalf("requests after forget: %+v", reqs)
	}
	st, _ = s.RosterStatus(ctx, id)
	if g := receiptLine(content.Receipts(id, st, nil)); g != "县委办 1/1/1 [] []; 县委办/督查室 1/1/0 [李四] []; 县财政局 2/1/0 [] [赵六]" {
		t.Fatalf("after forget %s", g)
	}
	if _, err := s.BoundMember(ctx, "wx:o3"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a forgotten member's account is still bound: %v", err)
	}
	_ = ms
}

func receiptLine(rc *content.RosterReceipts) string {
	var parts []string
	for _, u := range rc.Units {
		parts = append(parts, fmt.Sprintf("%s %d/%d/%d %v %v", u.Unit, u.Intended, u.Delivered, u.Read, u.Unread, u.Unbound))
	}
	return strings.Join(parts, "; ")
}

func TestSyncDirectory(t *testing.T) {
	s := backends["single"](t)
	ctx := context.Background()
	importRoster(t, s, rosterCSV("县委办,张三,主任,13800000001"))
	dir := []content.Member{
		{Name: "张三", Unit: "县委办", WeComID: "zhangsan"},
		{Name: "钱七", Unit: "县委办/督查室", Post: "科员", WeComID: "qianqi"},
	}
	res, err := s.SyncDirectory(ctx, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Bound != 2 || len(res.Change.Added) != 1 || len(res.Change.Changed) != 1 {
		t.Fatalf("sync: %+v", res)
	}
	zhang := memberByName(t, s, "县委办", "张三")
	if zhang.Post != "主任" || zhang.Phone != "13800000001" || !slices.Equal(zhang.Accounts, []string{"wecom:zhangsan"}) {
		t.Fatalf("张三 after sync: %+v", zhang)
	}
	if res, err = s.SyncDirectory(ctx, dir, false); err != nil || !res.Change.Empty() || res.Bound != 0 {
		t.Fatalf("second sync: %+v %v", res, err)
	}
	// 钱七 leaves WeCom: off the roster; 张三 stays (the import brought
	// him) but his WeCom account is no longer bound.
	res, err = s.SyncDirectory(ctx, dir[:0], false)
	if err != nil || len(res.Change.Removed) != 1 || res.Unbound != 1 {
		t.Fatalf("sync after leaving: %+v %v", res, err)
	}
	if zhang = memberByName(t, s, "县委办", "张三"); len(zhang.Accounts) != 0 {
		t.Fatalf("张三 keeps %v", zhang.Accounts)
	}
}

// TestRosterBindCrowd: many people binding at once (a meeting room typing
// their codes) all succeed.
func TestRosterBindCrowd(t *testing.T) {
	s := backends["single"](t)
	ctx := context.Background()
	var people []string
	for i := range 30 {
		people = append(people, fmt.Sprintf("县委办,人员%02d,科员", i))
	}
	importRoster(t, s, rosterCSV(people...))
	all, _, _ := s.Roster(ctx)
	ids := make([]int64, len(all))
	for i, m := range all {
		ids[i] = m.ID
	}
	now := time.Now()
	codes, err := s.Invite(ctx, ids, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, len(ids))
	for i, id := range ids {
		acc := fmt.Sprintf("tg:%d", 500+i)
		if _, _, err := s.Touch(ctx, acc, "", "zh", true); err != nil {
			t.Fatal(err)
		}
		go func() { _, err := s.BindCode(ctx, codes[id], acc, now); errs <- err }()
	}
	for range ids {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	all, _, _ = s.Roster(ctx)
	for _, m := range all {
		if len(m.Accounts) != 1 {
			t.Errorf("%s has %v", m.Label(), m.Accounts)
		}
	}
}

// TestScopedAudience: an admin's scope limits every kind of audience to
// the accounts bound to people of their units, and the count before
// sending is the audience sent to.
func TestScopedAudience(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		rosterFixture(t, s)
		if _, _, err := s.Touch(ctx, "tg:99", "", "zh", true); err != nil { // bound to nobody
			t.Fatal(err)
		}
		roster := content.RosterAudience{Units: []string{"县委办", "县财政局"}}.Segment()
		cases := []struct {
			seg   content.Segment
			scope []string
			want  string
		}{
			{"all", nil, "tg:1 tg:2 tg:99 wecom:zhangsan wx:o3"},
			{"all", []string{"县委办"}, "tg:1 tg:2 wecom:zhangsan"},
			{"all", []string{"县委办/督查室"}, "tg:2"},
			{"platform:tg", []string{"县委办"}, "tg:1 tg:2"},
			{"all", []string{"县财政局"}, "wx:o3"},
			{"all", []string{"县税务局"}, ""},
			{roster, []string{"县委办"}, "tg:2 wecom:zhangsan"},
			{roster, []string{"县财政局", "县委办/督查室"}, "tg:2 wx:o3"},
		}
		for i, c := range cases {
			id := fmt.Sprintf("a-scope-%d", i)
			var got []string
			if err := s.AudienceOf(ctx, id, c.seg, c.scope, func(rs []content.Recipient) error {
				for _, r := range rs {
					got = append(got, r.ID)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if strings.Join(got, " ") != c.want {
				t.Errorf("%s within %v: got %v, want %s", c.seg, c.scope, got, c.want)
			}
			n, err := s.CountAudience(ctx, c.seg, c.scope)
			if err != nil || int(n) != len(got) {
				t.Errorf("%s within %v: count %d (%v), sent to %d", c.seg, c.scope, n, err, len(got))
			}
		}
		// The receipts of a scoped roster broadcast list only the people
		// it was meant for.
		st, err := s.RosterStatus(ctx, "a-scope-6")
		if err != nil {
			t.Fatal(err)
		}
		if g := receiptLine(content.Receipts("a-scope-6", st, nil)); g != "县委办 1/0/0 [张三] []; 县委办/督查室 1/0/0 [李四] []" {
			t.Errorf("receipts of a scoped roster broadcast: %s", g)
		}
	})
}

// TestRosterReadsFollowTheBinding: a read counts for the person the
// account was bound to when it happened. An account unbound from 张三 and
// bound to 李四 takes none of 张三's reads along, and what it reads for 李四
// does not count for 张三.
func TestRosterReadsFollowTheBinding(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		rosterFixture(t, s)
		seg := content.RosterAudience{Units: []string{"县委办"}}.Segment()
		send := func(id string) {
			t.Helper()
			if err := s.AudienceOf(ctx, id, seg, nil, func([]content.Recipient) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		read := func(id, account string) {
			t.Helper()
			dense, err := s.accountDense(ctx, account)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.MarkRead(ctx, id, dense, content.ViaLink, time.Time{}, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		readers := func(id string) string {
			t.Helper()
			st, err := s.RosterStatus(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range st {
				if m.Read {
					out = append(out, m.Name)
				}
			}
			slices.Sort(out)
			return strings.Join(out, " ")
		}
		send("b-before")
		read("b-before", "tg:1") // 张三's
		if _, err := s.Unbind(ctx, "tg:1"); err != nil {
			t.Fatal(err)
		}
		li := memberByName(t, s, "县委办/督查室", "李四")
		if _, err := s.Bind(ctx, li.ID, "tg:1"); err != nil {
			t.Fatal(err)
		}
		if got := readers("b-before"); got != "张三" {
			t.Errorf("read b-before: %q, want 张三 (the account was his then)", got)
		}
		send("b-after")
		read("b-after", "tg:1") // now 李四's
		if got := readers("b-after"); got != "李四" {
			t.Errorf("read b-after: %q, want 李四 (the account is hers now)", got)
		}
	})
}

// TestRosterRecordsExpire: a roster bulletin's records — who was meant,
// who read, who was reminded — expire with the delivery retention, and
// the list of roster bulletins forgets those older than it.
func TestRosterRecordsExpire(t *testing.T) {
	const retention = 30 * 24 * time.Hour
	open := map[string]func(t *testing.T) *Store{
		"single": func(t *testing.T) *Store {
			return openWith(t, Config{URL: single.URL(), Prefix: fmt.Sprintf("t%d:", prefixSeq.Add(1)), DeliveryRetention: retention})
		},
		"cluster": func(t *testing.T) *Store {
			return openWith(t, Config{URL: cluster.URL(), Prefix: fmt.Sprintf("t%d:", prefixSeq.Add(1)), DeliveryRetention: retention})
		},
		"embedded": func(t *testing.T) *Store {
			return openWith(t, Config{URL: EmbeddedURL, DataDir: t.TempDir(), DeliveryRetention: retention})
		},
	}
	for name, openStore := range open {
		t.Run(name, func(t *testing.T) {
			s := openStore(t)
			ctx := context.Background()
			rosterFixture(t, s)
			const id = "a-retained"
			seg := content.RosterAudience{Units: []string{"县委办", "县财政局"}}.Segment()
			if err := s.AudienceOf(ctx, id, seg, nil, func([]content.Recipient) error { return nil }); err != nil {
				t.Fatal(err)
			}
			dense, _ := s.accountDense(ctx, "tg:2")
			if _, err := s.MarkRead(ctx, id, dense, content.ViaLink, time.Time{}, time.Now()); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.RosterReminders(ctx, id, nil, content.DefaultPlatformOrder); err != nil {
				t.Fatal(err)
			}
			for _, part := range []string{"ros", "rread", "rrem"} {
				ttl, err := s.rdb.TTL(ctx, s.k.perBulletin(id, part)).Result()
				if err != nil || ttl <= retention-time.Hour || ttl > retention {
					t.Errorf("%s expires in %v (%v), want about %v", part, ttl, err, retention)
				}
			}
			// A roster bulletin sent longer ago than the retention leaves
			// the list when the next is sent.
			old := float64(time.Now().Add(-retention - time.Hour).UnixMilli())
			if err := s.rdb.ZAdd(ctx, s.k.roster("sent"), redis.Z{Score: old, Member: "a-old"}).Err(); err != nil {
				t.Fatal(err)
			}
			if err := s.AudienceOf(ctx, "a-next", seg, nil, func([]content.Recipient) error { return nil }); err != nil {
				t.Fatal(err)
			}
			sent, err := s.rdb.ZRange(ctx, s.k.roster("sent"), 0, -1).Result()
			slices.Sort(sent)
			if err != nil || strings.Join(sent, " ") != "a-next "+id {
				t.Errorf("roster bulletins %v (%v), want a-next %s", sent, err, id)
			}
		})
	}
}

func openWith(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := Open(context.Background(), cfg, Deps{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestUpgradeCountsRosterReadsPerPerson: the step to schema 2 counts the
// roster reads that schema 1 recorded only per account for the people
// bound to those accounts, so the upgrade loses none.
func TestUpgradeCountsRosterReadsPerPerson(t *testing.T) {
	ctx := context.Background()
	for name, url := range map[string]string{"single": single.URL(), "cluster": cluster.URL()} {
		t.Run(name, func(t *testing.T) {
			prefix := fmt.Sprintf("t%d:", prefixSeq.Add(1))
			old, err := openPrefix(t, url, prefix, quietLogger())
			if err != nil {
				t.Fatal(err)
			}
			rosterFixture(t, old)
			const id = "a-legacy"
			seg := content.RosterAudience{Units: []string{"县委办", "县财政局"}}.Segment()
			if err := old.AudienceOf(ctx, id, seg, nil, func([]content.Recipient) error { return nil }); err != nil {
				t.Fatal(err)
			}
			for _, acc := range []string{"wecom:zhangsan", "wx:o3"} {
				dense, _ := old.accountDense(ctx, acc)
				if _, err := old.MarkRead(ctx, id, dense, content.ViaLink, time.Time{}, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			// Schema 1 had the per-account reads only.
			if err := old.rdb.Del(ctx, old.k.perBulletin(id, "rread")).Err(); err != nil {
				t.Fatal(err)
			}
			if err := old.rdb.Set(ctx, old.k.schema(), 1, 0).Err(); err != nil {
				t.Fatal(err)
			}
			s, err := openPrefix(t, url, prefix, quietLogger())
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.RosterStatus(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var readers []string
			for _, m := range st {
				if m.Read {
					readers = append(readers, m.Name)
				}
			}
			slices.Sort(readers)
			if got := strings.Join(readers, " "); got != "张三 王五" {
				t.Errorf("readers after the upgrade: %q, want 张三 王五", got)
			}
		})
	}
}

// TestRosterMemoSeesEveryWrite: a store that read the roster (and keeps it
// decoded) reads it again after a restore of another roster whose version
// counter is the same, and after another process's import, binding and
// forgetting.
func TestRosterMemoSeesEveryWrite(t *testing.T) {
	ctx := context.Background()
	open := func(cfg Config) *Store {
		s, err := Open(ctx, cfg, Deps{Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	cfg := Config{URL: single.URL(), Prefix: fmt.Sprintf("t%d:", prefixSeq.Add(1))}
	otherCfg := Config{URL: single.URL(), Prefix: fmt.Sprintf("t%d:", prefixSeq.Add(1))}
	reader, writer, other := open(cfg), open(cfg), open(otherCfg)
	names := func() string {
		t.Helper()
		people, _, err := reader.Roster(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range people {
			out = append(out, m.Unit+"/"+m.Name+"/"+m.Post+"/"+strings.Join(m.Accounts, "+"))
		}
		return strings.Join(out, " ")
	}
	// Both rosters are at version 1.
	importRoster(t, writer, rosterCSV("县委办,李四,科员"))
	if got, want := names(), "县委办/李四/科员/"; got != want {
		t.Fatalf("first read: %q, want %q", got, want)
	}
	importRoster(t, other, rosterCSV("县委办,张三,主任", "财政局,王五,局长"))
	path, _ := backupFile(t, otherCfg)
	if _, err := restoreFile(t, writer, path, true); err != nil {
		t.Fatal(err)
	}
	if got, want := names(), "县委办/张三/主任/ 财政局/王五/局长/"; got != want {
		t.Fatalf("after a restore: %q, want %q", got, want)
	}
	importRoster(t, writer, rosterCSV("县委办,张三,副主任", "财政局,王五,局长", "财政局,赵六,科员"))
	if got, want := names(), "县委办/张三/副主任/ 财政局/王五/局长/ 财政局/赵六/科员/"; got != want {
		t.Fatalf("after an import elsewhere: %q, want %q", got, want)
	}
	if _, _, err := writer.Touch(ctx, "tg:9", "", "zh", true); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Bind(ctx, memberByName(t, writer, "财政局", "赵六").ID, "tg:9"); err != nil {
		t.Fatal(err)
	}
	if got, want := names(), "县委办/张三/副主任/ 财政局/王五/局长/ 财政局/赵六/科员/tg:9"; got != want {
		t.Fatalf("after a binding elsewhere: %q, want %q", got, want)
	}
	if err := writer.Forget(ctx, memberByName(t, writer, "财政局", "王五")); err != nil {
		t.Fatal(err)
	}
	if got, want := names(), "县委办/张三/副主任/ 财政局/赵六/科员/tg:9"; got != want {
		t.Fatalf("after forgetting elsewhere: %q, want %q", got, want)
	}
}
