package wechattest

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/util"
)

func TestPublishedVectors(t *testing.T) {
	v := LoadVectors(t)
	t.Run("url verification", func(t *testing.T) {
		u := v.VerifyURL
		if got := signature(v.Token, u.Timestamp, u.Nonce, u.Echostr); got != u.MsgSignature {
			t.Errorf("msg_signature = %s, want %s", got, u.MsgSignature)
		}
		plain, err := Decrypt(v.EncodingAESKey, v.ReceiverID, u.Echostr)
		if err != nil {
			t.Fatal(err)
		}
		if string(plain) != u.Plaintext {
			t.Errorf("echostr decrypts to %q, want %q", plain, u.Plaintext)
		}
	})
	t.Run("message", func(t *testing.T) {
		m := v.Message
		if !CheckSign(m.MsgSignature, v.Token, m.Timestamp, m.Nonce, m.Encrypt) {
			t.Errorf("msg_signature %s does not verify", m.MsgSignature)
		}
		plain, err := Decrypt(v.EncodingAESKey, v.ReceiverID, m.Encrypt)
		if err != nil {
			t.Fatal(err)
		}
		got := xmlFields(t, plain)
		for k, want := range m.PlaintextFields {
			if got[k] != want {
				t.Errorf("%s = %q, want %q", k, got[k], want)
			}
		}
	})
	t.Run("other receiver refused", func(t *testing.T) {
		_, err := Decrypt(v.EncodingAESKey, "wx0000000000000000", v.Message.Encrypt)
		if !errors.Is(err, errReceiverID) {
			t.Errorf("err = %v, want errReceiverID", err)
		}
	})
}

// xmlFields flattens <xml><A>v</A>…</xml> into a map.
func xmlFields(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var doc struct {
		Fields []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
	out := map[string]string{}
	for _, f := range doc.Fields {
		out[f.XMLName.Local] = strings.TrimSpace(f.Value)
	}
	return out
}

func TestSign(t *testing.T) {
	tests := map[string]struct {
		parts []string
		want  string
	}{
		// sha1("123" + "abc" + "token") after sorting
		"sorted before hashing": {[]string{"token", "abc", "123"}, "84501b652458690801074dc0b44e9822dfb63245"},
		"order does not matter": {[]string{"123", "token", "abc"}, "84501b652458690801074dc0b44e9822dfb63245"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := signature(tc.parts...); got != tc.want {
				t.Errorf("signature = %s, want %s", got, tc.want)
			}
			if lib := util.Signature(tc.parts...); lib != tc.want {
				t.Errorf("silenceper util.Signature = %s, want %s", lib, tc.want)
			}
		})
	}
}

func TestEncryptDecrypt(t *testing.T) {
	const key, receiver = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7"
	tests := map[string]string{
		"empty":          "",
		"short":          "hi",
		"full pad block": strings.Repeat("a", 64-20-len(receiver)),
		"chinese":        "<xml><Content><![CDATA[最新会议]]></Content></xml>",
		"several blocks": strings.Repeat("兰溪市委常委会", 100),
	}
	for name, msg := range tests {
		t.Run(name, func(t *testing.T) {
			enc, err := Encrypt(key, receiver, []byte(msg))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decrypt(key, receiver, enc)
			if err != nil || string(got) != msg {
				t.Fatalf("round trip = %q, %v", got, err)
			}
			// Cross-check with silenceper/wechat both ways.
			_, lib, err := util.DecryptMsg(receiver, enc, key)
			if err != nil || string(lib) != msg {
				t.Errorf("util.DecryptMsg(ours) = %q, %v", lib, err)
			}
			libEnc, err := util.EncryptMsg([]byte("0123456789abcdef"), []byte(msg), receiver, key)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := Decrypt(key, receiver, string(libEnc)); err != nil || string(got) != msg {
				t.Errorf("Decrypt(util.EncryptMsg) = %q, %v", got, err)
			}
		})
	}
}

func TestDecryptRefuses(t *testing.T) {
	const key, receiver = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7"
	good, err := Encrypt(key, receiver, []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		key, receiver, enc string
		want               error
	}{
		"short key":      {key[:42], receiver, good, errAESKey},
		"bad key chars":  {strings.Repeat("!", 43), receiver, good, errAESKey},
		"not base64":     {key, receiver, "%%%", errCiphertext},
		"empty":          {key, receiver, "", errCiphertext},
		"partial block":  {key, receiver, good[:len(good)-24], errCiphertext},
		"other receiver": {key, "wx0000000000000000", good, errReceiverID},
		"other key":      {"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", receiver, good, errCiphertext},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Decrypt(tc.key, tc.receiver, tc.enc); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func FuzzDecrypt(f *testing.F) {
	v := LoadVectors(f)
	f.Add(v.Message.Encrypt)
	f.Add(v.VerifyURL.Echostr)
	f.Add("")
	f.Fuzz(func(t *testing.T, enc string) {
		msg, err := Decrypt(v.EncodingAESKey, v.ReceiverID, enc)
		if err == nil && len(msg) > len(enc) {
			t.Errorf("message of %d bytes from %d bytes of base64", len(msg), len(enc))
		}
	})
}
