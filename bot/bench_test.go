package bot

import (
	"context"
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/readlink"
	"tongbao/content"
	"tongbao/store"
)

var (
	bigStoreOnce sync.Once
	bigStore     *store.Store
)

// fill100k stores 100,000 small bulletins (a fifth of them meetings) on
// the shared redis-server, once per process.
func fill100k(b *testing.B) *store.Store {
	bigStoreOnce.Do(func() {
		bigStore = newTestStore(b)
		ctx := context.Background()
		base := time.Date(2020, 1, 1, 9, 0, 0, 0, content.Shanghai)
		kinds := []content.Kind{content.KindMeeting, content.KindNotice, content.KindNews, content.KindNews, content.KindNotice}
		var batch []*content.Bulletin
		for i := 0; i < 100000; i++ {
			text := fmt.Sprintf("第%d号通报：全县第%d次工作部署，要求各单位抓好落实。", i, i)
			bl := &content.Bulletin{Title: fmt.Sprintf("县政府第%d次常务会议", i), PublishedAt: base.Add(time.Duration(i) * time.Hour),
				Kind: kinds[i%len(kinds)], Paragraphs: []string{text}, Summary: text, Tags: []string{}, Images: []string{}}
			if bl.Kind == content.KindMeeting {
				bl.Meeting = &content.Meeting{Name: fmt.Sprintf("县政府第%d次常务会议", i), Organ: "青溪县政府", Chair: content.Person{Name: "王立新", Title: "县长"}}
			}
			bl.Fingerprint = content.MakeFingerprint(bl.Title + text)
			bl.ID = bl.PublishedAt.Format("20060102") + "-" + bl.Fingerprint.Exact[:8]
			batch = append(batch, bl)
			if len(batch) == 500 {
				if _, err := bigStore.SaveBulletins(ctx, batch); err != nil {
					b.Fatal(err)
				}
				batch = nil
			}
		}
	})
	return bigStore
}

// BenchmarkLatestMeetingReply measures understanding and answering 最新会议
// (and 最近的常务会议, and a question with many slots: a period, a place,
// a person as chair, a body, a meeting type and a field) with 100,000
// stored bulletins, one at a time: the
// figure is the p99 latency. Target: p99 ≤ 5 ms. Set TONGBAO_BENCH_BIG=1
// to run it (filling the store takes a minute).
func BenchmarkLatestMeetingReply(b *testing.B) {
	if os.Getenv("TONGBAO_BENCH_BIG") == "" {
		b.Skip("set TONGBAO_BENCH_BIG=1 to fill a store with 100,000 bulletins")
	}
	st := fill100k(b)
	bt := New(Config{MessagesPerMinute: 1 << 30}, Deps{Store: st, Topics: testTopics, Links: readlink.New("https://x", "k")})
	ctx := context.Background()
	for _, q := range []string{"最新会议", "最近的常务会议", "上个月青溪王立新主持的县政府常务会议通过了哪些文件"} {
		b.Run(q, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				start := time.Now()
				rs := bt.Handle(ctx, chat.Incoming{Platform: chat.Telegram, UserID: "bench", ChatID: "bench", Text: q})
				lat = append(lat, time.Since(start))
				if len(rs) == 0 {
					b.Fatal("no reply")
				}
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
