package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"tongbao/content"
	"tongbao/store"
	"tongbao/store/redistest"
)

type fakeQueues map[string]*content.QueueStats

func (f fakeQueues) QueueStats(_ context.Context, p string) (*content.QueueStats, error) {
	if q, ok := f[p]; ok {
		return q, nil
	}
	return nil, errors.New("no such queue")
}

func TestQueueCollector(t *testing.T) {
	c := NewQueueCollector(fakeQueues{"tg": {Pending: 3, Lag: 10, Delayed: 2, Dead: 1, Sent: 42}}, []string{"tg", "wx"})
	want := `
# HELP tongbao_queue_deliveries Deliveries in the queue by platform and state (pending = being sent, waiting = not yet taken (lag), delayed = waiting to retry, dead).
# TYPE tongbao_queue_deliveries gauge
tongbao_queue_deliveries{platform="tg",state="dead"} 1
tongbao_queue_deliveries{platform="tg",state="delayed"} 2
tongbao_queue_deliveries{platform="tg",state="pending"} 3
tongbao_queue_deliveries{platform="tg",state="waiting"} 10
# HELP tongbao_queue_sent_total Deliveries sent by platform, ever (kept in the store, across replicas and restarts).
# TYPE tongbao_queue_sent_total counter
tongbao_queue_sent_total{platform="tg"} 42
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestCounters(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.Deliveries.WithLabelValues("tg", "sent").Add(3)
	m.Reads.WithLabelValues(content.ViaLink).Inc()
	if got := testutil.ToFloat64(m.Deliveries.WithLabelValues("tg", "sent")); got != 3 {
		t.Errorf("deliveries = %v", got)
	}
	if n, err := testutil.GatherAndCount(reg, "tongbao_reads_total"); err != nil || n != 1 {
		t.Errorf("reads series = %d, %v", n, err)
	}
}

// TestQueueSentFromStore: tongbao_queue_sent_total is the store's sent
// total per platform, on a redis-server and on the embedded store, and
// counts only the deliveries finished as sent.
func TestQueueSentFromStore(t *testing.T) {
	for name, cfg := range map[string]store.Config{
		"redis":    {URL: redistest.Start(t).URL()},
		"embedded": {URL: store.EmbeddedURL, DataDir: t.TempDir()},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open(ctx, cfg, store.Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var ds []content.Delivery
			for i := range 3 {
				ds = append(ds, content.Delivery{BulletinID: "b1", Subscriber: fmt.Sprintf("tg:%d", i), Dense: int64(i), Purpose: content.PurposeBulletin})
			}
			if err := st.EnsureQueue(ctx, "tg"); err != nil {
				t.Fatal(err)
			}
			if err := st.Enqueue(ctx, "tg", ds); err != nil {
				t.Fatal(err)
			}
			got, err := st.Receive(ctx, "tg", "w", 10, 100*time.Millisecond)
			if err != nil || len(got) != 3 {
				t.Fatalf("received %d, %v", len(got), err)
			}
			// Two sent, one finished without a send.
			for i, d := range got {
				finish := st.FinishSent
				if i == 2 {
					finish = st.FinishDelivery
				}
				if err := finish(ctx, "tg", d, d.BulletinID, ""); err != nil {
					t.Fatal(err)
				}
			}
			reg := prometheus.NewRegistry()
			reg.MustRegister(NewQueueCollector(st, []string{"tg", "wx"}))
			want := `
# HELP tongbao_queue_sent_total Deliveries sent by platform, ever (kept in the store, across replicas and restarts).
# TYPE tongbao_queue_sent_total counter
tongbao_queue_sent_total{platform="tg"} 2
tongbao_queue_sent_total{platform="wx"} 0
`
			if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "tongbao_queue_sent_total"); err != nil {
				t.Error(err)
			}
		})
	}
}
