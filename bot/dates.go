package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"tongbao/content"
)

// dateSpan is a period a question names, and where in the question it was
// said (byte offsets).
type dateSpan struct {
	from, to   time.Time
	noYear     bool
	label      string
	start, end int
}

const (
	hanDigits = `[0-9]{1,2}|[一二三四五六七八九十]{1,3}`
	enMonthRe = `jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december`
)

var (
	fullDate    = regexp.MustCompile(`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?`)
	compactDate = regexp.MustCompile(`(?:^|[^\d])(20\d{2}|19\d{2})(0[1-9]|1[0-2])([0-3]\d)(?:[^\d]|$)`)
	yearMonth   = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月份?`)
	monthDay    = regexp.MustCompile(`(` + hanDigits + `)\s*月\s*(` + hanDigits + `)\s*[日号]?`)
	slashDate   = regexp.MustCompile(`(?:^|[^\d/])(\d{1,2})/(\d{1,2})(?:[^\d/]|$)`)
	monthOnly   = regexp.MustCompile(`(` + hanDigits + `)\s*月份?`)
	dayOnly     = regexp.MustCompile(`(?:^|[^0-9月/])([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]`)
	yearOnly    = regexp.MustCompile(`(\d{4})\s*年(?:度)?`)
	relativeZh  = regexp.MustCompile(`今天|今日|昨天|昨日|前天|本周|这周|这个星期|本星期|这星期|上周|上个星期|上星期|本月|这个月|上个月|上月|今年|去年|这几天|近几天|前几天|这两天|近两天|近一周|最近一周|近一个月|最近一个月|近([0-9]{1,2}|[一二三四五六七八九十两]{1,3})天`)
	enMonthDay  = regexp.MustCompile(`\b(` + enMonthRe + `)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(` + enMonthRe + `)\b`)
	enMonthIn   = regexp.MustCompile(`\b(?:in\s+)?(january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b|\bin\s+(may)\b`)
	enRelative  = regexp.MustCompile(`\b(yesterday|today|this week|last week|this month|last month|this year|last year|past week|past few days|these days|lately)\b`)
	rangeJoin   = regexp.MustCompile(`^\s*(?:到|至|—|-|~|～|to|until|till)\s*`)
	enMonths    = map[string]int{"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
		"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
		"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12}
)

// findDate finds the first period a question names — 2022-05-27,
// 20220527, 2022年5月, 5月27日, 五月二十七日, 6/8, 6月, 2022年, 昨天, 本周,
// 近7天, June 7, last week — and a range "A到B" / "A to B" as one period.
func findDate(s string, now time.Time) (dateSpan, bool) {
	now = now.In(content.Shanghai)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, content.Shanghai)
	d, ok := oneDate(s, today)
	if !ok {
		return d, false
	}
	// A range: the first date, 到 / 至 / to, a second one.
	if m := rangeJoin.FindStringIndex(s[d.end:]); m != nil {
		rest := s[d.end+m[1]:]
		if e, ok := oneDate(rest, today); ok && e.start == 0 {
			if e.noYear && !d.noYear {
				e.from, e.to = sameYear(e.from, d.from), sameYear(e.to, d.from)
			}
			if e.to.After(d.from) {
				d.label += "至" + e.label
				d.to, d.end = e.to, d.end+m[1]+e.end
				d.noYear = d.noYear && e.noYear
			}
		}
	}
	return d, true
}

func sameYear(t, like time.Time) time.Time {
	return t.AddDate(like.Year()-t.Year(), 0, 0)
}

// oneDate finds the earliest date expression in s.
func oneDate(s string, today time.Time) (dateSpan, bool) {
	var best dateSpan
	found := false
	try := func(d dateSpan, ok bool) {
		if ok && (!found || d.start < best.start || (d.start == best.start && d.end > best.end)) {
			best, found = d, true
		}
	}
	try(matchFullDate(s))
	try(matchCompactDate(s))
	try(matchYearMonth(s))
	try(matchMonthDay(s, today))
	try(matchSlashDate(s, today))
	try(matchRelative(s, today))
	try(matchEnglishDate(s, today))
	if !found {
		try(matchMonthOnly(s, today))
		try(matchYearOnly(s))
	}
	if !found {
		try(matchDayOnly(s, today))
	}
	return best, found
}

func day(y, mo, d int) time.Time {
	return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, content.Shanghai)
}

func oneDay(from time.Time, label string, noYear bool, start, end int) dateSpan {
	return dateSpan{from: from, to: from.AddDate(0, 0, 1), label: label, noYear: noYear, start: start, end: end}
}

func matchFullDate(s string) (dateSpan, bool) {
	m := fullDate.FindStringSubmatchIndex(s)
	if m == nil {
		return dateSpan{}, false
	}
	y, mo, d := atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]])
	if !validDay(y, mo, d) {
		return dateSpan{}, false
	}
	return oneDay(day(y, mo, d), fmt.Sprintf("%d年%d月%d日", y, mo, d), false, m[0], m[1]), true
}

func matchCompactDate(s string) (dateSpan, bool) {
	m := compactDate.FindStringSubmatchIndex(s)
	if m == nil {
		return dateSpan{}, false
	}
	y, mo, d := atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]])
	if !validDay(y, mo, d) {
		return dateSpan{}, false
	}
	return oneDay(day(y, mo, d), fmt.Sprintf("%d年%d月%d日", y, mo, d), false, m[2], m[7]), true
}

func matchYearMonth(s string) (dateSpan, bool) {
	m := yearMonth.FindStringSubmatchIndex(s)
	if m == nil {
		return dateSpan{}, false
	}
	y, mo := atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]])
	if mo < 1 || mo > 12 {
		return dateSpan{}, false
	}
	from := day(y, mo, 1)
	// 2022年5月27日 is a day: the full-date pattern wins by being longer.
	return dateSpan{from: from, to: from.AddDate(0, 1, 0), label: fmt.Sprintf("%d年%d月", y, mo), start: m[0], end: m[1]}, true
}

func matchMonthDay(s string, today time.Time) (dateSpan, bool) {
	m := monthDay.FindStringSubmatchIndex(s)
	if m == nil {
		return dateSpan{}, false
	}
	mo, d := content.HanNumber(s[m[2]:m[3]]), content.HanNumber(s[m[4]:m[5]])
	if !validDay(2024, mo, d) {
		return dateSpan{}, false
	}
	return oneDay(lastOccurrence(today, mo, d), fmt.Sprintf("%d月%d日", mo, d), true, m[0], m[1]), true
}

func matchSlashDate(s string, today time.Time) (dateSpan, bool) {
	m := slashDate.FindStringSubmatchIndex(s)
	if m == nil {
		return dateSpan{}, false
	}
	mo, d := atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]])
	if !validDay(2024, mo, d) {
		return dateSpan{}, false
	}
	return oneDay(lastOccurrence(today, mo, d), fmt.Sprintf("%d月%d日", mo, d), true, m[2], m[5]), true
}

func matchMonthOnly(s string, today time.Time) (dateSpan, bool) {
	m := monthOnly.FindStringSubmatchIndex(s)
	if m == nil {
		return dateSpan{}, false
	}
	mo := content.HanNumber(s[m[2]:m[3]])
	if mo < 1 || mo > 12 {
		return dateSpan{}, false
	}
	from := lastMonth(today, mo)
	return dateSpan{from: from, to: from.AddDate(0, 1, 0), noYear: true, label: fmt.Sprintf("%d月", mo), start: m[0], end: m[1]}, true
}

// matchDayOnly reads a day of the month alone (7号的会): the most recent
// such day, this month or the one before.
func matchDayOnly(s string, today time.Time) (dateSpan, bool) {
	m := dayOnly.FindStringSubmatchIndex(s)
	if m == nil {
		return dateSpan{}, false
	}
	d := content.HanNumber(s[m[2]:m[3]])
	from := time.Date(today.Year(), today.Month(), d, 0, 0, 0, 0, content.Shanghai)
	if from.After(today) || from.Day() != d {
		prev := today.AddDate(0, 0, -today.Day()) // the last day of the month before
		from = time.Date(prev.Year(), prev.Month(), d, 0, 0, 0, 0, content.Shanghai)
	}
	if d < 1 || d > 31 || from.Day() != d {
		return dateSpan{}, false
	}
	return oneDay(from, fmt.Sprintf("%d日", d), true, m[2], m[1]), true
}

func matchYearOnly(s string) (dateSpan, bool) {
	m := yearOnly.FindStringSubmatchIndex(s)
	if m == nil {
		return dateSpan{}, false
	}
	y := atoi(s[m[2]:m[3]])
	from := day(y, 1, 1)
	return dateSpan{from: from, to: from.AddDate(1, 0, 0), label: fmt.Sprintf("%d年", y), start: m[0], end: m[1]}, true
}

func matchRelative(s string, today time.Time) (dateSpan, bool) {
	m := relativeZh.FindStringSubmatchIndex(s)
	if m == nil {
		return dateSpan{}, false
	}
	word := s[m[0]:m[1]]
	from, to := relativePeriod(word, today)
	if m[2] >= 0 {
		from, to = today.AddDate(0, 0, 1-parseCount(s[m[2]:m[3]])), today.AddDate(0, 0, 1)
	}
	return dateSpan{from: from, to: to, label: word, start: m[0], end: m[1]}, true
}

func matchEnglishDate(s string, today time.Time) (dateSpan, bool) {
	if m := enMonthDay.FindStringSubmatchIndex(s); m != nil {
		month, dd := "", ""
		if m[2] >= 0 {
			month, dd = s[m[2]:m[3]], s[m[4]:m[5]]
		} else {
			month, dd = s[m[8]:m[9]], s[m[6]:m[7]]
		}
		mo, d := enMonths[month], atoi(dd)
		if validDay(2024, mo, d) {
			from := lastOccurrence(today, mo, d)
			return oneDay(from, from.Format("2 January"), true, m[0], m[1]), true
		}
	}
	if m := enRelative.FindStringSubmatchIndex(s); m != nil {
		word := s[m[2]:m[3]]
		from, to := relativePeriod(word, today)
		return dateSpan{from: from, to: to, label: word, start: m[0], end: m[1]}, true
	}
	if m := enMonthIn.FindStringSubmatchIndex(s); m != nil {
		month := ""
		if m[2] >= 0 {
			month = s[m[2]:m[3]]
		} else {
			month = s[m[4]:m[5]]
		}
		from := lastMonth(today, enMonths[month])
		return dateSpan{from: from, to: from.AddDate(0, 1, 0), noYear: true, label: from.Format("January"), start: m[0], end: m[1]}, true
	}
	return dateSpan{}, false
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
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
	case "本周", "这周", "这个星期", "本星期", "这星期", "this week":
		return weekStart, weekStart.AddDate(0, 0, 7)
	case "上周", "上个星期", "上星期", "last week":
		return weekStart.AddDate(0, 0, -7), weekStart
	case "这几天", "近几天", "前几天", "这两天", "近两天", "past few days", "these days", "lately":
		return today.AddDate(0, 0, -4), today.AddDate(0, 0, 1)
	case "近一周", "最近一周", "past week":
		return today.AddDate(0, 0, -6), today.AddDate(0, 0, 1)
	case "本月", "这个月", "this month":
		return monthStart, monthStart.AddDate(0, 1, 0)
	case "上个月", "上月", "last month":
		return monthStart.AddDate(0, -1, 0), monthStart
	case "近一个月", "最近一个月":
		return today.AddDate(0, -1, 1), today.AddDate(0, 0, 1)
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
