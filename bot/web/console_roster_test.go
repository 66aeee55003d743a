package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tongbao/bot/msg"
	"tongbao/bot/web"
	"tongbao/content"
)

// upload posts a file as the "file" field of a multipart form, with the
// other fields, and returns the status and page.
func (b *browser) upload(path, name string, data []byte, fields url.Values) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest("POST", b.base+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	b.lastTo = resp.Header.Get("Location")
	return resp.StatusCode, out.String()
}

// rosterCSV is the roster file the tests start from: two units, one below
// another, and a third unit.
const rosterCSV = "姓名,单位,职务,手机\n张三,县委办,主任,13800000001\n李四,县委办/督查室,科员,\n王五,财政局,局长,13800000003\n"

// importRoster imports a file through the console: the plan, then the
// confirmation.
func importRoster(t *testing.T, b *browser, csv string) string {
	t.Helper()
	code, page := b.upload("/admin/roster/import", "roster.csv", []byte(csv), url.Values{"csrf": {b.csrf()}})
	if code != http.StatusOK || !strings.Contains(page, `id="confirm"`) {
		t.Fatalf("import preview: %d\n%s", code, page)
	}
	if code, _, _ := b.do("POST", "/admin/roster/import/confirm", url.Values{"csrf": {b.csrf()}, "new_units": {"1"}}); code != http.StatusSeeOther || !strings.Contains(b.lastTo, "done=imported") {
		t.Fatalf("import confirm: %d %s", code, b.lastTo)
	}
	return page
}

// member returns the one roster member named name.
func (f *consoleFixture) member(t *testing.T, name string) content.Member {
	t.Helper()
	ms, err := f.st.FindMembers(context.Background(), name, "")
	if err != nil || len(ms) != 1 {
		t.Fatalf("member %s: %v %v", name, ms, err)
	}
	return ms[0]
}

// workbook is a CSV file's lines as an XLSX workbook's first sheet.
func workbook(t *testing.T, csv string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(csv), "\n") {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		row := strings.Split(line, ",")
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func rosterSize(t *testing.T, f *consoleFixture) (int, int64) {
	t.Helper()
	people, version, err := f.st.Roster(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(people), version
}

func TestConsoleRosterImportPlanThenConfirm(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	b := f.admin(t, consoleAdmin)
	// The plan (of the roster as a workbook) stores nothing.
	code, page := b.upload("/admin/roster/import", "roster.xlsx", workbook(t, rosterCSV), url.Values{"csrf": {b.csrf()}})
	if code != http.StatusOK || !strings.Contains(page, "roster.xlsx：3 人；新增 3，变更 0，移出 0") || !strings.Contains(page, "+ 县委办 张三 (主任)") {
		t.Fatalf("plan: %d\n%s", code, page)
	}
	if n, _ := rosterSize(t, f); n != 0 {
		t.Fatalf("the plan stored %d people", n)
	}
	// An empty roster takes new units without asking.
	if code, _, _ := b.do("POST", "/admin/roster/import/confirm", url.Values{"csrf": {b.csrf()}}); code != http.StatusSeeOther || !strings.Contains(b.lastTo, "done=imported") {
		t.Fatalf("confirm: %d %s", code, b.lastTo)
	}
	if n, _ := rosterSize(t, f); n != 3 {
		t.Fatalf("%d people after the import, want 3", n)
	}
	if log, _ := f.st.AuditLog(ctx, 1); log[0].Action != "console.roster_import" || log[0].Actor != consoleAdmin || log[0].Detail["added"] != "3" {
		t.Errorf("import audited as %+v", log[0])
	}
	// The draft is spent.
	if code, _, _ := b.do("POST", "/admin/roster/import/confirm", url.Values{"csrf": {b.csrf()}}); code != http.StatusConflict {
		t.Errorf("a second confirmation of one plan: %d", code)
	}
	// The units with their counts; a unit's people with 未绑定.
	_, page = b.get("/admin/roster")
	if !regexp.MustCompile(`县委办</a></td>\s*<td>1</td><td>0</td><td>1</td>`).MatchString(page) || !strings.Contains(page, "财政局") {
		t.Errorf("units table:\n%s", page)
	}
	_, page = b.get("/admin/roster?unit=" + url.QueryEscape("县委办"))
	if !strings.Contains(page, "张三") || !strings.Contains(page, "李四") || strings.Contains(page, "王五") || !strings.Contains(page, "未绑定") {
		t.Errorf("县委办's people:\n%s", page)
	}
	if _, page = b.get("/admin/roster?q=" + url.QueryEscape("王")); !strings.Contains(page, "王五") || strings.Contains(page, "张三") {
		t.Errorf("search by name:\n%s", page)
	}

	// A second file: a post changes, one person leaves, a new unit needs
	// accepting.
	second := "姓名,单位,职务\n张三,县委办,副主任\n李四,县委办/督查室,科员\n赵六,县卫健局,局长\n"
	if code, page = b.upload("/admin/roster/import", "second.csv", []byte(second), url.Values{"csrf": {b.csrf()}}); code != http.StatusOK {
		t.Fatalf("second plan: %d", code)
	}
	for _, want := range []string{"新增 1，变更 1，移出 1", "~ 县委办 张三: 职务 主任 → 副主任", "- 财政局 王五 (局长)", "+ 县卫健局 赵六 (局长)", `name="new_units"`} {
		if !strings.Contains(page, want) {
			t.Errorf("second plan lacks %q:\n%s", want, page)
		}
	}
	if code, _, _ := b.do("POST", "/admin/roster/import/confirm", url.Values{"csrf": {b.csrf()}}); code != http.StatusBadRequest {
		t.Errorf("new units not accepted: %d", code)
	}
	if f.member(t, "张三").Post != "主任" {
		t.Fatal("a refused confirmation changed the roster")
	}
	if code, _, _ := b.do("POST", "/admin/roster/import/confirm", url.Values{"csrf": {b.csrf()}, "new_units": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("second confirm: %d", code)
	}
	if f.member(t, "张三").Post != "副主任" {
		t.Error("the post did not change")
	}
	if ms, _ := f.st.FindMembers(ctx, "王五", ""); len(ms) != 0 {
		t.Error("王五 is still on the roster")
	}
}

// TestConsoleRosterPlanGoesStale: a plan confirmed after the roster
// changed (another admin's edit) is refused, and the edit stands.
func TestConsoleRosterPlanGoesStale(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	b := f.admin(t, consoleAdmin)
	importRoster(t, b, rosterCSV)
	if code, _ := b.upload("/admin/roster/import", "r.csv", []byte("姓名,单位,职务\n张三,县委办,副主任\n"), url.Values{"csrf": {b.csrf()}}); code != http.StatusOK {
		t.Fatalf("plan: %d", code)
	}
	other := f.admin(t, "tg:2")
	wang := f.member(t, "王五")
	if code, _, _ := other.do("POST", "/admin/roster/people/"+itoa(wang.ID), url.Values{"csrf": {other.csrf()}, "unit": {"财政局"}, "post": {"副局长"}}); code != http.StatusSeeOther {
		t.Fatalf("the other admin's edit: %d", code)
	}
	if code, page, _ := b.do("POST", "/admin/roster/import/confirm", url.Values{"csrf": {b.csrf()}}); code != http.StatusConflict || !strings.Contains(page, "名册刚刚有变动，请刷新后再试") {
		t.Errorf("a stale plan: %d\n%s", code, page)
	}
	if n, _ := rosterSize(t, f); n != 3 || f.member(t, "张三").Post != "主任" || f.member(t, "王五").Post != "副局长" {
		t.Error("a stale plan changed the roster")
	}
}

func TestConsoleRosterRefusesABadFile(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	b := f.admin(t, consoleAdmin)
	importRoster(t, b, rosterCSV)
	_, before := rosterSize(t, f)
	// A plan left unconfirmed is dropped by the refused file after it.
	if code, _ := b.upload("/admin/roster/import", "good.csv", []byte("姓名,单位,职务\n张三,县委办,主任\n"), url.Values{"csrf": {b.csrf()}}); code != http.StatusOK {
		t.Fatalf("plan: %d", code)
	}
	for name, file := range map[string]string{
		"missing column": "姓名,单位\n张三,县委办\n",
		"bad lines":      "姓名,单位,职务,手机\n张三,县委办,主任,not-a-phone\n,县委办,科员,\n",
	} {
		code, page := b.upload("/admin/roster/import", "bad.csv", []byte(file), url.Values{"csrf": {b.csrf()}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, `id="errors"`) || strings.Contains(page, `id="confirm"`) {
			t.Errorf("%s: %d\n%s", name, code, page)
		}
		switch name {
		case "missing column":
			if !strings.Contains(page, "第 1 行：表头缺少「职务」列") {
				t.Errorf("%s: the problem is not shown by line:\n%s", name, page)
			}
		case "bad lines":
			if !strings.Contains(page, "第 2 行：手机「not-a-phone」不是有效的号码。") || !strings.Contains(page, "第 3 行：姓名为空。") {
				t.Errorf("%s: the problems are not shown by line:\n%s", name, page)
			}
		}
		// No draft: there is nothing to confirm.
		if code, _, _ := b.do("POST", "/admin/roster/import/confirm", url.Values{"csrf": {b.csrf()}, "new_units": {"1"}}); code != http.StatusConflict {
			t.Errorf("%s: confirming a refused file: %d", name, code)
		}
	}
	if n, after := rosterSize(t, f); n != 3 || after != before {
		t.Errorf("a refused file changed the roster: %d people, version %d → %d", n, before, after)
	}
}

func TestConsoleRosterEditAddForget(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	b := f.admin(t, consoleAdmin)
	importRoster(t, b, rosterCSV)
	zhang := f.member(t, "张三")
	path := "/admin/roster/people/" + itoa(zhang.ID)
	if code, page := b.get(path); code != 200 || !strings.Contains(page, `value="13800000001"`) {
		t.Fatalf("person page: %d\n%s", code, page)
	}
	// A bad phone is refused with the reason; nothing changes.
	form := url.Values{"csrf": {b.csrf()}, "unit": {"县委办/督查室"}, "post": {"副主任"}, "phone": {"abc"}, "wecom_id": {"zhangsan"}}
	if code, page, _ := b.do("POST", path, form); code != http.StatusUnprocessableEntity || !strings.Contains(page, "手机「abc」不是有效的号码。") || strings.Contains(page, "第 2 行") {
		t.Errorf("bad phone: %d\n%s", code, page)
	}
	if m := f.member(t, "张三"); m.Post != "主任" || m.Unit != "县委办" {
		t.Fatalf("a refused edit changed %+v", m)
	}
	form.Set("phone", "13900000009")
	if code, _, _ := b.do("POST", path, form); code != http.StatusSeeOther || !strings.Contains(b.lastTo, "done=saved") {
		t.Fatalf("edit: %d %s", code, b.lastTo)
	}
	if m := f.member(t, "张三"); m.ID != zhang.ID || m.Unit != "县委办/督查室" || m.Post != "副主任" || m.Phone != "13900000009" || m.WeComID != "zhangsan" {
		t.Errorf("edited: %+v", m)
	}
	if log, _ := f.st.AuditLog(ctx, 1); log[0].Action != "console.roster_edit" || log[0].Actor != consoleAdmin || log[0].Detail["member"] != itoa(zhang.ID) {
		t.Errorf("edit audited as %+v", log[0])
	}
	// Someone of the same name in the unit, or the same WeCom account, is
	// refused.
	add := url.Values{"csrf": {b.csrf()}, "name": {"张三"}, "unit": {"县委办/督查室"}, "post": {"科员"}}
	if code, page, _ := b.do("POST", "/admin/roster/add", add); code != http.StatusUnprocessableEntity || !strings.Contains(page, "同名") {
		t.Errorf("a second 张三: %d\n%s", code, page)
	}
	add.Set("name", "钱七")
	add.Set("wecom_id", "zhangsan")
	if code, _, _ := b.do("POST", "/admin/roster/add", add); code != http.StatusUnprocessableEntity {
		t.Errorf("a second zhangsan: %d", code)
	}
	add.Del("wecom_id")
	if code, _, _ := b.do("POST", "/admin/roster/add", add); code != http.StatusSeeOther || !strings.Contains(b.lastTo, "done=rosteradded") {
		t.Fatalf("add: %d %s", code, b.lastTo)
	}
	if m := f.member(t, "钱七"); m.Unit != "县委办/督查室" || m.Post != "科员" {
		t.Errorf("added %+v", m)
	}
	// Removing asks first; the question changes nothing.
	wang := f.member(t, "王五")
	forget := "/admin/roster/people/" + itoa(wang.ID) + "/forget"
	if code, page := b.get(forget); code != 200 || !strings.Contains(page, `id="forget"`) {
		t.Fatalf("forget question: %d\n%s", code, page)
	}
	f.member(t, "王五")
	if code, _, _ := b.do("POST", forget, url.Values{"csrf": {b.csrf()}}); code != http.StatusSeeOther || !strings.Contains(b.lastTo, "done=forgotten") {
		t.Fatalf("forget: %d %s", code, b.lastTo)
	}
	if ms, _ := f.st.FindMembers(ctx, "王五", ""); len(ms) != 0 {
		t.Error("王五 is still on the roster")
	}
	if log, _ := f.st.AuditLog(ctx, 1); log[0].Action != "console.roster_forget" || log[0].Actor != consoleAdmin {
		t.Errorf("forget audited as %+v", log[0])
	}
	if code, _ := b.get("/admin/roster/people/" + itoa(wang.ID)); code != http.StatusNotFound {
		t.Errorf("a forgotten person's page: %d", code)
	}
}

func TestConsoleRosterBindRequestsAndCodes(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	b := f.admin(t, consoleAdmin)
	importRoster(t, b, rosterCSV)
	li, wang := f.member(t, "李四"), f.member(t, "王五")
	for _, id := range []string{"wx:oLi", "wx:oWang"} {
		if _, _, err := f.st.Touch(ctx, id, "", "zh", true); err != nil {
			t.Fatal(err)
		}
	}
	reqLi, _ := f.st.RequestBind(ctx, "wx:oLi", li, time.Now())
	reqWang, _ := f.st.RequestBind(ctx, "wx:oWang", wang, time.Now())
	if _, page := b.get("/admin/roster"); !strings.Contains(page, `id="requests"`) || !strings.Contains(page, "wx:oLi") || !strings.Contains(page, "wx:oWang") {
		t.Fatalf("requests not listed:\n%s", page)
	}
	decide := func(id int64, op string) {
		t.Helper()
		if code, _, _ := b.do("POST", "/admin/roster/requests", url.Values{"csrf": {b.csrf()}, "id": {itoa(id)}, "op": {op}}); code != http.StatusSeeOther {
			t.Fatalf("%s %d: %d", op, id, code)
		}
	}
	// Each requester is told, once, on the account they asked from.
	told := func() int64 {
		t.Helper()
		qs, err := f.st.QueueStats(ctx, "wx")
		if err != nil {
			t.Fatal(err)
		}
		return qs.Length
	}
	decide(reqLi.ID, "approve")
	if !strings.Contains(b.lastTo, "done=reqapproved") {
		t.Errorf("approve: %s", b.lastTo)
	}
	if n := told(); n != 1 {
		t.Errorf("%d notices queued after an approval, want 1", n)
	}
	if m, err := f.st.BoundMember(ctx, "wx:oLi"); err != nil || m.ID != li.ID {
		t.Errorf("wx:oLi bound to %+v %v", m, err)
	}
	decide(reqWang.ID, "refuse")
	if m, err := f.st.BoundMember(ctx, "wx:oWang"); err == nil {
		t.Errorf("a refused request bound wx:oWang to %+v", m)
	}
	if reqs, _ := f.st.BindRequests(ctx); len(reqs) != 0 {
		t.Errorf("requests left: %+v", reqs)
	}
	decide(reqLi.ID, "approve")
	if !strings.Contains(b.lastTo, "done=reqgone") {
		t.Errorf("a decided request decided again: %s", b.lastTo)
	}
	if n := told(); n != 2 {
		t.Errorf("%d notices queued after an approval, a refusal and a request decided twice, want 2", n)
	}
	log, _ := f.st.AuditLog(ctx, 2)
	if log[0].Action != "console.roster_refuse" || log[1].Action != "console.roster_approve" || log[1].Actor != consoleAdmin || log[1].Detail["subscriber"] != "wx:oLi" {
		t.Errorf("decisions audited as %+v", log)
	}
	// 李四 is bound now, on WeChat.
	if _, page := b.get("/admin/roster?unit=" + url.QueryEscape("县委办/督查室")); !strings.Contains(page, "微信公众号") {
		t.Errorf("李四's platform not shown:\n%s", page)
	}

	// Codes for the ticked people, shown once; one binds in chat.
	zhang := f.member(t, "张三")
	code, page, _ := b.do("POST", "/admin/roster/invite", url.Values{"csrf": {b.csrf()}, "member": {itoa(zhang.ID), itoa(wang.ID)}})
	codes := regexp.MustCompile(`<code>([2-9A-Z]{8})</code>`).FindAllStringSubmatch(page, -1)
	if code != 200 || len(codes) != 2 {
		t.Fatalf("invite: %d, %d codes\n%s", code, len(codes), page)
	}
	if log, _ := f.st.AuditLog(ctx, 1); log[0].Action != "console.roster_invite" || strings.Contains(log[0].Detail["members"], codes[0][1]) {
		t.Errorf("invite audited as %+v", log[0])
	}
	if _, _, err := f.st.Touch(ctx, "tg:77", "", "zh", true); err != nil {
		t.Fatal(err)
	}
	m, err := f.st.BindCode(ctx, codes[0][1], "tg:77", time.Now())
	if err != nil || m.ID != zhang.ID {
		t.Errorf("the first code bound %+v %v", m, err)
	}
	if _, page := b.get("/admin/roster?unit=" + url.QueryEscape("县委办")); strings.Contains(page, codes[1][1]) {
		t.Error("a code is shown again")
	}
}

// TestConsoleRosterScope: an admin with a scope sees and changes only the
// people of their units; elsewhere they are refused and nothing changes.
func TestConsoleRosterScope(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	importRoster(t, f.admin(t, consoleAdmin), rosterCSV)
	if err := f.st.SetScope(ctx, "tg:2", []string{"县委办"}); err != nil {
		t.Fatal(err)
	}
	wang := f.member(t, "王五")
	if _, _, err := f.st.Touch(ctx, "wx:oWang", "", "zh", true); err != nil {
		t.Fatal(err)
	}
	req, _ := f.st.RequestBind(ctx, "wx:oWang", wang, time.Now())
	b := f.admin(t, "tg:2")
	_, version := rosterSize(t, f)
	audited, _ := f.st.AuditLog(ctx, 1000)
	_, page := b.get("/admin/roster?q=" + url.QueryEscape("五"))
	if strings.Contains(page, "王五") || strings.Contains(page, "财政局") || strings.Contains(page, "wx:oWang") || !strings.Contains(page, `id="scope"`) {
		t.Errorf("another unit shows on a scoped admin's page:\n%s", page)
	}
	if _, page := b.get("/admin/roster?unit=" + url.QueryEscape("县委办")); !strings.Contains(page, "李四") {
		t.Errorf("the admin's own unit (with the units below) is not shown:\n%s", page)
	}
	csrf := b.csrf()
	person := "/admin/roster/people/" + itoa(wang.ID)
	for what, try := range map[string]func() int{
		"unit":   func() int { c, _ := b.get("/admin/roster?unit=" + url.QueryEscape("财政局")); return c },
		"person": func() int { c, _ := b.get(person); return c },
		"edit": func() int {
			c, _, _ := b.do("POST", person, url.Values{"csrf": {csrf}, "unit": {"财政局"}, "post": {"科员"}})
			return c
		},
		"forget": func() int { c, _, _ := b.do("POST", person+"/forget", url.Values{"csrf": {csrf}}); return c },
		"invite": func() int {
			c, _, _ := b.do("POST", "/admin/roster/invite", url.Values{"csrf": {csrf}, "member": {itoa(wang.ID)}})
			return c
		},
		"move in": func() int {
			c, _, _ := b.do("POST", person, url.Values{"csrf": {csrf}, "unit": {"县委办"}, "post": {"科员"}})
			return c
		},
	} {
		if code := try(); code != http.StatusForbidden {
			t.Errorf("%s of another unit: %d", what, code)
		}
	}
	// Moving their own person out of their units, adding someone to
	// another unit, or importing one are refused too.
	zhang := f.member(t, "张三")
	if code, _, _ := b.do("POST", "/admin/roster/people/"+itoa(zhang.ID), url.Values{"csrf": {csrf}, "unit": {"财政局"}, "post": {"主任"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("moving out of the admin's units: %d", code)
	}
	if code, _, _ := b.do("POST", "/admin/roster/add", url.Values{"csrf": {csrf}, "name": {"孙八"}, "unit": {"财政局"}, "post": {"科员"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("adding to another unit: %d", code)
	}
	if code, page := b.upload("/admin/roster/import", "r.csv", []byte(rosterCSV), url.Values{"csrf": {csrf}}); code != http.StatusUnprocessableEntity || !strings.Contains(page, "第 4 行：单位「财政局」不在您管理的范围内。") {
		t.Errorf("importing another unit: %d\n%s", code, page)
	}
	if b.do("POST", "/admin/roster/requests", url.Values{"csrf": {csrf}, "id": {itoa(req.ID)}, "op": {"approve"}}); !strings.Contains(b.lastTo, "done=reqgone") {
		t.Errorf("approving another unit's request: %s", b.lastTo)
	}
	if reqs, _ := f.st.BindRequests(ctx); len(reqs) != 1 {
		t.Errorf("another unit's request was taken: %+v", reqs)
	}
	if n, after := rosterSize(t, f); n != 3 || after != version {
		t.Errorf("refused actions changed the roster: %d people, version %d → %d", n, version, after)
	}
	if after, _ := f.st.AuditLog(ctx, 1000); len(after) != len(audited) {
		t.Errorf("refused actions were audited: %d entries, were %d", len(after), len(audited))
	}
	// A scoped admin's import touches only their units: 王五 stays.
	own := "姓名,单位,职务\n张三,县委办,主任\n"
	if page := importRoster(t, b, own); !strings.Contains(page, "- 县委办/督查室 李四") || strings.Contains(page, "王五") {
		t.Errorf("a scoped import's plan:\n%s", page)
	}
	f.member(t, "王五")
}

// TestConsoleRosterShowsScriptAsText: script in a name shows as text on
// every roster page.
func TestConsoleRosterShowsScriptAsText(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	b := f.admin(t, consoleAdmin)
	const evil = `<script>alert(1)</script>`
	file := "姓名,单位,职务\n" + evil + ",县委办,<b>主任</b>\n"
	pages := map[string]string{"plan": importRoster(t, b, file)}
	m := f.member(t, evil)
	if _, _, err := f.st.Touch(ctx, "wx:oEvil", "", "zh", true); err != nil {
		t.Fatal(err)
	}
	f.st.RequestBind(ctx, "wx:oEvil", m, time.Now())
	for _, path := range []string{"/admin/roster?unit=" + url.QueryEscape("县委办"), "/admin/roster?q=" + url.QueryEscape("script"), "/admin/roster/people/" + itoa(m.ID), "/admin/roster/people/" + itoa(m.ID) + "/forget"} {
		_, pages[path] = b.get(path)
	}
	_, pages["codes"], _ = b.do("POST", "/admin/roster/invite", url.Values{"csrf": {b.csrf()}, "member": {itoa(m.ID)}})
	for where, body := range pages {
		if strings.Contains(body, "<script") || strings.Contains(body, "<b>") {
			t.Errorf("%s carries live markup", where)
		}
		if !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s does not show the script as text:\n%s", where, body)
		}
	}
}

func TestConsoleRosterNeedsCSRF(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	b := f.admin(t, consoleAdmin)
	importRoster(t, b, rosterCSV)
	wang := f.member(t, "王五")
	if _, _, err := f.st.Touch(ctx, "wx:oWang", "", "zh", true); err != nil {
		t.Fatal(err)
	}
	req, _ := f.st.RequestBind(ctx, "wx:oWang", wang, time.Now())
	_, version := rosterSize(t, f)
	audited, _ := f.st.AuditLog(ctx, 1000)
	person := "/admin/roster/people/" + itoa(wang.ID)
	for _, token := range [][]string{nil, {"0123456789abcdef"}} {
		forms := map[string]url.Values{
			person:                         {"unit": {"县委办"}, "post": {"科员"}},
			person + "/forget":             {},
			"/admin/roster/add":            {"name": {"孙八"}, "unit": {"县委办"}, "post": {"科员"}},
			"/admin/roster/requests":       {"id": {itoa(req.ID)}, "op": {"approve"}},
			"/admin/roster/invite":         {"member": {itoa(wang.ID)}},
			"/admin/roster/import/confirm": {"new_units": {"1"}},
		}
		for path, form := range forms {
			if token != nil {
				form["csrf"] = token
			}
			if code, _, _ := b.do("POST", path, form); code != http.StatusForbidden {
				t.Errorf("POST %s with CSRF %v: %d", path, token, code)
			}
		}
		fields := url.Values{}
		if token != nil {
			fields["csrf"] = token
		}
		if code, _ := b.upload("/admin/roster/import", "r.csv", []byte("姓名,单位,职务\n孙八,县委办,科员\n"), fields); code != http.StatusForbidden {
			t.Errorf("import with CSRF %v: %d", token, code)
		}
	}
	if n, after := rosterSize(t, f); n != 3 || after != version {
		t.Errorf("refused forms changed the roster: %d people, version %d → %d", n, version, after)
	}
	if reqs, _ := f.st.BindRequests(ctx); len(reqs) != 1 {
		t.Errorf("a refused form took the request: %+v", reqs)
	}
	if after, _ := f.st.AuditLog(ctx, 1000); len(after) != len(audited) {
		t.Errorf("refused forms were audited")
	}
}

// TestConsoleRosterInBothLanguages renders the roster pages in Chinese and
// English; a key missing from the catalog fails it.
func TestConsoleRosterInBothLanguages(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	b := f.admin(t, consoleAdmin)
	importRoster(t, b, rosterCSV)
	zhang := f.member(t, "张三")
	for _, lang := range []string{"zh", "en"} {
		for _, path := range []string{"/admin/roster", "/admin/roster?unit=" + url.QueryEscape("县委办"), "/admin/roster/add",
			"/admin/roster/people/" + itoa(zhang.ID), "/admin/roster/people/" + itoa(zhang.ID) + "/forget"} {
			code, body := b.get(path + sep(path) + "lang=" + lang)
			if code != 200 || strings.Contains(body, msg.Say(lang, "error")) {
				t.Errorf("%s in %s: %d", path, lang, code)
			}
			if lang == "en" && !strings.Contains(body, "Roster") {
				t.Errorf("%s is not in English", path)
			}
		}
	}
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// benchRosterPeople is the roster of the roster page's benchmark: a
// county's cadres many times over, in 200 units.
const benchRosterPeople = 20_000

// BenchmarkConsoleRoster renders the roster pages, and plans an import of
// the whole roster file, over a roster of 20,000 people.
func BenchmarkConsoleRoster(b *testing.B) {
	f := setupConsole(b, web.ConsoleConfig{}, false)
	ctx := context.Background()
	file := benchRosterFile()
	rows, err := content.ReadRoster(file)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.st.ApplyRoster(ctx, content.PlanRoster(nil, rows, content.SourceImport), 0); err != nil {
		b.Fatal(err)
	}
	br := f.admin(b, consoleAdmin)
	csrf := br.csrf()
	pages := []struct {
		name string
		do   func() int
	}{
		{"units", func() int { c, _ := br.get("/admin/roster"); return c }},
		{"unit", func() int { c, _ := br.get("/admin/roster?unit=" + url.QueryEscape("局042")); return c }},
		{"search", func() int { c, _ := br.get("/admin/roster?q=" + url.QueryEscape("干部1234")); return c }},
		{"import-plan", func() int {
			c, _ := br.upload("/admin/roster/import", "r.csv", file, url.Values{"csrf": {csrf}})
			return c
		}},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if code := p.do(); code != http.StatusOK {
					b.Fatalf("%s: %d", p.name, code)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
		})
	}
}

// TestConsoleScopedBroadcast: an admin who manages some units broadcasts
// only to the accounts bound to people there, counted so before sending;
// the preview says so.
func TestConsoleScopedBroadcast(t *testing.T) {
	f := setupConsole(t, web.ConsoleConfig{}, false)
	ctx := context.Background()
	importRoster(t, f.admin(t, consoleAdmin), rosterCSV)
	for name, account := range map[string]string{"张三": "tg:71", "王五": "tg:72"} {
		if _, _, err := f.st.Touch(ctx, account, "", "zh", true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.Bind(ctx, f.member(t, name).ID, account); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.SetScope(ctx, "tg:2", []string{"县委办"}); err != nil {
		t.Fatal(err)
	}
	b := f.admin(t, "tg:2")
	form := url.Values{"csrf": {b.csrf()}, "text": {"县委办今晚加班。"}, "audience": {"all"}}
	_, page, _ := b.do("POST", "/admin/broadcast/preview", form)
	if !strings.Contains(page, "将发送给 1 人") || !strings.Contains(page, "仅限您管理的单位：县委办") {
		t.Fatalf("a scoped admin's preview does not count within the scope:\n%s", page)
	}
	if code, _, _ := b.do("POST", "/admin/broadcast/send", form); code != http.StatusSeeOther {
		t.Fatalf("send: %d", code)
	}
	qs, err := f.st.QueueStats(ctx, "tg")
	if err != nil || qs.Lag != 1 {
		t.Fatalf("queued %+v (%v), want the one account in 县委办", qs, err)
	}
}
