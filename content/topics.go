package content

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultMinTopicScore is how much evidence tags a bulletin with a topic
// when the topic list does not say: a keyword in the title (worth 3), or
// two mentions in the body (1 each).
const DefaultMinTopicScore = 2

// Topic is a subject people subscribe to, with the words that signal it.
type Topic struct {
	Name     string   `yaml:"name" json:"name"`
	English  string   `yaml:"en" json:"en,omitempty"`
	Keywords []string `yaml:"keywords" json:"keywords"`
}

// Topics is the topic list (configs/topics.yaml).
type Topics struct {
	MinScore int     `yaml:"min_score" json:"min_score"`
	List     []Topic `yaml:"topics" json:"topics"`
}

// ParseTopics reads a topic list in the configs/topics.yaml format.
func ParseTopics(data []byte) (*Topics, error) {
	var t Topics
	if err := yaml.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}
	seen := map[string]bool{}
	for i, tp := range t.List {
		tp.Name = strings.TrimSpace(tp.Name)
		if tp.Name == "" {
			return nil, fmt.Errorf("topics: entry %d has no name", i+1)
		}
		if seen[tp.Name] {
			return nil, fmt.Errorf("topics: %q is listed twice", tp.Name)
		}
		seen[tp.Name] = true
		if len(tp.Keywords) == 0 {
			tp.Keywords = []string{tp.Name}
		}
		t.List[i] = tp
	}
	if t.MinScore <= 0 {
		t.MinScore = DefaultMinTopicScore
	}
	return &t, nil
}

// minTopicWordLen is the shortest English word that finds a topic by being
// part of its English name ("work" is too common to mean work safety).
const minTopicWordLen = 5

// Names are the topics' names, in the list's order.
func (t *Topics) Names() []string {
	if t == nil {
		return nil
	}
	names := make([]string, len(t.List))
	for i, tp := range t.List {
		names[i] = tp.Name
	}
	return names
}

// Find returns the topic a user's word names (its name or English name,
// case-insensitively), or false. An English word that is part of exactly
// one topic's English name finds that topic too: "flood" is flood control.
func (t *Topics) Find(word string) (Topic, bool) {
	if t == nil {
		return Topic{}, false
	}
	word = strings.TrimSpace(word)
	for _, tp := range t.List {
		if tp.Name == word || (tp.English != "" && strings.EqualFold(tp.English, word)) {
			return tp, true
		}
	}
	var found []Topic
	for _, tp := range t.List {
		for _, w := range strings.Fields(tp.English) {
			if strings.EqualFold(w, word) || strings.EqualFold(strings.TrimSuffix(w, "s"), word) {
				found = append(found, tp)
				break
			}
		}
	}
	if len(found) == 1 && len(word) >= minTopicWordLen {
		return found[0], true
	}
	return Topic{}, false
}

// Tag scores every topic against a bulletin's title and body and returns
// the topics that reach the minimum score, in list order, with the words
// that matched.
func (t *Topics) Tag(title, body string) []Tag {
	if t == nil {
		return nil
	}
	var tags []Tag
	for _, tp := range t.List {
		score := 0
		var matched []string
		// Longest keywords first, each match blanked out, so 疫情防控 is not
		// counted again as 疫情.
		kws := append([]string(nil), tp.Keywords...)
		sort.SliceStable(kws, func(i, j int) bool { return len(kws[i]) > len(kws[j]) })
		tt, bb := title, body
		for _, kw := range kws {
			n := 3*strings.Count(tt, kw) + strings.Count(bb, kw)
			if n > 0 {
				score += n
				matched = append(matched, kw)
				tt, bb = strings.ReplaceAll(tt, kw, "\x00"), strings.ReplaceAll(bb, kw, "\x00")
			}
		}
		if score >= t.MinScore {
			tags = append(tags, Tag{Topic: tp.Name, Matched: matched})
		}
	}
	return tags
}
