// Package wechattest fakes the WeChat Official Account and WeCom platforms
// for tests and benchmarks, in two halves, both independent of
// github.com/silenceper/wechat (signatures and AES are implemented here with
// the standard library, following the platforms' public documentation and
// checked against their published test vector).
//
// # The API server
//
// NewServer starts an httptest server speaking the platforms' HTTP APIs.
// Point both API bases at URL() (TONGBAO_WECHAT_API and TONGBAO_WECOM_API, or
// silenceper's util.SetURIModifier) and use the Default* credentials:
//
//	srv := wechattest.NewServer(wechattest.Options{WeComLimits: true})
//	defer srv.Close()
//
// Official Account: GET /cgi-bin/token, POST /cgi-bin/stable_token,
// /cgi-bin/message/custom/send (text ≤ 2,048 bytes, news with one article),
// /cgi-bin/message/template/send, /cgi-bin/message/mass/sendall and
// mass/send, /cgi-bin/message/mass/preview, /cgi-bin/menu/create, GET
// /cgi-bin/user/info. WeCom: GET /cgi-bin/gettoken, POST
// /cgi-bin/message/send (text, textcard; agentid as a number or a string).
// Every call but the token endpoints needs a valid access_token: a missing
// one is answered 41001, an unknown or expired one 40001 on the Official
// Account and 40014 on WeCom (as each platform documents). ExpireTokens
// invalidates all tokens issued so far, to test refresh-once-and-retry.
// /cgi-bin/token issues a new token per call and keeps the earlier ones
// valid; stable_token returns the same token until force_refresh replaces it.
// Error answers carry the documented errmsg followed by a request id, as the
// real servers do. A mass send repeating a clientmsgid (or, without one, the
// same audience and content) is refused with 45065 and the first msg_id.
//
// Accepted messages are recorded as typed values (CustomMessages,
// TemplateMessages, MassMessages, Previews, Menus, WeComMessages) and every
// request is counted by path (Count); the accessors return copies. WaitFor blocks until an
// accessor returns enough records, waking on each recorded call:
//
//	got, err := wechattest.WaitFor(ctx, srv, srv.CustomMessages, 1)
//
// InjectFault makes calls fail per openid or globally: an errcode (45015,
// 45047, 43004, 45009, 40001, -1 …), an HTTP status, or a delay. With
// Options.WeComLimits the fake applies WeCom's 30 messages a minute and
// 1,000 an hour per member; like WeCom it answers errcode 0 and drops the
// excess, recording a Violation, so tests assert Violations() is empty.
//
// # The callback client
//
// NewOAClient and NewWeComClient return a Client that calls our /wechat and
// /wecom endpoints exactly as the platform does: URL verification (Verify),
// and text messages and events (SendText, SendEvent, Send) in plain,
// compatible or safe mode on the Official Account and always encrypted on
// WeCom. It returns the passive reply decrypted and checked (its signature,
// receiver, addressee, size), or Empty for "success" / an empty body, and a
// *StatusError for a non-200 answer. Forged returns a client whose requests
// carry a forged signature, a wrong msg_signature, a foreign or truncated
// ciphertext, a garbage body or a body over 1 MiB:
//
//	c := wechattest.NewOAClient(base+"/wechat", token, aesKey, wechattest.DefaultAppID)
//	c.Mode = wechattest.Safe
//	reply, err := c.SendText("o-openid", "最新会议", 1)
//	_, err = c.Forged(wechattest.ForgeSignature).SendText("o-openid", "最新会议", 2) // *StatusError
//
// CheckSign, Encrypt and Decrypt are exported for tests that build
// requests or replies by hand.
package wechattest
