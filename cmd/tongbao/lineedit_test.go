package main

import "testing"

func TestSplitBurst(t *testing.T) {
	tests := map[string]struct {
		chunk, text, pass, rest string
	}{
		"one key":          {"a", "", "a", ""},
		"one han":          {"搜", "", "搜", ""},
		"a phrase":         {"最新会议", "最新会议", "", ""},
		"a line":           {"最新会议\r", "最新会议", "\r", ""},
		"lines":            {"最新会议\r\n搜索 防汛\r", "最新会议", "\r\n", "搜索 防汛\r"},
		"key and enter":    {"y\r", "", "y\r", ""},
		"an escape":        {"\x1b[A", "", "\x1b[A", ""},
		"paste with a key": {"abc\x7f", "", "abc\x7f", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			text, pass, rest := splitBurst([]byte(tc.chunk))
			if text != tc.text || string(pass) != tc.pass || string(rest) != tc.rest {
				t.Errorf("splitBurst(%q) = %q, %q, %q; want %q, %q, %q", tc.chunk, text, pass, rest, tc.text, tc.pass, tc.rest)
			}
		})
	}
}

func TestCompleteUTF8(t *testing.T) {
	han := []byte("汛期")
	for cut := 0; cut <= len(han); cut++ {
		want := cut / 3 * 3
		if got := completeUTF8(han[:cut]); got != want {
			t.Errorf("completeUTF8(%q) = %d, want %d", han[:cut], got, want)
		}
	}
}
