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
func restore(ctx context.Context, rdb *redis.Client, records []Record, now time.Time) (int, error) {
	conn := rdb.Conn()
	defer conn.Close()
	r := NewReplayer(ctx, conn.Pipeline())
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
		if err := r.Add(rec); err != nil {
			return n, err
		}
		n++
	}
	return n, r.Flush()
}

// Replayer recreates Records on any Redis (miniredis, a server, a Cluster)
// through a pipeline, sending the commands in batches. Add sends no SELECT:
// a record goes to the pipeline's database whatever its DB field says.
type Replayer struct {
	ctx    context.Context
	pipe   redis.Pipeliner
	db     int // the database SELECTed on the connection
	queued int
}

// do queues one command.
func (r *Replayer) do(args ...any) {
	r.pipe.Do(r.ctx, args...)
	r.queued++
}

// NewReplayer returns a Replayer that queues on pipe.
func NewReplayer(ctx context.Context, pipe redis.Pipeliner) *Replayer {
	return &Replayer{ctx: ctx, pipe: pipe, db: -1}
}

// Flush sends the queued commands and returns the first one's failure.
func (r *Replayer) Flush() error {
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

// Add queues the commands that recreate rec (which must not exist yet),
// and sends a batch when enough are queued.
func (r *Replayer) Add(rec *Record) error {
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
		return r.Flush()
	}
	return nil
}

// stream queues the commands that recreate a stream: its entries, its last
// generated ID, its groups with their consumers and pending entries.
// miniredis has no XSETID or XGROUP SETID, so the last generated ID is set
// by adding an entry with that ID and deleting it again, and each group is
// created at its last delivered ID. XCLAIM … FORCE puts each pending entry
// back with its consumer, delivery count and delivery time.
func (r *Replayer) stream(k string, s *StreamValue) {
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
