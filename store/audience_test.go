package store

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tongbao/content"
)

// TestChosenAudience checks each kind of chosen audience — topics, units,
// both, platforms alone and as a restriction — against the fan-out, the
// count and content's Receives (the rule digests apply), on every backend.
func TestChosenAudience(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		// tg:1 takes everything (unit 县委办); tg:2 follows 防汛 (县财政局);
		// wx:oA notices (县委办); wecom:zs 人才; tg:5 takes everything in
		// 县委办 but blocked the bot; wx:oB follows 防汛 in a daily digest.
		people := []struct {
			id, unit string
			sub      *content.Subscription
		}{
			{"tg:1", "县委办", nil},
			{"tg:2", "县财政局", &content.Subscription{Kind: content.SubTopic, Value: "防汛"}},
			{"wx:oA", "县委办", &content.Subscription{Kind: content.SubKind, Value: "notice"}},
			{"wecom:zs", "", &content.Subscription{Kind: content.SubTopic, Value: "人才"}},
			{"tg:5", "县委办", nil},
			{"wx:oB", "", &content.Subscription{Kind: content.SubTopic, Value: "防汛"}},
		}
		for _, p := range people {
			if _, _, err := s.Touch(ctx, p.id, "", "", true); err != nil {
				t.Fatal(err)
			}
			if p.unit != "" {
				if err := s.SetUnit(ctx, p.id, p.unit); err != nil {
					t.Fatal(err)
				}
			}
			if p.sub != nil {
				if _, err := s.Subscribe(ctx, p.id, *p.sub); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := s.SetStatus(ctx, "tg:5", content.StatusBlocked); err != nil {
			t.Fatal(err)
		}
		if err := s.SetDelivery(ctx, "wx:oB", content.ModeDigest, "08:00", ""); err != nil {
			t.Fatal(err)
		}
		scan := func(b *content.Bulletin, includeDigest bool) string {
			var ids []string
			if err := s.Audience(ctx, b, includeDigest, func(batch []content.Recipient) error {
				for _, r := range batch {
					ids = append(ids, r.ID)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			return strings.Join(ids, ",")
		}
		for name, c := range map[string]struct {
			aud     content.Audience
			instant string // the fan-out (digest-mode subscribers left out)
			count   int64  // digest-mode subscribers included
		}{
			"none: the subscriptions":    {content.Audience{}, "tg:1,tg:2", 3},
			"a topic":                    {content.Audience{Topics: []string{"防汛"}}, "tg:1,tg:2", 3},
			"a unit":                     {content.Audience{Units: []string{"县委办"}}, "tg:1,wx:oA", 2},
			"topic and unit: the union":  {content.Audience{Topics: []string{"人才"}, Units: []string{"县财政局"}}, "tg:1,tg:2,wecom:zs", 3},
			"two units":                  {content.Audience{Units: []string{"县委办", "县财政局"}}, "tg:1,tg:2,wx:oA", 3},
			"a unit on one platform":     {content.Audience{Units: []string{"县委办"}, Platforms: []string{"wx"}}, "wx:oA", 1},
			"a topic on two platforms":   {content.Audience{Topics: []string{"防汛"}, Platforms: []string{"wx", "wecom"}}, "", 1},
			"the subscriptions on tg":    {content.Audience{Platforms: []string{"tg"}}, "tg:1,tg:2", 2},
			"a topic nobody follows":     {content.Audience{Topics: []string{"人口普查"}}, "tg:1", 1},
			"union, restricted to wecom": {content.Audience{Topics: []string{"人才"}, Units: []string{"县委办"}, Platforms: []string{"wecom"}}, "wecom:zs", 1},
			"a unit nobody is in":        {content.Audience{Units: []string{"县水利局"}}, "", 0},
			"the subscriptions on wecom": {content.Audience{Platforms: []string{"wecom"}}, "", 0},
		} {
			t.Run(name, func(t *testing.T) {
				b := &content.Bulletin{ID: "aud-" + name, Title: "关于做好防汛工作的通知", Kind: content.KindNews, Tags: []string{"防汛"}, Audience: c.aud}
				if got := scan(b, false); got != c.instant {
					t.Errorf("fan-out = %q, want %q", got, c.instant)
				}
				n, err := s.CountBulletinAudience(ctx, b)
				if err != nil || n != c.count {
					t.Errorf("CountBulletinAudience = %d, %v; want %d", n, err, c.count)
				}
				// Receives (what a digest includes) agrees with the store.
				var want []string
				for _, p := range people {
					sub, err := s.Subscriber(ctx, p.id)
					if err != nil {
						t.Fatal(err)
					}
					if sub.Status == content.StatusActive && sub.Receives(b) {
						want = append(want, p.id)
					}
				}
				slices.Sort(want)
				if got := scan(b, true); got != strings.Join(want, ",") {
					t.Errorf("fan-out with digests = %q, but Receives says %q", got, strings.Join(want, ","))
				}
			})
		}
		for _, bad := range []content.Audience{{Platforms: []string{"fax"}}, {Units: []string{" "}}, {Topics: []string{""}}} {
			b := &content.Bulletin{ID: "aud-bad", Kind: content.KindNews, Audience: bad}
			err := s.Audience(ctx, b, false, func([]content.Recipient) error { t.Error("a bad audience was fanned out"); return nil })
			if !errors.Is(err, content.ErrBadAudience) {
				t.Errorf("Audience(%+v) = %v, want ErrBadAudience", bad, err)
			}
			if _, err := s.CountBulletinAudience(ctx, b); !errors.Is(err, content.ErrBadAudience) {
				t.Errorf("CountBulletinAudience(%+v) = %v, want ErrBadAudience", bad, err)
			}
		}
	})
}

// TestAudienceIsStored checks that a bulletin's chosen audience survives
// the store, and that one without keeps none.
func TestAudienceIsStored(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b := *samples[qingxiFlood]
		b.Audience = content.Audience{Topics: []string{"防汛"}, Units: []string{"县应急管理局"}, Platforms: []string{"wecom", "wx"}}
		if _, err := s.SaveBulletin(ctx, &b); err != nil {
			t.Fatal(err)
		}
		got, err := s.Bulletin(ctx, b.ID)
		if err != nil || !reflect.DeepEqual(got.Audience, b.Audience) {
			t.Fatalf("stored audience = %+v, %v; want %+v", got.Audience, err, b.Audience)
		}
		plain := *samples[lanxiTxt]
		if _, err := s.SaveBulletin(ctx, &plain); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Bulletin(ctx, plain.ID); err != nil || !got.Audience.IsZero() {
			t.Errorf("a bulletin without an audience came back with %+v, %v", got.Audience, err)
		}
	})
}

// TestCountAudienceAgrees: a broadcast's count is how many AudienceOf
// gives, for every kind of segment, among subscribers who take
// everything, follow a topic, blocked the bot or left, on every backend.
func TestCountAudienceAgrees(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		people := []struct {
			id, unit, topic string
			status          content.Status
		}{
			{"tg:1", "县委办", "", content.StatusActive},
			{"tg:2", "县委办", "防汛", content.StatusActive},
			{"tg:3", "", "", content.StatusBlocked},
			{"tg:4", "县委办", "防汛", content.StatusLeft},
			{"wx:o5", "县财政局", "", content.StatusLeft},
			{"wx:o6", "", "防汛", content.StatusActive},
			{"wx:o7", "县财政局", "人才", content.StatusBlocked},
			{"wx:o8", "县财政局", "", content.StatusActive},
		}
		for _, p := range people {
			if _, _, err := s.Touch(ctx, p.id, "", "", true); err != nil {
				t.Fatal(err)
			}
			if p.unit != "" {
				if err := s.SetUnit(ctx, p.id, p.unit); err != nil {
					t.Fatal(err)
				}
			}
			if p.topic != "" {
				if _, err := s.Subscribe(ctx, p.id, content.Subscription{Kind: content.SubTopic, Value: p.topic}); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.SetStatus(ctx, p.id, p.status); err != nil {
				t.Fatal(err)
			}
		}
		for seg, want := range map[content.Segment]int64{
			"all": 4, "topic:防汛": 4, "topic:人才": 2, "kind:notice": 2,
			"platform:tg": 2, "platform:wx": 2, "unit:县委办": 2, "unit:县财政局": 1, "unit:县水利局": 0,
		} {
			var got int64
			if err := s.AudienceOf(ctx, "count-"+string(seg), seg, nil, func(batch []content.Recipient) error {
				got += int64(len(batch))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			n, err := s.CountAudience(ctx, seg, nil)
			if err != nil || n != got || n != want {
				t.Errorf("CountAudience(%s) = %d, %v; AudienceOf gives %d, want %d", seg, n, err, got, want)
			}
		}
	})
}
