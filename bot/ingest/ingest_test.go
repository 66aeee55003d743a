package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"tongbao/bot/dispatch"
	"tongbao/bot/ingest"
	"tongbao/bot/readlink"
	"tongbao/content"
	"tongbao/store"
	"tongbao/store/redistest"
)

var redisServer *redistest.Server

func TestMain(m *testing.M) { redistest.Main(m, &redisServer) }

var (
	prefixes atomic.Int64
	quiet    = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// env is a store of its own with subscribers, the dispatcher that fans
// bulletins out into its queues, and the parser.
type env struct {
	st     *store.Store
	disp   *dispatch.Dispatcher
	parser *content.Parser
}

func newEnv(t *testing.T, subscribers int) env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URL: redisServer.URL(), Prefix: fmt.Sprintf("in%d:", prefixes.Add(1))}, store.Deps{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i := range subscribers {
		if _, _, err := st.Touch(ctx, fmt.Sprintf("tg:%d", 500+i), "", "zh", true); err != nil {
			t.Fatal(err)
		}
	}
	disp := dispatch.New(dispatch.Config{Owner: "test"}, dispatch.Deps{Store: st, Links: readlink.New("http://localhost:8080", "secret"), Logger: quiet})
	return env{st: st, disp: disp, parser: content.NewParser(content.ParserConfig{}, content.ParserDeps{})}
}

func (e env) pipeline(cfg ingest.Config, pub ingest.Publisher) *ingest.Pipeline {
	return ingest.New(cfg, ingest.Deps{Parser: e.parser, Store: e.st, Publisher: pub, Logger: quiet})
}

// recent is a bulletin published an hour ago.
func recent() content.Input {
	published := time.Now().Add(-time.Hour).In(content.Shanghai)
	text := fmt.Sprintf("青溪镇召开防汛工作推进会\n发布时间：%s　　来源：青溪镇办公室\n\n%s，青溪镇召开防汛工作推进会。会议听取了各村近期防汛工作进展情况的汇报，要求各部门把责任落实到具体岗位和具体人员，对辖区内的重点点位逐一开展拉网式排查，建立每周调度和每月通报的工作机制。\n",
		published.Format("2006-01-02 15:04"), published.Format("1月2日"))
	return content.Input{Data: []byte(text), Name: "recent.txt"}
}

// sample is one of content's sample bulletins, published in 2022.
func sample(t *testing.T, name string) content.Input {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "configs", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return content.Input{Data: data, Name: name}
}

// TestIngest: what one input becomes — pushed to every subscriber once,
// a duplicate of itself pushed no more, an old one stored unpushed, a
// near copy of another bulletin left alone, nothing at all for input that
// is not a bulletin.
func TestIngest(t *testing.T) {
	ctx := context.Background()
	t.Run("new and recent is pushed once", func(t *testing.T) {
		e := newEnv(t, 3)
		p := e.pipeline(ingest.Config{PushWithin: 72 * time.Hour}, e.disp)
		s, queued, err := p.Ingest(ctx, recent())
		if err != nil || !s.Result.New || !s.Due || s.Old || queued != 3 {
			t.Fatalf("first ingest: %+v queued %d, %v; want new, due, 3 queued", s, queued, err)
		}
		s, queued, err = p.Ingest(ctx, recent())
		if err != nil || s.Result.New || s.Result.DuplicateOf != s.Bulletin.ID || s.Due || queued != 0 {
			t.Errorf("the same input again: %+v queued %d, %v; want a duplicate of itself, not pushed", s, queued, err)
		}
	})
	t.Run("published before the cut-off is stored unpushed", func(t *testing.T) {
		e := newEnv(t, 3)
		s, queued, err := e.pipeline(ingest.Config{PushWithin: 72 * time.Hour}, e.disp).Ingest(ctx, sample(t, "qingxi-2022-06-01-flood-notice.txt"))
		if err != nil || !s.Result.New || s.Due || !s.Old || queued != 0 {
			t.Fatalf("an old bulletin: %+v queued %d, %v; want new, old, nothing queued", s, queued, err)
		}
		if _, err := e.st.Bulletin(ctx, s.Bulletin.ID); err != nil {
			t.Errorf("the old bulletin is not stored: %v", err)
		}
	})
	t.Run("no cut-off pushes every new bulletin", func(t *testing.T) {
		e := newEnv(t, 2)
		s, queued, err := e.pipeline(ingest.Config{}, e.disp).Ingest(ctx, sample(t, "qingxi-2022-06-01-flood-notice.txt"))
		if err != nil || !s.Due || s.Old || queued != 2 {
			t.Errorf("push_within 0: %+v queued %d, %v; want due, 2 queued", s, queued, err)
		}
	})
	t.Run("a near copy of another bulletin is not pushed", func(t *testing.T) {
		e := newEnv(t, 2)
		p := e.pipeline(ingest.Config{}, e.disp)
		text, _, err := p.Ingest(ctx, sample(t, "lanxi-2022-05-27-standing-committee.txt"))
		if err != nil {
			t.Fatal(err)
		}
		page := sample(t, "lanxi-2022-05-27-standing-committee.gbk.html")
		page.Charset = "gbk"
		s, queued, err := p.Ingest(ctx, page)
		if err != nil || s.Result.New || s.Result.DuplicateOf != text.Bulletin.ID || s.Due || queued != 0 {
			t.Errorf("the GBK page of a stored text: %+v queued %d, %v; want a duplicate of %s, not pushed", s, queued, err, text.Bulletin.ID)
		}
	})
	t.Run("not a bulletin", func(t *testing.T) {
		e := newEnv(t, 1)
		s, queued, err := e.pipeline(ingest.Config{}, e.disp).Ingest(ctx, content.Input{Data: []byte("   "), Name: "empty.txt"})
		if err == nil || s.Bulletin != nil || queued != 0 {
			t.Errorf("blank input: %+v queued %d, %v; want a parse error", s, queued, err)
		}
		if n, _, err := e.st.CountBulletins(ctx); err != nil || n != 0 {
			t.Errorf("%d bulletins stored (%v), want none", n, err)
		}
	})
}

// TestIngestResumesFanout: a bulletin stored by a run that never fanned
// it out (a crash, --no-push, a failed publish) is pushed when the same
// input comes in again, and only then.
func TestIngestResumesFanout(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 3)
	in := recent()
	stored, err := e.pipeline(ingest.Config{}, nil).Store(ctx, in)
	if err != nil || !stored.Due {
		t.Fatalf("store without a publisher: %+v, %v", stored, err)
	}
	if n := e.queued(t); n != 0 {
		t.Fatalf("%d deliveries queued by a pipeline that does not push", n)
	}
	p := e.pipeline(ingest.Config{PushWithin: 72 * time.Hour}, e.disp)
	s, queued, err := p.Ingest(ctx, in)
	if err != nil || s.Result.New || s.Result.DuplicateOf != stored.Bulletin.ID || !s.Due || queued != 3 {
		t.Fatalf("the unpushed bulletin again: %+v queued %d, %v; want its fan-out resumed to 3", s, queued, err)
	}
	if s, queued, err = p.Ingest(ctx, in); err != nil || s.Due || queued != 0 {
		t.Errorf("after the fan-out finished: %+v queued %d, %v; want nothing more", s, queued, err)
	}
	if n := e.queued(t); n != 3 {
		t.Errorf("%d deliveries in the queue, want 3", n)
	}
}

// queued is how many deliveries wait in the Telegram queue.
func (e env) queued(t *testing.T) int64 {
	t.Helper()
	q, err := e.st.QueueStats(context.Background(), "tg")
	if err != nil {
		t.Fatal(err)
	}
	return q.Length
}

// brokenDispatcher is a dispatcher whose store is closed: every publish
// fails.
func brokenDispatcher(t *testing.T) *dispatch.Dispatcher {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{URL: redisServer.URL(), Prefix: fmt.Sprintf("in%d:", prefixes.Add(1))}, store.Deps{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return dispatch.New(dispatch.Config{Owner: "test"}, dispatch.Deps{Store: st, Links: readlink.New("http://localhost:8080", "secret"), Logger: quiet})
}

// TestIngestPublishFails: a failed fan-out leaves the bulletin stored and
// says ErrNotPushed; for the source poller that is no failure of the item,
// and the next ingest of the same input pushes it.
func TestIngestPublishFails(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 2)
	broken := e.pipeline(ingest.Config{}, brokenDispatcher(t))
	s, _, err := broken.Ingest(ctx, recent())
	if !errors.Is(err, ingest.ErrNotPushed) || s.Bulletin == nil || !s.Result.New {
		t.Fatalf("publish on a closed store: %+v, %v; want stored and ErrNotPushed", s, err)
	}
	if _, err := e.st.Bulletin(ctx, s.Bulletin.ID); err != nil {
		t.Errorf("the bulletin is not stored: %v", err)
	}
	page := sample(t, "qingxi-2022-06-08-county-executive.txt")
	res, err := broken.Source(ctx, page)
	if err != nil || !res.New {
		t.Errorf("Source with a failing publish: %+v, %v; want the item stored and no error", res, err)
	}
	if _, queued, err := e.pipeline(ingest.Config{}, e.disp).Ingest(ctx, recent()); err != nil || queued != 2 {
		t.Errorf("the same input with a working dispatcher: queued %d, %v; want 2", queued, err)
	}
}
