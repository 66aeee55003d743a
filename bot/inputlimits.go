package bot

// Limits on what one incoming message may cost (a pasted book must cost no
// more to answer than a line, and its reply must not repeat it).
const (
	// maxMessageRunes is the most of a message the bot reads at all:
	// Telegram's own limit for a message, and room for an announcement.
	maxMessageRunes = 4096
	// maxSearchRunes is the most of a search the store is asked for.
	maxSearchRunes = 100
)

// capRunes cuts s to at most n characters.
func capRunes(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}
