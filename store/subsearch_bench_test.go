package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
	"tongbao/store/redistest"
)

// searchBenchSubscribers is how many subscribers BenchmarkSubscriberSearch
// stores.
const searchBenchSubscribers = 100_000

// searchIndexKeys lists every key of the search index (what a store of
// schema version 2 lacks), found from the search keys, so no SCAN of a
// cluster's nodes is needed.
func searchIndexKeys(tb testing.TB, s *Store) []string {
	tb.Helper()
	keys, err := s.rdb.HVals(context.Background(), s.k.subs("sx")).Result()
	if err != nil {
		tb.Fatal(err)
	}
	seen := map[string]bool{}
	index := []string{s.k.subs("sx"), s.k.subs("sord")}
	for _, e := range keys {
		_, k := parseIndexEntry(e)
		for _, g := range searchKeyGrams(k) {
			if !seen[g] {
				seen[g] = true
				index = append(index, s.k.subs("ng", g), s.k.subs("nb", g))
			}
		}
	}
	return index
}

// dropSearchIndex deletes every key of the search index.
func dropSearchIndex(tb testing.TB, s *Store) {
	tb.Helper()
	for index := searchIndexKeys(tb, s); len(index) > 0; {
		n := min(len(index), 1000)
		if err := s.rdb.Del(context.Background(), index[:n]...).Err(); err != nil {
			tb.Fatal(err)
		}
		index = index[n:]
	}
}

// searchIndexMemory is MEMORY USAGE of the index's parts, in bytes: the
// search keys by dense id (sx), in order (sord), the gram postings kept
// as sets (ng) and as bitmaps (nb); and how many postings of each kind.
func searchIndexMemory(tb testing.TB, s *Store) (bytes, keys map[string]int64) {
	tb.Helper()
	ctx := context.Background()
	index := searchIndexKeys(tb, s)
	usage := make([]*redis.IntCmd, len(index))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range index {
			usage[i] = p.MemoryUsage(ctx, k, 0)
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		tb.Fatal(err)
	}
	bytes, keys = map[string]int64{}, map[string]int64{}
	for i, k := range index {
		if usage[i].Err() != nil {
			continue // a gram kept the other way
		}
		part := strings.SplitN(strings.TrimPrefix(k, s.k.subs("")), ":", 2)[0]
		bytes[part] += usage[i].Val()
		keys[part]++
	}
	return bytes, keys
}

// searchPeople generates subscribers as a county's would look: Chinese
// names of 2–4 characters, ids of WeChat (28-character openids), Telegram
// (numbers) and WeCom (pinyin), units of a county's offices and towns, a
// fifth without one.
type searchPeople struct{ rng *rand.Rand }

var (
	benchSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	benchGiven    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国立新文辉红玉萍海燕春梅志鹏飞宇浩然子轩欣怡梓涵一诺佳琪雨萱思远晨阳天佑俊杰博文嘉怡诗涵晓东宏伟丹凤玲金凤晶莉永庆德福振华")
	benchDepts    = []string{"办公室", "发展和改革局", "教育局", "科学技术局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "信访局"}
	benchTowns    = []string{"城关镇", "青石镇", "桃源乡", "白沙镇", "东山乡", "南岭镇", "西河乡", "北湖镇", "龙泉镇", "凤凰乡"}
	benchPinyin   = []string{"zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wei", "fang", "min", "jing", "qiang", "lei", "jun", "yong", "jie", "tao", "ming", "chao"}
)

const openidChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func (p searchPeople) person(i int) (id, name, unit string) {
	r := p.rng
	switch {
	case i%10 < 6:
		b := []byte("o")
		for range 27 {
			b = append(b, openidChars[r.IntN(len(openidChars))])
		}
		id = "wx:" + string(b)
	case i%10 < 9:
		id = fmt.Sprintf("tg:%d", 100_000_000+r.IntN(7_000_000_000))
	default:
		id = fmt.Sprintf("wecom:%s%s%d", benchPinyin[r.IntN(len(benchPinyin))], benchPinyin[r.IntN(len(benchPinyin))], i)
	}
	n := []rune{benchSurnames[r.IntN(len(benchSurnames))]}
	for range 1 + r.IntN(2) {
		n = append(n, benchGiven[r.IntN(len(benchGiven))])
	}
	if r.IntN(50) == 0 {
		n = append(n, benchGiven[r.IntN(len(benchGiven))])
	}
	switch k := r.IntN(10); {
	case k < 2:
	case k < 7:
		unit = "青溪县" + benchDepts[r.IntN(len(benchDepts))]
	default:
		unit = "青溪县" + benchTowns[r.IntN(len(benchTowns))] + []string{"人民政府", "党委办公室", "卫生院", "中心小学"}[r.IntN(4)]
	}
	return id, string(n), unit
}

// BenchmarkSubscriberSearch stores 100,000 generated subscribers through
// Touch and SetUnit on a redis-server of its own and reports what the
// search index costs in Redis memory (INFO used_memory with the index and
// after dropping it), how long building it for existing data takes (the
// schema 3 step), and how long FindSubscribers takes for names, units and
// ids: part of a name nobody has, a surname (everyone's first page), a
// name, a unit, part of an openid, digits. Seeding takes a minute or two,
// so it runs only with TONGBAO_BENCH_LARGE=1.
//
//	TONGBAO_BENCH_LARGE=1 go test -run '^$' -bench SubscriberSearch -timeout 30m ./store
func BenchmarkSubscriberSearch(b *testing.B) {
	needLarge(b)
	ctx := context.Background()
	srv := redistest.Start(b)
	admin := srv.Client(b)
	empty := usedMemory(b, admin)
	s := openTest(b, srv.URL())

	start := time.Now()
	people := make([][3]string, searchBenchSubscribers)
	gen := searchPeople{rand.New(rand.NewPCG(16, 2026))}
	for i := range people {
		id, name, unit := gen.person(i)
		people[i] = [3]string{id, name, unit}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < len(people); i += 16 {
				p := people[i]
				if _, _, err := s.Touch(ctx, p[0], p[1], "zh", true); err != nil {
					errs <- err
					return
				}
				if p[2] != "" {
					if err := s.SetUnit(ctx, p[0], p[2]); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d subscribers in %v", len(people), time.Since(start).Round(time.Second))

	with := usedMemory(b, admin)
	parts, counts := searchIndexMemory(b, s)
	dropSearchIndex(b, s)
	without := usedMemory(b, admin)
	start = time.Now()
	if err := s.indexAllSubscribers(ctx); err != nil {
		b.Fatal(err)
	}
	build := time.Since(start)
	if again := usedMemory(b, admin); again < without {
		b.Fatalf("used_memory after rebuilding the index %d < without it %d", again, without)
	}
	b.Run("memory", func(b *testing.B) {
		b.ReportMetric(float64(with-empty)/1e6, "MB-with-index")
		b.ReportMetric(float64(without-empty)/1e6, "MB-without-index")
		b.ReportMetric(float64(with-without)/1e6, "MB-index")
		b.ReportMetric(float64(with-without)/searchBenchSubscribers, "B-index/subscriber")
		b.ReportMetric(build.Seconds(), "s-build")
		for part, n := range parts {
			b.ReportMetric(float64(n)/1e6, "MB-"+part)
			b.ReportMetric(float64(counts[part]), "keys-"+part)
		}
	})

	openid := people[4242][0][len("wx:o") : len("wx:o")+6] // 4242 is a WeChat subscriber
	queries := []struct {
		name, q string
		status  content.Status
	}{
		{"nobody", "无此人", ""},
		{"surname", "王", ""},
		{"name", people[777][1], ""},
		{"given-pair", "子轩", ""},
		{"unit", "农业农村局", ""},
		{"town", "青石镇", ""},
		{"active-in-town", "卫生院", content.StatusActive},
		{"openid-part", openid, ""},
		{"digits", "2026", ""},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				found, err := s.FindSubscribers(ctx, q.q, q.status, "", 100)
				if err != nil {
					b.Fatal(err)
				}
				n = len(found)
			}
			b.ReportMetric(float64(n), "found")
		})
	}
}
