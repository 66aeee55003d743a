package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Request bodies larger than these are refused, as Telegram refuses them.
const (
	maxBody      = 1 << 20  // form and JSON bodies
	maxMultipart = 50 << 20 // multipart bodies (uploads)
)

// params are a call's parameters, whichever way they arrived: the query
// string, an application/x-www-form-urlencoded, application/json or
// multipart/form-data body (later sources win). Form and query values are
// kept as sent; a JSON string value is unquoted and any other JSON value is
// kept as its JSON text, so reply_markup reads the same from a form field
// (where clients JSON-encode it) and from a JSON body (where it is an object).
type params map[string]string

var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readParams collects the parameters of r.
func readParams(r *http.Request) (params, error) {
	p := params{}
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, fmt.Errorf("query string: %w", err)
		}
		p.addValues(q)
	}
	if r.Body == nil || r.Method == http.MethodGet {
		return p, nil
	}
	switch ct := mediaType(r.Header.Get("Content-Type")); ct {
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(nil, r.Body, maxMultipart)
		if err := r.ParseMultipartForm(maxMultipart); err != nil {
			return nil, fmt.Errorf("multipart body: %w", err)
		}
		p.addValues(r.MultipartForm.Value)
	case "application/json", "application/x-www-form-urlencoded":
		buf, err := readBody(r)
		defer bodyBuffers.Put(buf)
		if err != nil {
			return nil, err
		}
		if err := p.addBody(ct, buf.Bytes()); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// mediaType is the lower-case media type of a Content-Type header.
func mediaType(contentType string) string {
	if i := strings.IndexByte(contentType, ';'); i >= 0 {
		contentType = contentType[:i]
	}
	return strings.ToLower(strings.TrimSpace(contentType))
}

// addBody adds the parameters of an application/json or
// application/x-www-form-urlencoded body; other bodies carry none.
func (p params) addBody(mediaType string, body []byte) error {
	switch mediaType {
	case "application/json":
		return p.addJSON(body)
	case "application/x-www-form-urlencoded":
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return fmt.Errorf("form body: %w", err)
		}
		p.addValues(q)
	}
	return nil
}

// readBody reads r's body into a pooled buffer the caller puts back.
func readBody(r *http.Request) (*bytes.Buffer, error) {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, maxBody+1)); err != nil {
		return buf, fmt.Errorf("read body: %w", err)
	}
	if buf.Len() > maxBody {
		return buf, errors.New("body too large")
	}
	return buf, nil
}

func (p params) addValues(v url.Values) {
	for k, vs := range v {
		if len(vs) > 0 {
			p[k] = vs[0]
		}
	}
}

// addJSON adds the members of a JSON object.
func (p params) addJSON(body []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("json body: %w", err)
	}
	for k, raw := range m {
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) == 0 || string(raw) == "null":
		case raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return fmt.Errorf("json body: %s: %w", k, err)
			}
			p[k] = s
		default:
			p[k] = string(raw)
		}
	}
	return nil
}

// int64 returns the integer parameter key; 0 when absent.
func (p params) int64(key string) (int64, error) {
	v, ok := p[key]
	if !ok || v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return n, nil
}

// int returns the integer parameter key; 0 when absent.
func (p params) int(key string) (int, error) {
	n, err := p.int64(key)
	return int(n), err
}

// bool reports whether the parameter key is true; absent or unparsable
// values are false, as for Telegram.
func (p params) bool(key string) bool {
	v, ok := p[key]
	if !ok {
		return false
	}
	b, _ := strconv.ParseBool(strings.TrimSpace(v))
	return b
}

// decode unmarshals the JSON parameter key into v; absent leaves v alone.
func (p params) decode(key string, v any) error {
	s, ok := p[key]
	if !ok || s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}
