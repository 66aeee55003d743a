package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"tongbao/content"
)

// The index lists the bulletins newest first, a page at a time.
const (
	indexPageSize = 20
	// maxIndexPage keeps the offset of a hand-typed page number sane.
	maxIndexPage = 100000
	// indexTTL is how long a rendered index page is served before the
	// timeline is read again: the index is public, and a crowd (or a
	// crawler) should cost Redis one read per page per few seconds. A new
	// bulletin shows up on the index at most this late.
	indexTTL = 5 * time.Second
)

// errNoSuchPage is a page number past the end of the index.
var errNoSuchPage = errors.New("web: no such index page")

// index serves the public index at /: recent bulletins, each leading to
// its public page. Opening it records nothing.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	pageNo := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxIndexPage {
			s.message(w, http.StatusNotFound, "没有这一页", "页码不对。请从第一页看起。", "./")
			return
		}
		pageNo = n
	}
	page, err := s.pages.get("index "+strconv.Itoa(pageNo), indexTTL, func() ([]byte, error) {
		items, total, err := s.deps.Store.Timeline(r.Context(), content.Filter{}, (pageNo-1)*indexPageSize, indexPageSize)
		if err != nil {
			return nil, err
		}
		pages := int((total + indexPageSize - 1) / indexPageSize)
		if pageNo > 1 && pageNo > pages {
			return nil, errNoSuchPage
		}
		return indexPage(items, pageNo, pages), nil
	})
	switch {
	case errors.Is(err, errNoSuchPage):
		s.message(w, http.StatusNotFound, "没有这一页", "通报没有这么多页。请从第一页看起。", "./")
	case err != nil:
		s.unavailable(w, err, "./")
	default:
		writePage(w, http.StatusOK, "no-cache", page)
	}
}
