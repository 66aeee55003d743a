package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tongbao/content"
	"tongbao/store/embedded"
)

// fillStore writes one of each kind of record the store keeps through its
// own methods: bulletins and their indexes, subscribers and subscriptions,
// a fan-out job, queue entries delivered, pending (with a consumer),
// delayed and dead, reads, the audit log, a schedule, a session and a
// lease with a time to live.
func fillStore(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	saveSamples(t, s)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var ds []content.Delivery
	for i := 1; i <= 6; i++ {
		id := fmt.Sprintf("tg:%d", i)
		sub, _, err := s.Touch(ctx, id, "用户"+strconv.Itoa(i), "", true)
		must(err)
		ds = append(ds, content.Delivery{BulletinID: "b1", Subscriber: id, Dense: sub.Dense, Purpose: content.PurposeBulletin})
	}
	_, err := s.Subscribe(ctx, "tg:2", content.Subscription{Kind: content.SubTopic, Value: "防汛"})
	must(err)
	must(s.AddJob(ctx, "fanout", "b1"))
	_, err = s.MarkEnqueued(ctx, "b1", []int64{ds[0].Dense, ds[1].Dense})
	must(err)
	must(s.EnsureQueue(ctx, "tg"))
	must(s.Enqueue(ctx, "tg", ds))
	got, err := s.Receive(ctx, "tg", "worker-a", 4, time.Second)
	must(err)
	if len(got) != 4 {
		t.Fatalf("received %d deliveries, want 4", len(got))
	}
	must(s.FinishDelivery(ctx, "tg", got[0], "b1", ""))
	must(s.Retry(ctx, "tg", got[1], time.Now().Add(time.Hour), "HTTP 502", true))
	must(s.DeadLetter(ctx, "tg", got[2], "chat not found"))
	// got[3] stays pending with worker-a; two more are never received.
	_, err = s.MarkRead(ctx, "b1", ds[0].Dense, "link", time.Now().Add(-time.Hour), time.Now())
	must(err)
	must(s.Audit(ctx, content.AuditEntry{Actor: "tg:1", Action: "broadcast", Detail: map[string]string{"audience": "all"}}))
	must(s.Schedule(ctx, "remind", "b1", time.Now().Add(24*time.Hour)))
	must(s.SaveSession(ctx, "tg:1", "broadcast", map[string]string{"text": "通知"}, time.Hour))
	_, err = s.lease(ctx, "poll:feed", "replica-1", time.Hour)
	must(err)
}

// canonical renders records (keys without prefix) so that two copies of
// the same data compare equal: times to live are rounded to the hour,
// pending entries' delivery times left out (they are absolute, but a
// Cluster node and miniredis keep them at different resolutions).
func canonical(records []embedded.Record, prefix string) map[string]string {
	out := map[string]string{}
	for _, r := range records {
		var b strings.Builder
		fmt.Fprintf(&b, "%s ttl=%t ", r.Type, r.ExpireAtMilli != 0)
		switch r.Type {
		case "string":
			fmt.Fprintf(&b, "%q", r.Value)
		case "hash":
			pairs := []string{}
			for i := 0; i+1 < len(r.Items); i += 2 {
				pairs = append(pairs, r.Items[i]+"="+r.Items[i+1])
			}
			slices.Sort(pairs)
			fmt.Fprintf(&b, "%q", pairs)
		case "set":
			items := slices.Clone(r.Items)
			slices.Sort(items)
			fmt.Fprintf(&b, "%q", items)
		case "list":
			fmt.Fprintf(&b, "%q", r.Items)
		case "zset":
			fmt.Fprintf(&b, "%q %v", r.Items, r.Scores)
		case "stream":
			st := r.Stream
			fmt.Fprintf(&b, "%v last=%s", st.Entries, st.LastGeneratedID)
			for _, g := range st.Groups {
				fmt.Fprintf(&b, " group %s at %s consumers %v", g.Name, g.LastDeliveredID, g.Consumers)
				for _, p := range g.Pending {
					fmt.Fprintf(&b, " pending %s %s %d", p.ID, p.Consumer, p.Deliveries)
				}
			}
		}
		out[strings.TrimPrefix(r.Key, prefix)] = b.String()
	}
	return out
}

// diffRecords lists the keys whose canonical forms differ, "" if none.
func diffRecords(want, got map[string]string) string {
	var b strings.Builder
	for k, w := range want {
		if g, ok := got[k]; !ok {
			fmt.Fprintf(&b, "- %s: %s\n", k, w)
		} else if g != w {
			fmt.Fprintf(&b, "- %s: %s\n+ %s: %s\n", k, w, k, g)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			fmt.Fprintf(&b, "+ %s: %s\n", k, g)
		}
	}
	return b.String()
}

// readRedis reads every key of a store on Redis or Cluster.
func readRedis(t *testing.T, s *Store) []embedded.Record {
	t.Helper()
	ctx := context.Background()
	var keys []string
	if err := scanKeys(ctx, s.rdb, escapeGlob(s.k.p)+"*", func(k []string) error { keys = append(keys, k...); return nil }); err != nil {
		t.Fatal(err)
	}
	records, err := embedded.ReadKeys(ctx, s.rdb, keys)
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// readClosedFolder reads an embedded store's folder after closing it.
func readClosedFolder(t *testing.T, s *Store, dir string) []embedded.Record {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, records, _, err := embedded.ReadFolder(context.Background(), dir, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// backupFile writes a backup of the store cfg describes to a file.
func backupFile(t *testing.T, cfg Config) (string, BackupInfo) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tongbao.backup")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	calls := 0
	info, err := Backup(context.Background(), cfg, Deps{Logger: quietLogger()}, f, func(done, total int) {
		calls++
		if done > total {
			t.Errorf("progress %d of %d", done, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("Backup reported no progress")
	}
	return path, info
}

func restoreFile(t *testing.T, s *Store, path string, force bool) (BackupInfo, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return s.Restore(context.Background(), f, force, nil)
}

// TestBackupRoundTrip copies an embedded store (backed up while it runs) to
// a Cluster and back to another embedded store; every key comes back as it
// was.
func TestBackupRoundTrip(t *testing.T) {
	ctx := context.Background()
	dirA := t.TempDir()
	a := openEmbedded(t, dirA)
	fillStore(t, a)
	// The live store's journal reaches the file every FsyncEvery: wait for
	// the writes above, then back up while a keeps running.
	wrote := time.Now()
	for {
		durable, err := a.emb.Durable()
		if err != nil {
			t.Fatal(err)
		}
		if durable.After(wrote) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	path1, info := backupFile(t, Config{URL: EmbeddedURL, DataDir: dirA})
	if info.Source != "embedded" || info.Schema != CurrentSchema || info.Keys == 0 {
		t.Errorf("backup info = %+v", info)
	}
	want := canonical(readClosedFolder(t, a, dirA), DefaultPrefix)
	if len(want) != info.Keys {
		t.Errorf("the backup holds %d keys, the store %d", info.Keys, len(want))
	}
	for _, k := range []string{"schema", "audit", "{q:tg}:stream", "{q:tg}:delayed", "{q:tg}:dead", "jobs:fanout", "{b:b1}:dlv", "{b:b1}:enq"} {
		if _, ok := want[k]; !ok {
			t.Errorf("the filled store has no key %s: fillStore no longer covers it", k)
		}
	}

	c := openTest(t, cluster.URL())
	if got, err := restoreFile(t, c, path1, false); err != nil || got.Keys != info.Keys {
		t.Fatalf("restore into the cluster = %+v, %v", got, err)
	}
	if diff := diffRecords(want, canonical(readRedis(t, c), c.k.p)); diff != "" {
		t.Fatalf("cluster after restore differs from the embedded store (-want +got):\n%s", diff)
	}
	// The restored queue works: the pending delivery is reclaimed, the
	// never-received ones are received.
	if rec, err := c.Reclaim(ctx, "tg", "worker-b", 0, 10); err != nil || len(rec) != 1 {
		t.Errorf("reclaim after restore = %+v, %v", rec, err)
	}

	path2, info2 := backupFile(t, Config{URL: cluster.URL(), Prefix: c.k.p})
	if info2.Source != "cluster" || info2.Keys != info.Keys {
		t.Errorf("cluster backup info = %+v, want %d keys", info2, info.Keys)
	}
	dirB := t.TempDir()
	b := openEmbedded(t, dirB)
	if _, err := restoreFile(t, b, path2, false); err != nil {
		t.Fatal(err)
	}
	// The cluster's copy was taken after the reclaim above.
	want2 := canonical(readRedis(t, c), c.k.p)
	if diff := diffRecords(want2, canonical(readClosedFolder(t, b, dirB), DefaultPrefix)); diff != "" {
		t.Fatalf("embedded store after restore differs from the cluster (-want +got):\n%s", diff)
	}
}

// TestRestoreRefuses checks that a store with data is kept unless forced,
// and that a bad file is refused with a reason and writes nothing.
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	src := openTest(t, single.URL())
	fillStore(t, src)
	path, info := backupFile(t, Config{URL: single.URL(), Prefix: src.k.p})
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("not empty", func(t *testing.T) {
		dst := openTest(t, single.URL())
		if _, _, err := dst.Touch(ctx, "tg:99", "", "", true); err != nil {
			t.Fatal(err)
		}
		if _, err := restoreFile(t, dst, path, false); !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("restore into a store with data = %v, want ErrNotEmpty", err)
		}
		if _, err := dst.Subscriber(ctx, "tg:99"); err != nil {
			t.Fatalf("the refused restore changed the store: %v", err)
		}
		if got, err := restoreFile(t, dst, path, true); err != nil || got.Keys != info.Keys {
			t.Fatalf("forced restore = %+v, %v", got, err)
		}
		if _, err := dst.Subscriber(ctx, "tg:99"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a forced restore kept what the store held: %v", err)
		}
		if diff := diffRecords(canonical(readRedis(t, src), src.k.p), canonical(readRedis(t, dst), dst.k.p)); diff != "" {
			t.Errorf("forced restore differs (-want +got):\n%s", diff)
		}
	})

	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 0xff
	var otherGob bytes.Buffer
	zw := gzip.NewWriter(&otherGob)
	gob.NewEncoder(zw).Encode(struct{ Name string }{"not a backup"})
	zw.Close()
	var newer bytes.Buffer
	zw = gzip.NewWriter(&newer)
	bw := &backupWriter{enc: gob.NewEncoder(zw)}
	bw.header(BackupInfo{Schema: CurrentSchema + 1, Source: "redis"})
	bw.enc.Encode(backupChunk{End: true})
	zw.Close()
	bad := map[string]struct {
		data []byte
		want string
	}{
		"empty":          {nil, "not a gzip file"},
		"text":           {[]byte("hello, this is not a backup\n"), "not a gzip file"},
		"cut short":      {good[:len(good)*2/3], "cut short"},
		"last byte gone": {good[:len(good)-1], "damaged"},
		"flipped byte":   {flipped, "damaged"},
		"other gob":      {otherGob.Bytes(), "does not start with a Tongbao backup header"},
		"newer schema":   {newer.Bytes(), "restore it with a newer Tongbao"},
	}
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bad.backup")
			if err := os.WriteFile(p, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			dst := openTest(t, single.URL())
			_, err := restoreFile(t, dst, p, true)
			if !errors.Is(err, ErrBadBackup) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("restore = %v, want ErrBadBackup saying %q", err, c.want)
			}
			if v, err := dst.schemaVersion(ctx); err != nil || v != CurrentSchema {
				t.Errorf("after a refused restore the schema version is %d, %v: something was written", v, err)
			}
			if empty, err := dst.Empty(ctx); err != nil || !empty {
				t.Errorf("after a refused restore Empty = %v, %v", empty, err)
			}
		})
	}
}
