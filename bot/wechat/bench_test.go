package wechat

import (
	"context"
	"encoding/xml"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"tongbao/bot/chat"
	"tongbao/bot/wechat/wechattest"
)

// handlerFunc is a Handler that records nothing.
type handlerFunc func(context.Context, chat.Incoming) []chat.Reply

func (h handlerFunc) Handle(ctx context.Context, in chat.Incoming) []chat.Reply { return h(ctx, in) }

// BenchmarkOAEncryptedRoundTrip measures safe-mode callbacks end to end
// on loopback from 32 concurrent platform clients: sign and encrypt
// (client), verify, decrypt, dedupe in Redis, handle, encrypt the reply
// (adapter), check and decrypt it (client). Targets: ≥ 3,000 req/s and a
// p99 ≤ 20 ms.
//
//	go test -run '^$' -bench OAEncryptedRoundTrip -benchtime 5s ./bot/wechat
func BenchmarkOAEncryptedRoundTrip(b *testing.B) {
	const clients = 32
	answer := []chat.Reply{chat.Text("兰溪市委常委会(扩大)会议，2022年5月27日召开。")}
	f := newFixture(b, wechattest.Options{}, nil)
	deps := f.deps()
	deps.Handler = handlerFunc(func(context.Context, chat.Incoming) []chat.Reply { return answer })
	oa, err := NewOfficialAccount(f.oaConfig(), deps)
	if err != nil {
		b.Fatal(err)
	}
	c := f.serveOA(b, oa)
	c.Mode = wechattest.Safe
	msgID := atomic.Int64{}
	msgID.Store(time.Now().UnixNano()) // fresh MsgIds for every run of the benchmark
	var mu sync.Mutex
	var latencies []time.Duration
	b.SetParallelism(int(math.Ceil(float64(clients) / float64(runtime.GOMAXPROCS(0)))))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			reply, err := c.SendText(testOpenID, "最新会议", msgID.Add(1))
			mine = append(mine, time.Since(t0))
			if err != nil || reply.Empty || !reply.Encrypted {
				b.Errorf("reply %+v, %v", reply, err)
				return
			}
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(latencies)
	if len(latencies) > 0 {
		p99 := latencies[min(len(latencies)-1, len(latencies)*99/100)]
		b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99_ms")
	}
}

// FuzzOpenMessage feeds arbitrary callback bodies to the parser, plain and
// encrypted (signed, so that decryption is reached): it must refuse what
// it cannot read with 400, never panic, and return only messages with a
// sender and a type.
func FuzzOpenMessage(f *testing.F) {
	plain := []byte("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[最新会议]]></Content><MsgId>1</MsgId></xml>")
	enc, err := wechattest.Encrypt(testAESKey, wechattest.DefaultAppID, plain)
	if err != nil {
		f.Fatal(err)
	}
	sealed, _ := xml.Marshal(message.EncryptedXMLMsg{ToUserName: "gh_1", EncryptedMsg: enc})
	for _, seed := range [][]byte{plain, sealed, []byte("<xml></xml>"), []byte("\x00\xff<xml"), {}} {
		f.Add(seed)
	}
	b, err := newBox(testToken, testAESKey, wechattest.DefaultAppID)
	if err != nil {
		f.Fatal(err)
	}
	check := func(t *testing.T, msg *inbound, e *errStatus) {
		switch {
		case e == nil && (msg.FromUserName == "" || msg.MsgType == ""):
			t.Fatalf("accepted a message without sender or type: %+v", msg)
		case e != nil && e.status != 400 && e.status != 403:
			t.Fatalf("refused with %d", e.status)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		msg, e := openMessage(body, nil, "", "", "")
		check(t, msg, e)
		var env message.EncryptedXMLMsg
		if xml.Unmarshal(body, &env) == nil {
			msg, e = openMessage(body, b, util.Signature(testToken, "1", "2", env.EncryptedMsg), "1", "2")
			check(t, msg, e)
			if e != nil && e.status == 403 {
				t.Fatalf("correctly signed body refused as forged: %v", e.err)
			}
		}
	})
}
