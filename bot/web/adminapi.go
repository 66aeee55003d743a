package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"tongbao/content"
)

// maxUpload bounds an uploaded bulletin, as the parser does; a request may
// be a little larger for a form's headers.
const (
	maxUpload        = content.DefaultMaxInput
	maxUploadRequest = maxUpload + 64<<10
)

// errTooLarge is the answer to an upload over the limit.
var errTooLarge = fmt.Errorf("upload too large: a bulletin may be at most %d MiB", maxUpload>>20)

// Admin is what the admin API does: upload a bulletin (which is stored
// and pushed like any other, to the audience the query names with topic=,
// unit= and platform= — repeatable or comma-separated — or else to its
// subscribers) and read a bulletin's delivery stats. Every request needs
// the bearer token (Config.AdminToken); every upload is audited.
type Admin struct {
	// Ingest parses, stores and publishes one bulletin to aud (zero: to
	// whoever's subscriptions match it).
	Ingest func(ctx context.Context, in content.Input, aud content.Audience) (IngestResult, error)
	// Stats and Audit come from the store.
	Stats func(ctx context.Context, bulletinID string) (*content.DeliveryStats, error)
	Audit func(ctx context.Context, e content.AuditEntry) error
}

// IngestResult is what an upload did.
type IngestResult struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	New         bool   `json:"new"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
	Pushed      int    `json:"pushed"`
}

// mountAdmin adds the admin routes when a token is configured.
func (s *Server) mountAdmin(a *Admin) {
	if a == nil || s.cfg.AdminToken == "" {
		return
	}
	s.mux.Handle("POST /admin/bulletins", s.adminOnly(s.upload(a)))
	s.mux.Handle("GET /admin/stats/{id}", s.adminOnly(s.stats(a)))
}

// adminOnly checks the bearer token in constant time.
func (s *Server) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hasBearer(r, s.cfg.AdminToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tongbao admin"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or wrong admin token"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// upload takes a bulletin as the request body (text, HTML or a Word
// .docx; the Content-Type's charset is honoured) or as the "file" field of a form.
func (s *Server) upload(a *Admin) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxUploadRequest {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": errTooLarge.Error()})
			return
		}
		aud, err := audienceOf(r.URL.Query())
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadRequest)
		in, err := uploadedInput(r)
		switch {
		case errors.Is(err, errTooLarge):
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": errTooLarge.Error()})
			return
		case err != nil:
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		res, err := a.Ingest(r.Context(), in, aud)
		if errors.Is(err, content.ErrTooLarge) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": errTooLarge.Error()})
			return
		}
		if err != nil {
			status := http.StatusUnprocessableEntity
			if !content.Refused(err) {
				status = http.StatusServiceUnavailable
				s.log.Error("web: admin upload", "err", err)
			}
			writeJSON(w, status, map[string]string{"error": err.Error()})
			return
		}
		if err := a.Audit(r.Context(), content.AuditEntry{Actor: "admin-api", Action: "upload", Detail: map[string]string{
			"id": res.ID, "title": res.Title, "new": boolText(res.New), "audience": aud.String(), "from": r.RemoteAddr}}); err != nil {
			s.log.Error("web: audit upload", "err", err)
		}
		status := http.StatusOK
		if res.New {
			status = http.StatusCreated
		}
		writeJSON(w, status, res)
	}
}

// uploadedInput reads the bulletin out of a request; errTooLarge when the
// request is over the limit.
func uploadedInput(r *http.Request) (content.Input, error) {
	in := content.Input{Fetched: time.Now(), Name: r.URL.Query().Get("name"), URL: r.URL.Query().Get("url")}
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if strings.HasPrefix(mediaType, "multipart/") {
		file, header, err := r.FormFile("file")
		if err != nil {
			if tooLarge(err) {
				return in, errTooLarge
			}
			return in, errors.New(`send the bulletin as the body, or as the form field "file"`)
		}
		defer file.Close()
		in.Name = header.Filename
		mediaType, params, _ = mime.ParseMediaType(header.Header.Get("Content-Type"))
		if in.Data, err = io.ReadAll(file); err != nil {
			return in, fmt.Errorf("read the uploaded file: %w", err)
		}
	} else {
		var err error
		if in.Data, err = io.ReadAll(r.Body); err != nil {
			if tooLarge(err) {
				return in, errTooLarge
			}
			return in, fmt.Errorf("read the upload: %w", err)
		}
	}
	in.Charset = params["charset"]
	if in.Name == "" && mediaType == "text/html" {
		in.Name = "upload.html"
	}
	return in, nil
}

// tooLarge reports whether reading a request stopped at its size limit.
func tooLarge(err error) bool {
	var tooBig *http.MaxBytesError
	return errors.As(err, &tooBig) || errors.Is(err, multipart.ErrMessageTooLarge)
}

// stats answers a bulletin's (or an announcement's) delivery stats; 404
// for an id that names nothing stored.
func (s *Server) stats(a *Admin) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		_, err := s.deps.Store.Bulletin(r.Context(), id)
		if errors.Is(err, content.ErrNotFound) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("no bulletin %q", id)})
			return
		}
		var st *content.DeliveryStats
		if err == nil {
			st, err = a.Stats(r.Context(), id)
		}
		if err != nil {
			s.log.Error("web: admin stats", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "stats unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, st)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
