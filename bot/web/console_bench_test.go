package web_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tongbao/bot/web"
	"tongbao/content"
)

// Sizes of the console benchmark's store.
const (
	benchSubscribers = 100_000
	benchBulletins   = 10_000
	benchUnits       = 100
	// benchBound of the roster's benchRosterPeople have an account: one
	// of the subscribers each.
	benchBound = 10_000
)

// benchSubscriber is the id of the benchmark's i-th subscriber: Telegram
// for even i, WeChat for odd.
func benchSubscriber(i int) string {
	if i%2 == 0 {
		return fmt.Sprintf("tg:%d", 10_000_000+i)
	}
	return fmt.Sprintf("wx:o%d", 10_000_000+i)
}

// benchRosterFile is a roster of benchRosterPeople people in 200 units
// (局000/科0 … 局099/科1).
func benchRosterFile() []byte {
	var file strings.Builder
	file.WriteString("姓名,单位,职务,手机\n")
	for i := range benchRosterPeople {
		fmt.Fprintf(&file, "干部%05d,局%03d/科%d,科员,1380%07d\n", i, i%100, i%2, i)
	}
	return []byte(file.String())
}

// seedRoster imports benchRosterFile and binds benchBound of its people,
// every other one, to a subscriber each (the i-th person to the 5i-th
// subscriber).
func seedRoster(b *testing.B, f *consoleFixture, file []byte) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	rows, err := content.ReadRoster(file)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.st.ApplyRoster(ctx, content.PlanRoster(nil, rows, content.SourceImport), 0); err != nil {
		b.Fatal(err)
	}
	people, _, err := f.st.Roster(ctx)
	if err != nil {
		b.Fatal(err)
	}
	bound := 0
	for i, m := range people {
		if i%2 == 1 || bound == benchBound {
			continue
		}
		if _, err := f.st.Bind(ctx, m.ID, benchSubscriber(i*5)); err != nil {
			b.Fatal(err)
		}
		bound++
	}
	b.Logf("seeded a roster of %d people, %d bound, in %v", len(people), bound, time.Since(start).Round(time.Second))
}

// seedConsole fills f's store; it takes a minute or two.
func seedConsole(b *testing.B, f *consoleFixture) *content.Bulletin {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	// Subscribers, from 16 writers.
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < benchSubscribers; i += 16 {
				id := benchSubscriber(i)
				if _, _, err := f.st.Touch(ctx, id, fmt.Sprintf("用户%d", i), "zh", true); err != nil {
					errs <- err
					return
				}
				if err := f.st.SetUnit(ctx, id, fmt.Sprintf("单位%02d", i%benchUnits)); err != nil {
					errs <- err
					return
				}
				if i%10 == 0 {
					// One in ten follows a topic rather than everything.
					topic := []string{"防汛", "人才"}[i/10%2]
					if _, err := f.st.Subscribe(ctx, id, content.Subscription{Kind: content.SubTopic, Value: topic}); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	// Bulletins, distinct enough not to be near-duplicates of each other.
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"防汛", "招商", "人才", "安全生产", "乡村振兴", "教育", "医疗", "交通", "环保", "就业", "养老", "住房", "消防", "水利", "农业", "旅游"}
	day := time.Date(2025, 1, 1, 9, 0, 0, 0, content.Shanghai)
	var newest *content.Bulletin
	for first := 0; first < benchBulletins; first += 500 {
		batch := make([]*content.Bulletin, 0, 500)
		for i := first; i < first+500; i++ {
			var text strings.Builder
			for range 40 {
				text.WriteString(words[rng.IntN(len(words))])
				fmt.Fprintf(&text, "第%d项工作，", rng.IntN(1_000_000))
			}
			body := text.String()
			kind := []content.Kind{content.KindMeeting, content.KindNotice, content.KindNews}[i%3]
			bl := &content.Bulletin{ID: fmt.Sprintf("2025%04d-%08x", i%10000, i), Title: fmt.Sprintf("关于%s工作的第%d号通报", words[i%len(words)], i),
				PublishedAt: day.Add(time.Duration(i) * time.Hour), Kind: kind, Summary: body[:120], Paragraphs: []string{body},
				Tags: []string{words[i%len(words)]}, Fingerprint: content.MakeFingerprint(body)}
			batch = append(batch, bl)
			newest = bl
		}
		if _, err := f.st.SaveBulletins(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	// The newest goes to everyone; half read it.
	delivered := make(chan content.Delivery, 1024)
	errs = make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range delivered {
				claims, _, err := f.st.BeginDeliveries(ctx, []content.Delivery{d}, []string{newest.ID}, []string{"x"}, time.Minute)
				if err == nil && claims[0] == content.ClaimOK {
					err = f.st.FinishDelivery(ctx, d.Subscriber[:strings.Index(d.Subscriber, ":")], d, newest.ID, "x")
				}
				if err == nil && d.Dense%2 == 0 {
					_, err = f.st.MarkRead(ctx, newest.ID, d.Dense, content.ViaLink, newest.PublishedAt, newest.PublishedAt.Add(time.Duration(d.Dense%48)*time.Hour))
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range benchSubscribers {
		id := benchSubscriber(i)
		sub, err := f.st.Subscriber(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		delivered <- content.Delivery{BulletinID: newest.ID, Subscriber: id, Dense: sub.Dense}
	}
	close(delivered)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d subscribers and %d bulletins in %v", benchSubscribers, benchBulletins, time.Since(start).Round(time.Second))
	return newest
}

// BenchmarkConsolePages renders each console page, one request at a time
// from a signed-in browser, over a store of 100,000 subscribers (half on
// Telegram, half on WeChat, one in ten following a topic rather than
// everything) and 10,000 bulletins (the bulletin page's bulletin
// delivered to all of them, half read), with a roster of 20,000 people,
// 10,000 of them bound to a subscriber. The previews are POSTs of the
// console's forms, as a browser sends them. Target: every page ≤ 50 ms at
// the 99th percentile.
func BenchmarkConsolePages(b *testing.B) {
	f := setupConsole(b, web.ConsoleConfig{}, false)
	newest := seedConsole(b, f)
	roster := benchRosterFile()
	seedRoster(b, f, roster)
	ctx := context.Background()
	// tg:2 administers ten of the roster's hundred 局 (2,000 people).
	if err := f.st.SetScope(ctx, "tg:2", []string{"局000", "局001", "局002", "局003", "局004", "局005", "局006", "局007", "局008", "局009"}); err != nil {
		b.Fatal(err)
	}
	notice, err := os.ReadFile(filepath.Join("..", "..", "configs", "samples", "qingxi-2022-06-01-flood-notice.txt"))
	if err != nil {
		b.Fatal(err)
	}
	br, scoped := f.admin(b, consoleAdmin), f.admin(b, "tg:2")
	csrf, scopedCSRF := br.csrf(), scoped.csrf()
	get := func(path string) func() int {
		return func() int { code, _ := br.get(path); return code }
	}
	post := func(br *browser, path string, form url.Values) func() int {
		return func() int { code, _, _ := br.do("POST", path, form); return code }
	}
	announcement := strings.Repeat("明天上午9点至11点停电检修，请提前做好准备。\n", 40)
	broadcast := func(audience, value string) url.Values {
		return url.Values{"csrf": {csrf}, "text": {announcement}, "audience": {audience}, "value": {value}}
	}
	// A recount of the previewed notice for a chosen audience (the draft
	// is the one the publish preview saved).
	recount := func(aud url.Values) func() int {
		form := url.Values{"csrf": {csrf}, "title": {"防汛通知"}, "kind": {"notice"}, "summary": {""}, "at": {""}, "recount": {"1"}}
		for k, v := range aud {
			form[k] = v
		}
		return post(br, "/admin/publish/send", form)
	}
	pages := []struct {
		name string
		do   func() int
	}{
		{"overview", get("/admin/")},
		{"bulletins", get("/admin/bulletins")},
		{"bulletins-search", get("/admin/bulletins?q=" + "防汛")},
		{"bulletins-kind-date", get("/admin/bulletins?kind=notice&from=2025-06-01&to=2025-06-30")},
		{"bulletin", get("/admin/bulletins/" + newest.ID)},
		{"chart", get("/admin/bulletins/" + newest.ID + "/chart.svg")},
		{"publish", get("/admin/publish")},
		// The notice parsed, its card shown and its audience (by the
		// subscriptions) counted; the draft is saved for the recounts.
		{"publish-preview", post(br, "/admin/publish/preview", url.Values{"csrf": {csrf}, "text": {string(notice)}})},
		{"publish-recount-topics", recount(url.Values{"topic": {"防汛", "人才"}})},
		{"publish-recount-units", recount(url.Values{"unit": {"单位03", "单位07"}})},
		{"publish-recount-platform", recount(url.Values{"platform": {"wx"}})},
		{"publish-recount-all-three", recount(url.Values{"topic": {"人才"}, "unit": {"单位03"}, "platform": {"tg"}})},
		{"broadcast", get("/admin/broadcast")},
		{"broadcast-preview-all", post(br, "/admin/broadcast/preview", broadcast("all", ""))},
		{"broadcast-preview-topic", post(br, "/admin/broadcast/preview", broadcast("topic", "防汛"))},
		{"broadcast-preview-unit", post(br, "/admin/broadcast/preview", broadcast("unit", "单位07"))},
		{"broadcast-preview-platform", post(br, "/admin/broadcast/preview", broadcast("platform", "wx"))},
		// An admin of ten of the roster's hundred units: the accounts
		// bound to their people.
		{"broadcast-preview-scoped", post(scoped, "/admin/broadcast/preview", url.Values{"csrf": {scopedCSRF}, "text": {announcement}, "audience": {"all"}})},
		{"subscribers", get("/admin/subscribers")},
		{"subscribers-unit", get("/admin/subscribers?q=" + "单位07")},
		{"subscribers-id", get("/admin/subscribers?q=tg:10000042")},
		// A name matched by no one: every subscriber is read.
		{"subscribers-name-nobody", get("/admin/subscribers?q=" + "无此人")},
		{"roster", get("/admin/roster")},
		{"roster-unit", get("/admin/roster?unit=" + url.QueryEscape("局042"))},
		{"roster-search", get("/admin/roster?q=" + url.QueryEscape("干部1234"))},
		// The plan of an import of the whole roster file again.
		{"roster-import-plan", func() int {
			code, _ := br.upload("/admin/roster/import", "r.csv", roster, url.Values{"csrf": {csrf}})
			return code
		}},
		{"sources", get("/admin/sources")},
		{"audit", get("/admin/audit")},
		{"dead", get("/admin/dead")},
		{"sessions", get("/admin/sessions")},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t0 := time.Now()
				code := p.do()
				lat = append(lat, time.Since(t0))
				if code != http.StatusOK {
					b.Fatalf("%s: %d", p.name, code)
				}
			}
			slices.Sort(lat)
			at := func(q float64) float64 {
				i := min(int(math.Ceil(q*float64(len(lat))))-1, len(lat)-1)
				return float64(lat[max(i, 0)]) / float64(time.Millisecond)
			}
			b.ReportMetric(at(0.50), "p50-ms")
			b.ReportMetric(at(0.99), "p99-ms")
		})
	}
}
