package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tongbao/bot/telegram/telegramtest"
	"tongbao/bot/wechat/wechattest"
	"tongbao/store"
)

// addSubscribers creates n subscribers "platform:prefixN" (as if each had
// written to the bot) and returns their native ids.
func addSubscribers(t testing.TB, st *store.Store, platform, prefix string, first, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = prefix + strconv.Itoa(first+i)
		if _, _, err := st.Touch(context.Background(), platform+":"+ids[i], "", "zh", true); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// TestFanoutToTelegramAndWeChat: 1,000 Telegram and 200 WeChat
// subscribers receive a new bulletin exactly once, within the limits the
// fake enforces.
func TestFanoutToTelegramAndWeChat(t *testing.T) {
	e := newEnv()
	tg := telegramEnv(t, e, telegramtest.WithLimits(telegramtest.DefaultLimits()))
	e["TONGBAO_TELEGRAM_PAID_BROADCAST"] = "true" // 1,000 messages/s
	wx := wechatEnv(t, e, testAESKey)
	st := e.store(t)
	addSubscribers(t, st, "tg", "", 100000, 1000)
	openids := addSubscribers(t, st, "wx", "oUser", 1, 200)
	e.serve(t)
	if code, out := e.run(t, "ingest", samples+"qingxi-2022-06-08-county-executive.txt"); code != 0 || !strings.Contains(out, "queued 1200 deliveries of 1 bulletin") {
		t.Fatalf("ingest: %d %s", code, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := wechattest.WaitFor(ctx, wx, wx.CustomMessages, 200); err != nil {
		t.Fatalf("WeChat: %v (%d sent)", err, len(wx.CustomMessages()))
	}
	awaitTG(t, tg, "1,000 Telegram messages", func() bool { return len(tg.Sent()) >= 1000 })
	waitDrained(t, st, "tg", "wx")
	perChat := map[int64]int{}
	for _, m := range tg.Sent() {
		perChat[m.ChatID]++
	}
	if len(perChat) != 1000 {
		t.Errorf("%d Telegram chats got the bulletin, want 1000", len(perChat))
	}
	for chat, n := range perChat {
		if n != 1 {
			t.Errorf("chat %d got %d messages", chat, n)
		}
	}
	perOpenID := map[string]int{}
	for _, m := range wx.CustomMessages() {
		perOpenID[m.ToUser]++
	}
	for _, id := range openids {
		if perOpenID[id] != 1 {
			t.Errorf("%s got %d messages", id, perOpenID[id])
		}
	}
	if v := tg.Violations(); len(v) > 0 {
		t.Errorf("Telegram limits not honoured: %v", v[:min(3, len(v))])
	}
	if code, out := e.run(t, "stats", qingxiID); code != 0 || !strings.Contains(out, "delivered 1200") {
		t.Errorf("stats: %s", out)
	}
}

// TestTwoReplicas: two `tongbao serve` on one Redis share the work; each
// subscriber gets one message.
func TestTwoReplicas(t *testing.T) {
	e := newEnv()
	tg := telegramEnv(t, e)
	st := e.store(t)
	addSubscribers(t, st, "tg", "", 200000, 500)
	e.serve(t)
	e.serve(t)
	if code, out := e.run(t, "ingest", samples+"qingxi-2022-06-01-flood-notice.txt"); code != 0 {
		t.Fatalf("ingest: %s", out)
	}
	awaitTG(t, tg, "500 messages", func() bool { return len(tg.Sent()) >= 500 })
	waitDrained(t, st, "tg")
	if n := len(tg.Sent()); n != 500 {
		t.Errorf("%d messages for 500 subscribers", n)
	}
}

// TestKillDuringFanout kills a `tongbao serve` child with SIGKILL in the
// middle of a 5,000-delivery fan-out, starts another, and checks that every
// subscriber got the bulletin, with duplicates no more than the sends that
// were in flight at the kill.
func TestKillDuringFanout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a 5,000-delivery fan-out")
	}
	bin := buildTongbao(t)
	e := newEnv()
	tg := telegramEnv(t, e)
	// Slow sends (20 ms) keep the fan-out running long enough to be killed.
	tg.AddFault(telegramtest.Slow(20 * time.Millisecond))
	const workers = 8
	cfgFile := filepath.Join(t.TempDir(), "tongbao.yaml")
	os.WriteFile(cfgFile, []byte(fmt.Sprintf("delivery:\n  workers: %d\n  send_timeout: 1s\n", workers)), 0o644)
	st := e.store(t)
	addSubscribers(t, st, "tg", "", 300000, 5000)
	if code, out := e.run(t, "ingest", samples+"qingxi-2022-06-08-county-executive.txt"); code != 0 || !strings.Contains(out, "queued 5000 deliveries of 1 bulletin") {
		t.Fatalf("ingest: %s", out)
	}
	start := func() *exec.Cmd {
		return startTongbao(t, bin, e, "serve", "--config", cfgFile, "--listen", freeAddr(t))
	}
	first := start()
	awaitTG(t, tg, "the first 1,000 sends", func() bool { return len(tg.Sent()) >= 1000 })
	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	atKill := len(tg.Sent())
	second := start()
	defer func() { second.Process.Signal(syscall.SIGTERM); second.Wait() }()
	awaitTG(t, tg, "all 5,000 subscribers", func() bool {
		chats := map[int64]bool{}
		for _, m := range tg.Sent() {
			chats[m.ChatID] = true
		}
		return len(chats) == 5000
	})
	waitDrained(t, st, "tg")
	sent := tg.Sent()
	perChat := map[int64]int{}
	for _, m := range sent {
		perChat[m.ChatID]++
	}
	dups := len(sent) - len(perChat)
	t.Logf("killed after %d sends; %d messages for %d subscribers: %d duplicates (bound: %d in flight)", atKill, len(sent), len(perChat), dups, workers)
	if dups > workers {
		t.Errorf("%d duplicates, more than the %d sends that can be in flight", dups, workers)
	}
	for chat, n := range perChat {
		if n > 2 {
			t.Errorf("chat %d got %d messages", chat, n)
		}
	}
}
