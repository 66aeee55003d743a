package wechat

import (
	"context"
	"fmt"

	"github.com/silenceper/wechat/v2/officialaccount/menu"

	"tongbao/bot/msg"
)

// Menu click keys. A press of a click button reaches the Handler as the
// text MenuText gives for its key, as if the user had typed it.
const (
	KeyLatestMeeting = "LATEST_MEETING" // 最新会议
	KeyLatest        = "LATEST"         // 最新通报
	KeyMySubs        = "MY_SUBS"        // 我的订阅
	KeyTopics        = "TOPICS"         // 主题
	KeySearchHint    = "SEARCH_HINT"    // 搜索: the core explains how to search
	KeyHelp          = "HELP"           // 帮助
)

// MenuText returns the text a menu key stands for: what the user would
// have typed, read by the conversation's parser like any message (so it is
// input, not a catalog text).
func MenuText(key string) (string, bool) {
	switch key {
	case KeyLatestMeeting:
		return "最新会议", true
	case KeyLatest:
		return "最新通报", true
	case KeyMySubs:
		return "我的订阅", true
	case KeyTopics:
		return "主题", true
	case KeySearchHint:
		return "搜索", true
	case KeyHelp:
		return "帮助", true
	}
	return "", false
}

// MenuButton is one button of the custom menu (自定义菜单): a click button
// (Key, one of the Key* constants), a view button (URL), or a parent of
// up to 5 Sub buttons.
type MenuButton struct {
	Name string       `yaml:"name"`
	Key  string       `yaml:"key,omitempty"`
	URL  string       `yaml:"url,omitempty"`
	Sub  []MenuButton `yaml:"sub,omitempty"`
}

// MenuButtons is a custom menu: 1 to 3 top buttons.
type MenuButtons []MenuButton

// Menu size limits of the platform (names in bytes).
const (
	maxTopButtons = 3
	maxSubButtons = 5
	maxTopName    = 16
	maxSubName    = 60
)

// DefaultMenu is the menu `tongbao wechat menu` creates when the config
// has none. An account has one menu for every follower, so its labels are
// the catalog's Chinese.
func DefaultMenu() MenuButtons {
	const zh = "zh"
	return MenuButtons{
		{Name: msg.Say(zh, "wx.menu.latest"), Sub: []MenuButton{
			{Name: msg.Say(zh, "wx.menu.latest.meeting"), Key: KeyLatestMeeting},
			{Name: msg.Say(zh, "wx.menu.latest.any"), Key: KeyLatest},
		}},
		{Name: msg.Say(zh, "wx.menu.subs"), Sub: []MenuButton{
			{Name: msg.Say(zh, "wx.menu.subs.mine"), Key: KeyMySubs},
			{Name: msg.Say(zh, "wx.menu.subs.topics"), Key: KeyTopics},
		}},
		{Name: msg.Say(zh, "wx.menu.help"), Sub: []MenuButton{
			{Name: msg.Say(zh, "wx.menu.help.search"), Key: KeySearchHint},
			{Name: msg.Say(zh, "wx.menu.help.use"), Key: KeyHelp},
		}},
	}
}

// Validate checks m against the platform's limits and our keys, naming
// the first wrong button.
func (m MenuButtons) Validate() error {
	if len(m) == 0 || len(m) > maxTopButtons {
		return fmt.Errorf("wechat: menu: %d top buttons, want 1 to %d", len(m), maxTopButtons)
	}
	for _, b := range m {
		if len(b.Sub) > maxSubButtons {
			return fmt.Errorf("wechat: menu button %q: %d sub buttons, want at most %d", b.Name, len(b.Sub), maxSubButtons)
		}
		if err := b.validate(maxTopName, len(b.Sub) > 0); err != nil {
			return err
		}
		for _, s := range b.Sub {
			if len(s.Sub) > 0 {
				return fmt.Errorf("wechat: menu button %q: sub buttons cannot have sub buttons", s.Name)
			}
			if err := s.validate(maxSubName, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b MenuButton) validate(maxName int, parent bool) error {
	switch {
	case b.Name == "" || len(b.Name) > maxName:
		return fmt.Errorf("wechat: menu button %q: name must be 1 to %d bytes (%d Chinese characters)", b.Name, maxName, maxName/3)
	case parent && (b.Key != "" || b.URL != ""):
		return fmt.Errorf("wechat: menu button %q: a button with sub buttons takes no key or url", b.Name)
	case parent:
		return nil
	case (b.Key == "") == (b.URL == ""):
		return fmt.Errorf("wechat: menu button %q: set exactly one of key and url", b.Name)
	}
	if _, known := MenuText(b.Key); b.Key != "" && !known {
		return fmt.Errorf("wechat: menu button %q: unknown key %q", b.Name, b.Key)
	}
	return nil
}

// buttons converts m to the library's menu buttons.
func (m MenuButtons) buttons() []*menu.Button {
	out := make([]*menu.Button, len(m))
	for i, b := range m {
		out[i] = b.button()
	}
	return out
}

func (b MenuButton) button() *menu.Button {
	out := new(menu.Button)
	switch {
	case len(b.Sub) > 0:
		out.SetSubButton(b.Name, MenuButtons(b.Sub).buttons())
	case b.Key != "":
		out.SetClickButton(b.Name, b.Key)
	default:
		out.SetViewButton(b.Name, b.URL)
	}
	return out
}

// CreateMenu validates m and makes it the account's custom menu.
func (a *OfficialAccount) CreateMenu(ctx context.Context, m MenuButtons) error {
	if err := m.Validate(); err != nil {
		return err
	}
	body := struct {
		Button []*menu.Button `json:"button"`
	}{m.buttons()}
	if err := a.api.call(ctx, "/cgi-bin/menu/create", body, nil); err != nil {
		return fmt.Errorf("wechat: create menu: %w", err)
	}
	return nil
}
