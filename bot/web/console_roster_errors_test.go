package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tongbao/bot/web"
	"tongbao/content"
	"tongbao/store"
)

// TestConsoleRosterProblemsInBothLanguages uploads a file with each kind
// of problem content finds and checks the console says it, with its line,
// in Chinese and in English: never a Go error, never an English sentence
// with Chinese field names.
func TestConsoleRosterProblemsInBothLanguages(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	b := f.admin(t, consoleAdmin)
	importRoster(t, b, rosterCSV)
	if err := f.st.SetScope(context.Background(), "tg:2", []string{"县委办"}); err != nil {
		t.Fatal(err)
	}
	scoped := f.admin(t, "tg:2")
	const head = "姓名,单位,职务,手机,企业微信账号\n"
	var many strings.Builder
	many.WriteString(head)
	for range 60 {
		many.WriteString(",县委办,科员,,\n")
	}
	cases := map[string]struct {
		file   []byte
		admin  *browser
		zh, en string
	}{
		"too large":   {bytes.Repeat([]byte("a"), content.MaxRosterFile+1), b, "文件超过 64 MB，不像是花名册。", "The file is larger than 64 MB; it is not a roster."},
		"not xlsx":    {[]byte("PK\x03\x04 not a workbook"), b, "无法读取这个 Excel 文件", "This Excel file cannot be read"},
		"not csv":     {[]byte("\x00\x01\x02\x03\xff\xfe\x00binary"), b, "这不是 CSV 或 Excel（.xlsx）花名册文件。", "This is not a CSV or Excel (.xlsx) roster file."},
		"empty":       {nil, b, "文件是空的：第一行应为表头", "The file is empty: the first line must be the header"},
		"dup column":  {[]byte("姓名,单位,职务,name\n张三,县委办,主任,张三\n"), b, "第 1 行：表头中「姓名」列出现了两次。", "line 1: The header has the column 姓名 (name) twice."},
		"no column":   {[]byte("姓名,单位\n张三,县委办\n"), b, "第 1 行：表头缺少「职务」列", "line 1: The header lacks the column 职务 (post)"},
		"no name":     {[]byte(head + ",县委办,主任,,\n"), b, "第 2 行：姓名为空。", "line 2: The name is empty."},
		"no unit":     {[]byte(head + "张三,,主任,,\n"), b, "第 2 行：单位为空。", "line 2: The unit is empty."},
		"unit part":   {[]byte(head + "张三,县委办//督查室,主任,,\n"), b, "第 2 行：单位「县委办//督查室」中有空的一级", "line 2: The unit “县委办//督查室” has an empty part"},
		"name long":   {[]byte(head + strings.Repeat("张", 33) + ",县委办,主任,,\n"), b, "第 2 行：姓名超过 32 个字。", "line 2: The name is longer than 32 characters."},
		"unit long":   {[]byte(head + "张三," + strings.Repeat("县", 129) + ",主任,,\n"), b, "第 2 行：单位超过 128 个字。", "line 2: The unit is longer than 128 characters."},
		"post long":   {[]byte(head + "张三,县委办," + strings.Repeat("主", 65) + ",,\n"), b, "第 2 行：职务超过 64 个字。", "line 2: The post is longer than 64 characters."},
		"reserved":    {[]byte(head + "张;三,县委办,主任,,\n"), b, "第 2 行：姓名、单位和职务中不能有这些字符：;=,|", "line 2: The name, unit and post may not contain any of ;=,|"},
		"phone":       {[]byte(head + "张三,县委办,主任,12a,\n"), b, "第 2 行：手机「12a」不是有效的号码。", "line 2: The phone “12a” is not a phone number."},
		"wecom":       {[]byte(head + "张三,县委办,主任,,zhang san\n"), b, "第 2 行：企业微信账号「zhang san」格式不对。", "line 2: The WeCom userid “zhang san” is not valid."},
		"dup person":  {[]byte(head + "张三,县委办,主任,,\n张三,县委办,科员,,\n"), b, "第 3 行：县委办 张三 已在第 2 行出现", "line 3: 县委办 张三 is already on line 2"},
		"dup wecom":   {[]byte(head + "张三,县委办,主任,,zs\n李四,县委办,科员,,zs\n"), b, "第 3 行：企业微信账号 zs 已在第 2 行出现。", "line 3: The WeCom userid zs is already on line 2."},
		"more":        {[]byte(many.String()), b, "……另有 10 处问题。", "… and 10 more problems."},
		"not my unit": {[]byte(head + "王五,财政局,局长,,\n"), scoped, "第 2 行：单位「财政局」不在您管理的范围内。", "line 2: The unit “财政局” is not one of your units."},
	}
	for name, c := range cases {
		for _, lang := range []string{"zh", "en"} {
			t.Run(name+"/"+lang, func(t *testing.T) {
				code, page := c.admin.upload("/admin/roster/import?lang="+lang, "bad.csv", c.file, url.Values{"csrf": {c.admin.csrf()}})
				want := map[string]string{"zh": c.zh, "en": c.en}[lang]
				if code != http.StatusUnprocessableEntity || !strings.Contains(page, `id="errors"`) || !strings.Contains(page, want) {
					t.Errorf("%d, want 422 with %q:\n%s", code, want, errorsList(page))
				}
			})
		}
	}
	// A person's form says the same problems, without a line number.
	zhang := f.member(t, "张三")
	for lang, want := range map[string]string{"zh": "手机「12a」不是有效的号码。", "en": "The phone “12a” is not a phone number."} {
		form := url.Values{"csrf": {b.csrf()}, "unit": {"县委办"}, "post": {"主任"}, "phone": {"12a"}}
		code, page, _ := b.do("POST", "/admin/roster/people/"+itoa(zhang.ID)+"?lang="+lang, form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, want) || strings.Contains(page, "2 行") || strings.Contains(page, "line 2") {
			t.Errorf("the edit form in %s: %d, want %q:\n%s", lang, code, want, page)
		}
	}
	if n, _ := rosterSize(t, f); n != 3 {
		t.Errorf("refused files changed the roster: %d people", n)
	}
}

// errorsList is the problems list of an import page, for a failure's
// message.
func errorsList(page string) string {
	if i := strings.Index(page, `id="errors"`); i >= 0 {
		return page[i:min(len(page), i+2000)]
	}
	return page[:min(len(page), 2000)]
}

// racedStore is the real store, except that every binding loses to others
// made at the same time, as Bind does when its retries run out while a
// crowd binds: it returns store.ErrRosterChanged and binds nothing.
type racedStore struct{ web.ConsoleStore }

func (racedStore) Bind(_ context.Context, _ int64, subscriber string) (*content.Member, error) {
	return nil, fmt.Errorf("store: bind %s: %w", subscriber, store.ErrRosterChanged)
}

// TestConsoleRosterApproveWhenTheRosterChanged: an approval that meets a
// roster changed meanwhile is a 409 that says so, in either language;
// nothing is bound, nobody is told, and the request waits again.
func TestConsoleRosterApproveWhenTheRosterChanged(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false, func(s web.ConsoleStore) web.ConsoleStore { return racedStore{s} })
	ctx := context.Background()
	b := f.admin(t, consoleAdmin)
	importRoster(t, b, rosterCSV)
	li := f.member(t, "李四")
	if _, _, err := f.st.Touch(ctx, "wx:oLi", "", "zh", true); err != nil {
		t.Fatal(err)
	}
	req, err := f.st.RequestBind(ctx, "wx:oLi", li, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"zh": "名册刚刚有变动，请刷新后再试；没有做任何更改。", "en": "The roster has just changed; refresh and try again. Nothing was changed."} {
		code, page, _ := b.do("POST", "/admin/roster/requests?lang="+lang, url.Values{"csrf": {b.csrf()}, "id": {itoa(req.ID)}, "op": {"approve"}})
		if code != http.StatusConflict || !strings.Contains(page, want) {
			t.Errorf("approve in %s: %d, want 409 with %q:\n%s", lang, code, want, page)
		}
		reqs, err := f.st.BindRequests(ctx)
		if err != nil || len(reqs) != 1 || reqs[0].Subscriber != "wx:oLi" || reqs[0].MemberID != li.ID {
			t.Fatalf("the request does not wait again: %+v %v", reqs, err)
		}
		req = reqs[0]
	}
	if _, err := f.st.BoundMember(ctx, "wx:oLi"); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("wx:oLi was bound: %v", err)
	}
	if qs, err := f.st.QueueStats(ctx, "wx"); err != nil || qs.Length != 0 {
		t.Errorf("the requester was told: %+v %v", qs, err)
	}
}
