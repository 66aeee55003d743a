package wechattest

import (
	_ "embed"
	"encoding/json"
	"testing"
)

//go:embed testdata/wechat-crypto-vectors.json
var vectorsJSON []byte

// Vectors are WeCom's published callback crypto sample (the same algorithm
// as the Official Account's safe mode), from
// testdata/wechat-crypto-vectors.json: the fake and the adapter both check
// themselves against it.
type Vectors struct {
	Token          string `json:"token"`
	EncodingAESKey string `json:"encoding_aes_key"`
	ReceiverID     string `json:"receiver_id"`
	VerifyURL      struct {
		MsgSignature string `json:"msg_signature"`
		Timestamp    string `json:"timestamp"`
		Nonce        string `json:"nonce"`
		Echostr      string `json:"echostr"`
		Plaintext    string `json:"plaintext"`
	} `json:"verify_url"`
	Message struct {
		MsgSignature    string            `json:"msg_signature"`
		Timestamp       string            `json:"timestamp"`
		Nonce           string            `json:"nonce"`
		Encrypt         string            `json:"encrypt"`
		PlaintextFields map[string]string `json:"plaintext_fields"`
	} `json:"message"`
}

// LoadVectors returns the published sample.
func LoadVectors(tb testing.TB) Vectors {
	tb.Helper()
	var v Vectors
	if err := json.Unmarshal(vectorsJSON, &v); err != nil {
		tb.Fatalf("wechattest: crypto vectors: %v", err)
	}
	return v
}
