package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"tongbao/content"
	"tongbao/store"
)

// unreadShown is how many unread subscribers the stats listing prints.
const unreadShown = 50

func runStats(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("stats", "[--redis URL] [--json] [--unit NAME] [BULLETIN_ID [--by unit]]", `
Without an id: how many bulletins and subscribers are stored, and the
delivery queues with how many each has sent, ever. With a bulletin id:
delivered / read / unread and the read rate, by platform and unit, how
and when reads happened, and the unread list (--unit NAME: only that
unit's unread). With --by unit, for a bulletin sent to roster people: per
unit intended / delivered / read, the unread names and the 未绑定.`)
	common := addCommonFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	unit := fs.String("unit", "", "only this unit in the unread list")
	by := fs.String("by", "", "unit: a roster bulletin's receipt by unit (intended / delivered / read, unread and 未绑定 names)")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 1 || (*by != "" && (*by != "unit" || len(rest) != 1)) {
		fmt.Fprintln(app.Stderr, "tongbao stats: at most one BULLETIN_ID; --by unit needs one (see --help)")
		return errUsage
	}
	_, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(rest) == 0 {
		return overview(ctx, app.Stdout, st, *asJSON)
	}
	if *by == "unit" {
		return rosterReceipts(ctx, app.Stdout, st, rest[0], *asJSON)
	}
	return bulletinStats(ctx, app.Stdout, st, rest[0], *unit, *asJSON)
}

// overview prints the store's totals.
func overview(ctx context.Context, w io.Writer, st *store.Store, asJSON bool) error {
	total, byKind, err := st.CountBulletins(ctx)
	if err != nil {
		return err
	}
	subs, err := st.CountSubscribers(ctx)
	if err != nil {
		return err
	}
	queues := map[string]*content.QueueStats{}
	for _, p := range []string{"tg", "wx", "wecom", "console"} {
		q, err := st.QueueStats(ctx, p)
		if err != nil {
			return err
		}
		queues[p] = q
	}
	if asJSON {
		return json.NewEncoder(w).Encode(map[string]any{
			"bulletins":   map[string]any{"total": total, "by_kind": byKind},
			"subscribers": subs, "queues": queues,
		})
	}
	fmt.Fprintf(w, "bulletins: %d (meetings %d, notices %d, news %d)\n", total, byKind[content.KindMeeting], byKind[content.KindNotice], byKind[content.KindNews])
	fmt.Fprintf(w, "subscribers: %d (active %d, blocked %d, left %d)\n", subs.Total, subs.ByStatus[content.StatusActive], subs.ByStatus[content.StatusBlocked], subs.ByStatus[content.StatusLeft])
	for _, p := range slices.Sorted(maps.Keys(subs.ByPlatform)) {
		fmt.Fprintf(w, "  %-8s %d\n", p, subs.ByPlatform[p])
	}
	for _, p := range []string{"tg", "wx", "wecom", "console"} {
		q := queues[p]
		if q.Length+q.Delayed+q.Dead+q.Sent == 0 {
			continue
		}
		fmt.Fprintf(w, "queue %-7s pending %d, waiting %d, retrying %d, dead %d, sent %d\n", p, q.Pending, q.Lag, q.Delayed, q.Dead, q.Sent)
	}
	return nil
}

// bulletinStats prints one bulletin's reach.
func bulletinStats(ctx context.Context, w io.Writer, st *store.Store, id, unit string, asJSON bool) error {
	b, err := st.Bulletin(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no bulletin with id %s (list them with `tongbao ask 最近10条`)", id)
	}
	if err != nil {
		return err
	}
	s, err := st.Stats(ctx, id)
	if err != nil {
		return err
	}
	unread, err := st.Unread(ctx, id, unit)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(w).Encode(map[string]any{"bulletin": map[string]string{"id": b.ID, "title": b.Title}, "stats": s, "unread": unread})
	}
	fmt.Fprintf(w, "%s\n%s · %s\n", b.Title, b.ID, b.PublishedAt.Format("2006-01-02 15:04"))
	fmt.Fprintf(w, "delivered %d · read %d · unread %d · read rate %.1f%%\n", s.Delivered, s.Read, s.Delivered-s.Read, 100*s.ReadRate)
	for _, p := range slices.Sorted(maps.Keys(s.ByPlatform)) {
		r := s.ByPlatform[p]
		fmt.Fprintf(w, "  %-8s delivered %d, read %d\n", p, r.Delivered, r.Read)
	}
	for _, u := range slices.Sorted(maps.Keys(s.ByUnit)) {
		if r := s.ByUnit[u]; r.Delivered > 0 {
			fmt.Fprintf(w, "  %s: delivered %d, read %d\n", u, r.Delivered, r.Read)
		}
	}
	if len(s.Via) > 0 {
		var parts []string
		for _, v := range slices.Sorted(maps.Keys(s.Via)) {
			parts = append(parts, fmt.Sprintf("%s %d", v, s.Via[v]))
		}
		fmt.Fprintf(w, "reads via: %s\n", strings.Join(parts, ", "))
	}
	if buckets, byDay := content.ReadsOverTime(b.PublishedAt, s.ByHour); len(buckets) > 0 {
		if byDay {
			fmt.Fprintln(w, "reads by day (Beijing time):")
		} else {
			fmt.Fprintln(w, "reads by hour after publication:")
		}
		for _, bk := range buckets {
			label := fmt.Sprintf("%3dh", bk.Hour)
			if byDay {
				label = bk.Day.Format("2006-01-02")
			}
			fmt.Fprintf(w, "  %s %s %d\n", label, strings.Repeat("█", int(min(bk.Reads, 40))), bk.Reads)
		}
	}
	if s.Reminded > 0 {
		fmt.Fprintf(w, "reminded: %d\n", s.Reminded)
	}
	if len(unread) > 0 {
		fmt.Fprintf(w, "unread (%d):\n", len(unread))
		for i, id := range unread {
			if i == unreadShown {
				fmt.Fprintf(w, "  … and %d more (--json lists all)\n", len(unread)-unreadShown)
				break
			}
			fmt.Fprintf(w, "  %s\n", id)
		}
	}
	return nil
}

func runSubscribers(ctx context.Context, app *App, args []string) error {
	fs := app.newFlags("subscribers", "[--redis URL] [--status active|blocked|left] [--limit N] [--count]", `
Lists subscribers (id, status, unit, language, subscriptions, last seen), or
with --count only the counts by status, platform and unit.`)
	common := addCommonFlags(fs)
	status := fs.String("status", "", "only subscribers with this status")
	limit := fs.Int("limit", 100, "list at most this many")
	countOnly := fs.Bool("count", false, "print counts only")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := app.parseFlags(fs, args); err != nil {
		return err
	}
	switch content.Status(*status) {
	case "", content.StatusActive, content.StatusBlocked, content.StatusLeft:
	default:
		fmt.Fprintf(app.Stderr, "tongbao subscribers: --status must be active, blocked or left, not %q\n", *status)
		return errUsage
	}
	_, _, st, err := app.openCommand(ctx, common)
	if err != nil {
		return err
	}
	defer st.Close()
	counts, err := st.CountSubscribers(ctx)
	if err != nil {
		return err
	}
	if *countOnly {
		if *asJSON {
			return json.NewEncoder(app.Stdout).Encode(counts)
		}
		fmt.Fprintf(app.Stdout, "total %d\n", counts.Total)
		for _, group := range []struct {
			name string
			m    map[string]int64
		}{{"status", byName(counts.ByStatus)}, {"platform", counts.ByPlatform}, {"unit", counts.ByUnit}} {
			for _, k := range slices.Sorted(maps.Keys(group.m)) {
				fmt.Fprintf(app.Stdout, "%s %-10s %d\n", group.name, k, group.m[k])
			}
		}
		return nil
	}
	subs, err := st.ListSubscribers(ctx, content.Status(*status), *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(app.Stdout).Encode(subs)
	}
	for _, s := range subs {
		var wants []string
		for _, sub := range s.Subs {
			wants = append(wants, strings.TrimPrefix(sub.Kind+":"+sub.Value, "all:"))
		}
		fmt.Fprintf(app.Stdout, "%-24s %-8s %-3s %-12s %-20s last seen %s\n", s.ID, s.Status, s.Lang, orDash(s.Unit), orDash(strings.Join(wants, ",")), s.LastSeen.Format("2006-01-02 15:04"))
	}
	fmt.Fprintf(app.Stdout, "%d shown of %d\n", len(subs), counts.Total)
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// byName keys counts by their names as strings, for printing.
func byName[K ~string](m map[K]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, n := range m {
		out[string(k)] = n
	}
	return out
}
