package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/content"
)

// benchRosterFile is a roster of n people: units 乡镇/镇NN (1,000 people
// each) for the first half, 县直/局NN for the rest, every tenth with a
// phone and a WeCom account.
func benchRosterFile(n int) []byte {
	var b strings.Builder
	b.Grow(n * 64)
	b.WriteString("姓名,单位,职务,手机,企业微信账号\n")
	for i := range n {
		top := "乡镇/镇"
		if i >= n/2 {
			top = "县直/局"
		}
		unit := fmt.Sprintf("%s%02d", top, (i%(n/2))/1000)
		post := "科员"
		if i%1000 == 0 {
			post = "主要负责人"
		}
		phone, wecom := "", ""
		if i%10 == 0 {
			phone, wecom = fmt.Sprintf("138%08d", i), fmt.Sprintf("u%06d", i)
		}
		fmt.Fprintf(&b, "人员%06d,%s,%s,%s,%s\n", i, unit, post, phone, wecom)
	}
	return []byte(b.String())
}

// BenchmarkRosterImport is `tongbao roster import` of 100,000 people into
// an empty roster: read and check the CSV, read the roster, plan, and write
// it in one MULTI (issue 17: ≤ 10 s).
func BenchmarkRosterImport(b *testing.B) {
	file := benchRosterFile(100000)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := openTest(b, single.URL())
		b.StartTimer()
		start := time.Now()
		importRoster(b, s, file)
		b.ReportMetric(time.Since(start).Seconds(), "s/import")
		// The same file again changes nothing.
		b.StopTimer()
		again := time.Now()
		rows, _ := content.ReadRoster(file)
		current, _, err := s.Roster(ctx)
		if err != nil || len(current) != 100000 {
			b.Fatalf("roster after import: %d people, %v", len(current), err)
		}
		if ch := content.PlanRoster(current, rows, content.SourceImport); !ch.Empty() {
			b.Fatalf("re-import would change %d", len(ch.Added)+len(ch.Changed)+len(ch.Removed))
		}
		b.ReportMetric(time.Since(again).Seconds(), "s/reimport-plan")
		b.StartTimer()
	}
}

// BenchmarkRosterResolveUnit resolves the audience "乡镇" — 50,000 people
// in 50 sub-units of a 100,000-person roster, two thirds bound (half of
// them on WeCom and on Telegram, a WeCom account blocked here and there) —
// to one account per person (issue 17: ≤ 200 ms). Besides the wall time it
// reports the Redis server's CPU time, which the load of a shared machine
// does not inflate.
func BenchmarkRosterResolveUnit(b *testing.B) {
	s := benchRoster(b)
	ctx := context.Background()
	aud := content.RosterAudience{Units: []string{"乡镇"}}
	var wall, redisCPU time.Duration
	n := 0
	for b.Loop() {
		cpu := serverCPU(b, s.rdb)
		start := time.Now()
		targets, err := s.ResolveRoster(ctx, aud)
		if err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		redisCPU += serverCPU(b, s.rdb) - cpu
		n++
		bound := 0
		for _, t := range targets {
			if t.Bound {
				bound++
			}
		}
		if len(targets) != 50000 || bound < 33000 || bound > 34000 {
			b.Fatalf("%d people, %d bound", len(targets), bound)
		}
	}
	b.ReportMetric(float64(wall.Microseconds())/1000/float64(n), "ms/resolve")
	b.ReportMetric(float64(redisCPU.Microseconds())/1000/float64(n), "redis-cpu-ms/resolve")
}

// benchRoster is a store with a roster of 100,000 people, two thirds of
// them bound (bindInBulk).
func benchRoster(b *testing.B) *Store {
	s := openTest(b, single.URL())
	rows, err := content.ReadRoster(benchRosterFile(100000))
	if err != nil {
		b.Fatal(err)
	}
	if err := s.ApplyRoster(context.Background(), content.PlanRoster(nil, rows, content.SourceImport), 0); err != nil {
		b.Fatal(err)
	}
	bindInBulk(b, s)
	return s
}

// BenchmarkScopedCount counts the broadcast audience "all" of an admin
// whose scope is 乡镇 (50,000 people of the 100,000, two thirds bound):
// the accounts bound to them, what the preview shows before 确认.
func BenchmarkScopedCount(b *testing.B) {
	s := benchRoster(b)
	ctx := context.Background()
	var wall time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		c, err := s.CountAudience(ctx, "all", []string{"乡镇"})
		if err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		n++
		if c < 33000 || c > 34000 {
			b.Fatalf("counted %d", c)
		}
	}
	b.ReportMetric(float64(wall.Microseconds())/1000/float64(n), "ms/count")
}

// bindInBulk gives two of every three members accounts — WeCom for even
// ids, Telegram for odd — writing subscriber and binding records in
// pipelines of 10,000 (Touch and Bind one at a time would take minutes);
// every hundredth WeCom account is blocked, so the Telegram or nothing is
// chosen.
func bindInBulk(b *testing.B, s *Store) {
	ctx := context.Background()
	people, _, err := s.Roster(ctx)
	if err != nil {
		b.Fatal(err)
	}
	const chunk = 10000
	for from := 0; from < len(people); from += chunk {
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, m := range people[from:min(from+chunk, len(people))] {
				if m.ID%3 == 0 {
					continue
				}
				acc := "tg:" + strconv.FormatInt(m.ID, 10)
				if m.ID%2 == 0 {
					acc = "wecom:m" + strconv.FormatInt(m.ID, 10)
				}
				dense := m.ID
				status := content.StatusActive
				if m.ID%200 == 2 {
					status = content.StatusBlocked
				}
				p.HSet(ctx, s.k.subs("idx"), acc, dense)
				p.SAdd(ctx, s.k.byStatus(status), acc)
				id := strconv.FormatInt(m.ID, 10)
				p.HSet(ctx, s.k.roster("acc"), acc, id)
				p.HSet(ctx, s.k.roster("ma"), id, formatAccounts([]boundAccount{{acc, dense}}))
				p.HSet(ctx, s.k.roster("hist"), id, strconv.FormatInt(dense, 10))
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
