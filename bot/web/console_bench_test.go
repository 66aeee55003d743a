package web_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
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
)

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
				id := fmt.Sprintf("tg:%d", 10_000_000+i)
				if _, _, err := f.st.Touch(ctx, id, fmt.Sprintf("用户%d", i), "zh", true); err != nil {
					errs <- err
					return
				}
				if err := f.st.SetUnit(ctx, id, fmt.Sprintf("单位%02d", i%benchUnits)); err != nil {
					errs <- err
					return
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
					err = f.st.FinishDelivery(ctx, "tg", d, newest.ID, "x")
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
		id := fmt.Sprintf("tg:%d", 10_000_000+i)
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
// from a signed-in browser, over a store of 100,000 subscribers and 10,000
// bulletins (the bulletin page's bulletin delivered to all of them, half
// read). Target: every page ≤ 50 ms at the 99th percentile.
func BenchmarkConsolePages(b *testing.B) {
	f := setupConsole(b, web.ConsoleConfig{}, false)
	newest := seedConsole(b, f)
	br := f.admin(b, consoleAdmin)
	pages := []struct{ name, path string }{
		{"overview", "/admin/"},
		{"bulletins", "/admin/bulletins"},
		{"bulletins-search", "/admin/bulletins?q=" + "防汛"},
		{"bulletins-kind-date", "/admin/bulletins?kind=notice&from=2025-06-01&to=2025-06-30"},
		{"bulletin", "/admin/bulletins/" + newest.ID},
		{"chart", "/admin/bulletins/" + newest.ID + "/chart.svg"},
		{"publish", "/admin/publish"},
		{"broadcast", "/admin/broadcast"},
		{"subscribers", "/admin/subscribers"},
		{"subscribers-unit", "/admin/subscribers?q=" + "单位07"},
		{"subscribers-id", "/admin/subscribers?q=tg:10000042"},
		// A name matched by no one: every subscriber is read.
		{"subscribers-name-nobody", "/admin/subscribers?q=" + "无此人"},
		{"sources", "/admin/sources"},
		{"audit", "/admin/audit"},
		{"dead", "/admin/dead"},
		{"sessions", "/admin/sessions"},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t0 := time.Now()
				code, _, _ := br.do("GET", p.path, nil)
				lat = append(lat, time.Since(t0))
				if code != http.StatusOK {
					b.Fatalf("%s: %d", p.path, code)
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
