package wechattest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
)

// blockSize is the PKCS#7 block WeChat pads to: 32 bytes, not AES's 16.
const blockSize = 32

// Errors returned by Decrypt and by the callback client; branch with errors.Is.
var (
	// errAESKey means an EncodingAESKey is not 43 base64 characters of a 32-byte key.
	errAESKey = errors.New("wechattest: invalid EncodingAESKey")
	// errCiphertext means an Encrypt value is not base64 AES-CBC output with valid padding and length.
	errCiphertext = errors.New("wechattest: invalid ciphertext")
	// errReceiverID means a message decrypted but names another AppID or CorpID.
	errReceiverID = errors.New("wechattest: receiver id mismatch")
	// errSignature means a signature or msg_signature does not match.
	errSignature = errors.New("wechattest: signature mismatch")
)

// signature returns the lower-case hex SHA-1 of parts sorted and concatenated.
// signature(token, timestamp, nonce) is a callback's signature;
// signature(token, timestamp, nonce, encrypt) is its msg_signature.
func signature(parts ...string) string {
	sorted := slices.Clone(parts)
	slices.Sort(sorted)
	h := sha1.New()
	for _, p := range sorted {
		_, _ = io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// CheckSign reports, in constant time, whether sig equals signature(parts...).
func CheckSign(sig string, parts ...string) bool {
	return subtle.ConstantTimeCompare([]byte(sig), []byte(signature(parts...))) == 1
}

// Encrypt seals msg for receiverID (the AppID of an Official Account, the
// CorpID of WeCom) the way the platform does: AES-256-CBC with the key from
// aesKey and IV key[:16] over 16 random bytes, the big-endian uint32 length of
// msg, msg and receiverID, PKCS#7-padded to 32 bytes; base64 encoded.
func Encrypt(aesKey, receiverID string, msg []byte) (string, error) {
	key, err := decodeAESKey(aesKey)
	if err != nil {
		return "", err
	}
	n := 20 + len(msg) + len(receiverID)
	pad := blockSize - n%blockSize
	buf := make([]byte, n+pad)
	_, _ = rand.Read(buf[:16]) // crypto/rand.Read never fails
	binary.BigEndian.PutUint32(buf[16:20], uint32(len(msg)))
	copy(buf[20:], msg)
	copy(buf[20+len(msg):], receiverID)
	for i := n; i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("wechattest: encrypt: %w", err)
	}
	cipher.NewCBCEncrypter(block, key[:aes.BlockSize]).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf), nil
}

// Decrypt opens an Encrypt value sealed by Encrypt (or by the platform) and
// returns the message, checking the padding, the length and that the
// trailing receiver id equals receiverID.
func Decrypt(aesKey, receiverID, encrypted string) ([]byte, error) {
	key, err := decodeAESKey(aesKey)
	if err != nil {
		return nil, err
	}
	buf, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, fmt.Errorf("%w: base64: %v", errCiphertext, err)
	}
	if len(buf) == 0 || len(buf)%blockSize != 0 {
		return nil, fmt.Errorf("%w: length %d is not a positive multiple of %d", errCiphertext, len(buf), blockSize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("wechattest: decrypt: %w", err)
	}
	cipher.NewCBCDecrypter(block, key[:aes.BlockSize]).CryptBlocks(buf, buf)
	pad := int(buf[len(buf)-1])
	if pad < 1 || pad > blockSize {
		return nil, fmt.Errorf("%w: padding %d", errCiphertext, pad)
	}
	for _, b := range buf[len(buf)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: inconsistent padding", errCiphertext)
		}
	}
	buf = buf[:len(buf)-pad]
	if len(buf) < 20 {
		return nil, fmt.Errorf("%w: %d bytes after padding", errCiphertext, len(buf))
	}
	n := uint64(binary.BigEndian.Uint32(buf[16:20]))
	if 20+n > uint64(len(buf)) {
		return nil, fmt.Errorf("%w: message length %d exceeds %d bytes", errCiphertext, n, len(buf)-20)
	}
	if got := string(buf[20+n:]); got != receiverID {
		return nil, fmt.Errorf("%w: got %q, want %q", errReceiverID, got, receiverID)
	}
	return buf[20 : 20+n : 20+n], nil
}

// decodeAESKey turns a 43-character EncodingAESKey into the 32-byte AES key.
func decodeAESKey(aesKey string) ([]byte, error) {
	if len(aesKey) != 43 {
		return nil, fmt.Errorf("%w: %d characters, want 43", errAESKey, len(aesKey))
	}
	key, err := base64.StdEncoding.DecodeString(aesKey + "=")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errAESKey, err)
	}
	return key, nil
}
