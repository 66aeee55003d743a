// Package telegramtest is a fake Telegram Bot API server for tests and
// benchmarks: a net/http/httptest server that speaks the Bot API wire format
// (https://core.telegram.org/bots/api) closely enough that the real
// go-telegram-bot-api/v5 library, or any client written from Telegram's
// documentation, cannot tell it from api.telegram.org.
//
// Start one with New and point the client at it: URL is the base URL
// (TONGBAO_TELEGRAM_API; clients call URL()+"/bot"+token+"/"+method) and
// Endpoint is the format tgbotapi.NewBotAPIWithAPIEndpoint takes. The server
// accepts parameters in the query string and in form, JSON and multipart
// bodies, and answers {"ok":true,"result":…} or {"ok":false,"error_code":…,
// "description":…,"parameters":{"retry_after":…}} with the HTTP status equal
// to the error code. A wrong token gets 401 Unauthorized, an unknown method
// 404 Not Found.
//
// Implemented methods: getMe, getUpdates (offset, limit, long-poll timeout;
// a newer call ends an older one with 409), sendMessage, editMessageText,
// answerCallbackQuery, setWebhook, deleteWebhook, getWebhookInfo,
// setMyCommands, getMyCommands and deleteMyCommands. Texts are checked as
// Telegram checks them: empty, longer than 4,096 characters, or with HTML that
// Telegram cannot parse (unsupported or unbalanced tags, a stray '<'; and,
// stricter than Telegram unless WithLenientHTML, a stray '&'), and so are
// inline keyboards (callback_data of 1-64 bytes, valid URLs).
//
// What the bot does is recorded: Sent, SentTo, Edits, Message,
// CallbackAnswers, Commands and Webhook return copies, and Await and WaitSent
// wait for them without sleeping. What users do is injected: SendText,
// SendGroupText, PostToChannel, PressButton, Inject and Redeliver queue
// updates with increasing update ids, handed out by getUpdates or, once a
// webhook is set, POSTed to it as JSON with the
// X-Telegram-Bot-Api-Secret-Token header, retried until it answers 2xx; a
// webhook may answer with a method call in its reply, which the server runs.
//
// Faults (AddFault: Blocked, ChatNotFound, TooManyRequests, ServerError,
// Slow) make calls fail or lag. WithLimits enforces Telegram's flood limits
// (30 messages/s per bot, 1,000/s with allow_paid_broadcast, about 1/s per
// chat, 20/min per group) with 429s; every 429 is kept (Throttled), and
// every call that comes before a 429's retry_after has passed is a
// Violation, so a test can fail on a client that does not honour them.
// Stats counts calls by method for benchmarks.
package telegramtest
