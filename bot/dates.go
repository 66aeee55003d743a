package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"tongbao/content"
)

var (
	fullDate   = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(.*)$`)
	monthDay   = regexp.MustCompile(`^(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})[日号](.*)$`)
	yearMonth  = regexp.MustCompile(`^(\d{4})年(\d{1,2})月份?(.*)$`)
	monthOnly  = regexp.MustCompile(`^(\d{1,2}|[一二三四五六七八九十]{1,3})月份?(.*)$`)
	relativeZh = regexp.MustCompile(`^(今天|今日|昨天|昨日|前天|本周|这周|这个星期|本星期|上周|上个星期|上星期|本月|这个月|上个月|上月|今年|去年)(.*)$`)
	// The English forms: "meetings on may 27", "june meetings",
	// "yesterday's meetings", "meetings this week".
	enMonths = map[string]int{"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
		"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
		"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12}
	enMonthDay = regexp.MustCompile(`\b(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december)\b`)
	enMonth    = regexp.MustCompile(`\b(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b`)
	isoDate    = regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
)

// dateOf reads a question about a date or period: 5月27日的会议, 2022-05-27,
// 昨天的会议, 本周, 6月的会议. It reports false for anything else.
func dateOf(s string, now time.Time) (Intent, bool) {
	now = now.In(content.Shanghai)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, content.Shanghai)
	in := Intent{Action: ActByDate}
	var rest string
	switch {
	case fullDate.MatchString(s):
		m := fullDate.FindStringSubmatch(s)
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if !validDay(y, mo, d) {
			return Intent{}, false
		}
		in.From = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, content.Shanghai)
		in.To = in.From.AddDate(0, 0, 1)
		in.DateLabel = fmt.Sprintf("%d年%d月%d日", y, mo, d)
		rest = m[4]
	case monthDay.MatchString(s):
		m := monthDay.FindStringSubmatch(s)
		mo, d := numberOf(m[1]), numberOf(m[2])
		if !validDay(2024, mo, d) {
			return Intent{}, false
		}
		in.From = lastOccurrence(today, mo, d)
		in.To = in.From.AddDate(0, 0, 1)
		in.NoYear = true
		in.DateLabel = fmt.Sprintf("%d月%d日", mo, d)
		rest = m[3]
	case yearMonth.MatchString(s):
		m := yearMonth.FindStringSubmatch(s)
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return Intent{}, false
		}
		in.From = time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, content.Shanghai)
		in.To = in.From.AddDate(0, 1, 0)
		in.DateLabel = fmt.Sprintf("%d年%d月", y, mo)
		rest = m[3]
	case relativeZh.MatchString(s):
		m := relativeZh.FindStringSubmatch(s)
		in.From, in.To = relativePeriod(m[1], today)
		in.DateLabel = m[1]
		rest = m[2]
	case monthOnly.MatchString(s):
		m := monthOnly.FindStringSubmatch(s)
		mo := numberOf(m[1])
		if mo < 1 || mo > 12 {
			return Intent{}, false
		}
		in.From = lastMonth(today, mo)
		in.To = in.From.AddDate(0, 1, 0)
		in.NoYear = true
		in.DateLabel = fmt.Sprintf("%d月", mo)
		rest = m[2]
	default:
		return Intent{}, false
	}
	rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "的"))
	rest = strings.TrimPrefix(rest, "召开的")
	switch {
	case rest == "" || oneOf(rest, "通报", "消息", "发布", "动态", "信息", "内容", "有什么", "发布了什么"):
	case oneOf(rest, "会议", "会", "开会", "开的会", "会议通报"):
		in.Kind = content.KindMeeting
	default:
		if k, ok := content.ParseKind(rest); ok {
			in.Kind = k
		} else if strings.Contains(rest, "会") {
			in.Kind, in.Match = content.KindMeeting, rest
		} else {
			return Intent{}, false
		}
	}
	return in, true
}

// relativePeriod turns 今天 / 本周 / 上个月 … into a [from, to) range.
// Weeks start on Monday, as in China.
func relativePeriod(word string, today time.Time) (time.Time, time.Time) {
	weekStart := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	monthStart := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, content.Shanghai)
	switch word {
	case "今天", "今日", "today":
		return today, today.AddDate(0, 0, 1)
	case "昨天", "昨日", "yesterday":
		return today.AddDate(0, 0, -1), today
	case "前天":
		return today.AddDate(0, 0, -2), today.AddDate(0, 0, -1)
	case "本周", "这周", "这个星期", "本星期", "this week":
		return weekStart, weekStart.AddDate(0, 0, 7)
	case "上周", "上个星期", "上星期", "last week":
		return weekStart.AddDate(0, 0, -7), weekStart
	case "本月", "这个月", "this month":
		return monthStart, monthStart.AddDate(0, 1, 0)
	case "上个月", "上月", "last month":
		return monthStart.AddDate(0, -1, 0), monthStart
	case "今年", "this year":
		y := time.Date(today.Year(), 1, 1, 0, 0, 0, 0, content.Shanghai)
		return y, y.AddDate(1, 0, 0)
	case "去年", "last year":
		y := time.Date(today.Year()-1, 1, 1, 0, 0, 0, 0, content.Shanghai)
		return y, y.AddDate(1, 0, 0)
	}
	return today, today.AddDate(0, 0, 1)
}

// lastOccurrence is the most recent month/day on or before today.
func lastOccurrence(today time.Time, mo, d int) time.Time {
	t := time.Date(today.Year(), time.Month(mo), d, 0, 0, 0, 0, content.Shanghai)
	if t.After(today) {
		t = t.AddDate(-1, 0, 0)
	}
	return t
}

// lastMonth is the start of the most recent given month, this year or last.
func lastMonth(today time.Time, mo int) time.Time {
	t := time.Date(today.Year(), time.Month(mo), 1, 0, 0, 0, 0, content.Shanghai)
	if t.After(today) {
		t = t.AddDate(-1, 0, 0)
	}
	return t
}

func validDay(y, mo, d int) bool {
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return false
	}
	return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).Day() == d
}

func numberOf(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return hanNumber(s)
}

// englishDate reads the date part of an English question, if any.
func englishDate(s string, now time.Time) (Intent, bool) {
	now = now.In(content.Shanghai)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, content.Shanghai)
	in := Intent{Action: ActByDate, Lang: "en"}
	switch {
	case isoDate.MatchString(s):
		m := isoDate.FindStringSubmatch(s)
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if !validDay(y, mo, d) {
			return Intent{}, false
		}
		in.From = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, content.Shanghai)
		in.To = in.From.AddDate(0, 0, 1)
		in.DateLabel = in.From.Format("2 January 2006")
	case enMonthDay.MatchString(s):
		m := enMonthDay.FindStringSubmatch(s)
		month, day := m[1], m[2]
		if month == "" {
			month, day = m[4], m[3]
		}
		mo := enMonths[month]
		d, _ := strconv.Atoi(day)
		if !validDay(2024, mo, d) {
			return Intent{}, false
		}
		in.From = lastOccurrence(today, mo, d)
		in.To = in.From.AddDate(0, 0, 1)
		in.NoYear = true
		in.DateLabel = in.From.Format("2 January")
	default:
		found := false
		for _, w := range []string{"yesterday", "today", "this week", "last week", "this month", "last month", "this year", "last year"} {
			if strings.Contains(s, w) {
				in.From, in.To = relativePeriod(w, today)
				in.DateLabel = w
				found = true
				break
			}
		}
		if !found {
			m := enMonth.FindStringSubmatch(s)
			if m == nil || (m[1] == "may" && !strings.Contains(s, "in may")) {
				return Intent{}, false // "may" is also a verb
			}
			mo := enMonths[m[1]]
			in.From = lastMonth(today, mo)
			in.To = in.From.AddDate(0, 1, 0)
			in.NoYear = true
			in.DateLabel = in.From.Format("January")
		}
	}
	if strings.Contains(s, "meeting") {
		in.Kind = content.KindMeeting
	} else if strings.Contains(s, "notice") {
		in.Kind = content.KindNotice
	}
	return in, true
}

// englishPolite is the framing around an English request: "what's the
// latest meeting", "can you show me the newest notice please".
var englishPolite = regexp.MustCompile(`^(?:(?:please|pls|can you|could you|would you|what's|whats|what is|what was|what are|show me|show|give me|tell me about|tell me|send me|send|get me|get|i want|i'd like|i would like|let me see|the|a|an|my)\s+)+|\s+(?:please|pls|thanks|thank you)$`)

// english reads a message written in English.
func english(s string, now time.Time, in Intent) Intent {
	s = strings.TrimSpace(englishPolite.ReplaceAllString(s, ""))
	word, arg, _ := strings.Cut(s, " ")
	arg = strings.TrimSpace(arg)
	switch {
	case oneOf(s, "help", "menu", "commands", "?"):
		in.Action = ActHelp
	case oneOf(s, "hi", "hello", "hey", "start"):
		in.Action = ActStart
	case oneOf(word, "search", "find", "lookup"):
		in.Action, in.Query = ActSearch, strings.TrimPrefix(arg, "for ")
	case oneOf(word, "full", "detail", "details", "read"):
		in.Action, in.Query = ActDetail, strings.TrimPrefix(arg, "text ")
		in.N, _ = strconv.Atoi(in.Query)
	case oneOf(s, "my subscriptions", "subscriptions", "my subs", "mysubs"):
		in.Action = ActMySubs
	case oneOf(word, "subscribe", "sub", "follow"):
		in.Action, in.Query = ActSubscribe, strings.TrimPrefix(arg, "to ")
	case oneOf(word, "unsubscribe", "unsub", "unfollow"):
		in.Action, in.Query = ActUnsubscribe, strings.TrimPrefix(arg, "from ")
	case oneOf(s, "topics", "list topics", "what topics", "topic list") || strings.HasPrefix(s, "topics ") || strings.HasPrefix(s, "what topics "):
		in.Action = ActTopics
	case oneOf(s, "more", "next", "next page"):
		in.Action = ActMore
	case oneOf(s, "recent", "list", "recent bulletins", "new", "news", "anything new", "updates"):
		in.Action = ActRecent
	case strings.HasPrefix(s, "recent "):
		in.Action, in.N = ActRecent, parseCount(strings.TrimPrefix(s, "recent "))
	case oneOf(s, "chinese", "中文"):
		in.Action, in.Query = ActLang, "zh"
	case oneOf(s, "english", "in english", "speak english"):
		in.Action, in.Query = ActLang, "en"
	case strings.HasPrefix(s, "latest") || strings.HasPrefix(s, "last ") || strings.HasPrefix(s, "newest") || strings.HasPrefix(s, "most recent"):
		in.Action = ActLatest
		rest := s
		for _, p := range []string{"most recent", "latest", "newest", "last"} {
			rest = strings.TrimSpace(strings.TrimPrefix(rest, p))
		}
		rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(rest, "s"), " bulletin"))
		if k, ok := content.ParseKind(rest); ok {
			in.Kind = k
		} else if strings.Contains(rest, "meeting") {
			in.Kind = content.KindMeeting
		} else if rest != "" && rest != "one" && rest != "bulletin" {
			in.Topic = rest
		}
	default:
		if d, ok := englishDate(s, now); ok {
			return d
		}
		in.Action, in.Query = ActUnknown, s
	}
	return in
}
