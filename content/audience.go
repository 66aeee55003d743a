package content

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Audience is who an admin chose to receive a bulletin, kept on the
// bulletin (Bulletin.Audience) so that a scheduled publication and a
// fan-out resumed after a crash reach the same people.
//
//   - Empty: the subscriptions decide, as for any bulletin (everyone whose
//     subscriptions match it).
//   - Topics: the subscribers of any of those topics, and those who take
//     everything (as a topic segment of a broadcast reaches).
//   - Units: every active subscriber in those units, whatever they
//     subscribed to.
//   - Topics and Units together: the union of both.
//   - Platforms restrict any of these (the subscriptions' choice too, when
//     no topic or unit is named) to subscribers on those platforms.
//
// Digest-mode subscribers in the audience get the bulletin in their next
// digest, the others at once; nobody outside it gets it either way.
type Audience struct {
	Topics    []string `json:"topics,omitempty"`
	Units     []string `json:"units,omitempty"`
	Platforms []string `json:"platforms,omitempty"`
}

// AudiencePlatforms are the platforms an audience may name.
var AudiencePlatforms = DefaultPlatformOrder

// ErrBadAudience is wrapped by every reason NewAudience refuses an audience.
var ErrBadAudience = errors.New("bad audience")

// NewAudience checks and tidies an admin's choice: values are trimmed,
// each kept once, in the order given. An empty value or an unknown
// platform is refused with an error wrapping ErrBadAudience.
func NewAudience(topics, units, platforms []string) (Audience, error) {
	var a Audience
	var err error
	if a.Topics, err = audienceValues("topic", topics); err != nil {
		return Audience{}, err
	}
	if a.Units, err = audienceValues("unit", units); err != nil {
		return Audience{}, err
	}
	if a.Platforms, err = audienceValues("platform", platforms); err != nil {
		return Audience{}, err
	}
	for _, p := range a.Platforms {
		if !slices.Contains(AudiencePlatforms, p) {
			return Audience{}, fmt.Errorf("%w: unknown platform %q (want %s)", ErrBadAudience, p, strings.Join(AudiencePlatforms, ", "))
		}
	}
	return a, nil
}

// audienceValues trims vals and drops repeats; an empty one is an error.
func audienceValues(what string, vals []string) ([]string, error) {
	var out []string
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil, fmt.Errorf("%w: an empty %s", ErrBadAudience, what)
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// Check reports why a stored audience would be refused by NewAudience
// (nil when it would not).
func (a Audience) Check() error {
	_, err := NewAudience(a.Topics, a.Units, a.Platforms)
	return err
}

// IsZero reports whether nothing was chosen: the subscriptions decide.
func (a Audience) IsZero() bool {
	return len(a.Topics) == 0 && len(a.Units) == 0 && len(a.Platforms) == 0
}

// Chosen reports whether topics or units name the audience (rather than
// the subscriptions).
func (a Audience) Chosen() bool { return len(a.Topics) > 0 || len(a.Units) > 0 }

// String describes the audience for logs and the audit log:
// "topic=防汛,人才;unit=县应急管理局;platform=tg", or "" when zero.
func (a Audience) String() string {
	var parts []string
	for _, p := range []struct {
		name string
		vals []string
	}{{"topic", a.Topics}, {"unit", a.Units}, {"platform", a.Platforms}} {
		if len(p.vals) > 0 {
			parts = append(parts, p.name+"="+strings.Join(p.vals, ","))
		}
	}
	return strings.Join(parts, ";")
}

// Receives reports whether the subscriber is among those the bulletin is
// for: its chosen audience, or the subscriber's own subscriptions when
// none was chosen (the same rule the store's fan-out applies).
func (s *Subscriber) Receives(b *Bulletin) bool {
	a := b.Audience
	if len(a.Platforms) > 0 && !slices.Contains(a.Platforms, s.Platform) {
		return false
	}
	if !a.Chosen() {
		return s.Wants(b)
	}
	if slices.Contains(a.Units, s.Unit) {
		return true
	}
	for _, t := range a.Topics {
		if s.WantsAll() || slices.Contains(s.Subs, Subscription{Kind: SubTopic, Value: t}) {
			return true
		}
	}
	return false
}
