package bot

import (
	"context"
	"io/fs"
	"testing"

	"tongbao/bot/chat"
	"tongbao/configs"
	"tongbao/content"
	"tongbao/store"
)

// The demo's bulletins (configs/samples), by id.
const (
	demoLanxi  = "20220527-62a4a24c" // 兰溪市委常委会(扩大)会议, chaired by 朱俊华, published 5月27日
	demoQingxi = "20220608-0ce36211" // 青溪县政府第十二次常务会议, held 6月7日, published 6月8日
	demoNotice = "20220601-28428f91" // 青溪县 汛期安全 notice, 青政办明电〔2022〕12号
)

// demoTopics is the shipped topic list.
var demoTopics = func() *content.Topics {
	t, err := content.ParseTopics(configs.Topics)
	if err != nil {
		panic(err)
	}
	return t
}()

// newDemoStore is a store holding the demo's sample bulletins, parsed the
// way `tongbao demo` parses them.
func newDemoStore(t testing.TB) *store.Store {
	t.Helper()
	st := openEmptyStore(t)
	p := content.NewParser(content.ParserConfig{}, content.ParserDeps{Topics: demoTopics})
	names, err := fs.Glob(configs.Samples, "samples/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		data, err := configs.Samples.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		parseAndSave(t, st, p, name, data)
	}
	return st
}

// newDemoBot answers over the demo's bulletins at testNow with the shipped
// topics.
func newDemoBot(t testing.TB, st Store) *Bot {
	b := newTestBot(t, st, 1<<20)
	b.deps.Topics = demoTopics
	return b
}

// lastList is the ids of the bulletins the last answer to user was about.
func lastList(t testing.TB, b *Bot, user string) []string {
	t.Helper()
	var s listSession
	if err := b.store.LoadSession(context.Background(), chat.SubscriberID(chat.Telegram, user), "list", &s); err != nil {
		return nil
	}
	return s.IDs
}
