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
	// ErrDocx is a file that claims to be a Word .docx (by its name or its
	// start) but cannot be read as one; the wrapping error says why.
	ErrDocx = errors.New("not a readable Word .docx document")
	// ErrOldWord is an old binary Word document (.doc).
	ErrOldWord = errors.New("an old Word .doc file is not supported: open it in Word and save it as .docx")
	// ErrEncrypted is a .docx saved with a password: Word stores it
	// encrypted, inside an OLE compound file.
	ErrEncrypted = errors.New("a password-protected Word document cannot be read: remove the password in Word and save it again")
)

// refusals are the errors that say the input itself was refused.
var refusals = []error{ErrEmpty, ErrTooLarge, ErrBinary, ErrEncoding, ErrNoArticle, ErrNoTitle, ErrNotBulletin, ErrDocx, ErrOldWord, ErrEncrypted}

// Refused reports whether err is the parser refusing an input (one of the
// errors above) rather than something failing around it: trying the same
// input again cannot help, and the error's text is the reason to show.
func Refused(err error) bool {
	for _, e := range refusals {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// ErrNotFound is returned by stores when a bulletin, subscriber or record
// does not exist.
var ErrNotFound = errors.New("not found")
