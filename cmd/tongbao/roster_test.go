package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tongbao/bot/wechat/wechattest"
)

// writeFile writes a test file and returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRosterImportCommand: a dry run stores nothing, an import is
// idempotent, every bad file is refused whole with its lines, the export
// reads back, and forget removes a person's name while counts stay.
func TestRosterImportCommand(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	first := writeFile(t, "roster.csv", "姓名,单位,职务,手机,企业微信账号\n张三,县委办,主任,13800000001,\n李四,县委办/督查室,科员,,\n王五,县财政局,局长,,wangwu\n")
	code, out := e.run(t, "roster", "import", "--dry-run", first)
	if code != 0 || !strings.Contains(out, "3 added, 0 changed, 0 removed") || !strings.Contains(out, "+ 县委办/督查室 李四 (科员)") || !strings.Contains(out, "dry run: nothing stored") {
		t.Fatalf("dry run: %d\n%s", code, out)
	}
	if people, _, _ := e.store(t).Roster(ctx); len(people) != 0 {
		t.Fatalf("the dry run stored %v", people)
	}
	if code, out = e.run(t, "roster", "import", first); code != 0 || !strings.Contains(out, "3 added") {
		t.Fatalf("import: %d\n%s", code, out)
	}
	if code, out = e.run(t, "roster", "import", first); code != 0 || !strings.Contains(out, "0 added, 0 changed, 0 removed") {
		t.Fatalf("import again: %d\n%s", code, out)
	}

	// A refused file's problems, each with its line, in Chinese unless
	// --lang en; nothing stored.
	bad := map[string]struct {
		file string
		args []string
		want []string
	}{
		"missing column": {"姓名,单位\n张三,县委办\n", nil, []string{"bad.csv: 第 1 行：表头缺少「职务」列", "bad.csv: 没有导入任何内容。"}},
		"duplicate":      {"姓名,单位,职务\n张三,县委办,主任\n赵六,县财政局,科员\n张三,县委办,科员\n", nil, []string{"bad.csv: 第 4 行：县委办 张三 已在第 2 行出现"}},
		"bad lines": {"姓名,单位,职务,手机\n,县委办,主任,\n赵六,县财政局,科员,12a\n", nil, []string{
			"bad.csv: 第 2 行：姓名为空。\n", "bad.csv: 第 3 行：手机「12a」不是有效的号码。\n", "bad.csv: 没有导入任何内容。\n"}},
		"unknown unit": {"姓名,单位,职务\n张三,县委办,主任\n赵六,县财政居,科员\n", nil, []string{
			"bad.csv: 第 3 行：花名册中没有「县财政居」这个单位，是否应为「县财政局」？\n", "bad.csv: 请改正单位名称；确是新单位的，加 --new-units 导入。\n"}},
		"unreadable": {"\x00\x01\x02\x03binary\xff\xfe", nil, []string{"bad.csv: 这不是 CSV 或 Excel（.xlsx）花名册文件。\n"}},
		"english":    {"姓名,单位\n张三,县委办\n", []string{"--lang", "en"}, []string{"bad.csv: line 1: The header lacks the column 职务 (post)", "bad.csv: Nothing was imported.\n"}},
	}
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, "bad.csv", c.file)
			code, out := e.run(t, append(append([]string{"roster", "import"}, c.args...), path)...)
			if code != exitFailure {
				t.Fatalf("%d\n%s", code, out)
			}
			for _, want := range c.want {
				if !strings.Contains(out, want) {
					t.Errorf("no %q in\n%s", want, out)
				}
			}
			if people, _, _ := e.store(t).Roster(ctx); len(people) != 3 || people[0].Post != "主任" {
				t.Fatalf("a refused file changed the roster: %+v", people)
			}
		})
	}
	newUnit := writeFile(t, "new.csv", "姓名,单位,职务\n张三,县委办,主任\n赵六,县应急管理局,局长\n")
	if code, out = e.run(t, "roster", "import", "--new-units", newUnit); code != 0 || !strings.Contains(out, "1 added, 0 changed, 2 removed") {
		t.Fatalf("--new-units: %d\n%s", code, out)
	}

	code, out = e.run(t, "roster", "export")
	if code != 0 || out != "\ufeff姓名,单位,职务,手机,企业微信账号\n张三,县委办,主任,13800000001,\n赵六,县应急管理局,局长,,\n" {
		t.Fatalf("export: %d\n%q", code, out)
	}
	exported := writeFile(t, "export.csv", out)
	if code, out = e.run(t, "roster", "import", exported); code != 0 || !strings.Contains(out, "0 added, 0 changed, 0 removed") {
		t.Fatalf("re-import of the export: %d\n%s", code, out)
	}

	if code, out = e.run(t, "roster", "forget", "钱七"); code != exitFailure || !strings.Contains(out, "nobody named 钱七") {
		t.Fatalf("forget a stranger: %d\n%s", code, out)
	}
	if code, out = e.run(t, "roster", "forget", "赵六"); code != 0 || !strings.Contains(out, "forgot 县应急管理局 赵六") {
		t.Fatalf("forget: %d\n%s", code, out)
	}
	if _, out = e.run(t, "roster", "export"); strings.Contains(out, "赵六") {
		t.Fatalf("赵六 is still exported:\n%s", out)
	}
}

// TestRosterInviteAndScope: invite prints a code per unbound person of a
// unit; scope refuses units the roster does not have.
func TestRosterInviteAndScope(t *testing.T) {
	e := newEnv()
	file := writeFile(t, "roster.csv", "姓名,单位,职务\n张三,县委办,主任\n李四,县委办/督查室,科员\n王五,县财政局,局长\n")
	if code, out := e.run(t, "roster", "import", file); code != 0 {
		t.Fatalf("import: %d\n%s", code, out)
	}
	code, out := e.run(t, "roster", "invite", "--unit", "县委办")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || lines[0] != "单位,姓名,邀请码,有效至" || !strings.HasPrefix(lines[1], "县委办,张三,") || !strings.HasPrefix(lines[2], "县委办/督查室,李四,") {
		t.Fatalf("invite: %d\n%s", code, out)
	}
	if code, out = e.run(t, "roster", "scope", "tg:9", "县委力"); code != exitFailure || !strings.Contains(out, "no unit 县委力") {
		t.Fatalf("scope with a typo: %d\n%s", code, out)
	}
	if code, out = e.run(t, "roster", "scope", "tg:9", "县委办"); code != 0 || !strings.Contains(out, "tg:9: 县委办") {
		t.Fatalf("scope: %d\n%s", code, out)
	}
	// A broadcast to a roster unit reaches nobody yet, and says who it was
	// meant for.
	if code, out = e.run(t, "broadcast", "--text", "明天停电", "--to", "roster:unit=县委办", "--yes"); code != 0 || !strings.Contains(out, "queued for 0 subscribers") {
		t.Fatalf("broadcast: %d\n%s", code, out)
	}
	id, err := e.store(t).LatestRosterBulletin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if code, out = e.run(t, "stats", id, "--by", "unit"); code != 0 || !strings.Contains(out, "县委办 未绑定: 张三") || !strings.Contains(out, "县委办/督查室 未绑定: 李四") || strings.Contains(out, "王五") {
		t.Fatalf("stats --by unit of the broadcast: %d\n%s", code, out)
	}
	// tg:9's broadcast is meant for 县委办's people only, whatever it names.
	if code, out = e.run(t, "broadcast", "--text", "明天开会", "--to", "roster:unit=县委办,县财政局", "--as", "tg:9", "--yes"); code != 0 || !strings.Contains(out, "within 县委办") {
		t.Fatalf("scoped broadcast: %d\n%s", code, out)
	}
	if id, err = e.store(t).LatestRosterBulletin(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code, out = e.run(t, "stats", id, "--by", "unit"); code != 0 || !strings.Contains(out, "县委办 未绑定: 张三") || strings.Contains(out, "县财政局") {
		t.Fatalf("stats --by unit of the scoped broadcast: %d\n%s", code, out)
	}
}

// TestRosterSyncWeCom: departments and members of the fake WeCom directory
// become roster units and people, bound to their WeCom accounts.
func TestRosterSyncWeCom(t *testing.T) {
	e := newEnv()
	fake := wecomEnv(t, e)
	fake.SetDirectory([]wechattest.Department{
		{ID: 1, Name: "青溪县"}, {ID: 2, Name: "县委办", ParentID: 1}, {ID: 3, Name: "督查室", ParentID: 2},
	}, []wechattest.Member{
		{UserID: "zhangsan", Name: "张三", Departments: []int64{2}, MainDepartment: 2, Position: "主任", Status: 1},
		{UserID: "lisi", Name: "李四", Departments: []int64{2, 3}, MainDepartment: 3, Status: 1},
		{UserID: "gone", Name: "周八", Departments: []int64{3}, MainDepartment: 3, Status: 5},
	})
	code, out := e.run(t, "roster", "sync", "wecom", "--dry-run")
	if code != 0 || !strings.Contains(out, "2 members; 2 added") || !strings.Contains(out, "+ 县委办/督查室 李四") {
		t.Fatalf("dry run: %d\n%s", code, out)
	}
	if code, out = e.run(t, "roster", "sync", "wecom"); code != 0 || !strings.Contains(out, "2 accounts bound") {
		t.Fatalf("sync: %d\n%s", code, out)
	}
	m, err := e.store(t).BoundMember(context.Background(), "wecom:lisi")
	if err != nil || m.Label() != "县委办/督查室 李四" {
		t.Fatalf("wecom:lisi bound to %+v, %v", m, err)
	}
}

// wecomEnv points Tongbao at a fake WeCom API.
func wecomEnv(t testing.TB, e testEnv) *wechattest.Server {
	fake := wechattest.NewServer(wechattest.Options{})
	t.Cleanup(fake.Close)
	e["TONGBAO_WECOM_CORPID"] = wechattest.DefaultCorpID
	e["TONGBAO_WECOM_SECRET"] = wechattest.DefaultCorpSecret
	e["TONGBAO_WECOM_AGENTID"] = fmt.Sprint(wechattest.DefaultAgentID)
	e["TONGBAO_WECOM_TOKEN"] = "wecomtoken"
	e["TONGBAO_WECOM_AESKEY"] = testAESKey
	e["TONGBAO_WECOM_API"] = fake.URL()
	return fake
}

// TestRosterSyncInServe: with roster.sync_every, serve takes the WeCom
// directory in at start and binds its members.
func TestRosterSyncInServe(t *testing.T) {
	e := newEnv()
	fake := wecomEnv(t, e)
	e["TONGBAO_ROSTER_SYNC_EVERY"] = "1h"
	fake.SetDirectory([]wechattest.Department{{ID: 1, Name: "青溪县"}, {ID: 2, Name: "县委办", ParentID: 1}},
		[]wechattest.Member{{UserID: "zhangsan", Name: "张三", Departments: []int64{2}, MainDepartment: 2, Status: 1}})
	e.serve(t)
	st := e.store(t)
	waitUntil(t, "the first sync", func() bool {
		m, err := st.BoundMember(context.Background(), "wecom:zhangsan")
		return err == nil && m.Label() == "县委办 张三"
	})
}
