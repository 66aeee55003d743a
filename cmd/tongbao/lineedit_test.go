package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal of 80×24: the master (the test's side)
// and two handles on the slave (the program's stdin and stdout).
func openPTY(t *testing.T) (master, in, out *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("/dev/pts/%d", n)
	for _, f := range []**os.File{&in, &out} {
		if *f, err = os.OpenFile(name, os.O_RDWR|syscall.O_NOCTTY, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { (*f).Close() })
	}
	if err := unix.IoctlSetWinsize(int(out.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
		t.Fatal(err)
	}
	return master, in, out
}

// TestChatLongLinePastesAtOnce: a line of 4,000 characters written to
// `tongbao chat` on a terminal at once is taken in without redrawing the
// line for every character (which wrote tens of megabytes and took
// minutes), and the next line is answered as usual.
func TestChatLongLinePastesAtOnce(t *testing.T) {
	e := newEnv()
	if code, out := e.run(t, append([]string{"ingest"}, sampleFiles...)...); code != 0 {
		t.Fatal(out)
	}
	master, in, out := openPTY(t)
	var screen syncBuffer
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := master.Read(buf)
			screen.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	var errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- NewApp(in, out, &errOut, e.get).Run(context.Background(), []string{"chat"}) }()
	waitUntil(t, "the prompt", 30*time.Second, func() bool { return strings.Contains(screen.String(), "› ") })

	long := "搜索 " + strings.Repeat("汛期值班安排", 680) // 4,083 characters
	start := len(screen.String())
	go master.Write([]byte(long + "\r" + "最新会议\r"))
	const budget = 1 << 20 // the line drawn a few times, not once per character
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(screen.String()[start:], "青溪县召开县政府第十二次常务会议") {
		if n := len(screen.String()) - start; n > budget {
			t.Fatalf("the terminal received %d bytes for a %d-character line", n, len([]rune(long)))
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer to the line after the long one:\n%s", screen.String()[start:])
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("the terminal received %d bytes for the long line and the next answer", len(screen.String())-start)
	master.Write([]byte("退出\r"))
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("chat exited %d: %s", code, errOut.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("chat did not exit after 退出")
	}
}

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
