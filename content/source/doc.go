// Package source watches where bulletins come from — folders, RSS/Atom/JSON
// feeds and government list pages (栏目页) — and hands every new item to the
// pipeline as a content.Input.
//
// A sources file (LoadConfig) lists the sources. New builds a Poller over
// them; Run polls each source on its interval. Several replicas may run the
// same Poller against one Redis: only the replica holding the lease
// "source:<name>" polls that source, and the items a source has handed over
// (a feed item's GUID and entry hash, an article URL, a file's path and
// content hash) are remembered through StatusStore, so nothing is ingested
// twice. A failing source backs off exponentially; its Status says why in
// plain words, and the other sources keep going.
//
// Fetcher is the one HTTP client of the package and a good citizen: it names
// Tongbao in its User-Agent, asks conditionally (ETag, Last-Modified), keeps
// one or two requests per host in flight with a pause between them, bounds
// time, size and redirects, and fetches only http and https. Its errors
// (FetchError) read as sentences an operator can act on.
//
// FetchOne reads one URL by hand (a page, or a feed's items); Preview reads a
// configured source once without changing anything. Neither remembers what
// it saw.
package source
