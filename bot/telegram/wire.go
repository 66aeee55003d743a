package telegram

// The Bot API objects the adapter reads, with only the fields it uses
// (https://core.telegram.org/bots/api#available-types).

type update struct {
	UpdateID      int            `json:"update_id"`
	Message       *message       `json:"message"`
	CallbackQuery *callbackQuery `json:"callback_query"`
}

type user struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Username     string `json:"username"`
	LanguageCode string `json:"language_code"`
}

type wireChat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"` // private, group, supergroup, channel
}

type message struct {
	MessageID      int      `json:"message_id"`
	From           *user    `json:"from"`
	Date           int64    `json:"date"`
	Chat           wireChat `json:"chat"`
	Text           string   `json:"text"`
	ReplyToMessage *message `json:"reply_to_message"`
}

type callbackQuery struct {
	ID      string   `json:"id"`
	From    user     `json:"from"`
	Message *message `json:"message"`
	Data    string   `json:"data"`
}

// sentMessage is the result of sendMessage: only its id matters.
type sentMessage struct {
	MessageID int `json:"message_id"`
}

// keyboard is reply_markup with an inline keyboard.
type keyboard struct {
	InlineKeyboard [][]keyButton `json:"inline_keyboard"`
}

type keyButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

type botCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}
