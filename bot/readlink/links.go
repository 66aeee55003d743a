package readlink

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// Links makes and checks personal read links: <public_url>/r/<token>,
// where the token names a bulletin and a subscriber (by dense id) and
// carries an HMAC-SHA256 of both under the server secret, so nobody can
// forge a read for someone else.
type Links struct {
	base   string
	secret []byte
}

// ErrBadToken is returned for a token that is damaged or forged.
var ErrBadToken = errors.New("bad read token")

// tokenMACLen is the length of the MAC in a token (16 bytes: 128 bits).
const tokenMACLen = 16

// New returns a link maker for the public base URL and secret. An
// empty secret makes links that Verify rejects, so a misconfigured server
// records no reads rather than forgeable ones.
func New(publicURL, secret string) *Links {
	return &Links{base: strings.TrimRight(publicURL, "/"), secret: []byte(secret)}
}

// Token returns the token of (bulletin, subscriber).
func (l *Links) Token(bulletinID string, dense int64) string {
	payload := bulletinID + "." + strconv.FormatInt(dense, 36)
	return payload + "." + l.signature(payload)
}

// URL is the personal read link of (bulletin, subscriber).
func (l *Links) URL(bulletinID string, dense int64) string {
	return l.base + "/r/" + l.Token(bulletinID, dense)
}

// Verify checks a token and returns the bulletin and subscriber it names.
func (l *Links) Verify(token string) (bulletinID string, dense int64, err error) {
	if len(l.secret) == 0 {
		return "", 0, ErrBadToken
	}
	i := strings.LastIndexByte(token, '.')
	if i <= 0 {
		return "", 0, ErrBadToken
	}
	payload, sig := token[:i], token[i+1:]
	// The signature is compared in its one canonical encoding: decoding
	// would also accept other spellings of the same bytes (different unused
	// low bits in the last character, embedded line breaks), so one issued
	// link would have many working variants.
	if !hmac.Equal([]byte(sig), []byte(l.signature(payload))) {
		return "", 0, ErrBadToken
	}
	j := strings.LastIndexByte(payload, '.')
	if j <= 0 {
		return "", 0, ErrBadToken
	}
	dense, err = strconv.ParseInt(payload[j+1:], 36, 64)
	if err != nil || dense < 0 {
		return "", 0, ErrBadToken
	}
	return payload[:j], dense, nil
}

// signature is the token's last part: the truncated HMAC of the payload
// in unpadded URL-safe base64.
func (l *Links) signature(payload string) string {
	m := hmac.New(sha256.New, l.secret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:tokenMACLen])
}
