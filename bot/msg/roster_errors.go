package msg

import "tongbao/content"

// rosterErrorsCatalog says the problems content finds in a roster file or
// a person's entry (content.RosterErr… keys), and how the roster's users
// are told about them and about a roster that changed meanwhile: [0]
// Chinese, [1] English.
var rosterErrorsCatalog = map[string][2]string{
	content.RosterErrTooLarge:    {"文件超过 %d MB，不像是花名册。", "The file is larger than %d MB; it is not a roster."},
	content.RosterErrNotXLSX:     {"无法读取这个 Excel 文件，请另存为 .xlsx 或 CSV 后再试。", "This Excel file cannot be read; save it as .xlsx or CSV and try again."},
	content.RosterErrNoSheet:     {"这个 Excel 文件没有工作表。", "The workbook has no sheet."},
	content.RosterErrSheet:       {"无法读取工作表「%s」。", "The sheet “%s” cannot be read."},
	content.RosterErrNotCSV:      {"这不是 CSV 或 Excel（.xlsx）花名册文件。", "This is not a CSV or Excel (.xlsx) roster file."},
	content.RosterErrCSV:         {"这一行无法按 CSV 读取，请检查引号。", "This line cannot be read as CSV; check its quotes."},
	content.RosterErrEmpty:       {"文件是空的：第一行应为表头 姓名,单位,职务（可加 手机,企业微信账号）。", "The file is empty: the first line must be the header 姓名,单位,职务 (optionally 手机,企业微信账号)."},
	content.RosterErrDupColumn:   {"表头中「%[1]s」列出现了两次。", "The header has the column %[1]s (%[2]s) twice."},
	content.RosterErrNoColumn:    {"表头缺少「%[1]s」列；表头须有 姓名,单位,职务，可加 手机,企业微信账号。", "The header lacks the column %[1]s (%[2]s); it must name 姓名,单位,职务 (name, unit, post) and may add 手机,企业微信账号."},
	content.RosterErrNoName:      {"姓名为空。", "The name is empty."},
	content.RosterErrNoUnit:      {"单位为空。", "The unit is empty."},
	content.RosterErrUnitPart:    {"单位「%s」中有空的一级，请写成 县委办/督查室 这样。", "The unit “%s” has an empty part; write it like 县委办/督查室."},
	content.RosterErrNameLong:    {"姓名超过 %d 个字。", "The name is longer than %d characters."},
	content.RosterErrUnitLong:    {"单位超过 %d 个字。", "The unit is longer than %d characters."},
	content.RosterErrPostLong:    {"职务超过 %d 个字。", "The post is longer than %d characters."},
	content.RosterErrReserved:    {"姓名、单位和职务中不能有这些字符：%s", "The name, unit and post may not contain any of %s"},
	content.RosterErrPhone:       {"手机「%s」不是有效的号码。", "The phone “%s” is not a phone number."},
	content.RosterErrWeCom:       {"企业微信账号「%s」格式不对。", "The WeCom userid “%s” is not valid."},
	content.RosterErrDupPerson:   {"%s 已在第 %d 行出现：同一单位有同名人员时请加以区分，如 张伟(大)。", "%s is already on line %d; tell two people of one name in a unit apart, e.g. 张伟(大)."},
	content.RosterErrDupWeCom:    {"企业微信账号 %s 已在第 %d 行出现。", "The WeCom userid %s is already on line %d."},
	content.RosterErrMore:        {"……另有 %d 处问题。", "… and %d more problems."},
	content.RosterErrUnknownUnit: {"花名册中没有「%s」这个单位。", "The roster has no unit “%s”."},
	content.RosterErrNearUnit:    {"花名册中没有「%s」这个单位，是否应为「%s」？", "The roster has no unit “%s”; did you mean “%s”?"},

	"roster.line":        {"第 %d 行：", "line %d: "},
	"roster.outside":     {"单位「%s」不在您管理的范围内。", "The unit “%s” is not one of your units."},
	"roster.nothing":     {"没有导入任何内容。", "Nothing was imported."},
	"roster.newunits":    {"请改正单位名称；确是新单位的，加 --new-units 导入。", "Fix the spelling, or pass --new-units to add the units."},
	"roster.changedrun":  {"名册刚刚有变动，没有导入任何内容；请重新运行导入。", "The roster has just changed; nothing was imported. Run the import again."},
	"roster.changedsync": {"名册刚刚有变动，没有同步任何内容；请重新运行同步。", "The roster has just changed; nothing was synced. Run the sync again."},
	"requests.changed":   {"名册刚刚有变动，没有做任何更改；请发送「绑定申请」查看后再批准。", "The roster has just changed; nothing was changed. Send “requests” to see them and approve again."},
}

// RosterProblem says one problem of a roster file or entry in lang, with
// its line number when it has one: "第 3 行：手机「12a」不是有效的号码。".
func RosterProblem(lang string, l content.LineError) string {
	text := Say(lang, l.Key, l.Args...)
	if l.Line > 0 {
		return Say(lang, "roster.line", l.Line) + text
	}
	return text
}
