package readlink

import (
	"strings"
	"testing"
)

const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func TestLinksVerifyIssuedToken(t *testing.T) {
	l := New("https://tb.example.gov.cn/", "secret")
	token := l.Token("20220608-0ce36211", 12345)
	id, dense, err := l.Verify(token)
	if err != nil || id != "20220608-0ce36211" || dense != 12345 {
		t.Fatalf("Verify(%q) = %q, %d, %v", token, id, dense, err)
	}
	if got, want := l.URL("20220608-0ce36211", 12345), "https://tb.example.gov.cn/r/"+token; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}

// Every other spelling of a token's signature is refused: a decoder that
// ignores the unused low bits of the last character (or line breaks)
// would accept several variants of each issued link.
func TestLinksRefuseEveryVariantOfTheSignature(t *testing.T) {
	l := New("https://tb.example.gov.cn", "secret")
	for _, dense := range []int64{0, 1, 35, 36, 12345, 1 << 40} {
		token := l.Token("20220608-0ce36211", dense)
		last := token[len(token)-1:]
		for _, c := range base64URLAlphabet {
			variant := token[:len(token)-1] + string(c)
			if string(c) == last {
				continue
			}
			if _, _, err := l.Verify(variant); err == nil {
				t.Errorf("dense %d: variant %q of %q verified", dense, variant, token)
			}
		}
		sig := strings.LastIndexByte(token, '.') + 1
		for name, variant := range map[string]string{
			"line break inside": token[:sig+3] + "\n" + token[sig+3:],
			"carriage return":   token + "\r",
			"padding":           token + "==",
			"one character cut": token[:len(token)-1],
			"payload changed":   strings.Replace(token, "20220608", "20220609", 1),
			"standard alphabet": token[:sig] + strings.NewReplacer("-", "+", "_", "/").Replace(token[sig:]),
		} {
			if variant == token {
				continue
			}
			if _, _, err := l.Verify(variant); err == nil {
				t.Errorf("dense %d: %s (%q) verified", dense, name, variant)
			}
		}
	}
}

func TestLinksWithoutSecretVerifyNothing(t *testing.T) {
	l := New("https://x", "")
	if _, _, err := l.Verify(l.Token("20220608-0ce36211", 1)); err == nil {
		t.Error("a token verified without a secret")
	}
}
