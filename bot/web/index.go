package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"tongbao/bot/msg"
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
	lang := pageLang(r)
	pageNo := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxIndexPage {
			s.message(w, lang, http.StatusNotFound, msg.Say(lang, "web.nopage"), msg.Say(lang, "web.nopage.bad"), "./")
			return
		}
		pageNo = n
	}
	page, err := s.pages.get("index "+lang+" "+strconv.Itoa(pageNo), indexTTL, func() ([]byte, error) {
		items, total, err := s.deps.Store.Timeline(r.Context(), content.Filter{}, (pageNo-1)*indexPageSize, indexPageSize)
		if err != nil {
			return nil, err
		}
		pages := int((total + indexPageSize - 1) / indexPageSize)
		if pageNo > 1 && pageNo > pages {
			return nil, errNoSuchPage
		}
		return indexPage(lang, items, pageNo, pages), nil
	})
	switch {
	case errors.Is(err, errNoSuchPage):
		s.message(w, lang, http.StatusNotFound, msg.Say(lang, "web.nopage"), msg.Say(lang, "web.nopage.past"), "./")
	case err != nil:
		s.unavailable(w, lang, err, "./")
	default:
		writePage(w, http.StatusOK, "no-cache", page)
	}
}
