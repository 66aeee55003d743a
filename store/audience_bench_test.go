package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tongbao/content"
)

// BenchmarkCountBulletinAudience counts, as the console's publish preview
// does, who a bulletin reaches among 100,000 subscribers (half on
// Telegram, half on WeChat, one in 20 in a unit): by the subscriptions
// (everyone), to a unit on both platforms (the platforms' union made for
// the count) and to a topic on one platform; and for comparison the count
// a broadcast to a topic makes (CountAudience), the same union. Reported
// in ms per count; the console's budget for a whole page is 50 ms.
func BenchmarkCountBulletinAudience(b *testing.B) {
	ctx := context.Background()
	s := openTest(b, single.URL())
	const n = 100_000
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := next.Add(1); i <= n; i = next.Add(1) {
				id := fmt.Sprintf("tg:%d", i)
				if i%2 == 0 {
					id = fmt.Sprintf("wx:o%d", i)
				}
				if _, _, err := s.Touch(ctx, id, "", "zh", true); err != nil {
					b.Error(err)
					return
				}
				if i%20 == 0 {
					if err := s.SetUnit(ctx, id, fmt.Sprintf("单位%d", i%7)); err != nil {
						b.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	bulletin := func(aud content.Audience) func() (int64, error) {
		bl := &content.Bulletin{ID: "bench", Title: "关于做好防汛工作的通知", Kind: content.KindNotice, Tags: []string{"防汛"}, Audience: aud}
		return func() (int64, error) { return s.CountBulletinAudience(ctx, bl) }
	}
	for name, c := range map[string]struct {
		count func() (int64, error)
		want  int64
	}{
		"subscriptions":         {bulletin(content.Audience{}), n},
		"unit on two platforms": {bulletin(content.Audience{Units: []string{"单位3"}, Platforms: []string{"tg", "wx"}}), n / 20 / 7},
		"topic on one platform": {bulletin(content.Audience{Topics: []string{"防汛"}, Platforms: []string{"wx"}}), n / 2},
		"broadcast to a topic":  {func() (int64, error) { return s.CountAudience(ctx, "topic:防汛", nil) }, n},
	} {
		b.Run(name, func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				got, err := c.count()
				if err != nil || got < c.want-1 || got > c.want+1 {
					b.Fatalf("count = %d, %v; want about %d", got, err, c.want)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/count")
		})
	}
}
