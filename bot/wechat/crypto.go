package wechat

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/silenceper/wechat/v2/util"
)

// Why a callback is refused (with 403 and 400).
var (
	errSignature  = errors.New("wechat: signature mismatch")
	errCiphertext = errors.New("wechat: undecryptable message")
)

// box signs, verifies, seals and opens callback messages the way both
// platforms do: sha1 signatures over the sorted token, timestamp, nonce (and
// ciphertext), and AES-256-CBC with the EncodingAESKey, its first 16 bytes
// as IV, over random(16) | len(4) | message | receiver id, padded to 32.
type box struct {
	token    string
	receiver string // AppID or CorpID, the last part of every plaintext
	key      []byte // nil: plain mode only
}

// newBox returns a box; aesKey may be empty for a plain-mode account.
func newBox(token, aesKey, receiver string) (*box, error) {
	b := &box{token: token, receiver: receiver}
	if aesKey != "" {
		key, err := decodeAESKey(aesKey)
		if err != nil {
			return nil, fmt.Errorf("wechat: EncodingAESKey: %w", err)
		}
		b.key = key
	}
	return b, nil
}

// check reports, in constant time, whether sig is the signature of parts
// (timestamp, nonce[, ciphertext]) with the box's token.
func (b *box) check(sig string, parts ...string) bool {
	want := util.Signature(append(parts, b.token)...)
	return subtle.ConstantTimeCompare([]byte(sig), []byte(want)) == 1
}

// open decrypts a base64 Encrypt value and checks its receiver id.
func (b *box) open(encrypted string) ([]byte, error) {
	if b.key == nil {
		return nil, fmt.Errorf("%w: no EncodingAESKey configured", errCiphertext)
	}
	raw, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, fmt.Errorf("%w: base64: %v", errCiphertext, err)
	}
	_, msg, receiver, err := util.AESDecryptMsg(raw, b.key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCiphertext, err)
	}
	if subtle.ConstantTimeCompare(receiver, []byte(b.receiver)) != 1 {
		return nil, fmt.Errorf("%w: addressed to another account", errCiphertext)
	}
	return msg, nil
}

// seal encrypts msg for the box's receiver and signs it at unix time ts,
// as the body of an encrypted passive reply.
func (b *box) seal(msg []byte, ts int64) []byte {
	var random [20]byte         // 16 for the plaintext, 4 for the nonce
	_, _ = rand.Read(random[:]) // crypto/rand.Read never fails
	enc := base64.StdEncoding.EncodeToString(util.AESEncryptMsg(random[:16], msg, b.receiver, b.key))
	nonce := strconv.FormatUint(uint64(binary.BigEndian.Uint32(random[16:])), 10)
	return sealedXML(enc, util.Signature(b.token, strconv.FormatInt(ts, 10), nonce, enc), nonce, ts)
}
