package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if code != 0 || !strings.Contains(out, "of the redis store (schema version 1") || !strings.Contains(out, "to "+file) {
		t.Fatalf("backup: %d %s", code, out)
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
