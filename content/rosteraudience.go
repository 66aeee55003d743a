package content

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// RosterSegmentPrefix starts a Segment that names roster people rather
// than subscribers: "roster:unit=县委办,县财政局;post=主要负责人;id=12;via=wecom,wx,tg".
const RosterSegmentPrefix = "roster:"

// DefaultPlatformOrder is the platform a roster audience reaches each
// person on when they have several: WeCom first (the office's own
// directory), then the Official Account, then Telegram.
var DefaultPlatformOrder = []string{"wecom", "wx", "tg"}

// RosterAudience names the people a bulletin or broadcast is meant for:
// everyone in Units (with their sub-units) holding one of Posts (any post
// when none is named; every unit when only posts are named), plus the
// people named by roster id.
type RosterAudience struct {
	Units []string
	Posts []string
	IDs   []int64
	// Via is the platform order for people with several accounts
	// (DefaultPlatformOrder when empty).
	Via []string
}

// Empty reports whether the audience names nobody.
func (a RosterAudience) Empty() bool {
	return len(a.Units) == 0 && len(a.Posts) == 0 && len(a.IDs) == 0
}

// Order is the platform order in effect.
func (a RosterAudience) Order() []string {
	if len(a.Via) == 0 {
		return DefaultPlatformOrder
	}
	return a.Via
}

// Segment encodes the audience as a broadcast segment.
func (a RosterAudience) Segment() Segment {
	var parts []string
	if len(a.Units) > 0 {
		parts = append(parts, "unit="+strings.Join(a.Units, ","))
	}
	if len(a.Posts) > 0 {
		parts = append(parts, "post="+strings.Join(a.Posts, ","))
	}
	if len(a.IDs) > 0 {
		ids := make([]string, len(a.IDs))
		for i, id := range a.IDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		parts = append(parts, "id="+strings.Join(ids, ","))
	}
	if len(a.Via) > 0 {
		parts = append(parts, "via="+strings.Join(a.Via, ","))
	}
	return Segment(RosterSegmentPrefix + strings.Join(parts, ";"))
}

// IsRoster reports whether the segment names roster people.
func (s Segment) IsRoster() bool { return strings.HasPrefix(string(s), RosterSegmentPrefix) }

// ParseRosterAudience reads a segment made by RosterAudience.Segment.
func ParseRosterAudience(seg Segment) (RosterAudience, error) {
	var a RosterAudience
	body, ok := strings.CutPrefix(string(seg), RosterSegmentPrefix)
	if !ok {
		return a, fmt.Errorf("segment %q is not a roster audience", seg)
	}
	for part := range strings.SplitSeq(body, ";") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		var vals []string
		for x := range strings.SplitSeq(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				vals = append(vals, x)
			}
		}
		switch k {
		case "unit":
			for _, u := range vals {
				cu, ok := CleanUnit(u)
				if !ok {
					return a, fmt.Errorf("roster audience: unit %q has an empty part", u)
				}
				a.Units = append(a.Units, cu)
			}
		case "post":
			a.Posts = append(a.Posts, vals...)
		case "id":
			for _, x := range vals {
				id, err := strconv.ParseInt(x, 10, 64)
				if err != nil || id <= 0 {
					return a, fmt.Errorf("roster audience: %q is not a roster id", x)
				}
				a.IDs = append(a.IDs, id)
			}
		case "via":
			for _, p := range vals {
				if !slices.Contains(DefaultPlatformOrder, p) {
					return a, fmt.Errorf("roster audience: unknown platform %q (want wecom, wx, tg)", p)
				}
			}
			a.Via = vals
		default:
			return a, fmt.Errorf("roster audience: unknown part %q (want unit=, post=, id=, via=)", k)
		}
	}
	if a.Empty() {
		return a, fmt.Errorf("roster audience %q names nobody", seg)
	}
	return a, nil
}
