package embedded

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// restoreBatch is how many commands a restore pipelines per round trip.
const restoreBatch = 1000

// restore replays records into the server as commands on one connection,
// pipelined. Keys whose expiry has passed by now are skipped; the others
// get their absolute expiry back (PEXPIREAT). It returns how many keys it
// restored.
func restore(ctx context.Context, rdb *redis.Client, records []record, now time.Time) (int, error) {
	conn := rdb.Conn()
	defer conn.Close()
	r := &replayer{ctx: ctx, pipe: conn.Pipeline(), db: -1}
	n := 0
	for i := range records {
		rec := &records[i]
		if rec.ExpireAtMilli != 0 && rec.ExpireAtMilli <= now.UnixMilli() {
			continue
		}
		if rec.DB != r.db {
			r.do("SELECT", rec.DB)
			r.db = rec.DB
		}
		if err := r.key(rec); err != nil {
			return n, err
		}
		n++
	}
	return n, r.flush()
}

// replayer queues commands on a pipeline and sends them in batches.
type replayer struct {
	ctx    context.Context
	pipe   redis.Pipeliner
	db     int // the database SELECTed on the connection
	queued int
}

// do queues one command.
func (r *replayer) do(args ...any) {
	r.pipe.Do(r.ctx, args...)
	r.queued++
}

// flush sends the queued commands and returns the first one's failure.
func (r *replayer) flush() error {
	r.queued = 0
	cmds, err := r.pipe.Exec(r.ctx)
	if err == nil {
		return nil
	}
	for _, c := range cmds {
		if c.Err() != nil {
			args := c.Args()
			return fmt.Errorf("embedded: restore: %s %q: %w", c.Name(), args[min(1, len(args)-1)], c.Err())
		}
	}
	return fmt.Errorf("embedded: restore: %w", err)
}

// key queues the commands that recreate rec, and sends a batch when enough
// are queued.
func (r *replayer) key(rec *record) error {
	k := rec.Key
	switch rec.Type {
	case "string":
		r.do("SET", k, rec.Value)
	case "hash":
		r.do(withItems([]any{"HSET", k}, rec.Items)...)
	case "list":
		r.do(withItems([]any{"RPUSH", k}, rec.Items)...)
	case "set":
		r.do(withItems([]any{"SADD", k}, rec.Items)...)
	case "zset":
		args := []any{"ZADD", k}
		for i, m := range rec.Items {
			args = append(args, strconv.FormatFloat(rec.Scores[i], 'g', -1, 64), m)
		}
		r.do(args...)
	case "stream":
		r.stream(k, rec.Stream)
	default:
		return fmt.Errorf("embedded: restore %q: unknown type %q", k, rec.Type)
	}
	if rec.ExpireAtMilli != 0 {
		r.do("PEXPIREAT", k, rec.ExpireAtMilli)
	}
	if r.queued >= restoreBatch {
		return r.flush()
	}
	return nil
}

// stream queues the commands that recreate a stream: its entries, its last
// generated ID, its groups with their consumers and pending entries.
// miniredis has no XSETID or XGROUP SETID, so the last generated ID is set
// by adding an entry with that ID and deleting it again, and each group is
// created at its last delivered ID. XCLAIM … FORCE puts each pending entry
// back with its consumer, delivery count and delivery time.
func (r *replayer) stream(k string, s *streamValue) {
	last := "0-0"
	for _, e := range s.Entries {
		r.do(withItems([]any{"XADD", k, e.ID}, e.Fields)...)
		last = e.ID
	}
	if s.LastGeneratedID != "" && s.LastGeneratedID != last {
		r.do("XADD", k, s.LastGeneratedID, "-", "-")
		r.do("XDEL", k, s.LastGeneratedID)
	}
	// A stream without entries, generated IDs or groups exists only when it
	// was made by XGROUP CREATE … MKSTREAM and its groups were destroyed.
	if len(s.Entries) == 0 && s.LastGeneratedID == "" && len(s.Groups) == 0 {
		r.do("XGROUP", "CREATE", k, "-", "0", "MKSTREAM")
		r.do("XGROUP", "DESTROY", k, "-")
	}
	for _, g := range s.Groups {
		r.do("XGROUP", "CREATE", k, g.Name, g.LastDeliveredID, "MKSTREAM")
		for _, c := range g.Consumers {
			r.do("XGROUP", "CREATECONSUMER", k, g.Name, c)
		}
		for _, p := range g.Pending {
			r.do("XCLAIM", k, g.Name, p.Consumer, 0, p.ID,
				"TIME", p.LastDeliveryMilli, "RETRYCOUNT", p.Deliveries, "FORCE", "JUSTID")
		}
	}
}

// withItems appends items to args.
func withItems(args []any, items []string) []any {
	for _, it := range items {
		args = append(args, it)
	}
	return args
}
