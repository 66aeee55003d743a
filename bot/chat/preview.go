package chat

// Preview is a reply as one platform shows it: the messages its sender
// sends for it, in order. Each adapter builds it with the rendering its
// send path uses, so a preview shows what goes out.
type Preview struct {
	Platform Platform
	Messages []PreviewMessage
}

// PreviewMessage is one message of a preview: a text or a link card.
type PreviewMessage struct {
	// Markup is the text as sent, in the platform's markup: Telegram's
	// HTML, or WeChat text whose one markup is <a href>. Empty for a card.
	Markup string
	// Size is the text's length as the platform counts it (Telegram:
	// UTF-16 code units of the text shown; WeChat: bytes) and Limit the
	// most one message takes, in the same unit.
	Size, Limit int
	// Card is the link card the message is (a WeChat news article, a WeCom
	// text card), nil for text; CardButton is its button's text, if any.
	Card       *Card
	CardButton string
	// TitleLimit and DescriptionLimit are the most bytes the card's title
	// and description take, 0 for no limit: longer ones were cut to fit,
	// ending in "…".
	TitleLimit, DescriptionLimit int
	// Buttons are the texts of the buttons under the message, row by row.
	Buttons [][]string
}
