package embedded

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2/server"
)

// client is one connection to the embedded server. miniredis runs its
// commands (server.Dispatch), but the connection is served here, so that
// every command that changes data is journaled in the order it ran.
type client struct {
	nc   net.Conn
	out  *replyTee
	peer *server.Peer
	// db is the database SELECTed on the connection.
	db int
	// multi is set between MULTI and EXEC or DISCARD; queued holds the
	// commands sent meanwhile, journaled together if EXEC runs them.
	multi      bool
	queued     [][]string
	subscribed bool
	// gone is closed when the client hangs up.
	gone chan struct{}
}

// acceptClients serves the listener until it is closed.
func (s *Server) acceptClients() {
	defer s.clients.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.connMu.Lock()
		if s.closing {
			s.connMu.Unlock()
			nc.Close()
			return
		}
		s.conns[nc] = struct{}{}
		s.clients.Add(1)
		s.connMu.Unlock()
		go s.serveClient(nc)
	}
}

// serveClient runs one connection's commands until it closes.
func (s *Server) serveClient(nc net.Conn) {
	defer s.clients.Done()
	out := &replyTee{w: nc}
	c := &client{nc: nc, out: out, peer: server.NewPeer(bufio.NewWriter(out)), gone: make(chan struct{})}
	requests := make(chan []string)
	go func() {
		defer close(requests)
		defer close(c.gone)
		r := bufio.NewReader(nc)
		for {
			args, err := readRequest(r)
			if err != nil {
				return
			}
			if len(args) > 0 {
				requests <- args
			}
		}
	}()
	for args := range requests {
		s.handle(c, args)
		c.peer.Flush()
		if c.peer.Closed() {
			nc.Close()
		}
	}
	if c.subscribed {
		// miniredis drops a subscriber when its own connection loop ends;
		// this loop replaces it.
		s.dispatch(c.peer, "UNSUBSCRIBE")
		s.dispatch(c.peer, "PUNSUBSCRIBE")
	}
	nc.Close()
	s.connMu.Lock()
	delete(s.conns, nc)
	s.connMu.Unlock()
}

// handle runs one command of c.
func (s *Server) handle(c *client, args []string) {
	name := strings.ToUpper(args[0])
	if c.multi {
		s.handleQueued(c, name, args)
		return
	}
	switch {
	case name == "MULTI":
		s.dispatch(c.peer, args...)
		c.multi, c.queued = len(args) == 1, nil
	case name == "SELECT":
		s.dispatch(c.peer, args...)
		if db, ok := selectedDB(args[1:]); ok {
			c.db = db
		}
	case name == "SCRIPT":
		s.noteScript(args)
		s.dispatch(c.peer, args...)
	case subscribes[name]:
		s.dispatch(c.peer, args...)
		c.subscribed = true
	case readsTTL[name]:
		s.runTTLRead(c, args)
	case !s.changesData(name):
		s.dispatch(c.peer, args...)
	default:
		if wait, ok := blockingWait(name, args[1:]); ok {
			s.runBlocking(c, args, wait)
			return
		}
		s.runWrite(c, args)
	}
}

// changesData reports whether the command name may change data.
func (s *Server) changesData(name string) bool {
	srv := s.mr.Server()
	return srv.IsRegisteredCommand(name) && !srv.IsReadOnlyCommand(name) && !notData[name] && name != "EXEC" && name != "DISCARD"
}

// handleQueued runs a command of c sent after MULTI.
func (s *Server) handleQueued(c *client, name string, args []string) {
	switch {
	case name == "EXEC" && len(args) == 1:
		s.runExec(c)
		c.multi, c.queued = false, nil
	case name == "DISCARD" && len(args) == 1:
		s.dispatch(c.peer, args...)
		c.multi, c.queued = false, nil
	default:
		if name == "SCRIPT" {
			s.noteScript(args) // a script loaded in a transaction may be called later
		}
		s.dispatch(c.peer, args...)
		c.queued = append(c.queued, args)
	}
}

// runWrite runs a command that may change data and journals it, both under
// writeMu, so that the journal has the commands in the order they ran. The
// reply is held until the journal has the command.
func (s *Server) runWrite(c *client, args []string) {
	c.out.holdReplies()
	s.writeMu.Lock()
	now := s.setClock()
	s.expiries.refresh(c.db, [][]string{args}, now)
	s.dispatch(c.peer, args...)
	s.expiries.afterWrite(c.db, [][]string{args}, now)
	s.mr.SetTime(time.Time{})
	cmd := s.journalForm(args)
	if strings.EqualFold(args[0], "SPOP") {
		c.peer.Flush()
		cmd = spopEffect(args, c.out.heldReplies())
	}
	if cmd != nil {
		s.recordWrite(&entry{Kind: kindCommands, At: now, DB: c.db, Cmds: [][]string{cmd}})
	}
	s.writeMu.Unlock()
	c.peer.Flush()
	c.out.release()
}

// readsTTL are the read-only commands that answer with a key's TTL or
// deadline.
var readsTTL = map[string]bool{"TTL": true, "PTTL": true, "EXPIRETIME": true, "PEXPIRETIME": true}

// runTTLRead runs a command of readsTTL after giving its key its time left
// (miniredis's TTLs do not count down by themselves: see expiries).
func (s *Server) runTTLRead(c *client, args []string) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	now := s.setClock()
	s.expiries.refresh(c.db, [][]string{args}, now)
	s.dispatch(c.peer, args...)
	s.mr.SetTime(time.Time{})
}

// runExec runs EXEC and journals the transaction's commands if it ran them
// (not when it was aborted: a command refused when queued, or a WATCHed
// key changed).
func (s *Server) runExec(c *client) {
	c.out.holdReplies()
	s.writeMu.Lock()
	now := s.setClock()
	s.expiries.refresh(c.db, c.queued, now)
	s.dispatch(c.peer, "EXEC")
	s.expiries.afterWrite(c.db, c.queued, now)
	s.mr.SetTime(time.Time{})
	c.peer.Flush()
	reply := c.out.heldReplies()
	if len(reply) > 0 && reply[0] == '*' && !isNullReply(reply) && len(c.queued) > 0 {
		cmds := make([][]string, len(c.queued))
		for i, q := range c.queued {
			cmds[i] = s.journalForm(q)
		}
		s.recordWrite(&entry{Kind: kindCommands, At: now, DB: c.db, Multi: true, Cmds: cmds})
		for _, q := range c.queued {
			if strings.EqualFold(q[0], "SELECT") {
				if db, ok := selectedDB(q[1:]); ok {
					c.db = db
				}
			}
		}
	}
	s.writeMu.Unlock()
	c.out.release()
}

// runBlocking runs a write that waits for data (BLPOP, XREADGROUP … BLOCK
// and the like) without letting it wait inside miniredis, which would hold
// writeMu: each try runs the command once, as inside MULTI, and when
// nothing came it waits for a write naming one of its keys (or, at most,
// blockingRetry), until its timeout. Tries that take something are
// journaled (and the first, which may create an XREADGROUP consumer), as
// one-command transactions so that a replay never waits either.
func (s *Server) runBlocking(c *client, args []string, wait time.Duration) {
	var deadline <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		deadline = t.C
	}
	w := &waiter{wake: make(chan struct{}, 1)}
	for _, k := range blockingKeys(strings.ToUpper(args[0]), args[1:]) {
		if w.keys == nil {
			w.keys = map[string]bool{}
		}
		w.keys[k] = true
	}
	defer func() {
		s.writeMu.Lock()
		delete(s.waiters, w)
		s.writeMu.Unlock()
	}()
	retry := time.NewTicker(blockingRetry)
	defer retry.Stop()
	for try := 0; ; try++ {
		s.writeMu.Lock()
		now := s.setClock()
		s.expiries.refresh(c.db, [][]string{args}, now)
		reply, ok := s.tryOnce(c, args)
		s.expiries.afterWrite(c.db, [][]string{args}, now)
		s.mr.SetTime(time.Time{})
		took := ok && !isNullReply(reply)
		if ok && (took || try == 0) {
			s.recordWrite(&entry{Kind: kindCommands, At: now, DB: c.db, Multi: true, Cmds: [][]string{args}})
		}
		s.waiters[w] = struct{}{}
		s.writeMu.Unlock()
		if !ok || took || wait < 0 {
			c.peer.WriteRaw(string(reply))
			return
		}
		select {
		case <-w.wake:
		case <-retry.C:
		case <-deadline:
			c.peer.WriteRaw(string(reply))
			return
		case <-c.gone:
			return
		case <-s.stop:
			c.peer.WriteRaw(string(reply))
			return
		}
	}
}

// blockingRetry is how often a waiting command tries again without being
// woken: a script that writes to a key it was not given in KEYS does not
// wake it.
const blockingRetry = time.Second

// waiter is a client in runBlocking.
type waiter struct {
	keys map[string]bool // the keys it waits on; nil: any
	wake chan struct{}   // buffered: a write that may concern it
}

// wakeFor tells w about e if e names one of its keys (as an argument of
// any of its commands, which covers EVAL's KEYS).
func (w *waiter) wakeFor(e *entry) {
	if w.keys != nil && !namesAny(e, w.keys) {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// namesAny reports whether an argument of e's commands is in keys.
func namesAny(e *entry, keys map[string]bool) bool {
	for _, cmd := range e.Cmds {
		for _, arg := range cmd[1:] {
			if keys[arg] {
				return true
			}
		}
	}
	return false
}

// tryOnce runs args once, without waiting, on a connection of its own on
// c's database, and returns the reply in c's protocol. ok is false when
// miniredis refused the command (the reply is then its error).
func (s *Server) tryOnce(c *client, args []string) (reply []byte, ok bool) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	p := server.NewPeer(w)
	p.Resp3 = c.peer.Resp3
	s.dispatch(p, "SELECT", strconv.Itoa(c.db))
	s.dispatch(p, "MULTI")
	p.Flush()
	buf.Reset()
	s.dispatch(p, args...)
	p.Flush()
	if !strings.HasPrefix(buf.String(), "+QUEUED") {
		reply = bytes.Clone(buf.Bytes())
		s.dispatch(p, "DISCARD")
		return reply, false
	}
	buf.Reset()
	s.dispatch(p, "EXEC")
	p.Flush()
	one, found := bytes.CutPrefix(buf.Bytes(), []byte("*1\r\n"))
	if !found {
		return bytes.Clone(buf.Bytes()), false
	}
	return bytes.Clone(one), true
}

// setClock sets miniredis's clock to now for the command about to run, so
// that a replay at the same time gives the same result (stream IDs,
// delivery times, TIME in scripts), and returns it. writeMu is held.
func (s *Server) setClock() time.Time {
	now := time.Now()
	s.mr.SetTime(now)
	return now
}

// recordWrite journals e and wakes the clients waiting for data it may
// bring. writeMu is held.
func (s *Server) recordWrite(e *entry) {
	s.journal.append(e)
	for w := range s.waiters {
		w.wakeFor(e)
	}
}

// dispatch runs one command on miniredis for peer p.
func (s *Server) dispatch(p *server.Peer, args ...string) {
	s.mr.Server().Dispatch(p, args)
}

// noteScript keeps the source of scripts loaded with SCRIPT LOAD, and
// forgets them on SCRIPT FLUSH, for journalForm.
func (s *Server) noteScript(args []string) {
	if len(args) < 2 {
		return
	}
	s.scriptsMu.Lock()
	defer s.scriptsMu.Unlock()
	switch strings.ToUpper(args[1]) {
	case "LOAD":
		if len(args) == 3 {
			s.scripts[scriptSHA(args[2])] = args[2]
		}
	case "FLUSH":
		clear(s.scripts)
	}
}

// journalForm is args as the journal keeps it: EVALSHA of a known script
// becomes EVAL of its source, since a replay starts with no scripts
// loaded; EVAL's source is remembered for later EVALSHAs.
func (s *Server) journalForm(args []string) []string {
	name := strings.ToUpper(args[0])
	if len(args) < 2 || (name != "EVAL" && name != "EVALSHA") {
		return args
	}
	s.scriptsMu.Lock()
	defer s.scriptsMu.Unlock()
	if name == "EVAL" {
		s.scripts[scriptSHA(args[1])] = args[1]
		return args
	}
	src, ok := s.scripts[strings.ToLower(args[1])]
	if !ok {
		return args // fails with NOSCRIPT, now and in a replay
	}
	return append([]string{"EVAL", src}, args[2:]...)
}

// scriptSHA is the SHA-1 by which EVALSHA names a script.
func scriptSHA(src string) string {
	sum := sha1.Sum([]byte(src))
	return hex.EncodeToString(sum[:])
}
