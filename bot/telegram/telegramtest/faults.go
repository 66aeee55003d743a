package telegramtest

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault makes matching calls slow or failing. A fault matches a call when
// Method (case-insensitive) and ChatID (the call's chat_id) match or are
// zero; the first matching fault added applies. Build one with Blocked,
// ChatNotFound, TooManyRequests, ServerError or Slow and narrow it with For,
// InChat and Times.
type Fault struct {
	Method string        // "" matches every method
	ChatID int64         // 0 matches every chat (and calls without one)
	Count  int           // how many calls it affects; 0 until ClearFaults
	Delay  time.Duration // wait before answering

	// Code is the error_code to answer with; 0 runs the method normally
	// (after Delay).
	Code        int
	Description string
	RetryAfter  int // parameters.retry_after, for 429
}

// Blocked is Telegram's answer to a message for a user who blocked the
// bot: 403 "Forbidden: bot was blocked by the user", for every call to the
// chat.
func Blocked(chatID int64) Fault {
	return Fault{ChatID: chatID, Code: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"}
}

// ChatNotFound is 400 "Bad Request: chat not found" for every call to the
// chat.
func ChatNotFound(chatID int64) Fault {
	return Fault{ChatID: chatID, Code: http.StatusBadRequest, Description: "Bad Request: chat not found"}
}

// TooManyRequests is 429 with parameters.retry_after; a 429 scoped to a
// chat (InChat) asks the bot to wait for that chat only, otherwise for all
// of them. The server remembers it and reports any call that does not wait
// as a Violation.
func TooManyRequests(retryAfter int) Fault {
	retryAfter = max(retryAfter, 1)
	return Fault{
		Code:        http.StatusTooManyRequests,
		Description: "Too Many Requests: retry after " + strconv.Itoa(retryAfter),
		RetryAfter:  retryAfter,
	}
}

// ServerError is 500 "Internal Server Error".
func ServerError() Fault {
	return Fault{Code: http.StatusInternalServerError, Description: "Internal Server Error"}
}

// Slow delays the answer by d and then runs the method normally.
func Slow(d time.Duration) Fault {
	return Fault{Delay: d}
}

// For narrows f to one method.
func (f Fault) For(method string) Fault { f.Method = method; return f }

// InChat narrows f to calls for one chat.
func (f Fault) InChat(chatID int64) Fault { f.ChatID = chatID; return f }

// Times limits f to the next n matching calls.
func (f Fault) Times(n int) Fault { f.Count = n; return f }

// AddFault adds a fault; it applies from the next call on.
func (s *Server) AddFault(f Fault) {
	if f.Code == http.StatusTooManyRequests && f.RetryAfter <= 0 {
		f.RetryAfter = 1
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = append(s.faults.list, f)
	s.faults.n.Store(int32(len(s.faults.list)))
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.list = nil
	s.faults.n.Store(0)
}

// faultSet holds the faults; n lets calls skip the lock when there are none.
type faultSet struct {
	n    atomic.Int32
	mu   sync.Mutex
	list []Fault
}

// take returns the fault for a call, counting it down.
func (fs *faultSet) take(method string, chatID int64) (Fault, bool) {
	if fs.n.Load() == 0 {
		return Fault{}, false
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if f.Method != "" && !strings.EqualFold(f.Method, method) || f.ChatID != 0 && f.ChatID != chatID {
			continue
		}
		if f.Count > 0 {
			fs.list[i].Count--
			if fs.list[i].Count == 0 {
				fs.list = append(fs.list[:i], fs.list[i+1:]...)
				fs.n.Store(int32(len(fs.list)))
			}
		}
		return f, true
	}
	return Fault{}, false
}
