package msg

import (
	"fmt"
	"log/slog"
	"time"
)

// English reports whether lang selects the English texts: "en" does,
// anything else (including "") means Chinese, the users' first language.
func English(lang string) bool { return lang == "en" }

// Say renders the catalog entry key in a language, formatting args into it
// as fmt.Sprintf does.
//
// A key the catalog lacks is a programming error the tests rule out; if
// one slips through, Say logs it and answers with the catalog's apology
// ("error"), so a user never sees a raw key. An entry without text in the
// language asked for falls back to the other language.
func Say(lang, key string, args ...any) string {
	entry, ok := catalog[key]
	if !ok {
		slog.Error("msg: no catalog entry; answering with the apology", "key", key)
		entry = catalog[keyError]
		args = nil
	}
	f := entry[0]
	if English(lang) && entry[1] != "" || f == "" {
		f = entry[1]
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// keyError is the apology Say falls back to.
const keyError = "error"

// Date renders t with the date format key (its fields are year, month
// number, day, short and long English month name), in t's time zone.
func Date(lang, key string, t time.Time) string {
	return Say(lang, key, t.Year(), int(t.Month()), t.Day(), t.Format("Jan"), t.Format("January"))
}
