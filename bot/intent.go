package bot

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"tongbao/content"
)

// Action is what a person wants.
type Action int

// The actions the bot understands.
const (
	ActUnknown     Action = iota
	ActStart              // /start, 你好: welcome
	ActHelp               // /help, 帮助
	ActAsk                // a question: 最新会议, 常委会是谁主持的, 6月7号开的会, /latest notice
	ActSearch             // 搜索 防汛, /search talent
	ActDetail             // 全文 2, 详情 <id>
	ActRecent             // 最近10条, /recent
	ActMore               // 下一页, more
	ActSubscribe          // 订阅 防汛, /sub 人才
	ActUnsubscribe        // 退订 防汛, /unsub
	ActOnly               // 只看 防汛, /only 防汛: receive that topic alone
	ActMySubs             // 我的订阅, /mysubs
	ActTopics             // 主题, /topics
	ActDigest             // 每日摘要 8点, /digest 08:00
	ActInstant            // 即时推送, /instant
	ActQuiet              // 免打扰 22:00-07:00, /quiet off
	ActLang               // /lang en, English
	ActUnit               // 单位 县应急管理局, /unit …
	ActStats              // /stats [id] (admin)
	ActBroadcast          // /broadcast [text], 广播 (admin)
	ActRemind             // /remind id, 催读 (admin)
	ActHistory            // 我的阅读, /history
	ActChannel            // /channel @name | /channel remove @name (admin): a push target
	ActConsole            // 后台, /console (admin): a one-time sign-in link to the web console
)

// Intent is an understood message: the action and its arguments.
type Intent struct {
	Action Action
	// Lang is the language the message was written in ("zh" or "en"), or ""
	// when it cannot tell (a bare command).
	Lang string
	// Kind narrows a list (/recent) to a kind of bulletin.
	Kind content.Kind
	// Query is a question (ActAsk, read into slots by parseQuestion when it
	// is answered), a search query, a subscription target, a bulletin
	// reference, a unit, a time, or a broadcast text.
	Query string
	// N is a count (最近10条) or a list position (全文 2).
	N int
}

var (
	// botMention is "@TongbaoBot" after a command in a group.
	botMention = regexp.MustCompile(`^(/[a-zA-Z_]+)@\w+`)
	// politeness is dropped before matching: 请, 帮我, 我想看, 一下, 吗.
	politeStart = regexp.MustCompile(`^(?:请问|请|麻烦|帮我|给我|我想要|我想|我要|想看|看看|看一下|查看|显示|发我|发一下|告诉我|能否|能不能|可以)+`)
	politeEnd   = regexp.MustCompile(`(?:是什么|是哪个|是哪次|是哪一次|有哪些|有什么|是啥|讲了什么|说了什么|讲了啥|的内容|内容|吧|吗|呢|呀|啊|哦|一下|好吗|谢谢|，?谢谢你?)+$`)
	// clockExpr is a time of day: 08:00, 8点, 8点半, 早上8点, 20时.
	clockExpr = regexp.MustCompile(`(?:(上午|早上|早晨|中午|下午|晚上)\s*)?(\d{1,2})\s*(?:[:：](\d{2})|点半|点(\d{1,2})分?|点|时)`)
	// digestWord asks for a daily digest.
	digestWord = regexp.MustCompile(`^(?:每日摘要|每天摘要|每日汇总|每天汇总|摘要模式|每日推送|每天推送|每日简报)(.*)$`)
	quietWord  = regexp.MustCompile(`^(?:免打扰|勿扰|静音时段|夜间免打扰)(.*)$`)
)

// Understand reads a message into an Intent: a command (slash or
// phrased: 订阅 防汛, 全文 2, 每日摘要 8点 …) or else a question (ActAsk),
// whose slots are read when it is answered. It never fails: an unknown
// slash command is ActUnknown.
func Understand(text string) Intent {
	s := normalize(text)
	in := Intent{Lang: langOf(s)}
	if s == "" {
		in.Action = ActHelp
		return in
	}
	if strings.HasPrefix(s, "/") {
		in.Lang = langOf(commandArg(s))
		return command(s, in)
	}
	return phrase(s, in)
}

// normalize folds widths (ＡＢＣ１２３, full-width spaces and slashes), trims,
// lower-cases ASCII, drops emoji and collapses spaces.
func normalize(text string) string {
	text = norm.NFKC.String(text)
	var b strings.Builder
	space := false
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case r > 0xFFFF || unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r == 0xFE0F || r == 0x200D:
			continue // emoji and their modifiers
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimSpace(b.String())
}

// langOf is "en" for text with Latin letters and no Chinese, "zh" for text
// with Chinese, "" for neither. Words with digits (ids, dates) and names
// (@channel, snake_case) say nothing about the language.
func langOf(s string) string {
	han, latin := false, false
	var words []string
	for _, w := range strings.Fields(s) {
		if strings.ContainsAny(w, "0123456789_@") {
			w = strings.Map(func(r rune) rune {
				if r < 0x80 {
					return -1
				}
				return r
			}, w)
		}
		words = append(words, w)
	}
	for _, r := range strings.Join(words, " ") {
		switch {
		case unicode.Is(unicode.Han, r):
			han = true
		case r < 0x80 && unicode.IsLetter(r):
			latin = true
		}
	}
	switch {
	case han:
		return "zh"
	case latin:
		return "en"
	}
	return ""
}

// commandArg is what follows a slash command.
func commandArg(s string) string {
	_, arg, _ := strings.Cut(s, " ")
	return strings.TrimSpace(arg)
}

// command reads a slash command: /latest@TongbaoBot meeting.
func command(s string, in Intent) Intent {
	s = botMention.ReplaceAllString(s, "$1")
	name, arg, _ := strings.Cut(s, " ")
	arg = strings.TrimSpace(arg)
	in.Query = arg
	switch name {
	case "/start":
		in.Action = ActStart
	case "/help", "/h":
		in.Action = ActHelp
	case "/latest", "/last":
		in.Action, in.Query = ActAsk, strings.TrimSpace("最新 "+arg)
	case "/recent", "/list":
		in.Action = ActRecent
		in.N = parseCount(arg)
		if k, ok := content.ParseKind(arg); ok {
			in.Kind, in.N = k, 0
		}
		in.Query = ""
	case "/more", "/next":
		in.Action = ActMore
	case "/search", "/find", "/s":
		in.Action = ActSearch
	case "/full", "/detail", "/text":
		in.Action = ActDetail
		in.N, _ = strconv.Atoi(arg)
	case "/sub", "/subscribe":
		in.Action = ActSubscribe
	case "/only":
		in.Action = ActOnly
	case "/unsub", "/unsubscribe":
		in.Action = ActUnsubscribe
	case "/mysubs", "/subs", "/subscriptions":
		in.Action = ActMySubs
	case "/topics":
		in.Action = ActTopics
	case "/digest":
		in.Action = ActDigest
		in.Query = clockOf(arg)
		if in.Query == "" && arg != "" {
			in.Query = "?" // an argument that is not a time
		}
	case "/instant":
		in.Action = ActInstant
	case "/quiet":
		in.Action = ActQuiet
	case "/lang", "/language":
		in.Action = ActLang
		in.Query = langWord(arg)
	case "/unit":
		in.Action = ActUnit
	case "/stats":
		in.Action = ActStats
	case "/broadcast":
		in.Action = ActBroadcast
	case "/remind":
		in.Action = ActRemind
	case "/history":
		in.Action = ActHistory
	case "/channel", "/target":
		in.Action = ActChannel
	case "/console", "/admin":
		in.Action = ActConsole
	case "/date", "/day", "/ask", "/q":
		in.Action = ActAsk
	default:
		in.Action = ActUnknown
		in.Query = s
	}
	return in
}

// phrase reads a message without a slash, in Chinese or English.
func phrase(s string, in Intent) Intent {
	core := strings.TrimRight(s, "?？!！。.~～ ")
	if in.Lang == "en" {
		in = english(core, in)
		if in.Action == ActAsk {
			in.Query = s
		}
		return in
	}
	core = politeEnd.ReplaceAllString(politeStart.ReplaceAllString(core, ""), "")
	core = strings.TrimSpace(core)
	word, arg := firstWord(core)

	if act, ok := exactPhrases[core]; ok {
		in.Action = act
		switch core {
		case "english", "英文", "英语":
			in.Query = "en"
		case "中文", "汉语", "简体中文":
			in.Query = "zh"
		}
		return in
	}
	if act, ok := prefixWords[word]; ok && (act != ActStats || arg == "" || idLike(arg)) {
		in.Action, in.Query = act, arg
		if act == ActDetail {
			in.N, _ = strconv.Atoi(arg)
			if n := content.HanNumber(arg); in.N == 0 && n > 0 {
				in.N = n
			}
		}
		return in
	}
	if m := digestWord.FindStringSubmatch(core); m != nil {
		in.Action, in.Query = ActDigest, clockOf(m[1])
		return in
	}
	if m := quietWord.FindStringSubmatch(core); m != nil {
		in.Action, in.Query = ActQuiet, strings.TrimSpace(m[1])
		return in
	}
	in.Action, in.Query = ActAsk, s
	return in
}

// exactPhrases are whole messages that name an action.
var exactPhrases = map[string]Action{}

// prefixWords start a message that names an action and its argument
// (搜索 防汛, 订阅人才, 全文 2).
var prefixWords = map[string]Action{}

func init() {
	for act, phrases := range map[Action][]string{
		ActHelp:   {"", "帮助", "使用说明", "说明", "怎么用", "如何使用", "菜单", "功能", "命令", "指令", "help"},
		ActStart:  {"你好", "您好", "开始", "嗨", "哈喽", "在吗", "在不在"},
		ActMySubs: {"我的订阅", "订阅列表", "我订阅了什么", "已订阅", "订阅情况", "我的主题"},
		ActTopics: {"主题", "话题", "可订阅主题", "主题列表", "话题列表", "有哪些主题", "有哪些话题", "有什么主题", "有什么话题", "都有哪些主题",
			"都有哪些话题", "哪些主题", "哪些话题", "什么主题", "什么话题", "订阅主题", "栏目", "可以订阅什么", "订阅什么", "订阅哪些", "能订阅什么"},
		ActMore:    {"下一页", "下页", "更多", "继续", "再来", "后面的", "还有吗", "还有"},
		ActInstant: {"即时推送", "实时推送", "立即推送", "取消摘要", "关闭摘要"},
		ActHistory: {"我的阅读", "阅读记录", "已读记录", "历史"},
		ActLang:    {"english", "英文", "英语", "中文", "汉语", "简体中文"},
		ActRecent:  {"列表", "最近通报", "最近消息", "通报列表", "最近的通报", "最近发布", "往期"},
		ActConsole: {"后台", "管理后台", "登录后台", "后台登录", "进入后台"},
	} {
		for _, p := range phrases {
			exactPhrases[p] = act
		}
	}
	for act, words := range map[Action][]string{
		ActSearch:      {"搜索", "搜", "查", "查找", "查询", "找", "检索", "搜一下", "查一下", "找一下", "搜搜"},
		ActOnly:        {"只看", "只订阅", "只接收"},
		ActDetail:      {"全文", "详情", "原文", "正文", "阅读全文", "查看全文"},
		ActSubscribe:   {"订阅", "关注"},
		ActUnsubscribe: {"退订", "取消订阅", "取消关注", "不再订阅"},
		ActUnit:        {"单位", "我的单位", "设置单位"},
		ActBroadcast:   {"广播", "群发", "发布公告"},
		ActRemind:      {"催读", "提醒未读", "催阅"},
		ActStats:       {"统计", "阅读统计", "阅读情况"},
	} {
		for _, w := range words {
			prefixWords[w] = act
		}
	}
}

// idLike reports whether s looks like a bulletin id (20220608-0ce36211)
// or a list number.
func idLike(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '-') {
			return false
		}
	}
	return s != ""
}

func firstWord(s string) (word, rest string) {
	// Commands are often written without a space: 搜索防汛, 订阅人才, 全文2.
	for _, w := range []string{"取消订阅", "取消关注", "不再订阅", "阅读全文", "查看全文", "我的单位", "设置单位", "阅读统计", "阅读情况", "提醒未读", "发布公告", "搜一下", "查一下", "找一下", "只订阅", "只接收",
		"只看", "搜搜",
		"搜索", "查找", "查询", "检索", "全文", "详情", "原文", "正文", "订阅", "关注", "退订", "单位", "广播", "群发", "催读", "催阅", "统计", "搜", "查", "找"} {
		if strings.HasPrefix(s, w) {
			rest := strings.TrimSpace(strings.TrimLeft(strings.TrimPrefix(s, w), ":："))
			// 查 and 找 start many ordinary words (查询 is handled above);
			// only take them as commands when something follows.
			return w, rest
		}
	}
	w, rest, _ := strings.Cut(s, " ")
	return w, strings.TrimSpace(rest)
}

func oneOf(s string, options ...string) bool {
	for _, o := range options {
		if s == o {
			return true
		}
	}
	return false
}

// parseCount reads 10 / 十 / 两; 0 when absent.
func parseCount(s string) int { return content.HanNumber(strings.TrimSpace(s)) }

// clockOf reads a time of day as "HH:MM", or "".
func clockOf(s string) string {
	m := clockExpr.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	h, _ := strconv.Atoi(m[2])
	min := 0
	switch {
	case m[3] != "":
		min, _ = strconv.Atoi(m[3])
	case m[4] != "":
		min, _ = strconv.Atoi(m[4])
	case strings.Contains(m[0], "点半"):
		min = 30
	}
	if (m[1] == "下午" || m[1] == "晚上") && h < 12 {
		h += 12
	}
	if h > 23 || min > 59 {
		return ""
	}
	return time.Date(2000, 1, 1, h, min, 0, 0, time.UTC).Format("15:04")
}

// langWord maps "en", "english", "中文" to a language code, or "".
func langWord(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en", "english", "英文", "英语":
		return "en"
	case "zh", "cn", "chinese", "中文", "汉语":
		return "zh"
	}
	return ""
}
