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
)

// ErrNotFound is returned by stores when a bulletin, subscriber or record
// does not exist.
var ErrNotFound = errors.New("not found")
