package web

import (
	"fmt"
	"html/template"
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

// consoleTemplates parses the console's templates with their functions.
func consoleTemplates() *template.Template {
	funcs := template.FuncMap{
		"t":        func(lang, key string) string { return say(lang, key) },
		"navItems": func() []navItem { return navItems },
		"platform": func(lang, p string) string {
			if hasMessage("platform." + p) {
				return say(lang, "platform."+p)
			}
			return p
		},
		"kind": func(lang string, k content.Kind) string {
			if lang == "en" {
				return string(k)
			}
			return k.Label()
		},
		"percent": func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(content.Shanghai).Format("2006-01-02 15:04")
		},
		"rows": func(lang string, rows []bulletinRow) map[string]any {
			return map[string]any{"Lang": lang, "Rows": rows}
		},
		"reach": func(lang string, rows []reachRow, platform bool) map[string]any {
			return map[string]any{"Lang": lang, "Rows": rows, "Platform": platform}
		},
		"sub": func(a, b int) int { return a - b },
	}
	return template.Must(template.New("console").Funcs(funcs).ParseFS(consoleFiles, "console/*.html"))
}
