package telegramtest

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The methods about messages, callback queries, commands and the bot itself.

func (s *Server) getMe(*call) (any, error) { return s.bot, nil }

// impliedType is the type of a chat the server has not seen, from its id:
// users are positive, basic groups negative, supergroups and channels below
// -10^12 ("-100…").
func impliedType(id int64) string {
	switch {
	case id > 0:
		return ChatPrivate
	case id <= -1_000_000_000_000:
		return ChatSupergroup
	default:
		return ChatGroup
	}
}

// chatLocked returns what the server knows of a chat, creating the record
// of a chat it has not seen. The caller holds s.mu.
func (s *Server) chatLocked(id int64) *chatState {
	c, ok := s.chats[id]
	if !ok {
		c = &chatState{chat: Chat{ID: id, Type: impliedType(id)}}
		s.chats[id] = c
	}
	return c
}

// resolveChat reads a chat_id: a number, or "@username" of a chat the
// server has seen. Any chat id is valid (Telegram would refuse chats the
// bot never met: add ChatNotFound faults for those).
func (s *Server) resolveChat(raw string) (int64, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, badRequest("chat_id is empty")
	}
	if name, ok := strings.CutPrefix(raw, "@"); ok {
		s.mu.Lock()
		defer s.mu.Unlock()
		for id, c := range s.chats {
			if c.chat.Username != "" && strings.EqualFold(c.chat.Username, name) {
				return id, nil
			}
		}
		return 0, badRequest("chat not found")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// text is a message text as sent and as shown.
type text struct {
	raw, mode, plain string
	entities         []MessageEntity
}

// readText reads and checks the text and parse_mode parameters. HTML is
// parsed as Telegram parses it; Markdown and MarkdownV2 texts are taken
// as they are, without checking their markup.
func (s *Server) readText(p params) (text, error) {
	t := text{raw: p["text"], mode: p["parse_mode"]}
	if !utf8.ValidString(t.raw) {
		return t, badRequest("text must be encoded in UTF-8")
	}
	switch strings.ToLower(t.mode) {
	case "html":
		plain, entities, err := parseHTML(t.raw, s.strict)
		if err != nil {
			return t, badRequest("can't parse entities: " + err.Error())
		}
		t.plain, t.entities = plain, entities
	case "", "markdown", "markdownv2":
		t.plain, _ = trimText(t.raw, nil)
	default:
		return t, badRequest("unsupported parse_mode")
	}
	switch n := utf16Count(t.plain); {
	case n == 0:
		return t, badRequest("message text is empty")
	case n > maxTextLength:
		return t, badRequest("message is too long")
	}
	return t, nil
}

// keyboardButton is an inline keyboard button as clients send it; exactly
// one of the optional fields says what the button does.
type keyboardButton struct {
	Text                         string  `json:"text"`
	URL                          *string `json:"url"`
	CallbackData                 *string `json:"callback_data"`
	SwitchInlineQuery            *string `json:"switch_inline_query"`
	SwitchInlineQueryCurrentChat *string `json:"switch_inline_query_current_chat"`
	LoginURL                     any     `json:"login_url"`
	WebApp                       any     `json:"web_app"`
	SwitchInlineQueryChosenChat  any     `json:"switch_inline_query_chosen_chat"`
	CopyText                     any     `json:"copy_text"`
	CallbackGame                 any     `json:"callback_game"`
	Pay                          bool    `json:"pay"`
}

// maxCallbackData is the longest callback_data Telegram accepts, in bytes.
const maxCallbackData = 64

// readShown reads what a sent or edited message shows: its text and its
// inline keyboard.
func (s *Server) readShown(p params) (text, [][]InlineKeyboardButton, error) {
	t, err := s.readText(p)
	if err != nil {
		return text{}, nil, err
	}
	kb, err := readKeyboard(p)
	return t, kb, err
}

// readKeyboard reads the inline keyboard of reply_markup, nil if none.
// Other reply markups (reply keyboards, force reply) are accepted and not
// recorded.
func readKeyboard(p params) ([][]InlineKeyboardButton, error) {
	var markup struct {
		InlineKeyboard [][]keyboardButton `json:"inline_keyboard"`
	}
	if err := p.decode("reply_markup", &markup); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if len(markup.InlineKeyboard) == 0 {
		return nil, nil
	}
	rows := make([][]InlineKeyboardButton, len(markup.InlineKeyboard))
	for i, row := range markup.InlineKeyboard {
		rows[i] = make([]InlineKeyboardButton, len(row))
		for j, b := range row {
			out := InlineKeyboardButton{Text: b.Text}
			switch {
			case b.CallbackData != nil:
				if n := len(*b.CallbackData); n == 0 || n > maxCallbackData {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
				out.CallbackData = *b.CallbackData
			case b.URL != nil:
				if !validButtonURL(*b.URL) {
					return nil, badRequest("BUTTON_URL_INVALID")
				}
				out.URL = *b.URL
			case b.SwitchInlineQuery == nil && b.SwitchInlineQueryCurrentChat == nil && b.LoginURL == nil &&
				b.WebApp == nil && b.SwitchInlineQueryChosenChat == nil && b.CopyText == nil &&
				b.CallbackGame == nil && !b.Pay:
				return nil, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			rows[i][j] = out
		}
	}
	return rows, nil
}

// validButtonURL reports whether Telegram takes u for a URL button: an
// http(s) URL with a host, or a tg:// link.
func validButtonURL(u string) bool {
	parsed, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch parsed.Scheme {
	case "http", "https":
		return parsed.Host != ""
	case "tg":
		return true
	}
	return false
}

func markupOf(rows [][]InlineKeyboardButton) *InlineKeyboardMarkup {
	if rows == nil {
		return nil
	}
	return &InlineKeyboardMarkup{InlineKeyboard: rows}
}

// readReply reads reply_to_message_id or reply_parameters.
func readReply(p params) (id int, allowMissing bool, err error) {
	var rp struct {
		MessageID                int  `json:"message_id"`
		AllowSendingWithoutReply bool `json:"allow_sending_without_reply"`
	}
	if err := p.decode("reply_parameters", &rp); err != nil {
		return 0, false, badRequest("can't parse reply parameters JSON object")
	}
	id, err = p.int("reply_to_message_id")
	if err != nil {
		return 0, false, badRequest("message to be replied not found")
	}
	if id == 0 {
		id = rp.MessageID
	}
	return id, rp.AllowSendingWithoutReply || p.bool("allow_sending_without_reply"), nil
}

// previewDisabled reads disable_web_page_preview and link_preview_options.
func previewDisabled(p params) bool {
	var lp struct {
		IsDisabled bool `json:"is_disabled"`
	}
	_ = p.decode("link_preview_options", &lp) // unparsable options leave previews on, as for Telegram
	return lp.IsDisabled || p.bool("disable_web_page_preview")
}

// record is the SentMessage of an accepted call.
func record(c *call, chat Chat, messageID, replyTo int, t text, kb [][]InlineKeyboardButton, at time.Time) SentMessage {
	return SentMessage{
		Method:         c.method.name,
		ChatID:         chat.ID,
		ChatType:       chat.Type,
		MessageID:      messageID,
		Text:           t.raw,
		ParseMode:      t.mode,
		PlainText:      t.plain,
		Entities:       t.entities,
		Keyboard:       kb,
		ReplyTo:        replyTo,
		DisablePreview: previewDisabled(c.p),
		PaidBroadcast:  c.p.bool("allow_paid_broadcast"),
		At:             at,
	}
}

func (s *Server) sendMessage(c *call) (any, error) {
	chatID, err := s.resolveChat(c.p["chat_id"])
	if err != nil {
		return nil, err
	}
	t, kb, err := s.readShown(c.p)
	if err != nil {
		return nil, err
	}
	replyTo, allowMissing, err := readReply(c.p)
	if err != nil {
		return nil, err
	}
	if err := s.flood.admit(c.method, chatID, c.p.bool("allow_paid_broadcast")); err != nil {
		return nil, err
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var replied *Message
	if replyTo != 0 {
		if m, ok := s.messages[msgKey{chatID, replyTo}]; ok {
			r := *m
			r.ReplyToMessage = nil
			replied = &r
		} else if !allowMissing {
			return nil, badRequest("message to be replied not found")
		} else {
			replyTo = 0
		}
	}
	st := s.chatLocked(chatID)
	st.lastMessage++
	msg := &Message{
		MessageID:      st.lastMessage,
		From:           &s.bot,
		Date:           now.Unix(),
		Chat:           st.chat,
		ReplyToMessage: replied,
		Text:           t.plain,
		Entities:       t.entities,
		ReplyMarkup:    markupOf(kb),
	}
	s.messages[msgKey{chatID, msg.MessageID}] = msg
	s.sent = append(s.sent, record(c, st.chat, msg.MessageID, replyTo, t, kb, now))
	s.changed.wake()
	out := *msg
	return &out, nil
}

func (s *Server) editMessageText(c *call) (any, error) {
	if c.p["inline_message_id"] != "" {
		return nil, badRequest("MESSAGE_ID_INVALID") // inline mode is not implemented
	}
	chatID, err := s.resolveChat(c.p["chat_id"])
	if err != nil {
		return nil, err
	}
	messageID, err := c.p.int("message_id")
	if err != nil || messageID == 0 {
		return nil, badRequest("message identifier is not specified")
	}
	t, kb, err := s.readShown(c.p)
	if err != nil {
		return nil, err
	}
	if err := s.flood.admit(c.method, chatID, false); err != nil {
		return nil, err
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	key := msgKey{chatID, messageID}
	old, ok := s.messages[key]
	switch {
	case !ok:
		return nil, badRequest("message to edit not found")
	case old.From == nil || old.From.ID != s.bot.ID:
		return nil, badRequest("message can't be edited")
	case old.Text == t.plain && slices.Equal(old.Entities, t.entities) && sameKeyboard(old.ReplyMarkup, kb):
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	// An edit without reply_markup removes the keyboard, as on Telegram.
	msg := *old
	msg.Text, msg.Entities, msg.ReplyMarkup, msg.EditDate = t.plain, t.entities, markupOf(kb), now.Unix()
	s.messages[key] = &msg
	s.edits = append(s.edits, record(c, msg.Chat, messageID, 0, t, kb, now))
	s.changed.wake()
	out := msg
	return &out, nil
}

func sameKeyboard(m *InlineKeyboardMarkup, rows [][]InlineKeyboardButton) bool {
	var old [][]InlineKeyboardButton
	if m != nil {
		old = m.InlineKeyboard
	}
	return slices.EqualFunc(old, rows, slices.Equal)
}

func (s *Server) answerCallbackQuery(c *call) (any, error) {
	id := c.p["callback_query_id"]
	cacheTime, _ := c.p.int("cache_time")
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.queries[id]
	if !ok {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	delete(s.queries, id)
	a := CallbackAnswer{
		QueryID:   id,
		From:      q.From,
		Data:      q.Data,
		Text:      c.p["text"],
		ShowAlert: c.p.bool("show_alert"),
		URL:       c.p["url"],
		CacheTime: cacheTime,
		At:        now,
	}
	if q.Message != nil {
		a.ChatID, a.MessageID = q.Message.Chat.ID, q.Message.MessageID
	}
	s.answers = append(s.answers, a)
	s.changed.wake()
	return true, nil
}

// commandKey says which command list a call is about.
type commandKey struct {
	scope BotCommandScope
	lang  string
}

func readCommandKey(p params) (commandKey, error) {
	var k commandKey
	if err := p.decode("scope", &k.scope); err != nil {
		return k, badRequest("can't parse BotCommandScope JSON object")
	}
	switch k.scope.Type {
	case "":
		k.scope.Type = "default"
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		k.scope.ChatID, k.scope.UserID = 0, 0
	case "chat", "chat_administrators":
		k.scope.UserID = 0
		if k.scope.ChatID == 0 {
			return k, badRequest("chat not found")
		}
	case "chat_member":
		if k.scope.ChatID == 0 || k.scope.UserID == 0 {
			return k, badRequest("chat not found")
		}
	default:
		return k, badRequest("unsupported bot command scope type")
	}
	k.lang = p["language_code"]
	if k.lang != "" && (len(k.lang) != 2 || strings.ToLower(k.lang) != k.lang || !isLetters(k.lang)) {
		return k, badRequest("invalid language code specified")
	}
	return k, nil
}

func validCommand(cmd string) bool {
	if len(cmd) == 0 || len(cmd) > maxCommandLength {
		return false
	}
	for _, c := range []byte(cmd) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	for _, c := range []byte(s) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// Command lists hold at most 100 commands of 1-32 lower-case letters,
// digits and underscores, each described in 1-256 characters.
const (
	maxCommands           = 100
	maxCommandLength      = 32
	maxCommandDescription = 256
)

func (s *Server) setMyCommands(c *call) (any, error) {
	k, err := readCommandKey(c.p)
	if err != nil {
		return nil, err
	}
	var cmds []BotCommand
	if err := c.p.decode("commands", &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > maxCommands {
		return nil, badRequest("too many commands specified")
	}
	for _, cmd := range cmds {
		if !validCommand(cmd.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(cmd.Description)); n == 0 || n > maxCommandDescription {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cmds) == 0 {
		delete(s.commands, k)
	} else {
		s.commands[k] = cmds
	}
	s.changed.wake()
	return true, nil
}

// getMyCommands returns the list for the scope and language, falling back
// to the scope's list for all languages, as Telegram does.
func (s *Server) getMyCommands(c *call) (any, error) {
	k, err := readCommandKey(c.p)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds, ok := s.commands[k]
	if !ok {
		cmds = s.commands[commandKey{scope: k.scope}]
	}
	return append([]BotCommand{}, cmds...), nil
}

func (s *Server) deleteMyCommands(c *call) (any, error) {
	k, err := readCommandKey(c.p)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, k)
	s.changed.wake()
	return true, nil
}
