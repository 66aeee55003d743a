package content

import (
	"sort"
)

// MemberStatus is where one intended reader of a bulletin stands: the unit
// they were in when it was sent, whether they had an account to reach
// them on, and whether any of their accounts received and read it.
type MemberStatus struct {
	ID   int64
	Name string // "" once the person was forgotten (tongbao roster forget)
	Unit string
	// Bound is false for people with no account the bulletin could go to
	// (未绑定: intended but unreachable).
	Bound     bool
	Delivered bool
	Read      bool
}

// UnitReceipt is one unit's receipt for a bulletin sent to roster people.
type UnitReceipt struct {
	Unit      string `json:"unit"`
	Intended  int64  `json:"intended"`
	Delivered int64  `json:"delivered"`
	Read      int64  `json:"read"`
	// Unread names the bound people who have not read it (received or not
	// yet); Unbound the people with no account (未绑定). Forgotten people
	// are counted but not named.
	Unread  []string `json:"unread"`
	Unbound []string `json:"unbound"`
}

// RosterReceipts is a bulletin's receipt by unit.
type RosterReceipts struct {
	BulletinID string        `json:"bulletin_id"`
	Units      []UnitReceipt `json:"units"`
	Total      UnitReceipt   `json:"total"`
}

// Receipts groups people's statuses by unit, keeping only the units within
// one of scope (every unit when scope is nil), units and names sorted.
func Receipts(bulletinID string, people []MemberStatus, scope []string) *RosterReceipts {
	byUnit := map[string]*UnitReceipt{}
	out := &RosterReceipts{BulletinID: bulletinID, Units: []UnitReceipt{}, Total: UnitReceipt{Unit: "", Unread: []string{}, Unbound: []string{}}}
	for _, p := range people {
		if !WithinAny(p.Unit, scope) {
			continue
		}
		u := byUnit[p.Unit]
		if u == nil {
			u = &UnitReceipt{Unit: p.Unit, Unread: []string{}, Unbound: []string{}}
			byUnit[p.Unit] = u
		}
		for _, r := range []*UnitReceipt{u, &out.Total} {
			r.Intended++
			if p.Delivered {
				r.Delivered++
			}
			if p.Read {
				r.Read++
			}
		}
		switch {
		case p.Name == "" || p.Read:
		case !p.Bound:
			u.Unbound = append(u.Unbound, p.Name)
		default:
			u.Unread = append(u.Unread, p.Name)
		}
	}
	for _, u := range byUnit {
		sort.Strings(u.Unread)
		sort.Strings(u.Unbound)
		out.Units = append(out.Units, *u)
		out.Total.Unread = append(out.Total.Unread, u.Unread...)
		out.Total.Unbound = append(out.Total.Unbound, u.Unbound...)
	}
	sort.Slice(out.Units, func(i, j int) bool { return out.Units[i].Unit < out.Units[j].Unit })
	return out
}

// WithinAny reports whether unit lies within one of tops; a nil tops is the
// whole tree.
func WithinAny(unit string, tops []string) bool {
	if tops == nil {
		return true
	}
	for _, t := range tops {
		if UnitWithin(unit, t) {
			return true
		}
	}
	return false
}
