package content

import "errors"

// Errors the parser returns for input it cannot turn into a bulletin.
// Callers branch on them with errors.Is; their texts are written to be shown
// to an operator as the reason a file was refused.
var (
	ErrEmpty     = errors.New("empty input")
	ErrTooLarge  = errors.New("input too large")
	ErrBinary    = errors.New("binary data, not a text or HTML bulletin")
	ErrEncoding  = errors.New("text is neither valid UTF-8 nor GBK/GB18030")
	ErrNoArticle = errors.New("no article text found")
	ErrNoTitle   = errors.New("no recognizable title")
	// ErrNotBulletin is text that is a document of another kind: Markdown
	// (headings, code fences) with no Chinese running text, such as a README.
	ErrNotBulletin = errors.New("not a bulletin: a Markdown or markup document with no Chinese running text")
)

// ErrNotFound is returned by stores when a bulletin, subscriber or record
// does not exist.
var ErrNotFound = errors.New("not found")
