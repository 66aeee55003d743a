package web

import (
	"net/http"
	"strconv"

	"tongbao/content"
)

// The index lists the bulletins newest first, a page at a time.
const (
	indexPageSize = 20
	// maxIndexPage keeps the offset of a hand-typed page number sane.
	maxIndexPage = 100000
)

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
	items, total, err := s.opts.Store.Timeline(r.Context(), content.Filter{}, (pageNo-1)*indexPageSize, indexPageSize)
	if err != nil {
		s.unavailable(w, err, "./")
		return
	}
	pages := int((total + indexPageSize - 1) / indexPageSize)
	if pageNo > 1 && pageNo > pages {
		s.message(w, http.StatusNotFound, "没有这一页", "通报没有这么多页。请从第一页看起。", "./")
		return
	}
	writePage(w, http.StatusOK, "no-cache", indexPage(items, pageNo, pages))
}
