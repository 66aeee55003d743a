package bot

import (
	"context"
	"slices"
	"testing"
	"time"

	"tongbao/content"
)

// TestParseQuestion checks the slots read from questions, with the lexicon
// of the demo's bulletins.
func TestParseQuestion(t *testing.T) {
	st := newDemoStore(t)
	lex := newLexicon()
	if err := lex.refresh(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	type slots struct {
		kind         content.Kind
		facets       []string
		topic, field string
		from, to     time.Time
		latest, list bool
		n            int
		words        []string
	}
	for text, want := range map[string]slots{
		"最新会议":     {kind: content.KindMeeting, latest: true},
		"常委会是谁主持的": {facets: []string{"type:常委会"}, field: fieldChair},
		"青溪县政府第十二次常务会议通过了哪些文件": {facets: []string{"ord:12", "organ:青溪县政府", "type:常务会议"}, field: fieldApproved, list: true},
		"6月7号开的会":                            {kind: content.KindMeeting, from: d(2026, 6, 7), to: d(2026, 6, 8)},
		"5月20日到6月10日的通知":                     {kind: content.KindNotice, from: d(2026, 5, 20), to: d(2026, 6, 11)},
		"2022-05-27":                         {from: d(2022, 5, 27), to: d(2022, 5, 28)},
		"20220527":                           {from: d(2022, 5, 27), to: d(2022, 5, 28)},
		"上周有什么通知":                            {kind: content.KindNotice, from: d(2026, 11, 16), to: d(2026, 11, 23), list: true},
		"近7天的会议":                             {kind: content.KindMeeting, from: d(2026, 11, 22), to: d(2026, 11, 29)},
		"青政办明电〔2022〕12号":                     {facets: []string{"doc:青政办明电12号"}},
		"汛期安全有哪些措施":                          {topic: "防汛", field: fieldMeasures, list: true, words: []string{"安全"}},
		"有没有关于招商的":                           {topic: "招商引资"},
		"最近3条":                               {n: 3, list: true},
		"常委汇":                                {facets: []string{"type:常委会"}},
		"常務會議是誰主持的":                          {facets: []string{"type:常务会议"}, field: fieldChair},
		"who chaired the standing committee": {facets: []string{"type:常委会"}, field: fieldChair},
		"flood notice":                       {kind: content.KindNotice, topic: "防汛"},
		"meetings in June":                   {kind: content.KindMeeting, from: d(2026, 6, 1), to: d(2026, 7, 1)},
		"王立新主持过哪些会议":                         {kind: content.KindMeeting, facets: []string{"person:王立新"}, field: fieldChair, list: true},
		"天气怎么样":                              {words: []string{"天气"}},
	} {
		q := parseQuestion(text, testNow, demoTopics, lex)
		var facets []string
		for _, f := range q.Facets {
			facets = append(facets, f.Facet)
		}
		got := slots{kind: q.Kind, facets: facets, topic: q.Topic, field: q.Field, from: q.From, to: q.To, latest: q.Latest, list: q.List, n: q.N, words: q.Words}
		if got.kind != want.kind || !sameSet(got.facets, want.facets) || got.topic != want.topic || got.field != want.field || !got.from.Equal(want.from) ||
			!got.to.Equal(want.to) || got.latest != want.latest || got.list != want.list || got.n != want.n || !slices.Equal(got.words, want.words) {
			t.Errorf("parseQuestion(%q) =\n  %+v\nwant\n  %+v", text, got, want)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestEditWithinOne(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"常委会", "常委汇", true}, {"常务会议", "常务会", true}, {"常务会议", "常务会义", true}, {"常委会", "常务会议", false}, {"县政府", "县政府", true}, {"青溪", "兰溪县", false}} {
		if got := editWithinOne([]rune(tc.a), []rune(tc.b)); got != tc.want {
			t.Errorf("editWithinOne(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

// FuzzParseQuestion: any text reads into slots without a panic, and what
// it finds lies within the text's limits.
func FuzzParseQuestion(f *testing.F) {
	for _, s := range []string{"最新会议", "常委会是谁主持的", "5月20日到6月10日的通知", "青政办明电〔2022〕12号", "第一百零五次常务会", "who led the last meeting", "6/8", "20220527", "近99天", "31号"} {
		f.Add(s)
	}
	lex := newLexicon()
	lex.near.add("常委会")
	lex.facets["常委会"] = []string{"type:常委会"}
	f.Fuzz(func(t *testing.T, s string) {
		q := parseQuestion(s, testNow, demoTopics, lex)
		if !q.From.IsZero() && !q.To.After(q.From) {
			t.Errorf("parseQuestion(%q): an empty period %v – %v", s, q.From, q.To)
		}
		if q.N < 0 {
			t.Errorf("parseQuestion(%q): count %d", s, q.N)
		}
	})
}
