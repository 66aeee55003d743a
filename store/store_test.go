package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tongbao/content"
	"tongbao/store/redistest"
)

// The suite runs against a real redis-server, a 3-master Redis Cluster and
// the embedded store; the servers are shared by the package and every test
// uses its own key prefix.
var (
	single  *redistest.Server
	cluster *redistest.Cluster
)

func TestMain(m *testing.M) {
	srv, stopSingle, err := redistest.StartMain()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cl, stopCluster, err := redistest.StartClusterMain(3)
	if err != nil {
		stopSingle()
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	single, cluster = srv, cl
	code := m.Run()
	stopCluster()
	stopSingle()
	os.Exit(code)
}

var prefixSeq atomic.Int64

// backends opens a fresh store on each kind of Redis.
var backends = map[string]func(t testing.TB) *Store{
	"single":   func(t testing.TB) *Store { return openTest(t, single.URL()) },
	"cluster":  func(t testing.TB) *Store { return openTest(t, cluster.URL()) },
	"embedded": func(t testing.TB) *Store { return openEmbedded(t, t.TempDir()) },
}

func openTest(t testing.TB, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{URL: url, Prefix: fmt.Sprintf("t%d:", prefixSeq.Add(1))}, Deps{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openEmbedded(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{URL: EmbeddedURL, DataDir: dir}, Deps{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// forEachBackend runs a test body once per backend.
func forEachBackend(t *testing.T, body func(t *testing.T, s *Store)) {
	names := make([]string, 0, len(backends))
	for n := range backends {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) { body(t, backends[name](t)) })
	}
}

// samples parses the shared sample bulletins once.
var samples = func() map[string]*content.Bulletin {
	topics, err := content.ParseTopics([]byte(`topics:
  - {name: 防汛, keywords: [防汛, 汛期, 防台, 度汛]}
  - {name: 人才, keywords: [人才]}
  - {name: 安全生产, keywords: [安全生产, 隐患排查]}`))
	if err != nil {
		panic(err)
	}
	p := content.NewParser(content.ParserConfig{}, content.ParserDeps{Topics: topics})
	out := map[string]*content.Bulletin{}
	files, _ := filepath.Glob("../configs/samples/*.*")
	for _, f := range files {
		if strings.HasSuffix(f, ".md") || strings.HasSuffix(f, ".xml") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		b, err := p.Parse(content.Input{Data: data, Name: filepath.Base(f), URL: "file://" + filepath.Base(f)})
		if err != nil {
			panic(fmt.Sprintf("%s: %v", f, err))
		}
		out[filepath.Base(f)] = b
	}
	return out
}()

const (
	lanxiTxt    = "lanxi-2022-05-27-standing-committee.txt"
	lanxiPage   = "lanxi-2022-05-27-standing-committee.gbk.html"
	qingxiMeet  = "qingxi-2022-06-08-county-executive.txt"
	qingxiFlood = "qingxi-2022-06-01-flood-notice.txt"
)

func saveSamples(t testing.TB, s *Store) {
	t.Helper()
	for _, name := range []string{lanxiTxt, qingxiMeet, qingxiFlood} {
		if _, err := s.SaveBulletin(context.Background(), samples[name]); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSaveAndDedupe(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		order := []string{lanxiTxt, qingxiMeet, qingxiFlood, lanxiPage}
		var bs []*content.Bulletin
		for _, n := range order {
			bs = append(bs, samples[n])
		}
		res, err := s.SaveBulletins(ctx, bs)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res[:3] {
			if !r.New {
				t.Errorf("%s: %+v, want new", order[i], r)
			}
		}
		if r := res[3]; r.New || r.DuplicateOf != samples[lanxiTxt].ID {
			t.Errorf("the GBK page: %+v, want a duplicate of %s", r, samples[lanxiTxt].ID)
		}
		// Again: everything is a duplicate, nothing is stored twice.
		res, err = s.SaveBulletins(ctx, bs)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			if r.New || r.DuplicateOf == "" {
				t.Errorf("second save of %s: %+v, want a duplicate", order[i], r)
			}
		}
		total, byKind, err := s.CountBulletins(ctx)
		if err != nil || total != 3 || byKind[content.KindMeeting] != 2 || byKind[content.KindNotice] != 1 {
			t.Errorf("counts: %d %v %v, want 3 (2 meetings, 1 notice)", total, byKind, err)
		}
		aliases, _ := s.Aliases(ctx, samples[lanxiTxt].ID)
		if len(aliases) != 1 || aliases[0] != "file://"+lanxiPage {
			t.Errorf("aliases = %q, want the page's URL", aliases)
		}

		// A republished copy with an edited opening is a near duplicate.
		edited := *samples[lanxiTxt]
		edited.Paragraphs = append([]string{"（转自兰溪新闻网）"}, edited.Paragraphs[1:]...)
		edited.Fingerprint = content.MakeFingerprint(edited.Text())
		edited.ID = "20220528-" + edited.Fingerprint.Exact[:8]
		edited.URL = "https://example.com/copy"
		r, err := s.SaveBulletin(ctx, &edited)
		if err != nil {
			t.Fatal(err)
		}
		if r.New || r.DuplicateOf != samples[lanxiTxt].ID || r.Similarity >= 1 {
			t.Errorf("edited copy: %+v, want a near duplicate of %s", r, samples[lanxiTxt].ID)
		}
		got, err := s.Bulletin(ctx, samples[qingxiMeet].ID)
		if err != nil || got.Meeting.Chair.Name != "王立新" {
			t.Errorf("Bulletin = %+v, %v", got, err)
		}
		if _, err := s.Bulletin(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing bulletin: %v, want ErrNotFound", err)
		}
	})
}

// TestTimelineSameDayNewestStored: most sites give only a date, so
// bulletins published the same day tie on time; the one stored later is
// the newer, one at a time or in a batch, and the day's range still holds
// exactly them.
func TestTimelineSameDayNewestStored(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		p := content.NewParser(content.ParserConfig{}, content.ParserDeps{})
		subjects := []string{"城区老旧小区改造", "秋季学期校舍建设", "农村公路养护", "森林防火巡查", "冬季供暖保障"}
		var stored []string
		var batch []*content.Bulletin
		for i, subject := range subjects {
			text := fmt.Sprintf("青溪县召开县政府第%d次常务会议\n发布日期：2026年03月02日\n\n3月2日上午，县长主持召开县政府第%d次常务会议，研究%s工作。\n会议强调，要把%s工作落到实处。\n", i+1, i+1, subject, subject)
			b, err := p.Parse(content.Input{Data: []byte(text), Name: fmt.Sprintf("m%d.txt", i)})
			if err != nil {
				t.Fatal(err)
			}
			stored = append(stored, b.ID)
			if i < 2 {
				if _, err := s.SaveBulletin(ctx, b); err != nil {
					t.Fatal(err)
				}
				continue
			}
			batch = append(batch, b)
		}
		if _, err := s.SaveBulletins(ctx, batch); err != nil {
			t.Fatal(err)
		}
		bs, total, err := s.Timeline(ctx, content.Filter{From: day(2026, 3, 2), To: day(2026, 3, 3)}, 0, 10)
		if err != nil || total != int64(len(subjects)) {
			t.Fatalf("timeline of the day: %d, %v", total, err)
		}
		var got []string
		for _, b := range bs {
			got = append(got, b.ID)
		}
		slices.Reverse(stored)
		if !slices.Equal(got, stored) {
			t.Errorf("same-day order = %v, want the last stored first: %v", got, stored)
		}
		if _, n, _ := s.Timeline(ctx, content.Filter{From: day(2026, 3, 3), To: day(2026, 3, 4)}, 0, 10); n != 0 {
			t.Errorf("the next day holds %d bulletins, want 0", n)
		}
	})
}

func TestTimeline(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		saveSamples(t, s)
		bs, total, err := s.Timeline(ctx, content.Filter{}, 0, 10)
		if err != nil || total != 3 {
			t.Fatalf("timeline: %d, %v", total, err)
		}
		if bs[0].ID != samples[qingxiMeet].ID || bs[2].ID != samples[lanxiTxt].ID {
			t.Errorf("timeline not newest first: %s, %s, %s", bs[0].ID, bs[1].ID, bs[2].ID)
		}
		page, _, _ := s.Timeline(ctx, content.Filter{}, 1, 1)
		if len(page) != 1 || page[0].ID != samples[qingxiFlood].ID {
			t.Errorf("second page = %v", page)
		}
		tests := map[string]struct {
			f    content.Filter
			want []string
		}{
			"meetings":       {content.Filter{Kind: content.KindMeeting}, []string{qingxiMeet, lanxiTxt}},
			"notices":        {content.Filter{Kind: content.KindNotice}, []string{qingxiFlood}},
			"tag 人才":         {content.Filter{Tag: "人才"}, []string{lanxiTxt}},
			"meeting + tag":  {content.Filter{Kind: content.KindMeeting, Tag: "防汛"}, []string{qingxiMeet, lanxiTxt}},
			"one day":        {content.Filter{From: day(2022, 5, 27), To: day(2022, 5, 28)}, []string{lanxiTxt}},
			"June meetings":  {content.Filter{Kind: content.KindMeeting, From: day(2022, 6, 1), To: day(2022, 7, 1)}, []string{qingxiMeet}},
			"nothing in May": {content.Filter{Kind: content.KindNotice, From: day(2022, 5, 1), To: day(2022, 6, 1)}, nil},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				bs, total, err := s.Timeline(ctx, tc.f, 0, 10)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, b := range bs {
					got = append(got, b.ID)
				}
				var want []string
				for _, n := range tc.want {
					want = append(want, samples[n].ID)
				}
				if strings.Join(got, ",") != strings.Join(want, ",") || int(total) != len(want) {
					t.Errorf("got %v (total %d), want %v", got, total, want)
				}
			})
		}
	})
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, content.Shanghai) }

func TestSearch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		saveSamples(t, s)
		tests := map[string]struct {
			query string
			want  []string // in any order
			first string
		}{
			"flood":             {query: "防汛", want: []string{lanxiTxt, qingxiMeet, qingxiFlood}},
			"phrase in title":   {query: "汛期安全", want: []string{qingxiFlood, qingxiMeet}, first: qingxiFlood},
			"two terms (AND)":   {query: "防汛 人才", want: []string{lanxiTxt}},
			"a name":            {query: "王立新", want: []string{qingxiMeet}},
			"unknown word":      {query: "核电站", want: nil},
			"only punctuation":  {query: "？！", want: nil},
			"investment (招大引强)": {query: "招大引强", want: []string{lanxiTxt}},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				hits, total, err := s.Search(ctx, tc.query, 0, 10)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]bool{}
				for _, h := range hits {
					got[h.Bulletin.ID] = true
					shown := false
					for _, w := range append(strings.Fields(tc.query), "汛期", "安全") {
						shown = shown || strings.Contains(h.Snippet, w)
					}
					if !shown {
						t.Errorf("snippet of %s shows no query word: %q", h.Bulletin.ID, h.Snippet)
					}
				}
				if len(got) != len(tc.want) || int(total) != len(tc.want) {
					t.Errorf("%q found %d (total %d), want %d", tc.query, len(got), total, len(tc.want))
				}
				for _, n := range tc.want {
					if !got[samples[n].ID] {
						t.Errorf("%q did not find %s", tc.query, n)
					}
				}
				if tc.first != "" && (len(hits) == 0 || hits[0].Bulletin.ID != samples[tc.first].ID) {
					t.Errorf("%q: first hit is not %s", tc.query, tc.first)
				}
			})
		}
	})
}

func TestSubscribersAndAudience(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, id := range []string{"tg:1", "tg:2", "wx:oA", "wecom:zs", "tg:5"} {
			if _, created, err := s.Touch(ctx, id, "", "", true); err != nil || !created {
				t.Fatalf("Touch(%s) = %v, %v", id, created, err)
			}
		}
		sub, created, err := s.Touch(ctx, "tg:1", "张三", "en", true)
		if err != nil || created || sub.Name != "张三" || sub.Dense == 0 || !sub.WantsAll() {
			t.Fatalf("second Touch = %+v, %v, %v", sub, created, err)
		}
		// tg:2 narrows to 防汛, wx:oA to notices, wecom:zs to a keyword,
		// tg:5 blocks the bot.
		mustSub := func(id string, sub content.Subscription) {
			if ok, err := s.Subscribe(ctx, id, sub); err != nil || !ok {
				t.Fatalf("Subscribe(%s, %v) = %v, %v", id, sub, ok, err)
			}
		}
		mustSub("tg:2", content.Subscription{Kind: content.SubTopic, Value: "防汛"})
		mustSub("wx:oA", content.Subscription{Kind: content.SubKind, Value: "notice"})
		mustSub("wecom:zs", content.Subscription{Kind: content.SubKeyword, Value: "王立新"})
		if ok, _ := s.Subscribe(ctx, "tg:2", content.Subscription{Kind: content.SubTopic, Value: "防汛"}); ok {
			t.Error("subscribing twice reported a change")
		}
		if err := s.SetStatus(ctx, "tg:5", content.StatusBlocked); err != nil {
			t.Fatal(err)
		}
		audience := func(b *content.Bulletin) []string {
			var ids []string
			if err := s.Audience(ctx, b, false, func(batch []content.Recipient) error {
				for _, r := range batch {
					if r.Dense == 0 {
						t.Errorf("recipient %s has no dense id", r.ID)
					}
					ids = append(ids, r.ID)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			sort.Strings(ids)
			return ids
		}
		for name, want := range map[string]string{
			lanxiTxt:    "tg:1,tg:2",
			qingxiMeet:  "tg:1,tg:2,wecom:zs",
			qingxiFlood: "tg:1,tg:2,wx:oA",
		} {
			if got := strings.Join(audience(samples[name]), ","); got != want {
				t.Errorf("audience of %s = %s, want %s", name, got, want)
			}
		}
		if err := s.SetDelivery(ctx, "tg:1", content.ModeDigest, "08:00", ""); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(audience(samples[lanxiTxt]), ","); got != "tg:2" {
			t.Errorf("digest subscriber was in the instant audience: %s", got)
		}
		if ok, _ := s.Unsubscribe(ctx, "tg:2", content.Subscription{Kind: content.SubAll}); !ok {
			t.Error("unsubscribe all reported no change")
		}
		if got := audience(samples[qingxiFlood]); strings.Join(got, ",") != "wx:oA" {
			t.Errorf("after tg:2 unsubscribed everything: %v", got)
		}
		if err := s.SetUnit(ctx, "wx:oA", "县应急管理局"); err != nil {
			t.Fatal(err)
		}
		n, err := s.CountAudience(ctx, "unit:县应急管理局", nil)
		if err != nil || n != 1 {
			t.Errorf("CountAudience(unit) = %d, %v", n, err)
		}
		if n, _ := s.CountAudience(ctx, "all", nil); n != 4 {
			t.Errorf("CountAudience(all) = %d, want 4 active", n)
		}
		if n, _ := s.CountAudience(ctx, "platform:tg", nil); n != 2 {
			t.Errorf("platform:tg = %d, want 2 (tg:1, tg:2; tg:5 is blocked)", n)
		}
		if _, err := s.CountAudience(ctx, "planet:mars", nil); err == nil {
			t.Error("an unknown segment was accepted")
		}
		counts, err := s.CountSubscribers(ctx)
		if err != nil || counts.Total != 5 || counts.ByStatus[content.StatusBlocked] != 1 || counts.ByPlatform["tg"] != 3 || counts.ByUnit["县应急管理局"] != 1 {
			t.Errorf("counts = %+v, %v", counts, err)
		}
		if err := s.SetAdmin(ctx, "tg:1", true); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.IsAdmin(ctx, "tg:1"); !ok {
			t.Error("tg:1 is not an admin")
		}
		if ok, _ := s.IsAdmin(ctx, "tg:2"); ok {
			t.Error("tg:2 is an admin")
		}
		// A blocked user who writes again is active again.
		sub, _, _ = s.Touch(ctx, "tg:5", "", "", true)
		if sub.Status != content.StatusActive {
			t.Errorf("status after writing again = %s", sub.Status)
		}
		if _, _, err := s.Touch(ctx, "nocolon", "", "", true); err == nil {
			t.Error("a malformed subscriber id was accepted")
		}
	})
}

func TestDeliveriesAndReads(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b := samples[qingxiMeet]
		dense := map[string]int64{}
		for i, id := range []string{"tg:1", "tg:2", "wx:a", "wx:b", "wecom:c"} {
			sub, _, err := s.Touch(ctx, id, "", "", true)
			if err != nil {
				t.Fatal(err)
			}
			dense[id] = sub.Dense
			if i%2 == 0 {
				if err := s.SetUnit(ctx, id, "县发改局"); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.complete(ctx, b.ID, sub.Dense); err != nil {
				t.Fatal(err)
			}
		}
		pub := b.PublishedAt
		for id, via := range map[string]string{"tg:1": content.ViaButton, "wx:a": content.ViaLink, "wecom:c": content.ViaLink} {
			first, err := s.MarkRead(ctx, b.ID, dense[id], via, pub, pub.Add(90*time.Minute))
			if err != nil || !first {
				t.Fatalf("MarkRead(%s) = %v, %v", id, first, err)
			}
		}
		if first, _ := s.MarkRead(ctx, b.ID, dense["tg:1"], content.ViaLink, pub, pub.Add(5*time.Hour)); first {
			t.Error("a second read counted as first")
		}
		st, err := s.Stats(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Delivered != 5 || st.Read != 3 || st.ReadRate != 0.6 {
			t.Errorf("stats = %+v", st)
		}
		if st.ByPlatform["tg"] != (content.Reach{Delivered: 2, Read: 1}) || st.ByPlatform["wx"] != (content.Reach{Delivered: 2, Read: 1}) || st.ByPlatform["wecom"] != (content.Reach{Delivered: 1, Read: 1}) {
			t.Errorf("by platform = %v", st.ByPlatform)
		}
		if st.ByUnit["县发改局"] != (content.Reach{Delivered: 3, Read: 3}) {
			t.Errorf("by unit = %v", st.ByUnit)
		}
		if st.Via[content.ViaLink] != 2 || st.Via[content.ViaButton] != 1 || st.ByHour[1] != 3 {
			t.Errorf("via = %v, by hour = %v", st.Via, st.ByHour)
		}
		unread, err := s.Unread(ctx, b.ID, "")
		if err != nil || strings.Join(unread, ",") != "tg:2,wx:b" {
			t.Errorf("unread = %v, %v", unread, err)
		}
		if unread, _ := s.Unread(ctx, b.ID, "县发改局"); len(unread) != 0 {
			t.Errorf("unread in 县发改局 = %v", unread)
		}
		hist, err := s.History(ctx, dense["tg:1"])
		if err != nil || len(hist) != 1 || hist[0].BulletinID != b.ID || !hist[0].ReadAt.Equal(pub.Add(90*time.Minute)) {
			t.Errorf("history = %+v, %v", hist, err)
		}
		// Reminders: once per subscriber per bulletin.
		todo, err := s.UnreadNotReminded(ctx, b.ID, "")
		if err != nil || len(todo) != 2 {
			t.Fatalf("to remind = %v, %v", todo, err)
		}
		for _, d := range todo {
			if ok, _ := s.NoteReminded(ctx, b.ID, d); !ok {
				t.Error("first reminder refused")
			}
			if ok, _ := s.NoteReminded(ctx, b.ID, d); ok {
				t.Error("second reminder allowed")
			}
		}
		if todo, _ := s.UnreadNotReminded(ctx, b.ID, ""); len(todo) != 0 {
			t.Errorf("still to remind after reminding: %v", todo)
		}
	})
}

func TestHistoryIsCapped(t *testing.T) {
	s := backends["single"](t)
	ctx := context.Background()
	now := time.Now()
	for i := 0; i < historyLen+7; i++ {
		if _, err := s.MarkRead(ctx, fmt.Sprintf("b-%02d", i), 7, content.ViaLink, now, now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	hist, err := s.History(ctx, 7)
	if err != nil || len(hist) != historyLen || hist[0].BulletinID != fmt.Sprintf("b-%02d", historyLen+6) {
		t.Errorf("history = %d entries, first %+v, %v", len(hist), hist[0], err)
	}
}

func TestQueue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		const plat = "tg"
		if err := s.EnsureQueue(ctx, plat); err != nil {
			t.Fatal(err)
		}
		if err := s.EnsureQueue(ctx, plat); err != nil {
			t.Fatalf("EnsureQueue twice: %v", err)
		}
		var ds []content.Delivery
		for i := 1; i <= 5; i++ {
			ds = append(ds, content.Delivery{BulletinID: "b1", Subscriber: fmt.Sprintf("tg:%d", i), Dense: int64(i), Purpose: content.PurposeBulletin})
		}
		if err := s.Enqueue(ctx, plat, ds); err != nil {
			t.Fatal(err)
		}
		got, err := s.Receive(ctx, plat, "worker-a", 10, 100*time.Millisecond)
		if err != nil || len(got) != 5 || got[0].Subscriber != "tg:1" || got[0].StreamID == "" {
			t.Fatalf("Receive = %+v, %v", got, err)
		}
		// worker-a handles two, fails one (retry), gives up one, dies with one.
		if err := s.Ack(ctx, plat, got[0], got[1]); err != nil {
			t.Fatal(err)
		}
		if err := s.Retry(ctx, plat, got[2], time.Now().Add(-time.Second), "HTTP 502", true); err != nil {
			t.Fatal(err)
		}
		if err := s.DeadLetter(ctx, plat, got[3], "400 Bad Request: chat not found"); err != nil {
			t.Fatal(err)
		}
		st, err := s.QueueStats(ctx, plat)
		if err != nil || st.Pending != 1 || st.Delayed != 1 || st.Dead != 1 || st.Lag != 0 {
			t.Errorf("queue stats = %+v, %v", st, err)
		}
		if n, err := s.PromoteDue(ctx, plat, time.Now()); err != nil || n != 1 {
			t.Fatalf("PromoteDue = %d, %v", n, err)
		}
		retried, err := s.Receive(ctx, plat, "worker-b", 10, 100*time.Millisecond)
		if err != nil || len(retried) != 1 || retried[0].Attempt != 1 || retried[0].LastError != "HTTP 502" || retried[0].Subscriber != "tg:3" {
			t.Fatalf("retried = %+v, %v", retried, err)
		}
		s.Ack(ctx, plat, retried...)
		// worker-a's last delivery is reclaimed by worker-b once idle.
		if rec, _ := s.Reclaim(ctx, plat, "worker-b", time.Hour, 10); len(rec) != 0 {
			t.Errorf("reclaimed a delivery that is not idle long enough: %+v", rec)
		}
		rec, err := s.Reclaim(ctx, plat, "worker-b", 0, 10)
		if err != nil || len(rec) != 1 || rec[0].Subscriber != "tg:5" {
			t.Fatalf("Reclaim = %+v, %v", rec, err)
		}
		dead, err := s.DeadLetters(ctx, plat, 10)
		if err != nil || len(dead) != 1 || dead[0].Reason != "400 Bad Request: chat not found" || dead[0].Delivery.Subscriber != "tg:4" {
			t.Errorf("dead letters = %+v, %v", dead, err)
		}
	})
}

func TestClaimIsIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		claim := func(token string, lease time.Duration) content.Claim {
			cs, subs, err := s.BeginDeliveries(ctx, []content.Delivery{{BulletinID: "b1", Subscriber: "tg:9", Dense: 9}}, []string{"b1"}, []string{token}, lease)
			if err != nil || subs[0] != nil {
				t.Fatalf("BeginDeliveries = %v, %v, %v", cs, subs, err)
			}
			return cs[0]
		}
		if c := claim("a", time.Minute); c != content.ClaimOK {
			t.Fatalf("first claim = %d", c)
		}
		if c := claim("b", time.Minute); c != content.ClaimBusy {
			t.Errorf("claim while leased = %d, want busy", c)
		}
		// Only the holder renews or drops its lease.
		if ok, _ := s.Renew(ctx, "b1", 9, "b", time.Minute); ok {
			t.Error("a stranger renewed the lease")
		}
		if err := s.Release(ctx, "b1", 9, "b"); err != nil {
			t.Fatal(err)
		}
		if c := claim("c", time.Minute); c != content.ClaimBusy {
			t.Errorf("a stranger's release dropped the lease (claim = %d)", c)
		}
		if ok, _ := s.Renew(ctx, "b1", 9, "a", time.Minute); !ok {
			t.Error("the holder could not renew")
		}
		if err := s.Release(ctx, "b1", 9, "a"); err != nil {
			t.Fatal(err)
		}
		if c := claim("d", 50*time.Millisecond); c != content.ClaimOK {
			t.Errorf("claim after release = %d", c)
		}
		// An expired lease is lost to its holder. Kept: the TTL runs in
		// redis-server on its clock (no FastForward there); waiting longer
		// than the 50 ms changes nothing.
		time.Sleep(100 * time.Millisecond)
		if ok, _ := s.Renew(ctx, "b1", 9, "d", time.Minute); ok && !s.Embedded() {
			t.Error("an expired lease was renewed")
		}
		if c := claim("e", time.Minute); c != content.ClaimOK && !s.Embedded() {
			t.Errorf("claim after the lease ran out = %d", c)
		}
		if err := s.complete(ctx, "b1", 9); err != nil {
			t.Fatal(err)
		}
		if c := claim("f", time.Minute); c != content.ClaimDelivered {
			t.Errorf("claim after delivery = %d, want delivered", c)
		}
		if ok, _ := s.isDelivered(ctx, "b1", 9); !ok {
			t.Error("not delivered after Complete")
		}
		// Enqueue marks: a resumed fan-out enqueues only what is new.
		fresh, err := s.MarkEnqueued(ctx, "b1", []int64{1, 2, 3})
		if err != nil || !fresh[0] || !fresh[2] {
			t.Fatalf("MarkEnqueued = %v, %v", fresh, err)
		}
		fresh, _ = s.MarkEnqueued(ctx, "b1", []int64{3, 4})
		if fresh[0] || !fresh[1] {
			t.Errorf("MarkEnqueued again = %v, want [false true]", fresh)
		}
	})
}

func TestMisc(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if ok, _ := s.Once(ctx, "tg:update:42", time.Minute); !ok {
			t.Error("first Once = false")
		}
		if ok, _ := s.Once(ctx, "tg:update:42", time.Minute); ok {
			t.Error("second Once = true")
		}
		type draft struct{ Text string }
		if err := s.SaveSession(ctx, "tg:1", "broadcast", draft{"通知"}, time.Minute); err != nil {
			t.Fatal(err)
		}
		var d draft
		if err := s.LoadSession(ctx, "tg:1", "broadcast", &d); err != nil || d.Text != "通知" {
			t.Errorf("session = %+v, %v", d, err)
		}
		s.DeleteSession(ctx, "tg:1", "broadcast")
		if err := s.LoadSession(ctx, "tg:1", "broadcast", &d); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted session: %v", err)
		}
		if err := s.Audit(ctx, content.AuditEntry{Actor: "tg:1", Action: "broadcast", Detail: map[string]string{"audience": "all"}}); err != nil {
			t.Fatal(err)
		}
		log, err := s.AuditLog(ctx, 5)
		if err != nil || len(log) != 1 || log[0].Actor != "tg:1" || log[0].Detail["audience"] != "all" {
			t.Errorf("audit log = %+v, %v", log, err)
		}
		if ok, _ := s.lease(ctx, "poll:feed", "replica-1", time.Minute); !ok {
			t.Error("free lease not taken")
		}
		if ok, _ := s.lease(ctx, "poll:feed", "replica-2", time.Minute); ok {
			t.Error("held lease taken by another owner")
		}
		if ok, _ := s.lease(ctx, "poll:feed", "replica-1", time.Minute); !ok {
			t.Error("owner could not renew its lease")
		}
	})
}

func TestEmbeddedKeepsDataAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, Config{URL: EmbeddedURL, DataDir: dir}, Deps{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	saveSamples(t, s)
	sub, _, _ := s.Touch(ctx, "tg:9", "李四", "zh", true)
	s.Subscribe(ctx, "tg:9", content.Subscription{Kind: content.SubTopic, Value: "防汛"})
	s.complete(ctx, samples[lanxiTxt].ID, sub.Dense)
	s.MarkRead(ctx, samples[lanxiTxt].ID, sub.Dense, content.ViaLink, time.Now(), time.Now())
	if _, err := Open(ctx, Config{URL: EmbeddedURL, DataDir: dir}, Deps{Logger: quietLogger()}); err == nil {
		t.Error("a second store opened the same data folder")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openEmbedded(t, dir)
	total, _, _ := s.CountBulletins(ctx)
	if total != 3 {
		t.Errorf("after restart: %d bulletins, want 3", total)
	}
	if hits, _, _ := s.Search(ctx, "防汛", 0, 10); len(hits) != 3 {
		t.Errorf("after restart: search finds %d", len(hits))
	}
	got, err := s.Subscriber(ctx, "tg:9")
	if err != nil || got.Name != "李四" || len(got.Subs) != 1 || got.Subs[0].Value != "防汛" {
		t.Errorf("after restart: subscriber = %+v, %v", got, err)
	}
	st, err := s.Stats(ctx, samples[lanxiTxt].ID)
	if err != nil || st.Delivered != 1 || st.Read != 1 {
		t.Errorf("after restart: stats = %+v, %v", st, err)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := map[string]struct {
		url  string
		want string
	}{
		"unreachable":         {"redis://127.0.0.1:1", "cannot reach Redis"},
		"not a url":           {"http://example.com", "not a Redis URL"},
		"empty":               {"", "no Redis address"},
		"one cluster addr":    {"127.0.0.1:1,", "at least two"},
		"sentinel, no master": {"redis-sentinel://127.0.0.1:26379", "names no master"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Open(context.Background(), Config{URL: tc.url, Setting: "--redis"}, Deps{Logger: quietLogger()})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "--redis=") {
				t.Errorf("Open(%q) = %v, want an error starting --redis= and saying %q", tc.url, err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
	_, err := Open(context.Background(), Config{URL: "redis://user:secret@127.0.0.1:1", Setting: "--redis"}, Deps{Logger: quietLogger()})
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("the password shows in the error: %v", err)
	}
}

func TestURLForms(t *testing.T) {
	for _, url := range []string{single.URL(), "unix://" + single.Socket(), single.Addr(), cluster.URL()} {
		t.Run(url, func(t *testing.T) {
			s := openTest(t, url)
			if err := s.Ping(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestRedisGoesAwayAndComesBack(t *testing.T) {
	srv := redistest.Start(t)
	s := openTest(t, srv.URL())
	ctx := context.Background()
	if _, _, err := s.Touch(ctx, "tg:1", "", "", true); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, _, err := s.Touch(tctx, "tg:2", "", "", true); err == nil {
		t.Error("Touch succeeded with Redis down")
	}
	if _, _, err := s.Search(tctx, "防汛", 0, 5); err == nil {
		t.Error("Search succeeded with Redis down")
	}
	srv.Restart(t)
	if _, _, err := s.Touch(ctx, "tg:3", "", "", true); err != nil {
		t.Errorf("no reconnect after Redis came back: %v", err)
	}
}
