package main

import (
	"context"
	"net"
	"regexp"
	"strings"
	"testing"
)

// TestDemoConsole runs `tongbao demo` with a conversation piped in, its
// web port taken by another program: the reader moves to a free port and
// the links in pushes name it; the local user is an admin who can
// broadcast by typing 确认; and 26 quick messages all get answers.
func TestDemoConsole(t *testing.T) {
	e := newEnv()
	delete(e, "TONGBAO_PUBLIC_URL")
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, takenPort, _ := net.SplitHostPort(taken.Addr().String())

	script := "/stats\n" + strings.Repeat("最近的常委会\n", 26) + "/broadcast 明天上午：全县停电检修\n确认\n退出\n"
	var out, errOut syncBuffer
	code := NewApp(strings.NewReader(script), &out, &errOut, e.get).Run(context.Background(),
		[]string{"demo", "--data", t.TempDir(), "--listen", taken.Addr().String()})
	text := out.String()
	if code != 0 {
		t.Fatalf("demo exited %d\n%s\n%s", code, errOut.String(), text)
	}
	if !strings.Contains(errOut.String(), "is taken") {
		t.Errorf("no warning about the taken port:\n%s", errOut.String())
	}
	m := regexp.MustCompile(`网页阅读：http://localhost:(\d+)`).FindStringSubmatch(text)
	if m == nil || m[1] == takenPort {
		t.Fatalf("the web reader line names the taken port %s or none:\n%s", takenPort, text)
	}
	if !strings.Contains(text, "http://localhost:"+m[1]+"/r/") || strings.Contains(text, "localhost:"+takenPort+"/r/") {
		t.Errorf("pushed links do not name the reader's port %s:\n%s", m[1], text)
	}
	// The demo prints a one-time link to the admin console, and it opens
	// the sign-in page (spending it needs the button).
	if !strings.Contains(text, "管理后台") || !strings.Contains(text, "http://localhost:"+m[1]+"/admin/signin/") {
		t.Errorf("no console link on the reader's port:\n%s", text)
	}
	if !strings.Contains(text, "阅读统计") || strings.Contains(text, "只对管理员开放") {
		t.Errorf("the demo's user is not an admin:\n%s", text)
	}
	if n := strings.Count(text, "兰溪召开市委常委会(扩大)会议"); n < 26 || strings.Contains(text, "太快") {
		t.Errorf("26 quick messages got %d answers:\n%s", n, text)
	}
	for _, w := range []string{"回复「确认」发送", "已开始发送"} {
		if !strings.Contains(text, w) {
			t.Errorf("the broadcast lacks %q:\n%s", w, text)
		}
	}
	if !regexp.MustCompile(`📨 me\n(?:.*\n)?明天上午：全县停电检修`).MatchString(text) {
		t.Errorf("the announcement was not pushed to the console:\n%s", text)
	}
}
