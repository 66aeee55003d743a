package content

import (
	"regexp"
	"strings"
)

// meetingTypes are the types of meeting people ask for by name, most
// specific first: 常委会(扩大)会议 is a 常委会会议, 县政府第十二次常务会议 a
// 常务会议.
var meetingTypes = []string{
	"委员长会议", "主任会议", "主席会议", "常委会会议", "常务会议", "全体会议", "党组会议", "党工委会议", "党委会议",
	"办公会议", "联席会议", "专题会议", "工作会议", "中心组集体学习", "集体学习", "专题学习", "代表大会", "全会",
	"座谈会", "推进会", "调度会", "对接会", "联席会", "学习会", "动员会", "部署会", "现场会", "年会",
	"议政会", "协商会", "务虚会", "例会", "讨论会", "汇报会", "分析会", "观摩会", "交流会", "研讨会",
	"恳谈会", "办公会", "协调会", "碰头会", "民主生活会", "组织生活会", "总结会", "通报会", "评议会", "交办会", "大会",
}

// typeNoise is what stands between a type's words in a name: an ordinal,
// a bracketed note (扩大), a body's term, the year a count runs in
// (2024年第3次).
var typeNoise = regexp.MustCompile(`(?:\d{4}年度?)?第[一二三四五六七八九十百零〇两\d]+次|[(（][^)）]{1,6}[)）]`)

// meetingType is the type of a meeting by its name (常委会会议, 常务会议,
// 全体会议, 委员长会议, 推进会 …), or 会议 when the name gives no more.
// "常委会第五次会议" is a 常委会会议, "第三次全体会议" a 全体会议.
func meetingType(name string) string {
	plain := Simplify(typeNoise.ReplaceAllString(name, ""))
	for _, t := range meetingTypes {
		if strings.HasSuffix(plain, t) {
			return t
		}
	}
	for _, t := range meetingTypes {
		// 党委会, 常务会, 党组会 are the 会议 of the same name.
		if strings.HasSuffix(t, "会议") && strings.HasSuffix(plain+"议", t) {
			return t
		}
	}
	if strings.HasSuffix(plain, "常务委员会会议") || strings.HasSuffix(plain, "常委会议") {
		return "常委会会议"
	}
	if short := strings.TrimSuffix(plain, "议"); short != plain {
		// 推进会议 is a 推进会.
		for _, t := range meetingTypes {
			if strings.HasSuffix(t, "会") && strings.HasSuffix(short, t) && t != "大会" && t != "年会" {
				return t
			}
		}
	}
	return "会议"
}

// termPrefix is a body's term in front of a meeting's name: 十三届, 第十四届.
var termPrefix = regexp.MustCompile(`^(?:新一届|本届|第?[一二三四五六七八九十]+届)`)

// bodyEnd ends the name of a body that holds meetings.
var bodyEnd = regexp.MustCompile(`(?:院|委|委员会|常委会|人大|政协|政府|党组|政治局|党委|党工委|办事处|街道)$`)

// organFromName is the body a meeting's name starts with when the name is
// that body's followed by an ordinal or the type (全国政协第七十八次主席会议
// → 全国政协, 国务院常务会议 → 国务院), or "".
func organFromName(name string) string {
	rest := termPrefix.ReplaceAllString(name, "")
	if loc := ordinalExpr.FindStringIndex(rest); loc != nil {
		rest = rest[:loc[0]]
	} else if kind := meetingType(name); strings.HasSuffix(rest, kind) {
		rest = strings.TrimSuffix(rest, kind)
	} else {
		rest = strings.TrimSuffix(rest, "会议")
	}
	if runeLen(rest) >= 2 && bodyEnd.MatchString(rest) {
		return rest
	}
	return ""
}

// ordinalOf is a meeting's ordinal as a number (第一百二十六次 → 126,
// 第29次 → 29), or 0 when its name gives none.
func ordinalOf(name string) int {
	mm := ordinalExpr.FindStringSubmatch(name)
	if mm == nil {
		return 0
	}
	return HanNumber(mm[1])
}
