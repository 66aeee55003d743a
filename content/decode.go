package content

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// sniffLen is how much of the input the binary and charset sniffers read.
const sniffLen = 8 << 10

// maxReplacementShare is the share of runes that may fail to decode before
// the input is refused as badly encoded: one broken character in a long page
// is a site's typo, one in fifty is the wrong charset.
const maxReplacementShare = 0.02

var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-]+)`)

// Decode turns raw bulletin bytes into UTF-8 text. declared is a charset
// name from outside the bytes (an HTTP Content-Type), or "". Byte-order
// marks, valid UTF-8, an HTML meta charset, and GBK/GB18030 (the encodings
// of Chinese government sites) are recognized in that order.
func Decode(raw []byte, declared string) (string, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", ErrEmpty
	}
	if text, ok, err := decodeBOM(raw); ok {
		return text, err
	}
	if looksBinary(raw) {
		return "", ErrBinary
	}
	if utf8.Valid(raw) {
		return string(raw), nil
	}
	enc := simplifiedchinese.GB18030
	if name := declaredCharset(raw, declared); name != "" {
		if e, err := htmlindex.Get(name); err == nil && e != unicode.UTF8 {
			enc = e
		}
	}
	return decodeWith(enc, raw)
}

// declaredCharset returns the charset the transport or the page itself
// names, or "".
func declaredCharset(raw []byte, declared string) string {
	if declared = strings.TrimSpace(declared); declared != "" {
		return declared
	}
	head := raw
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	if m := metaCharset.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	return ""
}

func decodeBOM(raw []byte) (text string, ok bool, err error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		rest := raw[3:]
		if !utf8.Valid(rest) {
			return "", true, ErrEncoding
		}
		return string(rest), true, nil
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		text, err = decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), raw)
		return text, true, err
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		text, err = decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), raw)
		return text, true, err
	}
	return "", false, nil
}

func decodeWith(enc encoding.Encoding, raw []byte) (string, error) {
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	text := string(out)
	runes, bad := 0, 0
	for _, r := range text {
		runes++
		if r == utf8.RuneError {
			bad++
		}
	}
	if runes == 0 || float64(bad)/float64(runes) > maxReplacementShare {
		return "", ErrEncoding
	}
	return text, nil
}

// binaryMagic are the starts of formats people drop into a bulletin folder
// by mistake.
var binaryMagic = [][]byte{
	[]byte("%PDF-"), []byte("\x89PNG"), []byte("\xFF\xD8\xFF"), []byte("GIF8"),
	[]byte("PK\x03\x04"), []byte("\xD0\xCF\x11\xE0"), []byte("\x7FELF"), []byte("\x1F\x8B"),
}

// looksBinary reports whether raw is not text: a known binary format, a NUL
// byte, or more than a few control characters near the start.
func looksBinary(raw []byte) bool {
	for _, m := range binaryMagic {
		if bytes.HasPrefix(raw, m) {
			return true
		}
	}
	head := raw
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	controls := 0
	for _, c := range head {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1B:
			controls++
		}
	}
	return controls*100 > len(head)
}
