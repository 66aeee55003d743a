package web_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"tongbao/bot/web"
	"tongbao/content"
)

const adminToken = "admin-token"

// adminFixture is a server with the admin API on; ingests counts the
// uploads that reached the ingest step.
type adminFixture struct {
	*fixture
	ingests   atomic.Int64
	mu        sync.Mutex
	audiences []content.Audience // what each upload that reached the ingest step was for
}

func setupAdmin(t *testing.T) *adminFixture {
	t.Helper()
	a := &adminFixture{}
	a.fixture = setupWith(t, func(c *web.Config, o *web.Deps) {
		c.AdminToken = adminToken
		st := o.Store.(interface {
			Stats(ctx context.Context, id string) (*content.DeliveryStats, error)
			Audit(ctx context.Context, e content.AuditEntry) error
		})
		o.Admin = &web.Admin{Stats: st.Stats, Audit: st.Audit,
			Ingest: func(ctx context.Context, in content.Input, aud content.Audience) (web.IngestResult, error) {
				a.ingests.Add(1)
				a.mu.Lock()
				a.audiences = append(a.audiences, aud)
				a.mu.Unlock()
				b, err := content.NewParser(content.ParserConfig{}, content.ParserDeps{}).Parse(in)
				if err != nil {
					return web.IngestResult{}, err
				}
				return web.IngestResult{ID: b.ID, Title: b.Title, New: true}, nil
			}}
	})
	return a
}

// do makes an admin request with the token.
func (a *adminFixture) do(t *testing.T, method, path, contentType string, body io.Reader) (int, string) {
	t.Helper()
	header := http.Header{"Authorization": {"Bearer " + adminToken}}
	if contentType != "" {
		header.Set("Content-Type", contentType)
	}
	code, out, _ := fetch(t, method, a.srv.URL+path, header, body)
	return code, out
}

func TestAdminStatsOfAnUnknownBulletinIs404(t *testing.T) {
	a := setupAdmin(t)
	code, body := a.do(t, "GET", "/admin/stats/"+a.b.ID, "", nil)
	if code != 200 || !strings.Contains(body, `"bulletin_id":"`+a.b.ID+`"`) {
		t.Errorf("stats of a stored bulletin: %d %s", code, body)
	}
	for _, id := range []string{"20000101-deadbeef", "nope", url.PathEscape("通报")} {
		code, body := a.do(t, "GET", "/admin/stats/"+id, "", nil)
		if code != 404 || !strings.Contains(body, "no bulletin") {
			t.Errorf("stats of %s: %d %s", id, code, body)
		}
	}
}

// multipartFrame returns what comes before and after the content of a
// form's file part named "file", and the form's Content-Type.
func multipartFrame(filename string) (head, tail []byte, contentType string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.CreateFormFile("file", filename)
	head = append([]byte{}, b.Bytes()...)
	b.Reset()
	w.Close()
	return head, b.Bytes(), w.FormDataContentType()
}

// rawPost sends a request over a bare connection, writing the body from a
// goroutine while the answer is read, as a client that keeps sending after
// the server has answered; write errors after the answer are expected.
func rawPost(t *testing.T, serverURL, path string, header http.Header, body func(io.Writer) error) (int, string) {
	t.Helper()
	u, _ := url.Parse(serverURL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\n", path, u.Host)
	header.Write(&head)
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil {
		t.Fatal(err)
	}
	go body(conn)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// A 50 MB multipart upload is refused with 413 and a message that says the
// limit, whether its length is declared or it streams in chunks; nothing
// reaches the ingest step.
func TestAdminUploadTooLargeIs413(t *testing.T) {
	a := setupAdmin(t)
	const size = 50 << 20
	head, tail, contentType := multipartFrame("big.txt")
	chunk := bytes.Repeat([]byte("会议强调，要全力做好防汛工作。\n"), 1<<12)
	writeBody := func(w io.Writer) error {
		if _, err := w.Write(head); err != nil {
			return err
		}
		for n := 0; n < size; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		_, err := w.Write(tail)
		return err
	}
	length := len(head) + (size+len(chunk)-1)/len(chunk)*len(chunk) + len(tail)
	declared := http.Header{"Authorization": {"Bearer " + adminToken}, "Content-Type": {contentType}, "Content-Length": {fmt.Sprint(length)}}
	chunked := http.Header{"Authorization": {"Bearer " + adminToken}, "Content-Type": {contentType}, "Transfer-Encoding": {"chunked"}}
	for name, tc := range map[string]struct {
		header http.Header
		body   func(io.Writer) error
	}{
		"declared length": {declared, writeBody},
		"chunked":         {chunked, func(w io.Writer) error { return writeBody(httputil.NewChunkedWriter(w)) }},
	} {
		t.Run(name, func(t *testing.T) {
			code, body := rawPost(t, a.srv.URL, "/admin/bulletins", tc.header, tc.body)
			if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "at most 8 MiB") {
				t.Errorf("status %d, body %s", code, body)
			}
		})
	}
	// A file just over the parser's limit inside a request under the
	// request's limit is refused the same way.
	var form bytes.Buffer
	w := multipart.NewWriter(&form)
	fw, _ := w.CreateFormFile("file", "over.txt")
	fw.Write(bytes.Repeat([]byte("x"), content.DefaultMaxInput+1000))
	w.Close()
	if code, body := a.do(t, "POST", "/admin/bulletins", w.FormDataContentType(), &form); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "at most 8 MiB") {
		t.Errorf("file over the limit: %d %s", code, body)
	}
	if n := a.ingests.Load(); n != 1 {
		t.Errorf("%d uploads reached the ingest step, want only the last (refused by the parser)", n)
	}
	// A form without the file field is still a 400 that says what to send.
	var empty bytes.Buffer
	ew := multipart.NewWriter(&empty)
	ew.WriteField("name", "x")
	ew.Close()
	if code, body := a.do(t, "POST", "/admin/bulletins", ew.FormDataContentType(), &empty); code != 400 || !strings.Contains(body, `form field \"file\"`) {
		t.Errorf("form without a file: %d %s", code, body)
	}
}

// TestAdminUploadAudience: topic=, unit= and platform= in the query choose
// the upload's audience; an unknown platform or an empty value is a 400
// that says so, and the upload reaches nothing.
func TestAdminUploadAudience(t *testing.T) {
	a := setupAdmin(t)
	text := "关于做好防汛工作的通知\n各乡镇：\n入汛以来，全县降雨偏多，请立即开展隐患排查，落实值班值守。\n县防汛指挥部\n"
	for _, q := range []string{"platform=fax", "unit=", "topic=防汛,,人才"} {
		code, body := a.do(t, "POST", "/admin/bulletins?"+q, "text/plain; charset=utf-8", strings.NewReader(text))
		if code != http.StatusBadRequest || !strings.Contains(body, "bad audience") {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
	if n := a.ingests.Load(); n != 0 {
		t.Fatalf("%d refused uploads reached the ingest step", n)
	}
	q := url.Values{"topic": {"防汛,人才"}, "unit": {"县委办", "县应急管理局"}, "platform": {"wecom"}}
	if code, body := a.do(t, "POST", "/admin/bulletins?"+q.Encode(), "text/plain; charset=utf-8", strings.NewReader(text)); code != http.StatusCreated {
		t.Fatalf("upload with an audience: %d %s", code, body)
	}
	if code, body := a.do(t, "POST", "/admin/bulletins", "text/plain; charset=utf-8", strings.NewReader(text)); code != http.StatusCreated {
		t.Fatalf("upload without one: %d %s", code, body)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	want := []content.Audience{{Topics: []string{"防汛", "人才"}, Units: []string{"县委办", "县应急管理局"}, Platforms: []string{"wecom"}}, {}}
	if !reflect.DeepEqual(a.audiences, want) {
		t.Errorf("audiences = %+v, want %+v", a.audiences, want)
	}
}
