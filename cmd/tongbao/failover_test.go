package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"

	"tongbao/bot/telegram/telegramtest"
	"tongbao/store"
	"tongbao/store/redistest"
)

// fanoutWorkers is delivery.workers in the failover tests: the sends one
// replica can have in flight when it or Redis dies.
const fanoutWorkers = 8

// fanoutSetup prepares a 5,000-delivery fan-out on e's Redis: a fake Bot
// API at the paid-broadcast rate (1,000 messages/s), 5,000 subscribers, the
// bulletin ingested and queued. It returns the fake and a configuration
// file setting fanoutWorkers.
func fanoutSetup(t *testing.T, e testEnv) (*telegramtest.Server, *store.Store, string) {
	t.Helper()
	tg := telegramEnv(t, e)
	e["TONGBAO_TELEGRAM_PAID_BROADCAST"] = "true"
	cfgFile := filepath.Join(t.TempDir(), "tongbao.yaml")
	if err := os.WriteFile(cfgFile, []byte(fmt.Sprintf("delivery:\n  workers: %d\n  send_timeout: 1s\n", fanoutWorkers)), 0o644); err != nil {
		t.Fatal(err)
	}
	st := e.store(t)
	addSubscribers(t, st, "tg", "", 400000, 5000)
	if code, out := e.run(t, "ingest", samples+"qingxi-2022-06-08-county-executive.txt"); code != 0 || !strings.Contains(out, "queued 5000 deliveries of 1 bulletin") {
		t.Fatalf("ingest: %d %s", code, out)
	}
	return tg, st, cfgFile
}

// fanoutFinished waits until every one of the 5,000 subscribers has the
// bulletin and the queue is drained, then returns the number of duplicate
// messages, failing on any chat that got more than two.
func fanoutFinished(t *testing.T, tg *telegramtest.Server, st *store.Store) int {
	t.Helper()
	awaitTG(t, tg, "all 5,000 subscribers", func() bool {
		chats := map[int64]bool{}
		for _, m := range tg.Sent() {
			chats[m.ChatID] = true
		}
		return len(chats) == 5000
	})
	waitDrained(t, st, "tg")
	perChat := map[int64]int{}
	sent := tg.Sent()
	for _, m := range sent {
		perChat[m.ChatID]++
	}
	for chat, n := range perChat {
		if n > 2 {
			t.Errorf("chat %d got %d messages", chat, n)
		}
	}
	return len(sent) - len(perChat)
}

// TestSentinelFailoverDuringFanout kills the Redis primary in the middle
// of a 5,000-delivery fan-out sent by `tongbao serve` through Sentinel:
// sending resumes on the promoted replica, nobody is left out, and
// duplicates stay within the at-least-once window (README: Failover).
func TestSentinelFailoverDuringFanout(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Sentinel deployment and runs a 5,000-delivery fan-out")
	}
	sentinel := redistest.StartSentinel(t)
	e := newEnv()
	e["TONGBAO_REDIS_URL"] = sentinel.URL()
	tg, st, cfgFile := fanoutSetup(t, e)
	// The queue is on the replica before the primary goes: WAIT returns
	// when the replica has every write made so far.
	primary := redis.NewClient(&redis.Options{Addr: sentinel.Primary(t)})
	if err := primary.Do(context.Background(), "WAIT", 1, 0).Err(); err != nil {
		t.Fatal(err)
	}
	primary.Close()

	e.serve(t, "--config", cfgFile)
	awaitTG(t, tg, "the first 1,000 sends", func() bool { return len(tg.Sent()) >= 1000 })
	old := sentinel.KillPrimary(t)
	atKill := len(tg.Sent())
	sentinel.WaitFailover(t, old)
	atFailover := len(tg.Sent())
	dups := fanoutFinished(t, tg, st)
	t.Logf("primary killed after %d sends, %d by the failover; %d messages in all, %d duplicates (window: %d)",
		atKill, atFailover, len(tg.Sent()), dups, 2*fanoutWorkers)
	if dups > 2*fanoutWorkers {
		t.Errorf("%d duplicates, more than the at-least-once window of %d", dups, 2*fanoutWorkers)
	}
}

// TestReplicaKilledOtherFinishes runs two `tongbao serve` processes on one
// Redis, kills one with SIGKILL in the middle of a 5,000-delivery fan-out,
// and checks that the other, left running, finishes it: the dead one's
// received deliveries are taken over once its heartbeat lapses.
func TestReplicaKilledOtherFinishes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a 5,000-delivery fan-out")
	}
	bin := buildTongbao(t)
	e := newEnv()
	tg, st, cfgFile := fanoutSetup(t, e)
	victim := startTongbao(t, bin, e, "serve", "--config", cfgFile, "--listen", freeAddr(t))
	survivor := startTongbao(t, bin, e, "serve", "--config", cfgFile, "--listen", freeAddr(t))
	defer func() { survivor.Process.Signal(syscall.SIGTERM); survivor.Wait() }()
	awaitTG(t, tg, "the first 1,000 sends", func() bool { return len(tg.Sent()) >= 1000 })
	victim.Process.Signal(syscall.SIGKILL)
	victim.Wait()
	atKill := len(tg.Sent())
	dups := fanoutFinished(t, tg, st)
	t.Logf("one replica killed after %d sends; %d messages in all, %d duplicates (bound: %d in flight)", atKill, len(tg.Sent()), dups, fanoutWorkers)
	if dups > fanoutWorkers {
		t.Errorf("%d duplicates, more than the %d sends the killed replica can have had in flight", dups, fanoutWorkers)
	}
	if err := survivor.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("the surviving replica is gone: %v", err)
	}
}

// buildTongbao builds the binary for tests that run it as a child.
func buildTongbao(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tongbao")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// startTongbao starts the binary as a child with e as its whole
// environment (and PATH).
func startTongbao(t *testing.T, bin string, e testEnv, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for k, v := range e {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "PATH="+os.Getenv("PATH"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}
