package embedded

import (
	"container/heap"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// expiries is the index of the keys that have a TTL, by absolute deadline,
// so that an expiry tick costs as much as the keys that expire, not the
// whole dataset.
//
// miniredis keeps a key's TTL as the time left when it was set and counts
// it down only when told to (FastForward walks every key). Here it is never
// counted down: the deadline kept here is the truth, and miniredis's TTL of
// a key is set to the time left (refresh) just before a command that may
// read it runs. After every write the TTL of each key it names is read back
// from miniredis, which is how EXPIRE, SET … EX, PERSIST, DEL, RENAME,
// scripts (through their KEYS) and the rest reach the index. The live
// server and a replay call the same methods at the same journaled times,
// so they keep the same index and expire the same keys.
//
// Not safe for concurrent use: the Server calls it under writeMu.
type expiries struct {
	mr       *miniredis.Miniredis
	deadline map[dbKey]int64 // Unix nanoseconds, of every key known to have a TTL
	due      deadlineHeap    // deadlines, some stale (the key's changed since)
}

// dbKey names a key in one of the databases.
type dbKey struct {
	db  int
	key string
}

func newExpiries(mr *miniredis.Miniredis) *expiries {
	return &expiries{mr: mr, deadline: map[dbKey]int64{}}
}

// addRecords indexes the keys of a snapshot's records that expire after
// now (restore leaves out the others).
func (x *expiries) addRecords(records []Record, now time.Time) {
	for i := range records {
		rec := &records[i]
		if rec.ExpireAtMilli > now.UnixMilli() {
			x.set(dbKey{rec.DB, rec.Key}, rec.ExpireAtMilli*int64(time.Millisecond))
		}
	}
}

// set records that k expires at t (Unix nanoseconds).
func (x *expiries) set(k dbKey, t int64) {
	if old, ok := x.deadline[k]; ok && old == t {
		return
	}
	x.deadline[k] = t
	heap.Push(&x.due, deadlineEntry{at: t, k: k})
	if len(x.due) > 2*len(x.deadline)+1024 {
		x.compactHeap()
	}
}

// compactHeap drops the heap's stale entries.
func (x *expiries) compactHeap() {
	x.due = x.due[:0]
	for k, t := range x.deadline {
		x.due = append(x.due, deadlineEntry{at: t, k: k})
	}
	heap.Init(&x.due)
}

// refresh gives the keys named by cmds, about to run on database db at
// now, their time left, so that a command reading a TTL (TTL, EXPIRE … GT,
// a script) sees it right. A key past its deadline gets the shortest TTL
// and goes at the next tick.
func (x *expiries) refresh(db int, cmds [][]string, now time.Time) {
	x.forNamed(db, cmds, func(k dbKey) {
		if t, ok := x.deadline[k]; ok {
			x.setTimeLeft(k, t, now)
		}
	})
}

// setTimeLeft sets miniredis's TTL of k, which expires at t, to the time
// left at now. A key that has no TTL any more (FLUSHDB and the like remove
// keys without naming them) leaves the index instead: a TTL set on a
// missing key would stick to the next key of that name.
func (x *expiries) setTimeLeft(k dbKey, t int64, now time.Time) {
	d := x.mr.DB(k.db)
	if d.TTL(k.key) <= 0 {
		delete(x.deadline, k)
		return
	}
	d.SetTTL(k.key, timeLeft(t, now))
}

// refreshAll gives every indexed key its time left at now, for a snapshot
// read with the clock at now.
func (x *expiries) refreshAll(now time.Time) {
	for k, t := range x.deadline {
		x.setTimeLeft(k, t, now)
	}
}

// afterWrite reads back the TTL of every key named by cmds, which ran on
// database db at now after refresh, and indexes or forgets it.
func (x *expiries) afterWrite(db int, cmds [][]string, now time.Time) {
	for _, cmd := range cmds {
		if len(cmd) == 3 && strings.EqualFold(cmd[0], "SWAPDB") {
			x.swap(cmd[1], cmd[2])
		}
	}
	x.forNamed(db, cmds, func(k dbKey) {
		ttl := x.mr.DB(k.db).TTL(k.key)
		t, ok := x.deadline[k]
		switch {
		case ttl <= 0:
			delete(x.deadline, k)
		case !ok || ttl != timeLeft(t, now): // else as refresh left it
			x.set(k, now.UnixNano()+int64(ttl))
		}
	})
}

// swap exchanges the indexed keys of two databases after SWAPDB.
func (x *expiries) swap(a, b string) {
	da, err1 := strconv.Atoi(a)
	db, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || da == db {
		return
	}
	moved := map[dbKey]int64{}
	for k, t := range x.deadline {
		switch k.db {
		case da:
			moved[dbKey{db, k.key}] = t
		case db:
			moved[dbKey{da, k.key}] = t
		default:
			continue
		}
		delete(x.deadline, k)
	}
	for k, t := range moved {
		x.deadline[k] = t
	}
	x.compactHeap()
}

// forNamed calls f for every key cmds may name: each argument after the
// command's name, in the database selected when it runs (a SELECT among
// cmds changes it), and in the target database of MOVE and COPY … DB.
// Arguments that are not keys cost a lookup and change nothing.
func (x *expiries) forNamed(db int, cmds [][]string, f func(dbKey)) {
	for _, cmd := range cmds {
		name := strings.ToUpper(cmd[0])
		if name == "SELECT" {
			if n, ok := selectedDB(cmd[1:]); ok {
				db = n
			}
			continue
		}
		for _, arg := range cmd[1:] {
			f(dbKey{db, arg})
		}
		if target, key, ok := otherDBKey(name, cmd[1:]); ok {
			f(dbKey{target, key})
		}
	}
}

// otherDBKey returns the key a MOVE or COPY … DB writes in another
// database.
func otherDBKey(name string, args []string) (db int, key string, ok bool) {
	switch name {
	case "MOVE":
		if len(args) == 2 {
			db, err := strconv.Atoi(args[1])
			return db, args[0], err == nil && db >= 0 && db < databases
		}
	case "COPY":
		for i := 2; i+1 < len(args); i++ {
			if strings.EqualFold(args[i], "DB") {
				db, err := strconv.Atoi(args[i+1])
				return db, args[1], err == nil && db >= 0 && db < databases
			}
		}
	}
	return 0, "", false
}

// expire deletes the keys whose deadline is not after now and returns how
// many went. A key is deleted only if miniredis still has it with a TTL
// (FLUSHDB and the like remove keys without naming them).
func (x *expiries) expire(now time.Time) int {
	n, end := 0, now.UnixNano()
	for len(x.due) > 0 && x.due[0].at <= end {
		e := heap.Pop(&x.due).(deadlineEntry)
		t, ok := x.deadline[e.k]
		if !ok || t != e.at {
			continue // stale: the key's TTL changed or went
		}
		delete(x.deadline, e.k)
		d := x.mr.DB(e.k.db)
		if d.TTL(e.k.key) > 0 && d.Del(e.k.key) {
			n++
		}
	}
	return n
}

// timeLeft is the TTL at now of a key that expires at t (Unix
// nanoseconds): at least a nanosecond, so that miniredis keeps it (the
// next tick deletes a key past its deadline).
func timeLeft(t int64, now time.Time) time.Duration {
	return time.Duration(max(1, t-now.UnixNano()))
}

// deadlineEntry is one deadline in the heap.
type deadlineEntry struct {
	at int64 // Unix nanoseconds
	k  dbKey
}

// deadlineHeap is a min-heap of deadlines (container/heap).
type deadlineHeap []deadlineEntry

func (h deadlineHeap) Len() int           { return len(h) }
func (h deadlineHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h deadlineHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *deadlineHeap) Push(v any)        { *h = append(*h, v.(deadlineEntry)) }
func (h *deadlineHeap) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}
