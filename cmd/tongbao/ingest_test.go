package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongbao/content"
)

// Words the test bulletins are made of, so each one is its own article
// and not a near-duplicate of the others.
var (
	testTowns   = []string{"青溪镇", "白沙乡", "东岭街道", "石门镇", "枫林乡", "南塘镇", "梅岭乡", "金湖街道", "柳桥镇", "云山乡", "桃源镇", "北港街道"}
	testSubject = []string{"防汛", "秋粮收购", "森林防火", "农村供水", "校园安全", "集镇改造", "养老服务", "道路养护", "垃圾分类", "电商培训", "药品监管", "燃气排查"}
	testPhrases = []string{
		"会议听取了各村近期工作进展情况的汇报", "要求各部门把责任落实到具体岗位和具体人员", "对辖区内的重点点位逐一开展拉网式排查",
		"明确由分管负责同志牵头组建工作专班", "建立每周调度和每月通报的工作机制", "对发现的问题建立台账并限期整改销号",
		"要加大资金投入力度并严格规范资金使用", "做好群众的宣传解释和政策咨询工作", "组织志愿者队伍参与入户走访",
		"加强与周边乡镇的信息共享和协同联动", "及时总结推广基层的好经验好做法", "严肃追究推诿扯皮和失职失责行为",
		"把这项工作纳入年度综合考核的重要内容", "确保各项措施在月底前全部落地见效", "统筹做好节假日期间的值班值守",
		"充分发挥网格员熟悉情况的优势", "对困难群众实行一户一策精准帮扶", "推动数字化平台在基层全面应用",
	}
)

// writeRecentBulletins writes n distinct bulletins published an hour ago
// into dir and returns their paths.
func writeRecentBulletins(t *testing.T, dir string, first, n int) []string {
	t.Helper()
	published := time.Now().Add(-time.Hour).In(content.Shanghai)
	var paths []string
	for i := first; i < first+n; i++ {
		rng := rand.New(rand.NewSource(int64(i)))
		town, subject := testTowns[i%len(testTowns)], testSubject[(i/len(testTowns)+i)%len(testSubject)]
		var body strings.Builder
		for _, p := range rng.Perm(len(testPhrases))[:7] {
			body.WriteString(testPhrases[p] + "，")
		}
		text := fmt.Sprintf("%s召开第%d次%s工作推进会\n发布时间：%s　　来源：%s办公室\n\n%s，%s召开第%d次%s工作推进会。%s共同推动%s工作取得实效。\n",
			town, i+1, subject, published.Format("2006-01-02 15:04"), town,
			published.Format("1月2日"), town, i+1, subject, body.String(), subject)
		path := filepath.Join(dir, fmt.Sprintf("recent-%02d.txt", i))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// queued is how many deliveries wait in a platform's queue.
func queued(t *testing.T, e testEnv, platform string) int64 {
	t.Helper()
	q, err := e.store(t).QueueStats(context.Background(), platform)
	if err != nil {
		t.Fatal(err)
	}
	return q.Length
}

// TestIngestPushCutoff: with the default cut-off an archive of old
// bulletins is stored and searchable but pushed to nobody; a recent
// bulletin is queued for every subscriber, and --no-push stores one
// without queuing anything.
func TestIngestPushCutoff(t *testing.T) {
	e := newEnv()
	delete(e, "TONGBAO_PUSH_WITHIN") // the default, 72h
	addSubscribers(t, e.store(t), "tg", "", 9100, 3)

	code, out := e.run(t, append([]string{"ingest"}, sampleFiles...)...)
	if code != 0 || !strings.Contains(out, "3 new bulletins published before") || strings.Count(out, "not pushed: published before the push cut-off") != 3 || strings.Contains(out, "queued") {
		t.Fatalf("ingesting an archive: %d\n%s", code, out)
	}
	if n := queued(t, e, "tg"); n != 0 {
		t.Errorf("an archive queued %d deliveries", n)
	}
	if code, out := e.run(t, "ask", "搜索", "防汛"); code != 0 || !strings.Contains(out, "共找到3条") {
		t.Errorf("the archive is not searchable: %d\n%s", code, out)
	}
	// Asking is not subscribing: the operator gets no pushes.
	if sub, err := e.store(t).Subscriber(context.Background(), "console:operator"); err != nil || sub.Status != content.StatusLeft {
		t.Errorf("after tongbao ask, console:operator is %+v, %v; want left", sub, err)
	}

	dir := t.TempDir()
	recent := writeRecentBulletins(t, dir, 0, 2)
	code, out = e.run(t, "ingest", recent[0])
	if code != 0 || !strings.Contains(out, "queued 3 deliveries of 1 bulletin") {
		t.Fatalf("ingesting a recent bulletin: %d\n%s", code, out)
	}
	if n := queued(t, e, "tg"); n != 3 {
		t.Errorf("a recent bulletin queued %d deliveries, want 3", n)
	}
	if n := queued(t, e, "console"); n != 0 {
		t.Errorf("the operator who asked was queued %d deliveries", n)
	}
	code, out = e.run(t, "ingest", "--no-push", recent[1])
	if code != 0 || !strings.Contains(out, "not pushed (--no-push)") || !strings.Contains(out, "1 new bulletin stored without pushing") || strings.Contains(out, "queued") {
		t.Fatalf("ingest --no-push: %d\n%s", code, out)
	}
	if n := queued(t, e, "tg"); n != 3 {
		t.Errorf("--no-push queued deliveries: %d in the queue, want 3", n)
	}
}

// largeBatch is an environment with the default push cut-off and
// subscribers Telegram subscribers, and a folder of n recent bulletins.
func largeBatch(t *testing.T, subscribers, n int) (testEnv, string) {
	e := newEnv()
	delete(e, "TONGBAO_PUSH_WITHIN")
	addSubscribers(t, e.store(t), "tg", "", 9200, subscribers)
	dir := t.TempDir()
	writeRecentBulletins(t, dir, 0, n)
	return e, dir
}

// TestIngestLargePushNeedsYes: more than 20 new bulletins to push at once
// are refused off a terminal (exit 1, stored, nothing queued) until --yes.
func TestIngestLargePushNeedsYes(t *testing.T) {
	e, dir := largeBatch(t, 2, confirmPushOver+1)

	code, out := e.run(t, "ingest", dir)
	if code != exitFailure || !strings.Contains(out, "21 new bulletins are stored but not pushed") || !strings.Contains(out, "--yes") || !strings.Contains(out, "--no-push") || !strings.Contains(out, "21 new, 0 duplicate") {
		t.Fatalf("a large push without --yes: %d\n%s", code, out)
	}
	if n := queued(t, e, "tg"); n != 0 {
		t.Errorf("a refused push queued %d deliveries", n)
	}
	code, out = e.run(t, "ingest", "--yes", dir)
	if code != 0 || !strings.Contains(out, "queued 42 deliveries of 21 bulletins") {
		t.Fatalf("ingest --yes: %d\n%s", code, out)
	}
	if n := queued(t, e, "tg"); n != 42 {
		t.Errorf("%d deliveries queued, want 42", n)
	}
	// Everything is pushed now: a third run has nothing to push or ask.
	if code, out := e.run(t, "ingest", dir); code != 0 || strings.Contains(out, "queued") {
		t.Errorf("a third run: %d\n%s", code, out)
	}
}

// TestServePushCutoff: in `tongbao serve` the admin upload and the
// sources apply the cut-off too: old bulletins are stored, not pushed.
func TestServePushCutoff(t *testing.T) {
	e := newEnv()
	delete(e, "TONGBAO_PUSH_WITHIN")
	e["TONGBAO_ADMIN_TOKEN"] = "admin-token"
	tg := telegramEnv(t, e)
	st := e.store(t)
	addSubscribers(t, st, "tg", "", 9400, 2)
	inbox := t.TempDir()
	sources := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(sources, []byte("sources:\n  - {name: inbox, type: dir, path: "+inbox+", interval: 1s}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e["TONGBAO_SOURCES"] = sources
	s := e.serve(t)

	upload := func(path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", s.addr+"/admin/bulletins", bytes.NewReader(data))
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
		req.Header.Set("Authorization", "Bearer admin-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	if got := upload(samples + "qingxi-2022-06-08-county-executive.txt"); !strings.Contains(got, `"new":true`) || !strings.Contains(got, `"pushed":0`) {
		t.Errorf("uploading an old bulletin: %s", got)
	}
	recent := writeRecentBulletins(t, t.TempDir(), 40, 1)
	if got := upload(recent[0]); !strings.Contains(got, `"pushed":2`) {
		t.Errorf("uploading a recent bulletin: %s", got)
	}
	// The source: an old and a recent bulletin dropped into the folder.
	old, _ := os.ReadFile(samples + "qingxi-2022-06-01-flood-notice.txt")
	os.WriteFile(filepath.Join(inbox, "old.txt"), old, 0o644)
	writeRecentBulletins(t, inbox, 41, 1)
	ctx := context.Background()
	waitUntil(t, "the folder's bulletins", func() bool {
		n, _, _ := st.CountBulletins(ctx)
		return n == 4
	})
	awaitTG(t, tg, "the recent bulletins' pushes", func() bool { return len(tg.Sent()) == 4 })
	for _, m := range tg.Sent() {
		if strings.Contains(m.Text, "2022") {
			t.Errorf("an old bulletin was pushed: %s", m.Text)
		}
	}
	if stats, err := st.Stats(ctx, noticeID); err != nil || stats.Delivered != 0 {
		t.Errorf("the old notice from the folder: %+v, %v", stats, err)
	}
}
