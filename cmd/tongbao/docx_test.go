package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseWordFiles: `tongbao parse` reads .docx files found in a folder
// as it reads text, and names an old .doc with what to do about it.
func TestParseWordFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"meeting.docx", "notice.docx"} {
		data, err := os.ReadFile(testInputs + "docx/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), []byte("W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00")...)
	if err := os.WriteFile(filepath.Join(dir, "old.doc"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runApp(t, nil, "parse", "--json", dir)
	if code != exitFailure || !strings.Contains(errOut, "old.doc: an old Word .doc file is not supported: open it in Word and save it as .docx") {
		t.Errorf("exit %d, stderr %q: want the .doc refused with its reason", code, errOut)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var b struct{ Title, Kind string }
		if err := json.Unmarshal([]byte(l), &b); err != nil {
			t.Fatalf("not JSON: %v: %s", err, l)
		}
		got = append(got, b.Kind+" "+b.Title)
	}
	want := []string{"meeting 青石县政府召开第十二次常务会议", "notice 关于做好2026年汛期安全防范工作的通知"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("parsed %q, want %q", got, want)
	}
}
