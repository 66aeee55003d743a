package web

import (
	"testing"

	"tongbao/bot/msg"
	"tongbao/content"
)

// Every kind has its label in both languages (the key is built at run
// time, so the catalog's keys test cannot see it).
func TestKindLabels(t *testing.T) {
	for _, k := range []content.Kind{content.KindMeeting, content.KindNotice, content.KindAnnouncement, content.KindNews, "unknown"} {
		for _, lang := range []string{"zh", "en"} {
			if got := kindLabel(k, lang); got == msg.Say(lang, "error") || got == "" {
				t.Errorf("%s %s: no label", k, lang)
			}
		}
	}
}
