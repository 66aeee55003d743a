package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"unicode/utf8"

	"github.com/chzyer/readline"
	"golang.org/x/term"
)

// lineEditor is the line editor of `tongbao chat` and `demo` on a
// terminal: readline, fed through a burstReader so pasted text appears at
// once.
type lineEditor struct {
	rl    *readline.Instance
	input *burstReader

	mu   sync.Mutex
	line []rune // the line being edited, as readline last reported it
	pos  int
}

// newLineEditor opens readline on a terminal: in and out (both
// terminals) rather than the process's own stdin and stdout, which
// readline would otherwise consult.
func newLineEditor(in, out *os.File, errOut io.Writer) (*lineEditor, error) {
	e := &lineEditor{}
	e.input = &burstReader{src: in, insert: e.insert, ready: make(chan struct{}, 1), done: make(chan struct{})}
	var saved *term.State
	rl, err := readline.NewEx(&readline.Config{Prompt: "› ", HistoryLimit: 200, Stdin: e.input, Stdout: out, Stderr: errOut,
		Listener:       readline.FuncListener(e.changed),
		FuncIsTerminal: func() bool { return true },
		FuncGetWidth: func() int {
			w, _, err := term.GetSize(int(out.Fd()))
			if err != nil {
				return -1
			}
			return w
		},
		FuncMakeRaw: func() (err error) {
			saved, err = term.MakeRaw(int(in.Fd()))
			return err
		},
		FuncExitRaw: func() error {
			if saved == nil {
				return nil
			}
			return term.Restore(int(in.Fd()), saved)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("open the line editor: %w", err)
	}
	e.rl = rl
	return e, nil
}

// readLine reads one line.
func (e *lineEditor) readLine() (string, error) {
	e.input.nextLine()
	return e.rl.Readline()
}

// close restores the terminal.
func (e *lineEditor) close() { e.rl.Close() }

// changed follows the line readline is editing (its Listener).
func (e *lineEditor) changed(line []rune, pos int, _ rune) ([]rune, int, bool) {
	e.mu.Lock()
	e.line, e.pos = append(e.line[:0], line...), pos
	e.mu.Unlock()
	return nil, 0, false
}

// insert puts text into the line at the cursor in one redraw. It runs
// while readline waits for its next key, so the line is not changing.
func (e *lineEditor) insert(text string) bool {
	if e.rl == nil || e.rl.Operation.IsSearchMode() {
		return false
	}
	e.mu.Lock()
	line := string(e.line[:e.pos]) + text + string(e.line[e.pos:])
	e.line, e.pos = []rune(line), utf8.RuneCountInString(line)
	e.mu.Unlock()
	e.rl.Operation.SetBuffer(line)
	return true
}

// burstReader sits between the terminal and readline. readline redraws
// the whole line for every key it is given, so a line of thousands of
// characters pasted key by key takes minutes to appear. What arrives in
// one read as several printable characters — a paste, or an input method
// committing a phrase — is put into the line in one step instead; keys
// typed one at a time, escape sequences and control keys pass through.
// A paste of several lines still submits each line, one per prompt.
type burstReader struct {
	src    io.Reader
	insert func(string) bool

	buf     []byte
	partial []byte // an incomplete UTF-8 sequence at the end of a read
	rest    []byte // read, not yet looked at (the lines after a newline)
	pass    []byte // to hand to readline as keys
	// After a newline the next line waits until the chat asks for it, so
	// that its text lands in the next prompt's line.
	waitNext bool
	ready    chan struct{}
	done     chan struct{}
	once     sync.Once
}

// nextLine tells the reader the chat is about to read a line.
func (r *burstReader) nextLine() {
	select {
	case r.ready <- struct{}{}:
	default:
	}
}

// Read hands readline its keys.
func (r *burstReader) Read(p []byte) (int, error) {
	for {
		if len(r.pass) > 0 {
			n := copy(p, r.pass)
			r.pass = r.pass[n:]
			return n, nil
		}
		chunk := r.rest
		r.rest = nil
		if len(chunk) == 0 {
			if cap(r.buf) < len(p) {
				r.buf = make([]byte, max(len(p), 4096))
			}
			n, err := r.src.Read(r.buf[:cap(r.buf)])
			if n == 0 {
				return 0, err
			}
			chunk = append(r.partial, r.buf[:n]...)
			r.partial = nil
			if end := completeUTF8(chunk); end < len(chunk) {
				r.partial = append([]byte(nil), chunk[end:]...)
				chunk = chunk[:end]
			}
		}
		if r.waitNext {
			r.waitNext = false
			select {
			case <-r.ready:
			case <-r.done:
				return 0, io.EOF
			}
		}
		text, pass, rest := splitBurst(chunk)
		if text != "" && !r.insert(text) {
			pass, rest = chunk, nil
		}
		r.pass, r.rest = pass, append([]byte(nil), rest...)
		if len(rest) > 0 {
			// The chat asked for this line before it began; the next
			// line waits for the chat's next request.
			r.waitNext = true
			select {
			case <-r.ready:
			default:
			}
		}
	}
}

// Close stops the reader and closes the terminal input (readline closes
// its input when it closes).
func (r *burstReader) Close() error {
	r.once.Do(func() { close(r.done) })
	if c, ok := r.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// splitBurst divides what one read brought: text, two or more printable
// characters before the first line end, to insert at once; pass, the keys
// to give readline (single keys, control and escape sequences, and the
// line end); rest, what follows the line end.
func splitBurst(chunk []byte) (text string, pass, rest []byte) {
	for _, c := range chunk {
		if c < 0x20 && c != '\r' && c != '\n' && c != '\t' || c == 0x7f {
			return "", chunk, nil // control keys and escape sequences
		}
	}
	line := chunk
	if i := bytes.IndexAny(chunk, "\r\n"); i >= 0 {
		end := i + 1
		if chunk[i] == '\r' && end < len(chunk) && chunk[end] == '\n' {
			end++
		}
		line, pass, rest = chunk[:i], chunk[i:end], chunk[end:]
	}
	if utf8.RuneCount(line) < 2 {
		return "", append(append([]byte(nil), line...), pass...), rest
	}
	return string(line), pass, rest
}

// completeUTF8 is the length of the longest prefix of b that does not
// end inside a UTF-8 sequence.
func completeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if !utf8.RuneStart(b[i]) {
			continue
		}
		if utf8.FullRune(b[i:]) {
			return len(b)
		}
		return i
	}
	return len(b)
}
