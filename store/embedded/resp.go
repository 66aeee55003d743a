package embedded

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Limits on one request, as Redis's defaults.
const (
	maxRequestArgs = 1 << 20
	maxArgBytes    = 512 << 20
)

// errProtocol is a request that is not a RESP array of bulk strings.
var errProtocol = errors.New("embedded: protocol error")

// readRequest reads one command as clients send it: an array of bulk
// strings ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n").
func readRequest(r *bufio.Reader) ([]string, error) {
	n, err := readLength(r, '*', maxRequestArgs)
	if err != nil {
		return nil, err
	}
	args := make([]string, 0, min(n, 64))
	for range n {
		size, err := readLength(r, '$', maxArgBytes)
		if err != nil {
			return nil, err
		}
		arg, ok := readBulkBody(r, size)
		if !ok {
			return nil, fmt.Errorf("%w: bulk string cut short or not followed by CRLF", errProtocol)
		}
		args = append(args, arg)
	}
	return args, nil
}

// readLength reads a "<prefix><n>\r\n" line with 0 <= n <= limit.
func readLength(r *bufio.Reader, prefix byte, limit int) (int, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 4 || line[0] != prefix || !strings.HasSuffix(line, "\r\n") {
		return 0, fmt.Errorf("%w: expected %q, got %q", errProtocol, prefix, line[:min(len(line), 16)])
	}
	n, err := strconv.Atoi(line[1 : len(line)-2])
	if err != nil || n < 0 || n > limit {
		return 0, fmt.Errorf("%w: bad length %q", errProtocol, line[1:len(line)-2])
	}
	return n, nil
}

// replyTee is what a client connection's replies are written to: straight
// to the connection, or held in memory while a write command runs, so that
// a client slow to read never holds up the others (see Server.runWrite).
type replyTee struct {
	mu   sync.Mutex
	w    io.Writer
	held []byte
	hold bool
}

func (t *replyTee) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.hold {
		t.held = append(t.held, b...)
		return len(b), nil
	}
	return t.w.Write(b)
}

// holdReplies starts keeping replies in memory.
func (t *replyTee) holdReplies() {
	t.mu.Lock()
	t.hold = true
	t.mu.Unlock()
}

// held returns the replies kept so far.
func (t *replyTee) heldReplies() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.held
}

// release writes the held replies to the connection and writes straight
// through again.
func (t *replyTee) release() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.hold = false
	b := t.held
	t.held = t.held[:0]
	if cap(b) > 1<<16 {
		t.held = nil // a large reply's buffer is not kept for the next one
	}
	if len(b) == 0 {
		return nil
	}
	_, err := t.w.Write(b)
	return err
}
