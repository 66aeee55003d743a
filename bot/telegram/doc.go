// Package telegram connects Tongbao to Telegram through the Bot API, over
// github.com/go-telegram-bot-api/telegram-bot-api/v5 (wrapped behind a
// two-method internal interface, since the library is unmaintained).
//
// An Adapter is built with New(ctx, Config, Deps): the conversation core
// (Handler), the store as Deduper, Blocker and Pacer. New checks the token
// (getMe) and sets the command menu, its descriptions from the message
// catalog (bot/msg) in Chinese (the default) and English; Open and Connect
// do the same for a start while Telegram cannot be reached. Run then receives
// updates: by long polling, or, when Config.WebhookURL is set, through
// ServeHTTP mounted at /telegram, which accepts only requests carrying the
// webhook's secret token. Every update id is handled once, even across
// replicas, through the Deduper (an update is marked before it is handled:
// a crash in between loses it rather than answering twice).
//
// What the bot handles: text in private chats; in groups only commands
// (/latest, /latest@ThisBot), mentions of the bot and replies to its
// messages; button presses (callback queries), always answered. Updates of
// one chat are handled in order, different chats concurrently.
//
// Replies (chat.Reply) are rendered as HTML with every text escaped: titles
// bold, fields "<b>Label</b>：value", lists numbered, notes italic, links
// <a href>, link previews off, buttons as an inline keyboard (callback
// data over 64 bytes is left out, not cut). A reply over 4,096 characters
// goes out in several messages split between blocks (inside a longer block
// between lines, then sentences), the keyboard under the last one; after
// five messages the rest is left out with a note saying so. When
// the Handler answers a button press with a first reply that is a single
// BlockNote and nothing else, that note is shown as the press's toast
// instead of a message.
//
// The Adapter is also the chat.Sender for Telegram (Send, and Edit for
// progress messages), classifying failures as *chat.SendError. Replies to a
// user are retried within bounds (429 after retry_after, 5xx and timeouts
// with backoff); a 403 marks the subscriber blocked through the Blocker.
//
// Tests run against telegramtest, a fake Bot API server.
package telegram
