package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tongbao/bot/telegram/telegramtest"
)

// start runs a server for the test.
func start(t testing.TB, opts ...telegramtest.Option) *telegramtest.Server {
	t.Helper()
	s := telegramtest.New(opts...)
	t.Cleanup(s.Close)
	return s
}

// timeout bounds a test's waits. It only stops a broken test: the waits
// end on events, and a loaded machine may take long to produce them.
func timeout(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// reply is a Bot API response as an independent client decodes it.
type reply struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
	status int
}

// post sends a request the way a client written from Telegram's docs
// would and decodes the reply.
func post(t testing.TB, req *http.Request) reply {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post %s: %v", req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read reply: %v", err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var r reply
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("decode reply %q: %v", body, err)
	}
	r.status = resp.StatusCode
	if r.OK != (r.status == http.StatusOK) || !r.OK && r.ErrorCode != r.status {
		t.Errorf("reply %s with HTTP status %d", body, r.status)
	}
	return r
}

// callJSON calls method with a JSON body.
func callJSON(t testing.TB, s *telegramtest.Server, method string, body any) reply {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/bot"+s.Token()+"/"+method, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return post(t, req)
}

// callForm calls method with a form body.
func callForm(t testing.TB, s *telegramtest.Server, method string, v url.Values) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/bot"+s.Token()+"/"+method, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return post(t, req)
}

// result decodes a successful reply's result.
func (r reply) result(t testing.TB, v any) {
	t.Helper()
	if !r.OK {
		t.Fatalf("call failed: %d %s", r.ErrorCode, r.Description)
	}
	if err := json.Unmarshal(r.Result, v); err != nil {
		t.Fatalf("decode result %s: %v", r.Result, err)
	}
}

// wantError checks a failed reply.
func (r reply) wantError(t testing.TB, code int, description string) {
	t.Helper()
	if r.OK || r.ErrorCode != code || r.Description != description {
		t.Errorf("reply = ok:%v %d %q, want %d %q", r.OK, r.ErrorCode, r.Description, code, description)
	}
}

var (
	alice = telegramtest.User{ID: 1001, FirstName: "Alice", Username: "alice", LanguageCode: "en"}
	wang  = telegramtest.User{ID: 1002, FirstName: "立新", LastName: "王", LanguageCode: "zh-hans"}
)

// await waits until cond holds, re-checking it whenever s records
// something (see Server.Await).
func await(t testing.TB, s *telegramtest.Server, what string, cond func() bool) {
	t.Helper()
	if err := s.Await(timeout(t), cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}
