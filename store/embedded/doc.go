// Package embedded runs Tongbao's single-server Redis: an in-process
// github.com/alicebob/miniredis/v2 listening on a loopback port, so that the
// one store implementation talks to it through the same go-redis client it
// uses for a real Redis.
//
// miniredis keeps nothing on disk; this package adds what a server needs:
//
//   - Persistence. Every SnapshotEvery (default one minute) and on Close the
//     whole dataset is written to <Dir>/tongbao.snapshot, and Start restores
//     it. A snapshot is read inside one Lua script, which miniredis runs
//     under the same lock as every command, so it is a point-in-time copy
//     that never sees half of a command, a MULTI/EXEC block or a script.
//     The file is written to a temporary name, fsynced and renamed into
//     place; the snapshot it replaces stays as tongbao.snapshot.prev.
//   - Expiry against the wall clock. miniredis counts TTLs down only when
//     told to; a background tick FastForwards them by the time elapsed since
//     the previous tick. A tick walks every key, so the tick period adapts
//     to the dataset: 100 ms for a small one, longer as a tick gets more
//     expensive (50 times its cost). A key therefore expires within one tick
//     period of its deadline, early or late, where Redis is exact.
//   - One process per data folder: <Dir>/tongbao.lock is held with flock(2)
//     for the life of the Server and names the process that holds it.
//   - The sixteen databases of a default redis-server (SELECT 0–15); higher
//     indexes are refused, so that a snapshot can walk every database.
//
// # Snapshot format
//
// A snapshot is one gzip stream holding a gob stream: a header (magic
// string, format version, the time the snapshot was taken, the number of
// keys) followed by one record per key: database, key, type, absolute expiry
// in Unix milliseconds (0 for none) and the value. Strings, hash fields,
// list, set and sorted-set members and stream fields are Go strings, which
// gob stores as raw bytes, so binary values such as bitmaps round-trip
// exactly; sorted-set scores are float64 bits. A stream record holds its
// entries with their IDs, its last generated ID and its consumer groups:
// last delivered ID, consumers, and the pending entries list with each
// entry's consumer, delivery count and last delivery time. Keys that have
// expired by the time of a restore are skipped; the others get the time they
// had left.
//
// # What does not survive a restart
//
//   - HyperLogLog keys: miniredis offers no way to read a sketch back (its
//     DUMP handles strings only), so a snapshot skips them and logs a
//     warning with their number.
//   - Per-field hash TTLs (HEXPIRE, Redis 7.4): fields are saved, their TTLs
//     are not. Tongbao targets Redis 7.0, which has no field TTLs.
//   - Stream details miniredis does not expose: a consumer's idle and
//     inactive times restart from the restore, and a group's entries-read
//     counter (which miniredis does not keep) stays empty.
//   - Writes that reach the server after Close has taken its final
//     snapshot: close the clients first.
//
// The embedded store is meant for one small server (the demo, a county with
// thousands of subscribers). A snapshot reads the whole dataset while holding
// the server's lock, and miniredis's Lua bridge costs about 25 µs per key:
// every command waits ~0.5 s at 20,000 keys, ~2.5 s at 100,000 (near
// go-redis's default 3 s read timeout), once per SnapshotEvery
// (BenchmarkSnapshotRead). Beyond one small server, run a real Redis and
// pass --redis redis://….
package embedded
