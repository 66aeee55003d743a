package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"tongbao/content"
)

// TestFacetsAndLexicon: what a stored bulletin names is a lexicon word the
// moment it is saved, and each facet selects its bulletins.
func TestFacetsAndLexicon(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		saveSamples(t, s)
		words, cursor, err := s.LexiconSince(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		for word, facet := range map[string]string{
			"兰溪": "place:兰溪", "兰溪市": "place:兰溪", "青溪县": "place:青溪", "市委": "body:市委", "县政府": "body:县政府",
			"常委会": "type:常委会", "常委扩大会议": "type:常委会", "常务会议": "type:常务会议", "常务会": "type:常务会议",
			"朱俊华": "person:朱俊华", "李明": "person:李明", "县长": "post:县长", "副书记": "post:副书记",
			"青政办明电12号": "doc:青政办明电12号", "青政办明电202212号": "doc:青政办明电12号",
			"县政府第十二次常务会议": "meeting:县政府第十二次常务会议", "青溪县政府第十二次常务会议": "meeting:县政府第十二次常务会议", "县政府办": "body:县政府办公室",
		} {
			if !slices.Contains(words[word], facet) {
				t.Errorf("lexicon[%q] = %v, want %s among them", word, words[word], facet)
			}
		}
		for facet, want := range map[string][]string{
			"type:常务会议":    {samples[qingxiMeet].ID},
			"place:青溪":     {samples[qingxiMeet].ID, samples[qingxiFlood].ID},
			"person:朱俊华":   {samples[lanxiTxt].ID},
			"ord:12":       {samples[qingxiMeet].ID},
			"doc:青政办明电12号": {samples[qingxiFlood].ID},
			"body:县政府":     {samples[qingxiMeet].ID, samples[qingxiFlood].ID},
			"post:市长":      {samples[lanxiTxt].ID},
			"type:党组会议":    nil,
		} {
			bs, total, err := s.Timeline(ctx, content.Filter{Facets: []string{facet}}, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, b := range bs {
				ids = append(ids, b.ID)
			}
			if !slices.Equal(ids, want) || total != int64(len(want)) {
				t.Errorf("facet %s: %v (%d), want %v", facet, ids, total, want)
			}
		}
		// Facets combine with kind, tag and each other.
		bs, total, err := s.Timeline(ctx, content.Filter{Kind: content.KindNotice, Tag: "防汛", Facets: []string{"place:青溪", "body:县政府"}}, 0, 10)
		if err != nil || total != 1 || len(bs) != 1 || bs[0].ID != samples[qingxiFlood].ID {
			t.Errorf("notice ∩ 防汛 ∩ 青溪 ∩ 县政府 = %d, %v", total, err)
		}
		// A new name is a word as soon as its bulletin is stored.
		nb := *samples[qingxiMeet]
		nb.ID, nb.Title, nb.PublishedAt = "20220701-00000001", "桃源镇召开党委会议", nb.PublishedAt.Add(30*24*time.Hour)
		m := *nb.Meeting
		m.Name, m.Organ, m.Chair = "镇党委会议", "桃源镇党委", content.Person{Name: "赵晓燕", Title: "镇党委书记"}
		nb.Meeting, nb.Fingerprint = &m, content.MakeFingerprint("桃源镇 党委会议 一段全新的文字")
		if _, err := s.SaveBulletin(ctx, &nb); err != nil {
			t.Fatal(err)
		}
		fresh, _, err := s.LexiconSince(ctx, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(fresh["赵晓燕"], "person:赵晓燕") || !slices.Contains(fresh["桃源"], "place:桃源") {
			t.Errorf("new words since the cursor = %v", fresh)
		}
	})
}

func TestDocKeyAndMeetingType(t *testing.T) {
	for in, want := range map[string]string{"青政办明电〔2022〕12号": "青政办明电12号", "青政办明电12号": "青政办明电12号", "青政办明电2022年12号": "青政办明电12号",
		"兰政发[2021]007号": "兰政发7号", "没有编号": ""} {
		if got := DocKey(in); got != want {
			t.Errorf("DocKey(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"市委常委会(扩大)会议": "常委会", "县政府第十二次常务会议": "常务会议", "县人大常委会第五次会议": "人大常委会会议",
		"县第十七届人民代表大会第二次会议": "人代会", "縣委常委會會議": "常委会", "开工仪式": ""} {
		if got := MeetingType(in); got != want {
			t.Errorf("MeetingType(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSearchFindsTagsAndTraditional: a topic tag is found like the text,
// and a simplified query finds a bulletin written in traditional
// characters.
func TestSearchFindsTagsAndTraditional(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		saveSamples(t, s)
		if hits, _, err := s.Search(ctx, "人才", 0, 5); err != nil || len(hits) == 0 {
			t.Errorf("search 人才 = %d hits, %v", len(hits), err)
		}
		trad := &content.Bulletin{ID: "20230101-0000000a", Title: "鐵嶺縣召開縣委常委會會議", Kind: content.KindMeeting, PublishedAt: time.Date(2023, 1, 1, 9, 0, 0, 0, content.Shanghai),
			Paragraphs: []string{"會議強調，要抓好鄉村振興工作。"}, Tags: []string{"乡村振兴"}, Fingerprint: content.MakeFingerprint("鐵嶺縣召開縣委常委會會議 鄉村振興")}
		if _, err := s.SaveBulletin(ctx, trad); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"铁岭县", "乡村振兴", "鐵嶺"} {
			hits, _, err := s.Search(ctx, q, 0, 5)
			if err != nil || len(hits) == 0 || hits[0].Bulletin.ID != trad.ID {
				t.Errorf("search %s = %d hits, %v", q, len(hits), err)
			}
		}
	})
}

// TestTopicSegmentIncludesEveryone: a topic announcement reaches whoever
// follows the topic and whoever receives everything.
func TestTopicSegmentIncludesEveryone(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, id := range []string{"tg:all", "tg:flood", "tg:talent"} {
			if _, _, err := s.Touch(ctx, id, "", "", true); err != nil {
				t.Fatal(err)
			}
		}
		for id, topic := range map[string]string{"tg:flood": "防汛", "tg:talent": "人才"} {
			if _, err := s.Subscribe(ctx, id, content.Subscription{Kind: content.SubTopic, Value: topic}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.CountAudience(ctx, "topic:防汛", nil)
		if err != nil || n != 2 {
			t.Errorf("CountAudience(topic:防汛) = %d, %v; want 2 (tg:all, tg:flood)", n, err)
		}
		var got []string
		if err := s.AudienceOf(ctx, "ann-1", "topic:防汛", nil, func(batch []content.Recipient) error {
			for _, r := range batch {
				got = append(got, r.ID)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"tg:all", "tg:flood"}) {
			t.Errorf("audience of topic:防汛 = %v", got)
		}
	})
}
