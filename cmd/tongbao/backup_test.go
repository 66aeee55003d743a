package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"tongbao/store"
)

// TestBackupAndRestoreCommands copies a Redis store to an embedded one with
// the two commands and checks what each says, refuses and keeps.
func TestBackupAndRestoreCommands(t *testing.T) {
	e := newEnv()
	if code, out := e.run(t, "ingest", "--no-push", samples+"qingxi-2022-06-08-county-executive.txt", samples+"qingxi-2022-06-01-flood-notice.txt", samples+"lanxi-2022-05-27-standing-committee.txt"); code != 0 {
		t.Fatalf("ingest: %d %s", code, out)
	}
	if _, _, err := e.store(t).Touch(context.Background(), "tg:7", "王", "zh", true); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "tongbao.backup")
	code, out := e.run(t, "backup", file)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("of the redis store (schema version %d", store.CurrentSchema)) || !strings.Contains(out, "to "+file) {
		t.Fatalf("backup: %d %s", code, out)
	}
	if st, err := os.Stat(file); err != nil {
		t.Error(err)
	} else if st.Mode().Perm() != 0o600 {
		t.Errorf("the backup file has mode %v, want 0600 (it holds secrets)", st.Mode().Perm())
	}
	_, wantStats := e.run(t, "stats", "--json")
	_, wantSubs := e.run(t, "subscribers")

	emb := newEnv()
	emb["TONGBAO_REDIS_URL"] = "embedded"
	emb["TONGBAO_REDIS_PREFIX"] = ""
	data := t.TempDir()
	restore := func(extra ...string) (int, string) {
		return emb.run(t, append([]string{"restore", "--data", data}, extra...)...)
	}
	if code, out := restore(file); code != 0 || !strings.Contains(out, "restored ") {
		t.Fatalf("restore: %d %s", code, out)
	}
	if _, got := emb.run(t, "stats", "--json", "--data", data); got != wantStats {
		t.Errorf("stats after restore:\n%s\nwant:\n%s", got, wantStats)
	}
	if _, got := emb.run(t, "subscribers", "--data", data); got != wantSubs || !strings.Contains(got, "tg:7") {
		t.Errorf("subscribers after restore:\n%s\nwant:\n%s", got, wantSubs)
	}
	if code, out := restore(file); code != exitFailure || !strings.Contains(out, "already holds data") || !strings.Contains(out, "--force") {
		t.Errorf("restore into a store with data: %d %s", code, out)
	}
	if code, out := restore("--force", file); code != 0 {
		t.Errorf("restore --force: %d %s", code, out)
	}

	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.backup")
	if err := os.WriteFile(cut, good[:len(good)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	empty := newEnv()
	if code, out := empty.run(t, "restore", cut); code != exitFailure || !strings.Contains(out, "cut short") || !strings.Contains(out, "nothing was restored") {
		t.Errorf("restore of a cut file: %d %s", code, out)
	}
	if empty, err := empty.store(t).Empty(context.Background()); err != nil || !empty {
		t.Errorf("a refused restore wrote to the store: empty = %v, %v", empty, err)
	}
	for _, cmd := range []string{"backup", "restore"} {
		if code, out := e.run(t, cmd, "--help"); code != 0 || !strings.Contains(out, "Usage: tongbao "+cmd) {
			t.Errorf("%s --help: %d %s", cmd, code, out)
		}
		if code, _ := e.run(t, cmd); code != exitUsage {
			t.Errorf("%s without FILE: exit %d", cmd, code)
		}
	}
}

// TestBackupDuringFanoutLosesNone backs up a Redis store while `tongbao
// serve` sends a 5,000-delivery fan-out from it, restores the backup into a
// new store and lets another serve finish there: every subscriber the copy
// does not record as delivered is sent the bulletin there, so the restored
// store ends with all 5,000 delivered (README: Backup and restore).
func TestBackupDuringFanoutLosesNone(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 5,000-delivery fan-out")
	}
	e := newEnv()
	tg1, _, cfgFile := fanoutSetup(t, e)
	first := e.serve(t, "--config", cfgFile)
	awaitTG(t, tg1, "the first 1,000 sends", func() bool { return len(tg1.Sent()) >= 1000 })
	file := filepath.Join(t.TempDir(), "during.backup")
	if code, out := e.run(t, "backup", file); code != 0 {
		t.Fatalf("backup: %d %s", code, out)
	}
	first.stop()
	sentBefore := len(tg1.Sent())

	e2 := newEnv()
	tg2 := telegramEnv(t, e2)
	e2["TONGBAO_TELEGRAM_PAID_BROADCAST"] = "true"
	if code, out := e2.run(t, "restore", file); code != 0 {
		t.Fatalf("restore: %d %s", code, out)
	}
	e2.serve(t, "--config", cfgFile)
	waitDrained(t, e2.store(t), "tg")
	// Each subscriber is recorded as delivered in the restored store: by
	// the copy (sent before it was taken) or by the second serve.
	if code, out := e2.run(t, "stats", qingxiID); code != 0 || !strings.Contains(out, "delivered 5000") {
		t.Errorf("stats of the restored store: %d %s", code, out)
	}
	t.Logf("%d sent before and while the backup ran, %d after the restore", sentBefore, len(tg2.Sent()))
}
