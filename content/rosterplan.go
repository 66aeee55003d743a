package content

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// RosterChange is what bringing the roster in line with a source (an
// imported file, the WeCom directory) changes: who is added, who changes
// (post, phone, WeCom account, or unit — a move keeps the person's id,
// accounts and history), who leaves.
type RosterChange struct {
	Added   []RosterRow
	Changed []MemberChange
	Removed []Member
	// NewUnits are units the change brings that the roster did not have.
	NewUnits []string
}

// MemberChange is one person whose entry changes.
type MemberChange struct {
	Line   int
	Before Member
	After  Member
}

// Empty reports whether the change changes nothing.
func (c *RosterChange) Empty() bool {
	return len(c.Added) == 0 && len(c.Changed) == 0 && len(c.Removed) == 0
}

// Lines describes the change for an operator, one line a person:
// "+ 县委办 张三 (主任)", "~ 县委办 李四: 职务 副主任 → 主任", "- 县委办 王五".
func (c *RosterChange) Lines() []string {
	var out []string
	for _, r := range c.Added {
		out = append(out, "+ "+r.Member.Label()+post(r.Member.Post))
	}
	for _, ch := range c.Changed {
		out = append(out, "~ "+ch.Before.Label()+": "+strings.Join(ch.diffs(), "; "))
	}
	for _, p := range c.Removed {
		out = append(out, "- "+p.Label()+post(p.Post))
	}
	return out
}

func post(p string) string {
	if p == "" {
		return ""
	}
	return " (" + p + ")"
}

func (ch MemberChange) diffs() []string {
	var d []string
	field := func(name, a, b string) {
		if a != b {
			d = append(d, fmt.Sprintf("%s %s → %s", name, orDash(a), orDash(b)))
		}
	}
	field("单位", ch.Before.Unit, ch.After.Unit)
	field("姓名", ch.Before.Name, ch.After.Name)
	field("职务", ch.Before.Post, ch.After.Post)
	field("手机", ch.Before.Phone, ch.After.Phone)
	field("企业微信账号", ch.Before.WeComID, ch.After.WeComID)
	return d
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// PlanRoster compares the roster (current, everyone on it now) with the
// rows of a source and returns the change that makes the roster match it.
// A row is the same person as an entry with the same unit and name, else
// (a move) with the same WeCom account, else with the same name and phone.
// Only entries that came from source are removed when the rows lack them:
// an import does not remove the people a WeCom sync brought, nor the
// other way round.
func PlanRoster(current []Member, rows []RosterRow, source string) RosterChange {
	byKey := make(map[string]int, len(current))
	byWeCom := map[string]int{}
	byPhone := map[string]int{}
	units := map[string]bool{}
	for i, p := range current {
		byKey[p.Key()] = i
		if p.WeComID != "" {
			byWeCom[p.WeComID] = i
		}
		if p.Phone != "" {
			byPhone[p.Name+"\x00"+p.Phone] = i
		}
		for _, u := range UnitAncestors(p.Unit) {
			units[u] = true
		}
	}
	matched := make([]bool, len(current))
	var ch RosterChange
	newUnits := map[string]bool{}
	noteUnit := func(u string) {
		if !units[u] {
			newUnits[u] = true
		}
	}
	// Exact (unit, name) matches first, so a move is never matched to an
	// entry another row names exactly; the directory's own account ids
	// first of all (WeCom allows two 张伟 in one department).
	pending := make([]RosterRow, 0)
	for _, r := range rows {
		i, ok := byKey[r.Member.Key()]
		if source == SourceWeCom && r.Member.WeComID != "" {
			if j, found := byWeCom[r.Member.WeComID]; found {
				i, ok = j, true
			}
		}
		if !ok || matched[i] {
			pending = append(pending, r)
			continue
		}
		matched[i] = true
		ch.change(r, current[i], source)
		noteUnit(r.Member.Unit)
	}
	for _, r := range pending {
		i, ok := -1, false
		if r.Member.WeComID != "" {
			i, ok = byWeCom[r.Member.WeComID]
		}
		if !ok && r.Member.Phone != "" {
			i, ok = byPhone[r.Member.Name+"\x00"+r.Member.Phone]
		}
		if ok && !matched[i] {
			matched[i] = true
			ch.change(r, current[i], source)
			noteUnit(r.Member.Unit)
			continue
		}
		ch.Added = append(ch.Added, r)
		noteUnit(r.Member.Unit)
	}
	for i, p := range current {
		if !matched[i] && p.Source == source {
			ch.Removed = append(ch.Removed, p)
		}
	}
	for u := range newUnits {
		ch.NewUnits = append(ch.NewUnits, u)
	}
	sort.Strings(ch.NewUnits)
	return ch
}

// change records r as the new state of before when anything differs. The
// entry keeps its id, accounts and source; the WeCom directory, which
// often lacks posts and phones, leaves the ones the roster has.
func (c *RosterChange) change(r RosterRow, before Member, source string) {
	after := r.Member
	after.ID, after.Accounts, after.Source = before.ID, before.Accounts, before.Source
	if source == SourceWeCom {
		after.Post = cmp.Or(after.Post, before.Post)
		after.Phone = cmp.Or(after.Phone, before.Phone)
	}
	if slices.Contains(r.Absent, "phone") {
		after.Phone = before.Phone
	}
	if slices.Contains(r.Absent, "wecom_id") {
		after.WeComID = before.WeComID
	}
	if after.Name == before.Name && after.Unit == before.Unit && after.Post == before.Post &&
		after.Phone == before.Phone && after.WeComID == before.WeComID {
		return
	}
	c.Changed = append(c.Changed, MemberChange{Line: r.Line, Before: before, After: after})
}

// NearestUnit returns the known unit closest in spelling to u (at most two
// characters off), or "".
func NearestUnit(u string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance([]rune(u), []rune(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// KnownUnits are the units of people and every unit above them, each
// once, in the order people first name them.
func KnownUnits(people []Member) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range people {
		for _, u := range UnitAncestors(m.Unit) {
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	return out
}

// UnknownUnits refuses, by line, the rows of a change planned from current
// that bring units current does not have (a likely typo), each with the
// known unit nearest in spelling when there is one; nil when there are
// none.
func UnknownUnits(current []Member, ch RosterChange) *RosterError {
	known := KnownUnits(current)
	isNew := map[string]bool{}
	for _, u := range ch.NewUnits {
		isNew[u] = true
	}
	errs := &RosterError{}
	note := func(line int, unit string) {
		if near := NearestUnit(unit, known); near != "" {
			errs.Lines = append(errs.Lines, LineError{line, RosterErrNearUnit, []any{unit, near}})
			return
		}
		errs.Lines = append(errs.Lines, LineError{line, RosterErrUnknownUnit, []any{unit}})
	}
	for _, r := range ch.Added {
		if isNew[r.Member.Unit] {
			note(r.Line, r.Member.Unit)
		}
	}
	for _, c := range ch.Changed {
		if isNew[c.After.Unit] && c.After.Unit != c.Before.Unit {
			note(c.Line, c.After.Unit)
		}
	}
	if len(errs.Lines) == 0 {
		return nil
	}
	return errs
}
