package bot

import (
	"regexp"
	"strconv"
	"strings"
)

// englishPolite is the framing around an English request: "can you show
// me the topics please".
var englishPolite = regexp.MustCompile(`^(?:(?:please|pls|can you|could you|would you|show me|show|give me|tell me|send me|get me|i want|i'd like|i would like|let me see|the|my)\s+)+|\s+(?:please|pls|thanks|thank you)$`)

// english reads the commands of a message written in English; anything
// else is a question (ActAsk).
func english(s string, in Intent) Intent {
	core := strings.TrimSpace(englishPolite.ReplaceAllString(s, ""))
	word, arg, _ := strings.Cut(core, " ")
	arg = strings.TrimSpace(arg)
	switch {
	case oneOf(core, "help", "menu", "commands", "?"):
		in.Action = ActHelp
	case oneOf(core, "hi", "hello", "hey", "start"):
		in.Action = ActStart
	case oneOf(word, "search", "find", "lookup"):
		in.Action, in.Query = ActSearch, strings.TrimPrefix(arg, "for ")
	case oneOf(word, "full", "detail", "details", "read") && (arg == "" || strings.HasPrefix(arg, "text") || idLike(arg)):
		in.Action, in.Query = ActDetail, strings.TrimSpace(strings.TrimPrefix(arg, "text"))
		in.N, _ = strconv.Atoi(in.Query)
	case oneOf(core, "my subscriptions", "subscriptions", "my subs", "mysubs"):
		in.Action = ActMySubs
	case oneOf(word, "subscribe", "sub", "follow"):
		in.Action, in.Query = ActSubscribe, strings.TrimPrefix(arg, "to ")
	case oneOf(word, "unsubscribe", "unsub", "unfollow"):
		in.Action, in.Query = ActUnsubscribe, strings.TrimPrefix(arg, "from ")
	case oneOf(word, "only") && arg != "":
		in.Action, in.Query = ActOnly, arg
	case oneOf(core, "topics", "list topics", "what topics", "topic list", "what topics are there", "which topics") || strings.HasPrefix(core, "topics "):
		in.Action = ActTopics
	case oneOf(core, "more", "next", "next page"):
		in.Action = ActMore
	case oneOf(core, "recent", "list", "recent bulletins", "what's new", "whats new", "what is new", "anything new", "updates", "news"):
		in.Action = ActRecent
	case oneOf(core, "chinese", "中文"):
		in.Action, in.Query = ActLang, "zh"
	case oneOf(core, "english", "in english", "speak english"):
		in.Action, in.Query = ActLang, "en"
	default:
		in.Action, in.Query = ActAsk, s
	}
	return in
}
