package chat

import "unicode/utf16"

// MessageFits reports whether text, a reply's PlainText, fits in one text
// message on p: WeChat and WeCom take 2,048 bytes, Telegram 4,096
// characters (UTF-16 code units); the console takes any length. What does
// not fit, adapters split into several messages, and on WeChat an answer
// of several messages cannot be the passive reply. (WeChat writes a link
// as an <a href> tag a few bytes longer than its PlainText.)
func (p Platform) MessageFits(text string) bool {
	switch p {
	case WeChat, WeCom:
		return len(text) <= 2048
	case Telegram:
		if len(text) <= 4096 { // a UTF-16 code unit takes at least one byte
			return true
		}
		n := 0
		for _, c := range text {
			n += utf16.RuneLen(c)
		}
		return n <= 4096
	}
	return true
}
