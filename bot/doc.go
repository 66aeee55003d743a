// Package bot is Tongbao's platform-neutral core: it understands what people
// send (Chinese and English, with or without slash commands), answers with
// platform-neutral replies that adapters render natively, and dispatches new
// bulletins to subscribers. The platform adapters live in bot/telegram,
// bot/wechat and bot/console; bot declares the small interfaces it needs of
// them and of the store.
package bot
