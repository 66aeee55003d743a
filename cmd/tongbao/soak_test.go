package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tongbao/bot/telegram/telegramtest"
	"tongbao/bot/wechat/wechattest"
	"tongbao/content"
)

// BenchmarkSoak runs a `tongbao serve` child process for a long time at a
// county's scale against the fake Bot API and samples it: the child's RSS
// (VmRSS) and goroutines and Go heap (its /metrics), Redis's used_memory,
// and the p99 answer time of each sample window. Only the child is
// measured: the fake, the load and the sampler live in the benchmark's own
// process.
//
// The load: TONGBAO_SOAK_SUBSCRIBERS Telegram subscribers (20,000) who
// receive every bulletin (paid broadcasts: 1,000 messages/s); a new
// bulletin every TONGBAO_SOAK_BULLETIN_EVERY (1m) through the admin upload
// API; 50 questions a second: TONGBAO_SOAK_TG_QPS (20) from 500 Telegram
// users who subscribe to nothing, each timed from the update to the first
// message the fake receives for that user, and TONGBAO_SOAK_WX_QPS (30)
// from 500 WeChat users (encrypted callbacks), each timed to its passive
// reply; and TONGBAO_SOAK_READ_SHARE (0.2) of the pushes read by a GET of
// their personal /r/ link. Telegram lets a bot send 30 messages a second
// in all (paid broadcasts lift only broadcasts): 50 answers a second on
// Telegram alone would queue without end, hence the split.
//
// It runs only when TONGBAO_SOAK is set, to the duration (or 1 for 30m):
//
//	TONGBAO_SOAK=30m go test -run XXX -bench Soak -timeout 0 ./cmd/tongbao
//
// Every TONGBAO_SOAK_SAMPLE (15s) it adds a row to soak.csv and at the
// end draws soak.svg, both in TONGBAO_SOAK_OUT (scripts/soak). It reports
// each series' final value and its growth after the warm-up (the first 20%
// of the run): the median of the last fifth of the run against the median
// of the fifth after the warm-up, in percent (target ≤ 10).
func BenchmarkSoak(b *testing.B) {
	spec := os.Getenv("TONGBAO_SOAK")
	if spec == "" {
		b.Skip("set TONGBAO_SOAK to a duration (TONGBAO_SOAK=30m) to run the soak")
	}
	dur := 30 * time.Minute
	if spec != "1" {
		d, err := time.ParseDuration(spec)
		if err != nil || d <= 0 {
			b.Fatalf("TONGBAO_SOAK=%q: want a duration such as 30m", spec)
		}
		dur = d
	}
	cfg := soakConfig{
		duration:      dur,
		subscribers:   envInt(b, "TONGBAO_SOAK_SUBSCRIBERS", 20000),
		tgQPS:         envInt(b, "TONGBAO_SOAK_TG_QPS", 20),
		wxQPS:         envInt(b, "TONGBAO_SOAK_WX_QPS", 30),
		askers:        500,
		bulletinEvery: envDuration(b, "TONGBAO_SOAK_BULLETIN_EVERY", time.Minute),
		sampleEvery:   envDuration(b, "TONGBAO_SOAK_SAMPLE", 15*time.Second),
		readShare:     0.2,
		out:           filepath.Join("..", "..", "scripts", "soak"),
	}
	if v := os.Getenv("TONGBAO_SOAK_READ_SHARE"); v != "" {
		if _, err := fmt.Sscan(v, &cfg.readShare); err != nil {
			b.Fatalf("TONGBAO_SOAK_READ_SHARE=%q: %v", v, err)
		}
	}
	if v := os.Getenv("TONGBAO_SOAK_OUT"); v != "" {
		cfg.out = v
	}
	samples := runSoak(b, cfg)
	if len(samples) < 5 {
		b.Fatalf("%d samples: run longer than 5 sample periods", len(samples))
	}
	if err := os.WriteFile(filepath.Join(cfg.out, "soak.svg"), soakSVG(samples, cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	last := samples[len(samples)-1]
	for _, s := range soakSeries {
		g := growth(samples, dur, s.get)
		b.ReportMetric(g, s.name+"-growth-%")
		b.ReportMetric(s.get(last), s.name+"-final")
		b.Logf("%-14s final %10.2f %-3s growth after warm-up %+6.1f%%", s.name, s.get(last), s.unit, g)
	}
	var q, a, unanswered, pushes, reads, readErrs int
	for _, s := range samples {
		q += s.Questions
		a += s.Answers
		unanswered += s.Unanswered
		pushes += s.Pushes
		reads += s.Reads
		readErrs += s.ReadErrors
	}
	b.ReportMetric(float64(q)/dur.Seconds(), "questions/s")
	b.ReportMetric(float64(pushes)/dur.Seconds(), "pushes/s")
	b.ReportMetric(float64(reads)/dur.Seconds(), "reads/s")
	b.Logf("%d questions, %d answered, %d unanswered after 60 s; %d pushes; %d reads (%d failed)", q, a, unanswered, pushes, reads, readErrs)
}

// soakConfig is one soak's load.
type soakConfig struct {
	duration      time.Duration
	subscribers   int
	tgQPS, wxQPS  int // questions a second on Telegram and on WeChat
	askers        int
	bulletinEvery time.Duration
	sampleEvery   time.Duration
	readShare     float64
	out           string
}

// soakSample is one sample window.
type soakSample struct {
	At             time.Duration // since the start of the load
	RSSMiB         float64       // the child's VmRSS
	Goroutines     float64       // go_goroutines
	HeapMiB        float64       // go_memstats_heap_alloc_bytes
	RedisMiB       float64       // used_memory
	TGp99ms        float64       // Telegram answer time, p99 of the window's answers
	WXp99ms        float64       // WeChat passive reply time, p99 of the window's
	Sent           int           // messages the fake Bot API received in the window
	Questions      int           // asked in the window
	Answers        int           // answered in the window
	Unanswered     int           // Telegram questions given up after 60 s, WeChat ones that failed
	Bulletins      int           // new bulletins uploaded in the window
	Pushes         int           // pushed messages the fake received in the window
	Reads          int           // /r/ links read in the window
	ReadErrors     int           // /r/ reads that failed
	BulletinsTotal int           // total new bulletins so far
}

// soakSeries are the series the soak judges, with how to read them.
var soakSeries = []struct {
	name, unit string
	get        func(soakSample) float64
}{
	{"rss", "MiB", func(s soakSample) float64 { return s.RSSMiB }},
	{"goroutines", "", func(s soakSample) float64 { return s.Goroutines }},
	{"heap", "MiB", func(s soakSample) float64 { return s.HeapMiB }},
	{"redis", "MiB", func(s soakSample) float64 { return s.RedisMiB }},
	{"p99-tg", "ms", func(s soakSample) float64 { return s.TGp99ms }},
	{"p99-wx", "ms", func(s soakSample) float64 { return s.WXp99ms }},
}

// growth compares the median of the last fifth of the run with the median
// of the fifth after the warm-up (the first fifth), in percent.
func growth(samples []soakSample, dur time.Duration, get func(soakSample) float64) float64 {
	median := func(from, to time.Duration) float64 {
		var v []float64
		for _, s := range samples {
			if s.At > from && s.At <= to {
				v = append(v, get(s))
			}
		}
		if len(v) == 0 {
			return 0
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	base := median(dur/5, 2*dur/5)
	final := median(4*dur/5, dur+time.Hour)
	if base == 0 {
		return 0
	}
	return (final - base) / base * 100
}

// runSoak sets up the store, starts the child and the load, and samples
// until the duration has passed.
func runSoak(b *testing.B, cfg soakConfig) []soakSample {
	bin := filepath.Join(b.TempDir(), "tongbao")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		b.Fatalf("go build: %v", err)
	}
	e := newEnv()
	fake := telegramEnv(b, e)
	wxFake := wechatEnv(b, e, testAESKey)
	addr := freeAddr(b)
	base := "http://" + addr
	e["TONGBAO_PUBLIC_URL"] = base // the pushed links point at the child
	e["TONGBAO_TELEGRAM_PAID_BROADCAST"] = "true"
	e["TONGBAO_ADMIN_TOKEN"] = "soak-admin-token"
	st := e.store(b)
	addSubscribers(b, st, "tg", "", 100001, cfg.subscribers)
	askers := make(chan int64, cfg.askers)
	for i := range cfg.askers {
		id := int64(900000 + i)
		sid := "tg:" + strconv.FormatInt(id, 10)
		if _, _, err := st.Touch(context.Background(), sid, "", "zh", true); err != nil {
			b.Fatal(err)
		}
		if _, err := st.Unsubscribe(context.Background(), sid, content.Subscription{Kind: "all"}); err != nil {
			b.Fatal(err)
		}
		askers <- id
	}

	logFile, err := os.CreateTemp("", "tongbao-soak-*.log")
	if err != nil {
		b.Fatal(err)
	}
	defer logFile.Close()
	fmt.Fprintf(os.Stderr, "soak: serve's log is %s\n", logFile.Name())
	child := exec.Command(bin, "serve", "--listen", addr)
	for k, v := range e {
		child.Env = append(child.Env, k+"="+v)
	}
	child.Env = append(child.Env, "PATH="+os.Getenv("PATH"))
	child.Stdout, child.Stderr = logFile, logFile
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	defer func() {
		child.Process.Signal(syscall.SIGTERM)
		<-exited
	}()
	waitUntil(b, "serve's /readyz", func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})

	rdb := redis.NewClient(&redis.Options{Addr: redisServer.Addr()})
	defer rdb.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu           sync.Mutex
		pending      = map[int64]time.Time{} // asker -> when the question went out
		latencies    []float64               // this window's Telegram answer times, ms
		wxLatencies  []float64               // this window's WeChat reply times, ms
		w            soakSample              // this window's counts
		total        atomic.Int64            // new bulletins
		wxFailures   = map[string]int{}      // why WeChat questions got no answer
		tgUnanswered int                     // Telegram questions given up
		wxLater      = map[string]int{}      // WeChat questions answered by customer-service messages, by question
		wxLaterTo    = map[string]int{}      // … by asker's openid
		wg           sync.WaitGroup
	)
	links := make(chan string, 1024)
	linkRE := regexp.MustCompile(regexp.QuoteMeta(base) + `/r/[^\s"'<>]+`)
	questions := soakQuestions

	// The watcher follows what the fake receives: answers end a question,
	// pushes may be read.
	wg.Add(1)
	go func() {
		defer wg.Done()
		seen := 0
		rng := rand.New(rand.NewPCG(1, 2))
		for {
			var batch []telegramtest.SentMessage
			if fake.Await(ctx, func() bool { batch = fake.SentSince(seen); return len(batch) > 0 }) != nil {
				return
			}
			seen += len(batch)
			mu.Lock()
			w.Sent += len(batch)
			mu.Unlock()
			for _, m := range batch {
				mu.Lock()
				asked, ok := pending[m.ChatID]
				if ok {
					delete(pending, m.ChatID)
					latencies = append(latencies, float64(m.At.Sub(asked).Microseconds())/1000)
					w.Answers++
				}
				mu.Unlock()
				if ok {
					askers <- m.ChatID
					continue
				}
				link := linkRE.FindString(m.Text)
				for _, btn := range m.Buttons() {
					if link == "" {
						link = linkRE.FindString(btn.URL)
					}
				}
				if link == "" {
					continue
				}
				mu.Lock()
				w.Pushes++
				mu.Unlock()
				if rng.Float64() < cfg.readShare {
					select {
					case links <- link:
					default: // the readers are behind: this push stays unread
					}
				}
			}
		}
	}()
	// The readers open personal links.
	client := &http.Client{Timeout: 30 * time.Second}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case link := <-links:
					ok := false
					if resp, err := client.Get(link); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						ok = resp.StatusCode == 200
					}
					mu.Lock()
					if ok {
						w.Reads++
					} else {
						w.ReadErrors++
					}
					mu.Unlock()
				}
			}
		}()
	}
	// The askers ask at the configured rate, each one question at a time.
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second / time.Duration(cfg.tgQPS))
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			var id int64
			select {
			case id = <-askers:
			default:
				continue // every asker waits for an answer
			}
			mu.Lock()
			pending[id] = time.Now()
			w.Questions++
			mu.Unlock()
			fake.SendText(telegramtest.User{ID: id, FirstName: "居民", LanguageCode: "zh"}, questions[i%len(questions)])
		}
	}()
	// WeChat users ask at their rate; the passive reply is the answer.
	wx := wechattest.NewOAClient(base+"/wechat", "wxtoken", testAESKey, wechattest.DefaultAppID)
	wx.Mode = wechattest.Safe
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second / time.Duration(cfg.wxQPS))
		defer tick.Stop()
		inFlight := make(chan struct{}, cfg.askers)
		var asking sync.WaitGroup
		defer asking.Wait()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			select {
			case inFlight <- struct{}{}:
			default:
				continue // every asker waits for an answer
			}
			asking.Add(1)
			go func() {
				defer func() { <-inFlight; asking.Done() }()
				start := time.Now()
				openID, question := fmt.Sprintf("oSoak%04d", i%cfg.askers), questions[i%len(questions)]
				reply, err := wx.SendText(openID, question, int64(i+1))
				took := float64(time.Since(start).Microseconds()) / 1000
				mu.Lock()
				defer mu.Unlock()
				w.Questions++
				if err == nil && reply.Empty {
					// An answer of more than one message, or one not
					// ready in time, comes as customer-service messages:
					// untimed here, checked at the end.
					wxLater[question]++
					wxLaterTo[openID]++
					return
				}
				if err != nil {
					w.Unanswered++
					wxFailures[err.Error()[:min(len(err.Error()), 200)]]++
					return
				}
				w.Answers++
				wxLatencies = append(wxLatencies, took)
			}()
		}
	}()
	// A new bulletin every bulletinEvery, through the admin API.
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(cfg.bulletinEvery)
		defer tick.Stop()
		rng := rand.New(rand.NewPCG(3, 4))
		for n := 1; ; n++ {
			req, _ := http.NewRequestWithContext(ctx, "POST", base+"/admin/bulletins?name=soak-"+strconv.Itoa(n)+".txt",
				strings.NewReader(soakBulletin(rng, n, time.Now())))
			req.Header.Set("Authorization", "Bearer "+e["TONGBAO_ADMIN_TOKEN"])
			req.Header.Set("Content-Type", "text/plain; charset=utf-8")
			resp, err := client.Do(req)
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					total.Add(1)
					mu.Lock()
					w.Bulletins++
					mu.Unlock()
				} else {
					b.Logf("upload %d: %d %s", n, resp.StatusCode, body)
				}
			} else if ctx.Err() == nil {
				b.Logf("upload %d: %v", n, err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()

	var samples []soakSample
	start := time.Now()
	tick := time.NewTicker(cfg.sampleEvery)
	defer tick.Stop()
	for time.Since(start) < cfg.duration {
		select {
		case err := <-exited:
			b.Fatalf("serve exited: %v\n%s", err, tail(logFile.Name()))
		case <-tick.C:
		}
		mu.Lock()
		s := w
		w = soakSample{}
		lat, wxLat := latencies, wxLatencies
		latencies, wxLatencies = nil, nil
		for id, at := range pending {
			if time.Since(at) > time.Minute {
				delete(pending, id)
				s.Unanswered++
				tgUnanswered++
				askers <- id
			}
		}
		mu.Unlock()
		s.At = time.Since(start)
		s.BulletinsTotal = int(total.Load())
		s.TGp99ms = percentile(lat, 0.99)
		s.WXp99ms = percentile(wxLat, 0.99)
		s.RSSMiB = float64(vmRSS(b, child.Process.Pid)) / 1024
		m := scrape(b, base+"/metrics", "go_goroutines", "go_memstats_heap_alloc_bytes")
		s.Goroutines, s.HeapMiB = m[0], m[1]/(1<<20)
		s.RedisMiB = float64(redisUsedMemory(b, rdb)) / (1 << 20)
		samples = append(samples, s)
		// Rewritten at every sample, so a run cut short leaves its figures.
		if err := writeSoakCSV(filepath.Join(cfg.out, "soak.csv"), samples); err != nil {
			b.Fatal(err)
		}
		// Live on stderr: a benchmark's log is shown only at its end, cut short.
		fmt.Fprintf(os.Stderr, "soak %6.0fs rss %.1f MiB, %0.f goroutines, heap %.1f MiB, redis %.1f MiB, p99 tg %.1f ms wx %.1f ms; %d questions, %d answers, %d unanswered, %d sent, %d pushes, %d reads, %d bulletins\n",
			s.At.Seconds(), s.RSSMiB, s.Goroutines, s.HeapMiB, s.RedisMiB, s.TGp99ms, s.WXp99ms, s.Questions, s.Answers, s.Unanswered, s.Sent, s.Pushes, s.Reads, s.BulletinsTotal)
	}
	cancel()
	wg.Wait()
	b.Logf("Telegram questions unanswered after 60 s: %d", tgUnanswered)
	checkLateAnswers(b, wxFake, wxLater, wxLaterTo)
	for why, n := range wxFailures {
		b.Logf("WeChat questions without an answer: %d: %s", n, why)
	}
	return samples
}

// TestSoakListsAnswerPassively: the soak's WeChat questions get their
// answer as the passive reply after 26 of its bulletins. By then 搜索 防汛
// lists meetings whose whole snippets take more than one WeChat message
// (2,558 bytes): the list must still come as one passive reply, not as
// "success" and customer-service messages, which an account without them
// (unverified, or 48 hours after the user last wrote) cannot send.
func TestSoakListsAnswerPassively(t *testing.T) {
	e := newEnv()
	fake := wechatEnv(t, e, testAESKey)
	e["TONGBAO_ADMIN_TOKEN"] = "soak-admin-token"
	s := e.serve(t)
	rng := rand.New(rand.NewPCG(3, 4)) // the soak's bulletins
	for n := 1; n <= 26; n++ {
		req, _ := http.NewRequest("POST", s.addr+"/admin/bulletins?name=soak-"+strconv.Itoa(n)+".txt",
			strings.NewReader(soakBulletin(rng, n, time.Now())))
		req.Header.Set("Authorization", "Bearer "+e["TONGBAO_ADMIN_TOKEN"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload %d: %s", n, resp.Status)
		}
	}
	wx := wechattest.NewOAClient(s.addr+"/wechat", "wxtoken", testAESKey, wechattest.DefaultAppID)
	wx.Mode = wechattest.Safe
	for i, q := range soakQuestions {
		openID := fmt.Sprintf("oAsker%d", i)
		reply, err := wx.SendText(openID, q, int64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		if reply.Empty || len(reply.Content) > 2048 {
			t.Errorf("%s: passive reply %s of %d bytes (empty %v)", q, reply.MsgType, len(reply.Content), reply.Empty)
		}
		if q == "搜索 防汛" && !strings.Contains(reply.Content, "「防汛」共找到") {
			t.Errorf("%s: %q", q, reply.Content)
		}
	}
	for _, m := range fake.CustomMessages() {
		if m.MsgType == "text" {
			t.Errorf("customer-service text to %s: %.80q", m.ToUser, m.Content)
		}
	}
}

// soakQuestions are what the soak's askers ask, in turn.
var soakQuestions = []string{"最新会议", "最近的常委会", "搜索 防汛", "5月27日的会议", "latest meeting", "/latest", "搜索 安全生产", "最新通知"}

// checkLateAnswers reports the WeChat questions that got "success" instead
// of a passive reply, by question, and checks that the fake received their
// answers as customer-service text messages: at least one for each such
// question of each asker (their pushes come as news cards), waiting up to
// a minute (the adapter's bound on a late answer) for the last ones.
func checkLateAnswers(b *testing.B, fake *wechattest.Server, byQuestion, byAsker map[string]int) {
	late := 0
	for q, n := range byQuestion {
		late += n
		b.Logf("WeChat question %q answered by customer-service messages: %d times", q, n)
	}
	b.Logf("WeChat questions answered by customer-service messages: %d", late)
	b.ReportMetric(float64(late), "wx-late-answers")
	texts := func() map[string][]string {
		got := map[string][]string{}
		for _, m := range fake.CustomMessages() {
			if m.MsgType == "text" && byAsker[m.ToUser] > 0 {
				got[m.ToUser] = append(got[m.ToUser], m.Content)
			}
		}
		return got
	}
	missing := func(got map[string][]string) int {
		n := 0
		for openID, want := range byAsker {
			n += max(0, want-len(got[openID]))
		}
		return n
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := wechattest.WaitFor(ctx, fake, func() []struct{} {
		if missing(texts()) > 0 {
			return nil
		}
		return []struct{}{{}}
	}, 1)
	got := texts()
	if err != nil {
		b.Errorf("late WeChat answers: %d of %d questions have no customer-service text message", missing(got), late)
	}
	for _, msgs := range got {
		b.Logf("a late answer's first message (%d bytes, of %d messages to that asker): %.120q", len(msgs[0]), len(msgs), msgs[0])
		break
	}
}

// soakSentences are the sentences new bulletins are made of: each bulletin
// takes a handful at random, so no two are near-duplicates.
var soakSentences = strings.Split(strings.TrimSuffix(`会议学习了全省安全生产电视电话会议精神。`+
	`会议指出，当前正值主汛期，强降雨、地质灾害等风险叠加，安全生产形势严峻复杂。`+
	`会议要求，各乡镇、各部门要压紧压实安全生产责任，深入开展重点行业领域隐患排查整治，严防各类事故发生。`+
	`会议强调，要加强雨情水情监测预报，落实山塘水库、地质灾害隐患点巡查值守。`+
	`会议审议并原则通过了《青溪县促进经济稳进提质若干政策措施》。`+
	`会议强调，要加快政策兑现，简化办理流程，让惠企政策直达快享。`+
	`会议要求，要抓好项目建设，对照年度目标倒排工期，推动一批重大项目早开工、早投产。`+
	`会议听取了县发改局关于上半年经济运行情况的汇报。`+
	`会议要求，要紧盯全年目标任务，强化要素保障，全力以赴稳住经济基本盘。`+
	`会议听取了县教育局关于秋季学期学校建设项目进展情况的汇报。`+
	`会议强调，要确保新建校舍按期交付使用，同步做好师资配备和设施采购。`+
	`会议审议了《青溪县城乡居民医疗保障实施办法》。`+
	`会议指出，要扩大基本医疗保险覆盖面，提高困难群众救助水平。`+
	`会议听取了县农业农村局关于粮食生产和高标准农田建设的汇报。`+
	`会议要求，要稳定粮食播种面积，抓好病虫害防治，确保全年粮食丰收。`+
	`会议研究了城区老旧小区改造工作。`+
	`会议强调，要把好事办好，充分听取居民意见，合理安排施工时序。`+
	`会议听取了县市场监管局关于食品安全工作的汇报。`+
	`会议要求，要加强校园周边和农村集体聚餐食品安全监管。`+
	`会议审议并原则通过了《青溪县人才引进若干规定》。`+
	`会议指出，要营造尊重人才的良好环境，为人才干事创业提供保障。`+
	`会议研究了生态环境保护督察反馈问题整改工作。`+
	`会议要求，要对照问题清单逐项销号，确保整改到位、群众满意。`+
	`会议听取了县交通运输局关于农村公路建设的汇报。`+
	`会议强调，要加快断头路打通，提升农村客运服务水平。`+
	`会议研究了就业创业工作，要求做好高校毕业生和退役军人就业服务。`+
	`会议审议了《青溪县数字政府建设实施方案》。`+
	`会议要求，要推进政务数据共享，让群众办事少跑腿。`+
	`会议听取了县文旅局关于文旅融合发展的汇报。`+
	`会议强调，要办好乡村旅游节，擦亮县域文化品牌。`+
	`会议研究了森林防火工作，要求加强野外用火管理。`+
	`会议要求，要做好冬季供暖和保供稳价工作。`, "。"), "。")

// soakBulletin is the n-th new bulletin: a county executive meeting
// published now, of a few random sentences.
func soakBulletin(rng *rand.Rand, n int, now time.Time) string {
	picked := slices.Clone(soakSentences)
	rng.Shuffle(len(picked), func(i, j int) { picked[i], picked[j] = picked[j], picked[i] })
	var sb strings.Builder
	fmt.Fprintf(&sb, "青溪县召开县政府第%d次常务会议\n来源：青溪县人民政府办公室　　发布日期：%s\n\n", n, now.Format("2006年01月02日"))
	fmt.Fprintf(&sb, "%d月%d日上午，县委副书记、县长王立新主持召开县政府第%d次常务会议。副县长李明、张华、陈静出席会议。\n\n", now.Month(), now.Day(), n)
	for i, s := range picked[:6] {
		sb.WriteString(s + "。")
		if i%2 == 1 {
			sb.WriteString("\n\n")
		}
	}
	sb.WriteString("会议还研究了其他事项。\n")
	return sb.String()
}

// percentile is the p-th quantile of v (0 when empty).
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[min(len(v)-1, int(float64(len(v))*p))]
}

// vmRSS is a process's resident set in KiB, from /proc.
func vmRSS(b *testing.B, pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	b.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}

// scrape reads unlabelled gauges from a Prometheus text endpoint.
func scrape(b *testing.B, url string, names ...string) []float64 {
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	out := make([]float64, len(names))
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if i := slices.Index(names, name); ok && i >= 0 {
			out[i], _ = strconv.ParseFloat(value, 64)
		}
	}
	return out
}

// redisUsedMemory is INFO memory's used_memory.
func redisUsedMemory(b *testing.B, rdb *redis.Client) int64 {
	info, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	b.Fatal("no used_memory in INFO memory")
	return 0
}

// tail is the end of a file, for a failure message.
func tail(name string) string {
	data, _ := os.ReadFile(name)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

func envInt(b *testing.B, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", key, v)
	}
	return n
}

func envDuration(b *testing.B, key string, def time.Duration) time.Duration {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		b.Fatalf("%s=%q: want a duration such as 1m", key, v)
	}
	return d
}

// writeSoakCSV writes the samples, one row each.
func writeSoakCSV(name string, samples []soakSample) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"seconds", "rss_mib", "goroutines", "heap_mib", "redis_mib", "p99_tg_ms", "p99_wx_ms",
		"questions", "answers", "unanswered", "sent", "bulletins", "pushes", "reads", "read_errors", "bulletins_total"})
	for _, s := range samples {
		w.Write([]string{fmt.Sprintf("%.0f", s.At.Seconds()), fmt.Sprintf("%.1f", s.RSSMiB), fmt.Sprintf("%.0f", s.Goroutines),
			fmt.Sprintf("%.1f", s.HeapMiB), fmt.Sprintf("%.2f", s.RedisMiB), fmt.Sprintf("%.1f", s.TGp99ms), fmt.Sprintf("%.1f", s.WXp99ms),
			strconv.Itoa(s.Questions), strconv.Itoa(s.Answers), strconv.Itoa(s.Unanswered), strconv.Itoa(s.Sent), strconv.Itoa(s.Bulletins),
			strconv.Itoa(s.Pushes), strconv.Itoa(s.Reads), strconv.Itoa(s.ReadErrors), strconv.Itoa(s.BulletinsTotal)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// soakSVG draws one polyline chart per series, stacked, with the warm-up
// shaded.
func soakSVG(samples []soakSample, cfg soakConfig) []byte {
	const width, height, left, top, gap = 640, 120, 70, 40, 40
	var sb strings.Builder
	total := top + len(soakSeries)*(height+gap)
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", left+width+20, total)
	fmt.Fprintf(&sb, `<text x="%d" y="20" font-size="14">tongbao serve soak: %s, %d subscribers, a bulletin every %s, %d+%d questions/s (warm-up shaded)</text>`+"\n",
		left, cfg.duration, cfg.subscribers, cfg.bulletinEvery, cfg.tgQPS, cfg.wxQPS)
	end := cfg.duration.Seconds()
	for i, s := range soakSeries {
		y0 := top + i*(height+gap)
		hi := 0.0
		for _, x := range samples {
			hi = max(hi, s.get(x))
		}
		hi *= 1.1
		if hi == 0 {
			hi = 1
		}
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#eee"/>`+"\n", left, y0, width*0.2, height)
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>`+"\n", left, y0, width, height)
		fmt.Fprintf(&sb, `<text x="%d" y="%d">%s (%s)  final %.1f, growth %+.1f%%</text>`+"\n", left, y0-6, s.name, s.unit,
			s.get(samples[len(samples)-1]), growth(samples, cfg.duration, s.get))
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end">%.0f</text><text x="%d" y="%d" text-anchor="end">0</text>`+"\n",
			left-4, y0+10, hi, left-4, y0+height)
		var pts []string
		for _, x := range samples {
			px := float64(left) + x.At.Seconds()/end*width
			py := float64(y0+height) - s.get(x)/hi*height
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
		}
		fmt.Fprintf(&sb, `<polyline fill="none" stroke="#c0392b" stroke-width="1.5" points="%s"/>`+"\n", strings.Join(pts, " "))
	}
	fmt.Fprintf(&sb, `<text x="%d" y="%d">0 s</text><text x="%d" y="%d" text-anchor="end">%.0f s</text>`+"\n",
		left, total-gap+16, left+width, total-gap+16, end)
	sb.WriteString("</svg>\n")
	return []byte(sb.String())
}
