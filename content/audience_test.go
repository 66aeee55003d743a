package content

import (
	"errors"
	"reflect"
	"testing"
)

// TestNewAudience: values are trimmed and kept once, in order; an empty
// value or an unknown platform is refused; String names what was chosen.
func TestNewAudience(t *testing.T) {
	a, err := NewAudience([]string{" 防汛", "人才", "防汛"}, []string{"县委办 "}, []string{"wx", "tg", "wx"})
	want := Audience{Topics: []string{"防汛", "人才"}, Units: []string{"县委办"}, Platforms: []string{"wx", "tg"}}
	if err != nil || !reflect.DeepEqual(a, want) {
		t.Fatalf("NewAudience = %+v, %v; want %+v", a, err, want)
	}
	if got := a.String(); got != "topic=防汛,人才;unit=县委办;platform=wx,tg" {
		t.Errorf("String = %q", got)
	}
	if a, err := NewAudience(nil, nil, nil); err != nil || !a.IsZero() || a.String() != "" || a.Chosen() {
		t.Errorf("nothing chosen = %+v, %v", a, err)
	}
	if a, _ := NewAudience(nil, nil, []string{"tg"}); a.IsZero() || a.Chosen() {
		t.Errorf("platforms alone: zero %v, chosen %v; want neither (the subscriptions choose, on tg)", a.IsZero(), a.Chosen())
	}
	for name, bad := range map[string][3][]string{
		"unknown platform": {nil, nil, {"fax"}},
		"console platform": {nil, nil, {"console"}},
		"empty topic":      {{"防汛", " "}, nil, nil},
		"empty unit":       {nil, {""}, nil},
	} {
		if _, err := NewAudience(bad[0], bad[1], bad[2]); !errors.Is(err, ErrBadAudience) {
			t.Errorf("%s: %v, want ErrBadAudience", name, err)
		}
		if err := (Audience{Topics: bad[0], Units: bad[1], Platforms: bad[2]}).Check(); !errors.Is(err, ErrBadAudience) {
			t.Errorf("%s: Check = %v, want ErrBadAudience", name, err)
		}
	}
}
