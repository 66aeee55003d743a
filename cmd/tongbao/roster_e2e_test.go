package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"tongbao/bot/telegram/telegramtest"
	"tongbao/bot/wechat/wechattest"
	"tongbao/content"
)

// rosterLink finds a personal read link's path in a pushed text or URL.
var rosterLink = regexp.MustCompile(`https://tb\.example\.gov\.cn(/r/[^"\s<&]+)`)

// names returns the people prefix01 … in the range [from, to].
func names(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%s%02d", prefix, i))
	}
	return out
}

// TestRosterEndToEnd is issue 17's "Done when": a roster of 3 units × 20
// people (甲 in 县委办, 乙 in 县财政局, 丙 in 县应急管理局); 10 of 县委办 synced
// from the WeCom directory, 25 bound with codes on Telegram (甲11–20,
// 乙01–15), 20 on the Official Account (丙01–20), 乙16–20 unbound. A
// bulletin goes to 县委办 and 县财政局; some read it. stats --by unit,
// 谁没读 and 催读 name exactly the right people, the unbound as 未绑定.
func TestRosterEndToEnd(t *testing.T) {
	e := newEnv()
	tg := telegramEnv(t, e)
	wechatEnv(t, e, testAESKey)
	wc := wecomEnv(t, e)
	e["TONGBAO_ADMINS"] = "tg:9001,tg:9002"
	ctx := context.Background()

	// The roster: 县委办's first ten have WeCom accounts.
	var file strings.Builder
	file.WriteString("姓名,单位,职务,手机,企业微信账号\n")
	for i, unit := range []string{"县委办", "县财政局", "县应急管理局"} {
		for j, name := range names(string([]rune("甲乙丙")[i]), 1, 20) {
			wecom := ""
			if i == 0 && j < 10 {
				wecom = fmt.Sprintf("a%02d", j+1)
			}
			fmt.Fprintf(&file, "%s,%s,科员,,%s\n", name, unit, wecom)
		}
	}
	if code, out := e.run(t, "roster", "import", writeFile(t, "roster.csv", file.String())); code != 0 || !strings.Contains(out, "60 added") {
		t.Fatalf("import: %d\n%s", code, out)
	}
	if code, out := e.run(t, "roster", "scope", "tg:9002", "县财政局"); code != 0 {
		t.Fatalf("scope: %d\n%s", code, out)
	}

	// 10 from the WeCom directory, bound with no action of theirs.
	var members []wechattest.Member
	for i, name := range names("甲", 1, 10) {
		members = append(members, wechattest.Member{UserID: fmt.Sprintf("a%02d", i+1), Name: name, Departments: []int64{2}, MainDepartment: 2, Status: 1})
	}
	wc.SetDirectory([]wechattest.Department{{ID: 1, Name: "青溪县"}, {ID: 2, Name: "县委办", ParentID: 1}}, members)
	if code, out := e.run(t, "roster", "sync", "wecom"); code != 0 || !strings.Contains(out, "10 accounts bound") {
		t.Fatalf("sync: %d\n%s", code, out)
	}

	// Codes for everyone else.
	code, out := e.run(t, "roster", "invite")
	if code != 0 {
		t.Fatalf("invite: %d\n%s", code, out)
	}
	records, err := csv.NewReader(strings.NewReader(out[:strings.LastIndex(out, "\n50 codes")+1])).ReadAll()
	if err != nil || len(records) != 51 {
		t.Fatalf("invite printed %d rows (%v):\n%s", len(records), err, out)
	}
	codes := map[string]string{}
	for _, r := range records[1:] {
		codes[r[1]] = r[2]
	}

	s := e.serve(t)
	if code, out := e.run(t, "ingest", "--no-push", samples+"qingxi-2022-06-08-county-executive.txt"); code != 0 {
		t.Fatalf("ingest: %d\n%s", code, out)
	}

	// 25 bind on Telegram, 20 on the Official Account.
	tgUser := map[string]int64{}
	for i, n := range names("甲", 11, 20) {
		tgUser[n] = int64(1011 + i)
	}
	for i, n := range names("乙", 1, 15) {
		tgUser[n] = int64(2001 + i)
	}
	for n, id := range tgUser {
		tg.SendText(telegramtest.User{ID: id, FirstName: n, LanguageCode: "zh-hans"}, "绑定 "+codes[n])
	}
	awaitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := tg.Await(awaitCtx, func() bool {
		for _, id := range tgUser {
			if len(tg.SentTo(id)) == 0 {
				return false
			}
		}
		return true
	}); err != nil {
		t.Fatalf("binding replies on Telegram: %v", err)
	}
	for n, id := range tgUser {
		if got := tg.SentTo(id)[0].PlainText; !strings.Contains(got, "已绑定：") || !strings.Contains(got, n) {
			t.Fatalf("%s on Telegram: %s", n, got)
		}
	}
	oa := wechattest.NewOAClient(s.addr+"/wechat", "wxtoken", testAESKey, wechattest.DefaultAppID)
	for i, n := range names("丙", 1, 20) {
		reply, err := oa.SendText(fmt.Sprintf("oC%02d", i+1), "绑定 "+codes[n], int64(5000+i))
		if err != nil || !strings.Contains(reply.Content, "已绑定：县应急管理局 "+n) {
			t.Fatalf("%s on WeChat: %+v %v", n, reply, err)
		}
	}

	// The bulletin goes to 县委办 and 县财政局: 40 meant, 35 reachable.
	code, out = e.run(t, "roster", "send", qingxiID, "--unit", "县委办,县财政局", "--yes")
	if code != 0 || !strings.Contains(out, "to 40 people: 35 reachable, 5 未绑定") || !strings.Contains(out, "queued 35 deliveries") {
		t.Fatalf("send: %d\n%s", code, out)
	}
	pushes := func() (map[string]string, map[string]int) {
		links, count := map[string]string{}, map[string]int{}
		for n, id := range tgUser {
			for _, m := range tg.SentTo(id) {
				if l := rosterLink.FindStringSubmatch(m.Text); l != nil {
					links[n] = l[1]
					count[n]++
				}
			}
		}
		for _, m := range wc.WeComMessages() {
			for _, u := range m.Delivered {
				var i int
				fmt.Sscanf(u, "a%02d", &i)
				n := fmt.Sprintf("甲%02d", i)
				if m.TextCard != nil {
					if l := rosterLink.FindStringSubmatch(m.TextCard.URL); l != nil {
						links[n] = l[1]
					}
				}
				count[n]++
			}
		}
		return links, count
	}
	if err := tg.Await(awaitCtx, func() bool { l, _ := pushes(); return len(l) == 35 }); err != nil {
		l, _ := pushes()
		t.Fatalf("pushes: %d of 35 arrived: %v", len(l), err)
	}
	links, before := pushes()
	for n := range links {
		if strings.HasPrefix(n, "丙") {
			t.Fatalf("%s of 县应急管理局 received the bulletin", n)
		}
	}
	// Some read it: 甲01–05 on WeCom, 甲11–13 and 乙01–04 on Telegram.
	for _, n := range slices.Concat(names("甲", 1, 5), names("甲", 11, 13), names("乙", 1, 4)) {
		code, _ := httpGet(t, s.addr+links[n], "")
		if code != 200 {
			t.Fatalf("%s opening %s: %d", n, links[n], code)
		}
	}

	// stats --by unit.
	code, out = e.run(t, "stats", qingxiID, "--by", "unit", "--json")
	var rc content.RosterReceipts
	if err := json.Unmarshal([]byte(out), &rc); code != 0 || err != nil || len(rc.Units) != 2 {
		t.Fatalf("stats --by unit --json: %d %v\n%s", code, err, out)
	}
	want := []content.UnitReceipt{
		{Unit: "县委办", Intended: 20, Delivered: 20, Read: 8, Unread: slices.Concat(names("甲", 6, 10), names("甲", 14, 20)), Unbound: []string{}},
		{Unit: "县财政局", Intended: 20, Delivered: 15, Read: 4, Unread: names("乙", 5, 15), Unbound: names("乙", 16, 20)},
	}
	for i, w := range want {
		g := rc.Units[i]
		if g.Unit != w.Unit || g.Intended != w.Intended || g.Delivered != w.Delivered || g.Read != w.Read || !slices.Equal(g.Unread, w.Unread) || !slices.Equal(g.Unbound, w.Unbound) {
			t.Errorf("unit %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	code, out = e.run(t, "stats", qingxiID, "--by", "unit")
	if code != 0 || !strings.Contains(out, "县财政局 未绑定: "+strings.Join(names("乙", 16, 20), "、")) {
		t.Errorf("stats --by unit:\n%s", out)
	}

	// 谁没读 from 县财政局's admin: exactly 县财政局's unread and unbound.
	finance := telegramtest.User{ID: 9002, FirstName: "财政", LanguageCode: "zh-hans"}
	got := say(t, tg, finance, "谁没读", "未绑定（无法送达）")
	if !strings.Contains(got, "未读："+strings.Join(names("乙", 5, 15), "、")+"\n") || !strings.Contains(got, "未绑定（无法送达）："+strings.Join(names("乙", 16, 20), "、")) || strings.Contains(got, "甲") {
		t.Errorf("谁没读 of 县财政局's admin:\n%s", got)
	}

	// 催读 reminds exactly those unread, once, on the platform they use.
	if got := say(t, tg, finance, "催读", "人"); !strings.Contains(got, "已提醒 11 人") {
		t.Errorf("催读: %s", got)
	}
	expectReminded := func(who []string) {
		t.Helper()
		if err := tg.Await(awaitCtx, func() bool {
			_, now := pushes()
			for _, n := range who {
				if now[n] <= before[n] {
					return false
				}
			}
			return true
		}); err != nil {
			t.Fatalf("reminders to %v: %v", who, err)
		}
		_, now := pushes()
		for n := range tgUser {
			if reminded := now[n] > before[n]; reminded != slices.Contains(who, n) {
				t.Errorf("%s reminded: %v", n, reminded)
			}
		}
		for _, n := range names("甲", 1, 10) {
			if reminded := now[n] > before[n]; reminded != slices.Contains(who, n) {
				t.Errorf("%s reminded on WeCom: %v", n, reminded)
			}
		}
		before = now
	}
	expectReminded(names("乙", 5, 15))
	if got := say(t, tg, finance, "催读", "人"); !strings.Contains(got, "没有需要提醒的人") {
		t.Errorf("催读 again: %s", got)
	}
	// The county admin's 催读 reaches 县委办's unread: five on WeCom, seven on
	// Telegram; 县财政局's were reminded already.
	county := telegramtest.User{ID: 9001, FirstName: "县", LanguageCode: "zh-hans"}
	if got := say(t, tg, county, "催读 "+qingxiID, "已提醒"); !strings.Contains(got, "已提醒 12 人") {
		t.Errorf("催读 of the county admin: %s", got)
	}
	expectReminded(slices.Concat(names("甲", 6, 10), names("甲", 14, 20)))
	if v := wc.Violations(); len(v) != 0 {
		t.Errorf("WeCom violations: %v", v)
	}
}
