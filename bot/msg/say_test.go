package msg

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestCatalogHasBothLanguages: every entry has a Chinese and an English
// text.
func TestCatalogHasBothLanguages(t *testing.T) {
	for key, e := range catalog {
		if strings.TrimSpace(e[0]) == "" {
			t.Errorf("%q has no Chinese text", key)
		}
		if strings.TrimSpace(e[1]) == "" {
			t.Errorf("%q has no English text", key)
		}
	}
}

func TestSay(t *testing.T) {
	tests := map[string]struct {
		lang, key string
		args      []any
		want      string
	}{
		"chinese":           {"zh", "too.fast", []any{30}, "您发送得太快了，请 30 秒后再发。"},
		"english":           {"en", "too.fast", []any{30}, "You are sending messages too fast. Please write again in 30 seconds."},
		"no language is zh": {"", "welcome.back", nil, "欢迎回来！"},
		"other language":    {"fr", "welcome.back", nil, "欢迎回来！"},
		"reordered english": {"en", "no.date", []any{"May 27", "meetings"}, "No meetings on May 27."},
		"progress, english": {"en", "bc.progress", []any{"1,000", "2,000"}, "Sent 1,000/2,000"},
		"progress, chinese": {"zh", "bc.progress", []any{"1,000", "2,000"}, "已发送 1,000/2,000"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Say(tc.lang, tc.key, tc.args...); got != tc.want {
				t.Errorf("Say(%q, %q) = %q, want %q", tc.lang, tc.key, got, tc.want)
			}
		})
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2022, 5, 7, 9, 0, 0, 0, time.UTC)
	tests := map[string]struct{ lang, key, want string }{
		"short zh":  {"zh", "date.short", "2022年5月7日"},
		"short en":  {"en", "date.short", d.Format("2 Jan 2006")},
		"day zh":    {"zh", "date.day", "5月7日"},
		"day en":    {"en", "date.day", d.Format("2 January 2006")},
		"digest zh": {"zh", "digest.day", d.Format("1月2日")},
		"digest en": {"en", "digest.day", d.Format("2 Jan")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Date(tc.lang, tc.key, d); got != tc.want {
				t.Errorf("Date(%q, %q) = %q, want %q", tc.lang, tc.key, got, tc.want)
			}
		})
	}
}

// TestMissingKey: a key the catalog lacks is logged as an error and the
// user gets the apology in their language, never the key.
func TestMissingKey(t *testing.T) {
	var logged bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	for _, lang := range []string{"zh", "en"} {
		got := Say(lang, "no.such.key", 3)
		if want := Say(lang, "error"); got != want {
			t.Errorf("Say(%q, missing key) = %q, want the apology %q", lang, got, want)
		}
	}
	if !strings.Contains(logged.String(), "level=ERROR") || !strings.Contains(logged.String(), "no.such.key") {
		t.Errorf("missing key not logged as an error: %q", logged.String())
	}
}
