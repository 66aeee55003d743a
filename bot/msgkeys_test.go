package bot

import (
	"testing"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
)

// TestKeysBuiltAtRunTime: the catalog keys the conversation builds from a
// value ("ans."+field, "platform."+platform) exist for every value, in
// both languages. A missing key would answer with the apology.
func TestKeysBuiltAtRunTime(t *testing.T) {
	var keys []string
	for field := range meetingFieldKeys {
		keys = append(keys, "ans."+field, "ans."+field+".none")
	}
	for _, p := range []chat.Platform{chat.Telegram, chat.WeChat, chat.WeCom, chat.Console} {
		keys = append(keys, "platform."+string(p))
	}
	for _, key := range keys {
		for _, lang := range []string{"zh", "en"} {
			if got := msg.Say(lang, key); got == msg.Say(lang, "error") {
				t.Errorf("%s: no catalog entry %q", lang, key)
			}
		}
	}
}
