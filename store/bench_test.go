package store

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
	"tongbao/store/redistest"
)

// The benchmarks, against the package's real redis-server. Those
// that need 100,000 stored bulletins or 10^7 read-state pairs take minutes,
// so they run only when TONGBAO_BENCH_LARGE=1 (see BENCHMARKS.md):
//
//	go test -run '^$' -bench 'SaveIndex|MarkRead' ./store
//	TONGBAO_BENCH_LARGE=1 go test -run '^$' -bench . -timeout 30m ./store

// largeEnv enables the benchmarks that take more than a minute.
const largeEnv = "TONGBAO_BENCH_LARGE"

func needLarge(b *testing.B) {
	if os.Getenv(largeEnv) == "" {
		b.Skipf("takes minutes; set %s=1 to run it", largeEnv)
	}
}

// saveBatch is how many bulletins one SaveBulletins call saves.
const saveBatch = 100

// BenchmarkSaveIndex saves and indexes pre-parsed, distinct bulletins into
// an empty store, saveBatch per SaveBulletins call, from one caller and
// from two at once (two ingest runs or replicas). It also reports the Redis
// server's CPU time per bulletin. Target: ≥ 1,000 bulletins/s.
func BenchmarkSaveIndex(b *testing.B) {
	for _, callers := range []int{1, 2} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) { benchmarkSave(b, callers) })
	}
}

func benchmarkSave(b *testing.B, callers int) {
	ctx := context.Background()
	s := openTest(b, single.URL())
	bs := newCorpusGen(b).bulletins(1, 0, b.N, time.Date(2020, 1, 1, 8, 0, 0, 0, content.Shanghai), time.Hour)
	batches := make(chan []*content.Bulletin, len(bs)/saveBatch+1)
	for i := 0; i < len(bs); i += saveBatch {
		batches <- bs[i:min(i+saveBatch, len(bs))]
	}
	close(batches)
	var fresh atomic.Int64
	cpu := serverCPU(b, s.rdb)
	b.ResetTimer()
	start := time.Now()
	err := saveAll(ctx, s, callers, batches, &fresh)
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "bulletins/s")
	b.ReportMetric(float64(serverCPU(b, s.rdb)-cpu)/float64(time.Microsecond)/float64(b.N), "redis-µs/bulletin")
	b.ReportMetric(100*float64(fresh.Load())/float64(b.N), "%new")
	if fresh.Load() < int64(b.N)*95/100 {
		b.Fatalf("only %d of %d generated bulletins were stored as new", fresh.Load(), b.N)
	}
}

// saveAll saves the batches from callers goroutines and adds the number
// stored as new to fresh.
func saveAll(ctx context.Context, s *Store, callers int, batches <-chan []*content.Bulletin, fresh *atomic.Int64) error {
	// The store picks its word cutter on first use without a lock; pick it
	// before the callers race for it.
	if _, err := s.segmenter(); err != nil {
		return err
	}
	return inParallel(callers, func(int) error {
		for bs := range batches {
			res, err := s.SaveBulletins(ctx, bs)
			if err != nil {
				return err
			}
			fresh.Add(int64(countNew(res)))
		}
		return nil
	})
}

// inParallel runs fn on n goroutines, numbered from 0, and returns their
// errors joined.
func inParallel(n int, fn func(worker int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() { errs[w] = fn(w) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func countNew(res []content.SaveResult) int {
	n := 0
	for _, r := range res {
		if r.New {
			n++
		}
	}
	return n
}

// BenchmarkSearchTwoTerms runs two-word AND searches among 100,000 stored
// bulletins, with words many documents contain and rarer ones. Target:
// p99 ≤ 10 ms.
func BenchmarkSearchTwoTerms(b *testing.B) {
	s := largeCorpus(b)
	ctx := context.Background()
	for _, tc := range []struct{ name, query string }{
		{"common", "防汛 安全生产"},
		{"medium", "人才 招大引强"},
		{"rare", "安全生产 山东"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			hits, total, err := s.Search(ctx, tc.query, 0, 10)
			if err != nil || len(hits) == 0 {
				b.Fatalf("Search(%q) = %d hits, %v", tc.query, len(hits), err)
			}
			lat := make([]time.Duration, 0, b.N)
			cpu := serverCPU(b, s.rdb)
			for b.Loop() {
				start := time.Now()
				if _, _, err := s.Search(ctx, tc.query, 0, 10); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			reportLatency(b, lat, serverCPU(b, s.rdb)-cpu)
			b.ReportMetric(float64(total), "matches")
		})
	}
}

// reportLatency reports the median and 99th percentile of per-call times
// and the Redis server's CPU time per call.
func reportLatency(b *testing.B, lat []time.Duration, serverTime time.Duration) {
	slices.Sort(lat)
	at := func(q float64) float64 {
		i := min(int(math.Ceil(q*float64(len(lat))))-1, len(lat)-1)
		return float64(lat[max(i, 0)]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(float64(serverTime)/float64(time.Microsecond)/float64(len(lat)), "redis-µs/op")
}

// markReaders is how many goroutines mark reads at once.
const markReaders = 32

// BenchmarkMarkRead marks first reads of distinct (bulletin, subscriber)
// pairs from 32 goroutines, each mark one round trip. Target: ≥ 30,000
// marks/s.
func BenchmarkMarkRead(b *testing.B) {
	ctx := context.Background()
	s := openTest(b, single.URL())
	ids := make([]string, 100)
	for j := range ids {
		ids[j] = fmt.Sprintf("20240101-%08x", j)
	}
	published := time.Now().Add(-3 * time.Hour)
	var next, firsts atomic.Int64
	cpu := serverCPU(b, s.rdb)
	b.ResetTimer()
	start := time.Now()
	err := inParallel(markReaders, func(int) error {
		for {
			i := next.Add(1) - 1
			if i >= int64(b.N) {
				return nil
			}
			// Subscriber i/len(ids) reads every bulletin in turn, so the
			// history logs fill up and get capped as in service.
			first, err := s.MarkRead(ctx, ids[i%int64(len(ids))], i/int64(len(ids))+1, content.ViaLink, published, time.Now())
			if err != nil {
				return err
			}
			if first {
				firsts.Add(1)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if firsts.Load() != int64(b.N) {
		b.Fatalf("%d of %d marks were first reads, want all", firsts.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "marks/s")
	b.ReportMetric(float64(serverCPU(b, s.rdb)-cpu)/float64(time.Microsecond)/float64(b.N), "redis-µs/mark")
}

// corpusGen makes distinct, realistic bulletins cheaply from parsed
// samples: each takes a sample's structure (kind, meeting, title, opening
// paragraph), keeps a shuffled selection of its other paragraphs, adds a
// paragraph or two of another sample, renames the place, and swaps about
// half the words for dictionary words drawn by their frequency — so word
// statistics stay plausible (common words common, a long tail of rare
// ones) while no two texts are near duplicates.
type corpusGen struct {
	templates []weighted
	all       []*template
	words     []string // the segmentation dictionary's words
	cum       []uint64 // cumulative frequencies of words
}

// template is a parsed sample with its paragraphs cut into words.
type template struct {
	b     *content.Bulletin
	paras [][]piece
}

// weighted is a template with the kind its variants get and how often
// it is picked.
type weighted struct {
	t      *template
	kind   content.Kind
	weight float64
}

// piece is a run of paragraph text: a word that may be swapped, or the
// text between words.
type piece struct {
	text string
	word bool
}

// places rename the samples' places.
var places = []string{"兰溪", "青溪", "东阳", "义乌", "永康", "武义", "浦江", "磐安", "金东", "婺城",
	"龙游", "江山", "常山", "开化", "衢江", "柯城", "建德", "淳安", "桐庐", "富阳"}

// renamed are the samples' place names that variants replace.
var renamed = []string{"兰溪", "青溪", "东阳", "梅溪", "河西", "山坪"}

// swapRate is the share of words replaced by a dictionary word.
const swapRate = 0.5

// The templates: the seed samples (already parsed by the suite) and the
// content package's extra ones, with the share of the corpus made from
// each as its own kind: about 30% are meetings (a third of them 常委会),
// 30% notices and, besides, 40% news made from any template (the safety
// inspection, news already, only that way).
var templateFiles = []struct {
	name   string
	weight float64
}{
	{lanxiTxt, 0.05},
	{"extra/meixi-2023-03-15-county-committee.html", 0.05},
	{qingxiMeet, 0.10},
	{"extra/dongyang-2023-07-20-executive.txt", 0.10},
	{qingxiFlood, 0.10},
	{"extra/hexi-2023-11-02-land-announcement.txt", 0.20},
	{"extra/shanping-2024-01-10-safety-inspection.txt", 0},
}

// newsShare is the share of the corpus that is news.
const newsShare = 0.40

// benchCorpusGen is built once per test binary (the dictionary takes a
// second to read).
var benchCorpusGen = sync.OnceValues(buildCorpusGen)

func newCorpusGen(b *testing.B) *corpusGen {
	b.Helper()
	g, err := benchCorpusGen()
	if err != nil {
		b.Fatal(err)
	}
	return g
}

func buildCorpusGen() (*corpusGen, error) {
	seg, err := content.DefaultSegmenter()
	if err != nil {
		return nil, err
	}
	g := &corpusGen{}
	parser := content.NewParser(content.ParserConfig{}, content.ParserDeps{Segmenter: seg})
	for _, f := range templateFiles {
		sample := samples[f.name]
		if sample == nil {
			data, err := os.ReadFile(filepath.Join("../content/testdata", f.name))
			if err != nil {
				return nil, err
			}
			if sample, err = parser.Parse(content.Input{Data: data, Name: f.name}); err != nil {
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
		}
		t := &template{b: sample}
		for _, p := range sample.Paragraphs {
			var ps []piece
			rest := p
			for _, w := range seg.Words(p) {
				i := strings.Index(rest, w)
				if i < 0 {
					continue // lower-cased ASCII: leave it in the text
				}
				ps = append(ps, piece{text: rest[:i]}, piece{text: w, word: true})
				rest = rest[i+len(w):]
			}
			t.paras = append(t.paras, append(ps, piece{text: rest}))
		}
		g.all = append(g.all, t)
		if f.weight > 0 {
			g.templates = append(g.templates, weighted{t, sample.Kind, f.weight})
		}
	}
	for _, t := range g.all {
		g.templates = append(g.templates, weighted{t, content.KindNews, newsShare / float64(len(g.all))})
	}
	return g, g.loadDictionary("../content/dict/zh_s.txt.gz")
}

// loadDictionary reads the segmentation dictionary's words and
// frequencies ("word freq pos" lines, gzipped).
func (g *corpusGen) loadDictionary(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	sc := bufio.NewScanner(zr)
	var total uint64
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		freq, err := strconv.ParseUint(fields[1], 10, 64)
		if err != nil || freq == 0 {
			continue
		}
		total += freq
		g.words = append(g.words, fields[0])
		g.cum = append(g.cum, total)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(g.words) == 0 {
		return fmt.Errorf("%s: no words", path)
	}
	return nil
}

// word draws a dictionary word by its frequency.
func (g *corpusGen) word(rng *rand.Rand) string {
	x := rng.Uint64N(g.cum[len(g.cum)-1])
	i, _ := slices.BinarySearch(g.cum, x+1)
	return g.words[i]
}

// bulletins makes n bulletins, the i-th (counting from first) published
// at from + i*step. The same seed and index give the same bulletin.
func (g *corpusGen) bulletins(seed uint64, first, n int, from time.Time, step time.Duration) []*content.Bulletin {
	out := make([]*content.Bulletin, n)
	for k := range out {
		i := first + k
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		r := rng.Float64()
		pick := g.templates[len(g.templates)-1]
		for _, w := range g.templates {
			if r < w.weight {
				pick = w
				break
			}
			r -= w.weight
		}
		out[k] = g.variant(rng, pick.t, pick.kind, from.Add(time.Duration(i)*step), i)
	}
	return out
}

func (g *corpusGen) variant(rng *rand.Rand, t *template, kind content.Kind, at time.Time, i int) *content.Bulletin {
	place := places[rng.IntN(len(places))]
	var pairs []string
	for _, old := range renamed {
		pairs = append(pairs, old, place)
	}
	rename := strings.NewReplacer(pairs...)
	paras := []string{g.render(rng, t.paras[0])}
	rest := slices.Clone(t.paras[1:])
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	for _, p := range rest[:len(rest)/2+rng.IntN(len(rest)/2+1)] {
		paras = append(paras, g.render(rng, p))
	}
	for range 1 + rng.IntN(2) {
		other := g.all[rng.IntN(len(g.all))]
		paras = append(paras, g.render(rng, other.paras[rng.IntN(len(other.paras))]))
	}
	for j, p := range paras {
		paras[j] = rename.Replace(p)
	}
	b := *t.b
	b.Kind = kind
	b.Paragraphs = paras
	b.PublishedAt = at
	b.Title = rename.Replace(t.b.Title)
	b.Source = rename.Replace(t.b.Source)
	b.Summary = rename.Replace(t.b.Summary)
	b.URL = fmt.Sprintf("https://www.%s.gov.cn/art/%d.html", place, i)
	b.Meeting = nil
	switch {
	case kind == content.KindMeeting:
		m := *t.b.Meeting
		m.Organ = rename.Replace(m.Organ)
		b.Meeting = &m
	case kind == content.KindNews && t.b.Kind != content.KindNews:
		b.Title = []string{"要闻", "动态", "简讯"}[rng.IntN(3)] + "：" + firstRunes(paras[0], 24)
	}
	b.Fingerprint = content.MakeFingerprint(b.Text())
	b.ID = at.Format("20060102") + "-" + b.Fingerprint.Exact[:8]
	return &b
}

// render writes a paragraph with about swapRate of its words replaced.
func (g *corpusGen) render(rng *rand.Rand, ps []piece) string {
	var sb strings.Builder
	for _, p := range ps {
		if p.word && rng.Float64() < swapRate {
			sb.WriteString(g.word(rng))
		} else {
			sb.WriteString(p.text)
		}
	}
	return sb.String()
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// corpusSize is how many bulletins the latency benchmarks search.
const corpusSize = 100_000

// The store holding corpusSize bulletins, loaded once per test binary and
// shared by the benchmarks that read it.
var (
	corpusOnce  sync.Once
	corpusStore *Store
	corpusErr   error
)

// largeCorpus loads the corpus the first time it is called (a few minutes;
// it logs the load rate and the document frequencies of the searched
// words) and returns its store.
func largeCorpus(b *testing.B) *Store {
	b.Helper()
	needLarge(b)
	corpusOnce.Do(func() { corpusStore, corpusErr = loadCorpus(b) })
	if corpusErr != nil {
		b.Fatal(corpusErr)
	}
	return corpusStore
}

// loadCorpus saves corpusSize generated bulletins, ten years of them, into
// a store of its own on the package's server: two goroutines generate,
// two save (saveBatch per call). The store stays open until the test
// binary ends.
func loadCorpus(b *testing.B) (*Store, error) {
	ctx := context.Background()
	s, err := Open(ctx, Config{URL: single.URL(), Prefix: "bench100k:"}, Deps{Logger: quietLogger()})
	if err != nil {
		return nil, err
	}
	gen := newCorpusGen(b)
	from := time.Date(2015, 1, 1, 9, 0, 0, 0, content.Shanghai)
	step := 10 * 365 * 24 * time.Hour / corpusSize
	batches := make(chan []*content.Bulletin, 8)
	var next atomic.Int64
	var generators sync.WaitGroup
	for range 2 {
		generators.Go(func() {
			for {
				first := int(next.Add(saveBatch)) - saveBatch
				if first >= corpusSize {
					return
				}
				batches <- gen.bulletins(2, first, min(saveBatch, corpusSize-first), from, step)
			}
		})
	}
	go func() { generators.Wait(); close(batches) }()
	var fresh atomic.Int64
	cpu := serverCPU(b, s.rdb)
	start := time.Now()
	if err := saveAll(ctx, s, 2, batches, &fresh); err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	if fresh.Load() < corpusSize*95/100 {
		return nil, fmt.Errorf("only %d of %d generated bulletins were stored as new", fresh.Load(), corpusSize)
	}
	_, byKind, err := s.CountBulletins(ctx)
	if err != nil {
		return nil, err
	}
	dfs := map[string]int64{}
	for _, w := range []string{"防汛", "安全生产", "人才", "招大引强", "山东"} {
		if dfs[w], err = s.rdb.ZCard(ctx, s.k.cat("ix", w)).Result(); err != nil {
			return nil, err
		}
	}
	b.Logf("corpus: %d bulletins (%d new) in %v, %.0f/s, Redis %.0f µs each; by kind %v; documents per word %v",
		corpusSize, fresh.Load(), elapsed.Round(time.Second), corpusSize/elapsed.Seconds(),
		float64(serverCPU(b, s.rdb)-cpu)/float64(time.Microsecond)/corpusSize, byKind, dfs)
	return s, nil
}

// Read-state memory: every subscriber received every bulletin and read
// half of them.
const (
	memSubscribers = 100_000
	memBulletins   = 100
)

// BenchmarkReadStateMemory measures what the delivery and read state of
// 100,000 subscribers × 100 bulletins, all delivered and half read, costs
// in Redis, on a fresh server of its own: the per-bulletin keys ({b:ID}
// bitmaps and counters) by MEMORY USAGE, the subscribers' history logs
// (h:DENSE) the same way, and the whole by INFO memory. Target: ≤ 2.5 bits
// per (subscriber × bulletin); two bitmaps are 2.
//
// The subscribers' dense ids are 1…100,000, as the store hands them out;
// their records are not created, since the state measured is keyed by
// dense id only. The measurement takes minutes, so it is made once per
// test binary however often the benchmark runs.
func BenchmarkReadStateMemory(b *testing.B) {
	needLarge(b)
	readStateOnce.Do(func() { readStateFigures = measureReadState(b) })
	if readStateFigures == nil {
		b.Fatal("the read-state measurement failed in an earlier run")
	}
	for _, unit := range slices.Sorted(maps.Keys(readStateFigures)) {
		b.ReportMetric(readStateFigures[unit], unit)
	}
}

var (
	readStateOnce    sync.Once
	readStateFigures map[string]float64 // by ReportMetric unit
)

func measureReadState(b *testing.B) map[string]float64 {
	ctx := context.Background()
	srv := redistest.Start(b)
	admin := srv.Client(b)
	before := usedMemory(b, admin)
	s := openTest(b, srv.URL())

	published := time.Date(2024, 6, 1, 9, 0, 0, 0, content.Shanghai)
	ids := make([]string, memBulletins)
	for j := range ids {
		ids[j] = fmt.Sprintf("%s-%08x", published.AddDate(0, 0, j).Format("20060102"), j)
	}
	start := time.Now()
	if err := deliverAll(s, ids); err != nil {
		b.Fatal(err)
	}
	b.Logf("delivered %d pairs in %v", memSubscribers*memBulletins, time.Since(start).Round(time.Second))
	start = time.Now()
	if err := readHalf(s, ids, published); err != nil {
		b.Fatal(err)
	}
	b.Logf("marked %d reads in %v", memSubscribers*memBulletins/2, time.Since(start).Round(time.Second))

	for _, id := range []string{ids[0], ids[memBulletins-1]} {
		st, err := s.Stats(ctx, id)
		if err != nil || st.Delivered != memSubscribers || st.Read < memSubscribers*4/10 || st.Read > memSubscribers*6/10 {
			b.Fatalf("Stats(%s) = %+v, %v; want all %d delivered, about half read", id, st, err, memSubscribers)
		}
	}
	parts := keyMemory(b, s)
	if parts["other"] != 0 {
		b.Fatalf("%d bytes in keys that are neither per-bulletin state nor history", parts["other"])
	}
	// INFO memory counts client buffers too: measure with only the admin
	// connection open, as before.
	s.Close()
	// redis-server tells nobody when a client leaves: ask again. The
	// deadline only stops a broken benchmark.
	for deadline := time.Now().Add(2 * time.Minute); infoField(b, admin, "clients", "connected_clients") > 1; {
		if time.Now().After(deadline) {
			b.Fatal("the store's connections did not close")
		}
		time.Sleep(10 * time.Millisecond)
	}
	used := usedMemory(b, admin) - before

	state := parts["dlv"] + parts["read"] + parts["stats"]
	bitsPerPair := func(bytes int64) float64 { return 8 * float64(bytes) / (memSubscribers * memBulletins) }
	return map[string]float64{
		"bits/pair-state":       bitsPerPair(state),
		"bits/pair-all":         bitsPerPair(state + parts["history"]),
		"bits/pair-used_memory": bitsPerPair(used),
		"B/bulletin-dlv":        float64(parts["dlv"]) / memBulletins,
		"B/bulletin-read":       float64(parts["read"]) / memBulletins,
		"B/bulletin-stats":      float64(parts["stats"]) / memBulletins,
		"B/subscriber-history":  float64(parts["history"]) / memSubscribers,
		"MB-used_memory":        float64(used) / 1e6,
	}
}

// deliverAll records every subscriber as delivered for every bulletin,
// each bulletin in its own random order as a fan-out's senders would. Each
// bulletin's bitmaps are first sized as its fan-out sizes them (the
// audience is everyone); then it sets the bit Complete sets, on the same
// key, but pipelined, since 10^7 single round trips would take minutes;
// Complete's other work does nothing here (no lease to drop, no retention
// set).
func deliverAll(s *Store, ids []string) error {
	ctx := context.Background()
	var next atomic.Int64
	return inParallel(4, func(int) error {
		for j := int(next.Add(1) - 1); j < len(ids); j = int(next.Add(1) - 1) {
			if err := s.presizeBitmaps(ctx, ids[j], memSubscribers, memSubscribers); err != nil {
				return err
			}
			key := s.k.perBulletin(ids[j], "dlv")
			order := rand.New(rand.NewPCG(3, uint64(j))).Perm(memSubscribers)
			for c := 0; c < len(order); c += 10_000 {
				if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
					for _, d := range order[c:min(c+10_000, len(order))] {
						p.SetBit(ctx, key, int64(d+1), 1)
					}
					return nil
				}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// readHalf has every subscriber read a random half of the bulletins,
// through MarkRead itself from 64 goroutines, at times spread over the
// hours after publication, a third by button and the rest by link.
func readHalf(s *Store, ids []string, published time.Time) error {
	ctx := context.Background()
	var next atomic.Int64
	return inParallel(64, func(w int) error {
		rng := rand.New(rand.NewPCG(5, uint64(w)))
		for d := next.Add(1); d <= memSubscribers; d = next.Add(1) {
			for _, j := range rng.Perm(len(ids))[:len(ids)/2] {
				pub := published.AddDate(0, 0, j)
				at := pub.Add(time.Duration(rng.ExpFloat64() * float64(12*time.Hour)))
				via := content.ViaLink
				if rng.IntN(3) == 0 {
					via = content.ViaButton
				}
				if _, err := s.MarkRead(ctx, ids[j], d, via, pub, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// keyMemory sums MEMORY USAGE over every key of the store, by part: the
// per-bulletin state ({b:ID}:dlv, read, stats), the history logs (h:DENSE)
// and anything else ("other").
func keyMemory(b *testing.B, s *Store) map[string]int64 {
	ctx := context.Background()
	var keys []string
	iter := s.rdb.Scan(ctx, 0, s.k.p+"*", 10_000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		b.Fatal(err)
	}
	usage := make([]*redis.IntCmd, len(keys))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			usage[i] = p.MemoryUsage(ctx, k, 0)
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	parts := map[string]int64{}
	for i, k := range keys {
		part := "other"
		switch rest := strings.TrimPrefix(k, s.k.p); {
		case strings.HasPrefix(rest, "{b:"):
			if _, p, ok := strings.Cut(rest, "}:"); ok && (p == "dlv" || p == "read" || p == "stats") {
				part = p
			}
		case strings.HasPrefix(rest, "h:"):
			part = "history"
		}
		parts[part] += usage[i].Val()
	}
	return parts
}

// usedMemory is INFO memory's used_memory, in bytes.
func usedMemory(b *testing.B, rdb redis.UniversalClient) int64 {
	return int64(infoField(b, rdb, "memory", "used_memory"))
}

// serverCPU is the CPU time the Redis server has used, from INFO cpu.
func serverCPU(b *testing.B, rdb redis.UniversalClient) time.Duration {
	sec := infoField(b, rdb, "cpu", "used_cpu_user") + infoField(b, rdb, "cpu", "used_cpu_sys")
	return time.Duration(sec * float64(time.Second))
}

// infoField reads one numeric field of an INFO section.
func infoField(b *testing.B, rdb redis.UniversalClient, section, field string) float64 {
	info, err := rdb.Info(context.Background(), section).Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.Fatalf("INFO %s: %s: %v", section, field, err)
			}
			return n
		}
	}
	b.Fatalf("INFO %s has no %s", section, field)
	return 0
}
