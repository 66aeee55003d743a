//go:build linux

package main

// Tests on a pseudo-terminal (Linux's /dev/ptmx): what `tongbao chat` and
// `tongbao ingest` do when a person is at the keyboard.

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
	screen.await(t, "the prompt", func(text string) bool { return strings.Contains(text, "› ") })

	long := "搜索 " + strings.Repeat("汛期值班安排", 680) // 4,083 characters
	start := len(screen.String())
	go master.Write([]byte(long + "\r" + "最新会议\r"))
	const budget = 1 << 20 // the line drawn a few times, not once per character
	var overrun bool
	screen.await(t, "the answer to the line after the long one", func(text string) bool {
		overrun = len(text)-start > budget
		return overrun || strings.Contains(text[start:], "青溪县召开县政府第十二次常务会议")
	})
	if overrun {
		t.Fatalf("the terminal received %d bytes for a %d-character line", len(screen.String())-start, len([]rune(long)))
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

// TestIngestLargePushAsksOnATerminal: on a terminal a large push is asked
// about; "n" leaves the bulletins stored and unpushed, "y" pushes them.
func TestIngestLargePushAsksOnATerminal(t *testing.T) {
	e, dir := largeBatch(t, 1, confirmPushOver+2)
	master, in, _ := openPTY(t)
	for _, answer := range []string{"n", "y"} {
		if _, err := master.Write([]byte(answer + "\n")); err != nil {
			t.Fatal(err)
		}
		var out syncBuffer
		code := NewApp(in, &out, &out, e.get).Run(context.Background(), []string{"ingest", dir})
		if code != 0 || !strings.Contains(out.String(), "Push 22 new bulletins to their subscribers? [y/N]") {
			t.Fatalf("answer %s: %d\n%s", answer, code, out.String())
		}
		want := map[string]int64{"n": 0, "y": 22}[answer]
		if n := queued(t, e, "tg"); n != want {
			t.Errorf("after %q: %d deliveries queued, want %d\n%s", answer, n, want, out.String())
		}
	}
}
