package content

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	// dateExpr matches the date forms of Chinese sites: 2022-05-27 09:36,
	// 2022/5/27, 2022.05.27, 2022年06月08日, 2022年6月8日 9时36分.
	dateExpr = regexp.MustCompile(`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*T?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?`)
	// hanDateExpr matches a date in Chinese numerals: 二〇二二年六月一日.
	hanDateExpr = regexp.MustCompile(`([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日`)
	// labeledDate finds a publication label followed by a date.
	labeledDate = regexp.MustCompile(`(?:发布时间|发布日期|发文日期|成文日期|更新时间|时间|日期)\s*[:：]\s*`)
	// sourceLabel finds the source or issuer label and its value.
	sourceLabel = regexp.MustCompile(`(?:信息来源|文章来源|来源|发布机构|发文机关|发布单位)\s*[:：]\s*([^\s:：|]+)`)
	// docNumberExpr matches a document number: 青政办明电〔2022〕12号.
	docNumberExpr = regexp.MustCompile(`[\p{Han}A-Za-z]{1,14}\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*(?:第\s*)?\d{1,5}\s*号`)
	// dateOnlyLine is a line that holds a date and nothing else (a notice's
	// signature date).
	dateOnlyLine = regexp.MustCompile(`^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日|\d{4}-\d{1,2}-\d{1,2})$`)
	// issuerSuffix ends the name of a body that signs notices.
	issuerSuffix = regexp.MustCompile(`(?:人民政府|政府|办公室|办公厅|委员会|委|局|厅|办|中心|指挥部|领导小组|党委|党组|人大常委会|政协|法院|检察院|公司|协会|学会|联合会|工会|团委|妇联|部|处|所|站|院)$`)
	// noticeTitle ends the title of a notice-like document.
	noticeTitle = regexp.MustCompile(`(?:通知|公告|通告|公示|决定|意见|办法|规定|细则|方案|通报|批复|函|命令|预警|启事|告知书|倡议书|公开信)(?:[(（].*[)）])?$`)
)

// parseDate returns the first date (and time, when given) in s, in
// Asia/Shanghai.
func parseDate(s string) (time.Time, bool) {
	if m := dateExpr.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		h, mi, sec := 0, 0, 0
		if m[4] != "" {
			h, _ = strconv.Atoi(m[4])
			mi, _ = strconv.Atoi(m[5])
			if m[6] != "" {
				sec, _ = strconv.Atoi(m[6])
			}
		}
		return makeDate(y, mo, d, h, mi, sec)
	}
	if m := hanDateExpr.FindStringSubmatch(s); m != nil {
		return makeDate(hanYear(m[1]), HanNumber(m[2]), HanNumber(m[3]), 0, 0, 0)
	}
	return time.Time{}, false
}

func makeDate(y, mo, d, h, mi, sec int) (time.Time, bool) {
	if y < 1949 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, Shanghai)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

var hanDigits = map[rune]int{'〇': 0, '○': 0, '零': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// dateAtStart parses a date that s begins with.
func dateAtStart(s string) (time.Time, bool) {
	for _, re := range []*regexp.Regexp{dateExpr, hanDateExpr} {
		if loc := re.FindStringIndex(s); loc != nil && loc[0] == 0 {
			return parseDate(s)
		}
	}
	return time.Time{}, false
}

// hanYear reads a year written digit by digit: 二〇二二 → 2022.
func hanYear(s string) int {
	y := 0
	for _, r := range s {
		y = y*10 + hanDigits[r]
	}
	return y
}

// labeledTime finds a publication time written after a label in any of
// the lines.
func labeledTime(lines []string) (time.Time, bool) {
	for _, l := range lines {
		for _, loc := range labeledDate.FindAllStringIndex(l, -1) {
			if t, ok := dateAtStart(l[loc[1]:]); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// labeledSource finds a source or issuer written after a label.
func labeledSource(lines []string) string {
	for _, l := range lines {
		if m := sourceLabel.FindStringSubmatch(l); m != nil {
			return trimEndPunct(m[1])
		}
	}
	return ""
}

// isInfoLine reports whether a line is the info line under a title
// (发布时间 / 来源 / 浏览次数 …) rather than article text.
func isInfoLine(line string) bool {
	if runeLen(line) > 150 || strings.HasSuffix(line, "。") {
		return false
	}
	if sourceLabel.MatchString(line) && !strings.ContainsAny(line, "，。；") {
		return true
	}
	for _, loc := range labeledDate.FindAllStringIndex(line, -1) {
		if _, ok := dateAtStart(line[loc[1]:]); ok {
			return true
		}
	}
	return false
}

// isDateLine reports whether a line is a short unlabeled date line, such
// as "2023年10月9日 来源：…" under a title: it starts with a date and is not
// a sentence.
func isDateLine(line string) bool {
	if runeLen(line) > 60 || strings.ContainsAny(line, "，。；,") {
		return false
	}
	_, ok := dateAtStart(line)
	return ok
}

// docNumberLine returns the document number when a line is only that.
func docNumberLine(line string) (string, bool) {
	if runeLen(line) > 40 {
		return "", false
	}
	loc := docNumberExpr.FindStringIndex(line)
	if loc == nil {
		return "", false
	}
	rest := trimSpace(line[:loc[0]] + line[loc[1]:])
	if rest != "" {
		return "", false
	}
	return strings.ReplaceAll(line[loc[0]:loc[1]], " ", ""), true
}

// signature looks at the last lines of a document for the issuer and date
// it is signed with: an organization name on one line and a date on the
// next, before any parenthesized remark such as （此件公开发布）.
func signature(paras []string) (issuer string, date time.Time) {
	from, to := SignatureLines(paras)
	if from == to {
		return "", time.Time{}
	}
	date, _ = parseDate(paras[to-1])
	if to-from > 1 {
		issuer = trimEndPunct(paras[to-2])
	}
	return issuer, date
}

// maxIssuerLines is how many organizations a joint signature may list.
const maxIssuerLines = 4

// SignatureLines finds the lines a document is signed with, so a reader
// can set them apart: paras[from:to] are the issuing organizations (one a
// line, none or several) and, last, a line holding only the date — among
// the last three lines before any parenthesized remark such as
// （此件公开发布）. from == to when the document ends without one.
func SignatureLines(paras []string) (from, to int) {
	end := len(paras)
	for end > 0 && isRemark(paras[end-1]) {
		end--
	}
	for i := end - 1; i >= 0 && i >= end-3; i-- {
		if !dateOnlyLine.MatchString(paras[i]) {
			continue
		}
		from = i
		for from > 0 && i-from < maxIssuerLines && isIssuerLine(paras[from-1]) {
			from--
		}
		return from, i + 1
	}
	return 0, 0
}

// isIssuerLine reports whether a line is only an organization's name.
func isIssuerLine(line string) bool {
	l := trimEndPunct(line)
	return runeLen(l) <= 30 && allHan(l) && issuerSuffix.MatchString(l)
}

// isRemark reports whether a closing line is a parenthesized remark.
func isRemark(line string) bool {
	return (strings.HasPrefix(line, "（") && strings.HasSuffix(line, "）")) ||
		(strings.HasPrefix(line, "(") && strings.HasSuffix(line, ")"))
}
