package content

import "time"

// SaveResult says what happened to a bulletin given to SaveBulletins.
type SaveResult struct {
	ID string
	// New is true when the bulletin was stored now.
	New bool
	// DuplicateOf is the id of the stored bulletin this one is a copy of
	// (its own id when it was stored before); empty when New.
	DuplicateOf string
	// Similarity is the estimated text similarity to DuplicateOf (1 for an
	// exact copy).
	Similarity float64
}

// Filter narrows a timeline: by kind or tag (or both), and by publication
// time (From inclusive, To exclusive; zero means open).
type Filter struct {
	Kind Kind
	Tag  string
	From time.Time
	To   time.Time
	// Facets are structured facts every result must have, each
	// "field:value" as the store's lexicon names them (place:兰溪,
	// person:王立新, type:常务会议, doc:青政办明电12号).
	Facets []string `json:"facets,omitempty"`
}

// SearchHit is one search result.
type SearchHit struct {
	Bulletin *Bulletin
	Score    float64
	// Snippet is the text around the first match, with "…" where cut.
	Snippet string
}

// SearchCountCap is where a search stops counting its matches: a total of
// SearchCountCap means "at least that many".
const SearchCountCap = 200
