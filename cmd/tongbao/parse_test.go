package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runApp runs the tongbao program with args and returns its exit code,
// stdout and stderr.
func runApp(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := NewApp(strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
	code := app.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// samples holds the sample bulletins the demo ships (their one copy);
// testInputs the content package's other test inputs (extra/…, feed.xml).
const (
	samples    = "../../configs/samples/"
	testInputs = "../../content/testdata/"
)

func TestParseJSONSamples(t *testing.T) {
	code, out, errOut := runApp(t, nil, "parse", "--json",
		samples+"qingxi-2022-06-08-county-executive.txt", samples+"qingxi-2022-06-01-flood-notice.txt",
		samples+"lanxi-2022-05-27-standing-committee.txt", samples+"lanxi-2022-05-27-standing-committee.gbk.html")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d JSON lines, want 4", len(lines))
	}
	var objs []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %v: %s", err, l)
		}
		for _, key := range []string{"id", "title", "published_at", "source", "kind", "doc_number", "meeting", "summary", "tags", "images", "paragraphs", "fingerprint"} {
			if _, ok := m[key]; !ok {
				t.Errorf("%s: key %q missing", m["title"], key)
			}
		}
		objs = append(objs, m)
	}
	meeting := objs[0]["meeting"].(map[string]any)
	for _, key := range []string{"name", "organ", "held", "chair", "attendees", "relayed", "heard", "approved", "points"} {
		if _, ok := meeting[key]; !ok {
			t.Errorf("meeting key %q missing", key)
		}
	}
	if got := meeting["chair"].(map[string]any)["name"]; got != "王立新" {
		t.Errorf("chair = %v", got)
	}
	if objs[1]["doc_number"] != "青政办明电〔2022〕12号" || objs[1]["kind"] != "notice" {
		t.Errorf("notice: kind %v, doc_number %v", objs[1]["kind"], objs[1]["doc_number"])
	}
	if objs[2]["id"] != objs[3]["id"] {
		t.Errorf("the Lanxi text and page got different ids: %v, %v", objs[2]["id"], objs[3]["id"])
	}
}

func TestParseCard(t *testing.T) {
	code, out, _ := runApp(t, nil, "parse", samples+"qingxi-2022-06-08-county-executive.txt")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"青溪县召开县政府第十二次常务会议", "王立新（县委副书记、县长）", "2022-06-08", "要点", "摘要"} {
		if !strings.Contains(out, want) {
			t.Errorf("card lacks %q:\n%s", want, out)
		}
	}
}

func TestParseBadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, err := os.ReadFile(samples + "qingxi-2022-06-08-county-executive.txt")
	if err != nil {
		t.Fatal(err)
	}
	write("good.txt", good)
	bad := map[string]string{
		write("empty.txt", nil): "empty input",
		write("binary.bin", []byte("\x7fELF\x02\x01\x01\x00\x00")):                      "binary",
		write("notitle.txt", []byte("正文没有标题，一开头就是一句完整的话。")):                             "no recognizable title",
		write("badenc.txt", bytes.Repeat([]byte{0x81, 0x20, 0xFF}, 40)):                 "neither valid UTF-8 nor GBK",
		write("noarticle.html", []byte(`<html><body><a href="/">首页</a></body></html>`)): "no article",
	}
	huge := filepath.Join(dir, "huge.txt")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	bad[huge] = "too large"

	code, out, errOut := runApp(t, nil, "parse", "--json", dir, filepath.Join(dir, "missing.txt"))
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	if n := strings.Count(out, "\n"); n != 1 {
		t.Errorf("printed %d bulletins, want only the good one:\n%s", n, out)
	}
	errLines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(errLines) != len(bad)+1 {
		t.Errorf("stderr has %d lines, want %d (one per bad file):\n%s", len(errLines), len(bad)+1, errOut)
	}
	for path, reason := range bad {
		if !strings.Contains(errOut, path+": ") || !strings.Contains(errOut, reason) {
			t.Errorf("stderr does not name %s with %q:\n%s", path, reason, errOut)
		}
	}
	if !strings.Contains(errOut, "missing.txt: no such file") {
		t.Errorf("missing file not reported:\n%s", errOut)
	}
	if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "panic") {
		t.Errorf("stack trace on stderr:\n%s", errOut)
	}
}

func TestUsageAndHelp(t *testing.T) {
	tests := map[string]struct {
		args []string
		code int
		out  string
	}{
		"no command":      {nil, exitOK, "Commands:"},
		"unknown command": {[]string{"frobnicate"}, exitUsage, ""},
		"parse --help":    {[]string{"parse", "--help"}, exitOK, "Usage: tongbao parse"},
		"help parse":      {[]string{"help", "parse"}, exitOK, "Usage: tongbao parse"},
		"parse no args":   {[]string{"parse"}, exitUsage, ""},
		"parse bad flag":  {[]string{"parse", "--nope", "x"}, exitUsage, ""},
		"stats --help":    {[]string{"stats", "--help"}, exitOK, "Usage: tongbao stats [--redis URL] [--json] [--unit NAME] [BULLETIN_ID [--by unit]]"},
		"roster --help":   {[]string{"roster", "--help"}, exitOK, "  import [--dry-run] FILE     bring the roster in line with a CSV or XLSX file"},
		"wechat --help":   {[]string{"wechat", "--help"}, exitOK, "  mass   mass-send a text to followers"},
		"help wechat":     {[]string{"help", "wechat"}, exitOK, "  menu   create the account's custom menu"},
		"ingest --help":   {[]string{"ingest", "--help"}, exitOK, "  -no-push"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, out, _ := runApp(t, nil, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if !strings.Contains(out, tc.out) {
				t.Errorf("stdout lacks %q:\n%s", tc.out, out)
			}
		})
	}
}

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := loadConfig("../../configs/tongbao.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Redis.URL != "embedded" || cfg.Telegram.Limits.PerSecond != 30 || cfg.WeChat.Template.MaxRunes != 20 || len(cfg.WeChat.Template.Fields) != 0 {
		t.Errorf("config = %+v", cfg)
	}
	env := map[string]string{"TONGBAO_REDIS_URL": "redis://x:1", "TONGBAO_ADMINS": "tg:1, wx:2", "TONGBAO_WECOM_AGENTID": "1000002"}
	cfg, err = loadConfig("../../configs/tongbao.yaml", func(k string) string { return env[k] })
	if err != nil || cfg.Redis.URL != "redis://x:1" || len(cfg.Admins) != 2 || cfg.WeCom.AgentID != 1000002 || cfg.redisSetting() != "TONGBAO_REDIS_URL" {
		t.Errorf("env overrides: %+v, %v", cfg, err)
	}
	env["TONGBAO_WECOM_AGENTID"] = "abc"
	if _, err := loadConfig("", func(k string) string { return env[k] }); err == nil {
		t.Error("a non-numeric agent id was accepted")
	}
}
