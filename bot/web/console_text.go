package web

import (
	"fmt"
	"time"

	"tongbao/bot/msg"
	"tongbao/content"
)

// say renders the console's catalog entry key (bot/msg, under
// "console.") in lang.
func say(lang, key string, args ...any) string { return msg.Say(lang, "console."+key, args...) }

// hasMessage reports whether the console's catalog has key.
func hasMessage(key string) bool { return msg.Has("console." + key) }

// navItem is a link of the console's menu.
type navItem struct{ Key, Path string }

// navItems is the console's menu, in order.
var navItems = []navItem{{"overview", "/admin/"}, {"bulletins", "/admin/bulletins"}, {"publish", "/admin/publish"},
	{"broadcast", "/admin/broadcast"}, {"subscribers", "/admin/subscribers"}, {"roster", "/admin/roster"}, {"sources", "/admin/sources"},
	{"audit", "/admin/audit"}, {"dead", "/admin/dead"}, {"sessions", "/admin/sessions"}}

// platformName names a platform in lang, or gives its code when the
// catalog does not name it.
func platformName(lang, p string) string {
	if hasMessage("platform." + p) {
		return say(lang, "platform."+p)
	}
	return p
}

// kindName names a kind of bulletin: its code in English, its Chinese
// label otherwise.
func kindName(lang string, k content.Kind) string {
	if lang == "en" {
		return string(k)
	}
	return k.Label()
}

// percent writes a rate (0 to 1) as a whole percentage.
func percent(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

// when writes a time in Beijing time, or "—" for none.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(content.Shanghai).Format("2006-01-02 15:04")
}

// htmlLang is a page's lang attribute.
func htmlLang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "zh-CN"
}

// xmlDeclaration opens the chart's SVG file.
const xmlDeclaration = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// linkable reports whether u is shown as a link: a page on the web (see
// webAddress); a file name or a folder source's file:// path is text.
func linkable(u string) bool {
	_, ok := webAddress(u)
	return ok
}
