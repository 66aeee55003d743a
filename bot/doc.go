// Package bot is Tongbao's conversation: it understands what people send
// (Chinese and English, with or without slash commands: intent.go,
// english.go, lexicon.go, dates.go, question.go), answers questions about
// bulletins and their fields (ask.go, fields.go), manages subscriptions and
// delivery settings (subscriptions.go), the admin commands
// (admin_commands.go, reading stats over time in readtimes.go) and
// broadcast drafts (broadcast.go), and limits how
// fast one person may write (ratelimit.go). It answers with
// platform-neutral replies (bot/chat) whose texts come from the catalog
// (bot/msg) and whose bulletin cards come from bot/cards. It declares the
// small interfaces it needs of the store, the announcer and the reminder;
// the platform adapters (bot/telegram, bot/wechat, bot/console) and the
// dispatcher (bot/dispatch) do not import it.
package bot
