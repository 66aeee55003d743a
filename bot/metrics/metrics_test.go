package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"tongbao/content"
)

type fakeQueues map[string]*content.QueueStats

func (f fakeQueues) QueueStats(_ context.Context, p string) (*content.QueueStats, error) {
	if q, ok := f[p]; ok {
		return q, nil
	}
	return nil, errors.New("no such queue")
}

func TestQueueCollector(t *testing.T) {
	c := NewQueueCollector(fakeQueues{"tg": {Pending: 3, Lag: 10, Delayed: 2, Dead: 1}}, []string{"tg", "wx"})
	want := `
# HELP tongbao_queue_deliveries Deliveries in the queue by platform and state (pending = being sent, waiting = not yet taken (lag), delayed = waiting to retry, dead).
# TYPE tongbao_queue_deliveries gauge
tongbao_queue_deliveries{platform="tg",state="dead"} 1
tongbao_queue_deliveries{platform="tg",state="delayed"} 2
tongbao_queue_deliveries{platform="tg",state="pending"} 3
tongbao_queue_deliveries{platform="tg",state="waiting"} 10
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
