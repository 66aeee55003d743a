// Package embedded runs Tongbao's single-server Redis: an in-process
// github.com/alicebob/miniredis/v2 listening on a loopback port, so that the
// one store implementation talks to it through the same go-redis client it
// uses for a real Redis.
//
// miniredis keeps nothing on disk; this package adds what a server needs:
//
//   - A journal. Clients connect to the Server's own listener, which reads
//     their commands and hands them to miniredis's command table
//     (server.Dispatch). Every command that may change data runs under one
//     mutex together with appending it, as the client sent it, to the
//     journal (<Dir>/tongbao.journal.NNNNNNNN), so the journal has the
//     writes in the order they ran; the reply leaves only after the append.
//     The journal is written and fsynced every FsyncEvery (default 1 s) and
//     on Close: a crash (kill -9, power loss) loses at most the writes of
//     the last FsyncEvery. Start replays it after the snapshot.
//   - Deterministic replay. For each write miniredis's clock is set to the
//     time journaled with it, so a replay gets the same automatic stream
//     IDs, delivery times, TIME in scripts and absolute expiries. Expiry
//     ticks (below) are journaled in order with the writes, so a key that
//     expired before a write expires before it in the replay too. MULTI …
//     EXEC is journaled whole when EXEC runs it (not when a WATCHed key
//     aborted it); EVALSHA is journaled as EVAL of the script's source,
//     SPOP as SREM of the members it picked.
//     Commands that wait for data (BLPOP, XREADGROUP … BLOCK and the like)
//     never wait inside miniredis, which would hold every writer: each try
//     runs the command once, as inside MULTI, and between tries the client
//     waits for a write naming one of its keys (a script's KEYS count), or
//     a second at most.
//   - Snapshots that do not stop the server. Every SnapshotEvery (default
//     one minute, skipped when nothing was written) and on Close the
//     journal moves on to a new segment — the only moment writers wait, for
//     a buffer swap — and the closed segments are folded into a new
//     <Dir>/tongbao.snapshot on a separate miniredis: the previous snapshot
//     is restored there, the segments replayed, and the result read and
//     written. The live server keeps answering meanwhile; the copy costs
//     CPU and, for a few seconds, memory about the size of the dataset.
//     The snapshot records the first segment to replay after it; the
//     snapshot it replaces stays as tongbao.snapshot.prev, with the
//     segments it needs, so renaming it back loses nothing.
//   - Crash tolerance. A record the crash left half written at the end of
//     the journal is cut off at start and logged; damage anywhere else is
//     ErrCorruptJournal, a snapshot that cannot be read ErrCorruptSnapshot,
//     each naming the file and how to recover. Start never falls back to an
//     empty dataset.
//   - Expiry against the wall clock, by deadline. miniredis keeps a TTL as
//     the time left when it was set and counts it down only when told to,
//     walking every key (FastForward: 35–285 ms at 100,000 keys). Instead
//     the Server keeps its own index of the keys that have a TTL, by
//     absolute deadline (expiry.go): after each write it reads back the TTL
//     of every key the command names (a script's KEYS count), which is how
//     EXPIRE, SET … EX, PERSIST, RENAME, MOVE and the rest reach it; before
//     a write, or TTL, PTTL, EXPIRETIME or PEXPIRETIME, it sets miniredis's
//     TTL of the keys named to their time left. A background tick every
//     100 ms deletes the keys whose deadline has passed, at a cost that
//     grows with the keys that expire, not with the dataset; only ticks
//     that deleted keys are journaled. A key
//     therefore goes up to one tick after its deadline (Redis is exact).
//     A script should name the keys it gives a TTL in KEYS, as Redis
//     Cluster requires: a TTL set on another key does not make it expire.
//     Setting a key's time left counts as touching it for WATCH.
//   - One process per data folder: <Dir>/tongbao.lock is held with flock(2)
//     for the life of the Server and names the process that holds it.
//   - The sixteen databases of a default redis-server (SELECT 0–15); higher
//     indexes are refused, so that a snapshot can walk every database.
//
// # Reading keys for backups
//
// The snapshot's key records (Record) also serve Tongbao's backups
// (store.Backup): ReadFolder reads a data folder as its snapshot and journal
// have it without taking its lock, so a running Server keeps it (a journal
// record still being written is not read); ReadKeys reads keys one by one
// from a Redis server or Cluster, each whole at one moment; a Replayer
// recreates records on any of them.
//
// # Journal format
//
// A segment is a sequence of records: the payload's length (4 bytes, little
// endian), its CRC-32C, then the payload: a kind (commands or expiry tick),
// the time in Unix nanoseconds and, for commands, the database, whether
// they ran as one transaction and each command's arguments (varint
// lengths and raw bytes); for a tick, a varint that is now 0 (journals
// written before expiry by deadline have how far it moved every TTL; a
// replay of either deletes the keys due at the tick's time).
//
// # Snapshot format
//
// A snapshot is one gzip stream holding a gob stream: a header (magic
// string, format version, the time the snapshot was taken, the number of
// keys, the first journal segment to replay after it) followed by one record per key: database, key, type, absolute expiry
// in Unix milliseconds (0 for none) and the value. Strings, hash fields,
// list, set and sorted-set members and stream fields are Go strings, which
// gob stores as raw bytes, so binary values such as bitmaps round-trip
// exactly; sorted-set scores are float64 bits. A stream record holds its
// entries with their IDs, its last generated ID and its consumer groups:
// last delivered ID, consumers, and the pending entries list with each
// entry's consumer, delivery count and last delivery time. Keys that have
// expired when the snapshot was taken are skipped; the others get the time
// they had left, and the journal replay and the first tick expire the ones
// whose time ran out since. Format 1, written before the journal existed, is
// read as well.
//
// # What does not survive a restart
//
//   - HyperLogLog keys: miniredis offers no way to read a sketch back (its
//     DUMP handles strings only), so a snapshot skips them and logs a
//     warning with their number (the journal keeps them until then).
//   - Per-field hash TTLs (HEXPIRE, Redis 7.4): fields are saved, their TTLs
//     are not, and they do not count down (ticks expire whole keys).
//     Tongbao targets Redis 7.0, which has no field TTLs.
//   - Stream details miniredis does not expose: a consumer's idle and
//     inactive times restart from the restore, and a group's entries-read
//     counter (which miniredis does not keep) stays empty.
//   - Random choices inside a transaction or a script: SPOP there (or a
//     script calling math.random) may pick other members when replayed. A
//     plain SPOP is journaled as SREM of what it popped. Tongbao uses
//     neither.
//   - Writes made after Close has stopped the clients: Close hangs up on
//     every connection first.
//
// The embedded store is meant for one small server (the demo, a county with
// thousands of subscribers). A snapshot no longer holds the server (it used
// to read the whole dataset under the server's lock: 2.3–3.8 s at 100,000
// keys), but folding the journal costs a few seconds of CPU per
// SnapshotEvery at that size (BenchmarkSnapshot). Beyond one small server,
// run a real Redis and pass --redis redis://….
package embedded
