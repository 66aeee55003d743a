package embedded

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
	"time"
)

// notData lists the commands that miniredis does not mark read-only but
// that change no data, so they are not journaled. MULTI, EXEC, DISCARD
// and SELECT are handled apart (see Server.handle).
var notData = map[string]bool{
	"AUTH": true, "CLIENT": true, "CLUSTER": true, "COMMAND": true, "ECHO": true,
	"HELLO": true, "INFO": true, "MEMORY": true, "OBJECT": true, "PING": true,
	"PUBLISH": true, "PUBSUB": true, "QUIT": true, "SCRIPT": true, "TIME": true,
	"WAIT": true, "XINFO": true, "WATCH": true, "UNWATCH": true,
	"SUBSCRIBE": true, "UNSUBSCRIBE": true, "PSUBSCRIBE": true, "PUNSUBSCRIBE": true,
}

// subscribes lists the commands that put a connection in subscribed state.
var subscribes = map[string]bool{"SUBSCRIBE": true, "PSUBSCRIBE": true}

// blockingWait reports whether the command name with args (its arguments,
// without the name) is a write that waits for data, and how long it waits:
// 0 for ever, < 0 when the timeout is not valid (one try, whose reply is
// miniredis's error).
func blockingWait(name string, args []string) (wait time.Duration, blocking bool) {
	var timeout string
	switch name {
	case "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BZPOPMIN", "BZPOPMAX":
		if len(args) > 0 {
			timeout = args[len(args)-1]
		}
	case "BLMPOP", "BZMPOP":
		if len(args) > 0 {
			timeout = args[0]
		}
	case "XREADGROUP":
		ms, ok := xreadgroupBlock(args)
		if !ok {
			return 0, false
		}
		n, err := strconv.ParseInt(ms, 10, 64)
		if err != nil || n < 0 {
			return -1, true
		}
		return time.Duration(n) * time.Millisecond, true
	default:
		return 0, false
	}
	secs, err := strconv.ParseFloat(timeout, 64)
	if err != nil || secs < 0 || secs > 1e9 {
		return -1, true
	}
	return time.Duration(secs * float64(time.Second)), true
}

// xreadgroupBlock returns the BLOCK option of XREADGROUP's arguments, if
// there is one before STREAMS.
func xreadgroupBlock(args []string) (string, bool) {
	for i := 0; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "STREAMS":
			return "", false
		case "BLOCK":
			if i+1 < len(args) {
				return args[i+1], true
			}
			return "", true
		case "GROUP":
			i += 2 // group name and consumer name, which may read "BLOCK"
		case "COUNT":
			i++
		}
	}
	return "", false
}

// selectedDB returns the database a SELECT with args (without the name)
// switches to, if it succeeds.
func selectedDB(args []string) (int, bool) {
	if len(args) != 1 {
		return 0, false
	}
	n, err := strconv.Atoi(args[0])
	return n, err == nil && n >= 0 && n < databases
}

// isNullReply reports whether a reply is RESP's null (what a blocking
// command answers when nothing came, and EXEC when a WATCHed key changed).
func isNullReply(b []byte) bool {
	s := string(b)
	return s == "*-1\r\n" || s == "$-1\r\n" || s == "_\r\n"
}

// spopEffect is how the journal keeps SPOP, which picks members at random:
// as SREM of the members its reply (in b) names, so that a replay removes
// the same ones. It returns nil when SPOP removed nothing, and args when
// the reply cannot be read.
func spopEffect(args []string, b []byte) []string {
	if len(args) < 2 {
		return args
	}
	members, ok := replyStrings(b)
	if !ok {
		return args
	}
	if len(members) == 0 {
		return nil
	}
	return append([]string{"SREM", args[1]}, members...)
}

// replyStrings reads a reply that is a bulk string, an array or set of bulk
// strings, or null, and returns its strings.
func replyStrings(b []byte) ([]string, bool) {
	r := bufio.NewReader(bytes.NewReader(b))
	line, err := r.ReadString('\n')
	if err != nil || len(line) < 3 {
		return nil, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
	switch {
	case line[0] == '_' || (err == nil && n < 0):
		return nil, true
	case err != nil:
		return nil, false
	case line[0] == '$':
		s, ok := readBulkBody(r, n)
		return []string{s}, ok
	case line[0] != '*' && line[0] != '~':
		return nil, false
	}
	out := make([]string, 0, min(n, 1024))
	for range n {
		size, err := readLength(r, '$', maxArgBytes)
		if err != nil {
			return nil, false
		}
		s, ok := readBulkBody(r, size)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// readBulkBody reads a bulk string's n bytes and CRLF.
func readBulkBody(r *bufio.Reader, n int) (string, bool) {
	b := make([]byte, n+2)
	if _, err := io.ReadFull(r, b); err != nil || b[n] != '\r' || b[n+1] != '\n' {
		return "", false
	}
	return string(b[:n]), true
}

// blockingKeys returns the keys a waiting command (see blockingWait) waits
// on, nil when they cannot be told (then any write wakes it).
func blockingKeys(name string, args []string) []string {
	switch name {
	case "BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX":
		if len(args) >= 2 {
			return args[:len(args)-1]
		}
	case "BRPOPLPUSH", "BLMOVE":
		if len(args) >= 1 {
			return args[:1]
		}
	case "BLMPOP", "BZMPOP":
		if len(args) >= 2 {
			if n, err := strconv.Atoi(args[1]); err == nil && n > 0 && 2+n <= len(args) {
				return args[2 : 2+n]
			}
		}
	case "XREADGROUP":
		for i := 0; i < len(args); i++ {
			switch strings.ToUpper(args[i]) {
			case "GROUP":
				i += 2
			case "STREAMS":
				rest := args[i+1:]
				if len(rest) >= 2 && len(rest)%2 == 0 {
					return rest[:len(rest)/2]
				}
				return nil
			}
		}
	}
	return nil
}
