package content

import "testing"

func TestTopicsFind(t *testing.T) {
	topics, err := ParseTopics([]byte(`topics:
  - {name: 防汛, en: flood control, keywords: [防汛]}
  - {name: 疫情防控, en: epidemic control, keywords: [疫情]}
  - {name: 安全生产, en: work safety, keywords: [安全生产]}`))
	if err != nil {
		t.Fatal(err)
	}
	for word, want := range map[string]string{
		"防汛":            "防汛",
		"Flood Control": "防汛",
		"flood":         "防汛", // one word of exactly one English name
		"safety":        "安全生产",
		"control":       "", // in two names: ambiguous
		"work":          "", // too short to stand for a topic
		"人才":            "", // not a topic
		"":              "",
	} {
		tp, ok := topics.Find(word)
		if got := tp.Name; got != want || ok != (want != "") {
			t.Errorf("Find(%q) = %q, %v; want %q", word, got, ok, want)
		}
	}
}
