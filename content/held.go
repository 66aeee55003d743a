package content

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// heldWhen is a time phrase that says when a meeting was held, as a lead
// writes it: 2023年7月6日, 7月6日, a bare 26日 (the publication's month),
// 今天 / 今日, 昨天 / 昨日, 前天, a day of the week (本周一, 上周五, 周三 —
// the last such day up to publication); or a vague 近日 / 日前 / 近期 / 当天 that
// names no day. A part of the day (上午) and a clock time (9点) may follow.
var heldWhen = regexp.MustCompile(`(?:(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日|(\d{1,2})日|(今天|今日|昨天|昨日|前天)|(?:(本|这|上)(?:周|星期)|周|星期)([一二三四五六日天])|(近日|日前|近期|当天|当日|本周|上周))(上午|下午|晚上|晚间|早上|中午|凌晨|晚)?(?:\d{1,2}(?:时|点|:|：)(?:\d{1,2}分?|半)?)?`)

// rangeJoin joins the first and last day of a meeting held over several.
var rangeJoin = regexp.MustCompile(`^(?:至|到|—|－|-|~|～)$`)

// heldVerb ends the part of a lead that says when the meeting was held.
var heldVerb = regexp.MustCompile(`主持|召开|举行|开幕|召集|(?:进行|开展)了?(?:第[一二三四五六七八九十百零〇两\d]+次)?(?:集体|专题)学习`)

// heldTime is when a meeting was held: the phrase as the text says it, the
// date it resolves to (2006-01-02, empty when the text names no day), and
// the part of the day.
type heldTime struct {
	text, date, part string
	vague            bool // 近日 / 日前: recent, day unknown
}

// heldOf finds when the meeting was held in the lead's text before its
// first convening verb (主持召开, 召开, 举行), and resolves it against the
// publication time: a bare 26日 is in the publication's month (or the month
// before when later than the publication day), 今天 is the publication day,
// 昨天 the day before; 近日 names no day. A meeting is never held after its
// report is published.
func heldOf(lead string, published time.Time) heldTime {
	head := lead
	if loc := heldVerb.FindStringIndex(lead); loc != nil {
		head = lead[:loc[0]]
	}
	if i := strings.LastIndexAny(head, "。！？；"); i >= 0 {
		head = head[i:] // the sentence that holds the verb
	}
	// The time phrase nearest the verb says when; an earlier one may be the
	// date of something the lead mentions ("为贯彻3月5日…精神，县委6日召开").
	all := heldWhen.FindAllStringSubmatchIndex(head, -1)
	for k := len(all) - 1; k >= 0; k-- {
		if k > 0 && rangeJoin.MatchString(head[all[k-1][1]:all[k][0]]) {
			continue // "3月31日至4月1日": the meeting opened on the first day
		}
		mm := all[k]
		end := k
		for end+1 < len(all) && rangeJoin.MatchString(head[all[end][1]:all[end+1][0]]) {
			end++
		}
		if !heldPosition(head, mm[0], all[end][1]) {
			continue // "在4月15日…之际": a date in passing, not when the meeting was
		}
		if mm[8] > 0 && head[mm[8]-1] >= '0' && head[mm[8]-1] <= '9' {
			continue // the day of a date already read, or part of a number
		}
		if rest := head[mm[1]:]; mm[16] < 0 && (strings.HasPrefix(rest, "前") || strings.HasPrefix(rest, "以前") || strings.HasPrefix(rest, "之前") || strings.HasPrefix(rest, "起")) {
			continue // 5日前, 3月1日起: a deadline or a start, not the day held
		}
		sub := func(i int) string {
			if mm[2*i] < 0 {
				return ""
			}
			return head[mm[2*i]:mm[2*i+1]]
		}
		h := heldTime{text: head[mm[0]:mm[1]], part: sub(9)}
		switch {
		case sub(8) != "":
			h.vague = sub(8) != "当天" && sub(8) != "当日"
			return h
		case published.IsZero():
			return h
		case sub(7) != "":
			if strings.HasSuffix(head[:mm[0]], "每") {
				continue // 每周一: a routine, not a day
			}
			date, ok := weekdayBefore(published, sub(6), sub(7))
			if !ok {
				h.vague = true // 本周五 in a report published on Wednesday
				return h
			}
			h.date = date
		case sub(5) != "":
			back := map[string]int{"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}[sub(5)]
			h.date = published.AddDate(0, 0, -back).Format("2006-01-02")
		case sub(4) != "":
			d, _ := strconv.Atoi(sub(4))
			y, mo := published.Year(), published.Month()
			if d > published.Day() {
				y, mo, _ = time.Date(y, mo, 1, 0, 0, 0, 0, Shanghai).AddDate(0, -1, 0).Date()
			}
			if t, ok := makeDate(y, int(mo), d, 0, 0, 0); ok {
				h.date = t.Format("2006-01-02")
			}
		default:
			mo, _ := strconv.Atoi(sub(2))
			d, _ := strconv.Atoi(sub(3))
			y := published.Year()
			if sub(1) != "" {
				y, _ = strconv.Atoi(sub(1))
			} else if time.Month(mo) > published.Month() {
				y--
			}
			if t, ok := makeDate(y, mo, d, 0, 0, 0); ok {
				h.date = t.Format("2006-01-02")
			}
		}
		return h
	}
	return heldTime{}
}

// weekdayBefore resolves a day of the week against the publication day:
// 本周一 / 这周一 in the publication's week (weeks start on Monday), 上周一
// the week before, a bare 周一 the last Monday up to publication. ok is
// false when the day would fall after publication.
func weekdayBefore(published time.Time, which, day string) (date string, ok bool) {
	want := strings.Index("一二三四五六日", day) / len("一") // Monday 0 … Sunday 6
	if day == "天" {
		want = 6
	}
	today := (int(published.Weekday()) + 6) % 7
	var t time.Time
	switch which {
	case "本", "这":
		t = published.AddDate(0, 0, want-today)
	case "上":
		t = published.AddDate(0, 0, want-today-7)
	default:
		t = published.AddDate(0, 0, -((today - want + 7) % 7))
	}
	if t.After(published) {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// clauseOpen ends the text before a phrase that opens a clause.
var clauseOpen = regexp.MustCompile(`(?:^|[，,。；;：:！？\s]|于)$`)

// beforeVerb is what may stand between the day held and the convening verb
// or the chair: a part of the day, the place (在北京), nothing.
var beforeVerb = regexp.MustCompile(`^[）)]?(?:上午|下午|晚上|晚间|早上|中午|凌晨|晚)?(?:在[^，,。；;]{1,20})?(?:就[^，,。；;]{1,80})?$`)

// heldPosition reports whether the time phrase at head[start:end] says when
// the meeting was held: it opens its clause ("3月5日下午，县委…", "近日，…")
// or comes right before the verb ("李强26日主持召开", "…会议13日上午在京举行",
// "…中心组25日下午就…进行集体学习").
// A date in passing ("在4月15日…到来之际，…") does neither.
func heldPosition(head string, start, end int) bool {
	return clauseOpen.MatchString(head[:start]) || beforeVerb.MatchString(head[end:])
}

// heldPhrase is how a summary says when a meeting was held: its date with
// the part of the day (9月26日上午), 近日 when the lead says only that, or
// "" when the text does not say — never the publication day in its place.
func heldPhrase(m *Meeting, lead string) string {
	if t, err := time.Parse("2006-01-02", m.HeldDate); err == nil {
		part := heldWhen.FindStringSubmatch(m.Held)
		s := fmt.Sprintf("%d月%d日", t.Month(), t.Day())
		if part != nil {
			s += part[9]
		}
		return s
	}
	if part := heldWhen.FindStringSubmatch(m.Held); part != nil && part[2] != "" {
		// The publication year is unknown, but the text names month and day.
		return part[2] + "月" + part[3] + "日" + part[9]
	}
	if heldOf(lead, time.Time{}).vague {
		return "近日"
	}
	return ""
}
