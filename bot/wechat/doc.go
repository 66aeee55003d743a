// Package wechat connects Tongbao to WeChat: an Official Account (公众号)
// and a WeCom (企业微信) self-built app, speaking the same platform-neutral
// conversation (chat.Incoming in, chat.Reply out) as the Telegram adapter.
//
// # Callbacks
//
// OfficialAccount and WeCom are http.Handlers for the callback URLs
// (/wechat, /wecom). Every request is verified before anything else:
// signature (sha1 over token, timestamp, nonce) and, for encrypted
// messages, msg_signature over the ciphertext, then AES-256-CBC decryption
// checking the AppID / CorpID inside it; bodies are limited to 1 MiB. An
// Official Account with an EncodingAESKey accepts only encrypted messages
// (plain mode signs the query string, not the body).
// A refused request gets 403 (signature), 400 (undecryptable or malformed)
// or 413 (too large) and never reaches the Handler.
//
// A message runs the Handler in its own goroutine. If the answer is ready
// within the reply budget (4 s; the platforms wait 5 s) and is one message
// (text up to 2,048 bytes, or a news card for a Reply with a Card) it is
// the passive reply, encrypted when the request was. Otherwise the
// callback answers "no reply" ("success" on the Official Account, an empty
// body on WeCom) and the replies follow, in order, as customer-service or
// app messages. The platforms retry a callback 3 times: Deduper lets only
// the first attempt through (key MsgId; for events sender, time and
// event), later ones get "no reply" while the first attempt answers.
//
// Follow and unfollow events go to Events (idempotent, so they run on
// every attempt; an error answers 500 and the platform retries); a follow
// is welcomed with the Handler's answer to "/start". Menu clicks become
// the texts of MenuText, as if typed; MenuButtons and CreateMenu build the
// custom menu (DefaultMenu's labels come from the message catalog).
//
// # Pushes
//
// Both types implement chat.Sender. The Official Account sends customer-service
// text or news, falling back to the configured template message outside
// the 48-hour window, and mass sends by tag (MassSendText, with
// clientmsgid) after a Preview. WeCom sends text or textcard app messages
// within WeCom's per-member limits (30 a minute, 1,000 an hour), counted
// by a MemberLimiter (the store's rate limiter) so they hold across
// replicas. Refusals are *chat.SendError
// classified for the dispatcher; an expired access token is refreshed and
// the call retried once.
//
// # Access tokens and the library
//
// The access token is kept in a TokenStore (the store) through TokenCache,
// silenceper's cache.Cache over it, so all replicas share one. The adapters use
// github.com/silenceper/wechat/v2 for its API request and answer types and
// its AES and signature code, but make the HTTP calls themselves: the library's calls
// go through a package-global http.Client and URL modifier and take no
// context, while ours take the caller's context (bounded by apiTimeout),
// the configured API base (OAConfig.APIBase, WeComConfig.APIBase) and
// Deps.HTTP, with no global state. Tests point the bases at wechattest.
package wechat
