package web

import (
	"fmt"
	"html/template"
	"time"

	"tongbao/content"
)

// consoleText is every string the console shows, in Chinese and English;
// TestConsoleTextComplete fails when a key lacks a language.
var consoleText = map[string][2]string{
	"app": {"通报管理后台", "Tongbao console"},

	"nav.overview":    {"概览", "Overview"},
	"nav.bulletins":   {"通报", "Bulletins"},
	"nav.publish":     {"发布", "Publish"},
	"nav.broadcast":   {"广播", "Broadcast"},
	"nav.subscribers": {"订阅者", "Subscribers"},
	"nav.sources":     {"来源", "Sources"},
	"nav.audit":       {"操作日志", "Audit log"},
	"nav.dead":        {"失败投递", "Dead letters"},
	"nav.sessions":    {"登录会话", "Sessions"},

	"signout":         {"退出", "Sign out"},
	"signin.title":    {"登录管理后台", "Sign in to the console"},
	"signin.explain":  {"这是一次性登录链接，10 分钟内有效，只能使用一次。点击下方按钮登录。", "This one-time link is valid for 10 minutes and works once. Press the button to sign in."},
	"signin.button":   {"登录", "Sign in"},
	"signin.needed":   {"请先登录：在对话中向机器人发送「后台」，打开收到的链接。", "Please sign in: send /console to the bot and open the link it returns."},
	"signin.badlink":  {"这个登录链接无效、已过期或已经用过。请在对话中重新发送「后台」获取新链接。", "This sign-in link is unknown, expired or already used. Send /console to the bot for a new one."},
	"signin.notadmin": {"这个账号不是管理员，不能使用管理后台。", "This account is not an admin and cannot use the console."},
	"signin.out":      {"您已退出。", "You have signed out."},

	"refused.ok":    {"已完成", "Done"},
	"refused.401":   {"需要登录", "Sign-in needed"},
	"refused.403":   {"不允许", "Not allowed"},
	"refused.404":   {"没有找到", "Not found"},
	"refused.other": {"无法完成", "Could not be done"},
	"error.title":   {"暂时无法完成", "Temporarily unavailable"},
	"error.body":    {"服务暂时不可用，请稍后再试。", "The service is unavailable for the moment. Please try again later."},
	"form.bad":      {"表单内容有误，没有做任何更改。", "The form was not filled in correctly; nothing was changed."},
	"form.csrf":     {"表单已失效（缺少或错误的安全令牌），没有做任何更改。请刷新页面后重试。", "The form has expired (missing or wrong security token); nothing was changed. Reload the page and try again."},
	"back.home":     {"返回概览", "Back to the overview"},

	"done.revoked":    {"会话已注销。", "The session was revoked."},
	"done.reminded":   {"已向未读人员发送催读提醒。", "A reminder is on its way to those who have not read it."},
	"done.reminded0":  {"没有需要提醒的人：未读人员都已提醒过。", "Nobody to remind: everyone unread has been reminded already."},
	"done.saved":      {"已保存。", "Saved."},
	"done.polled":     {"已抓取。", "Polled."},
	"done.pollfailed": {"抓取失败，原因见下表。", "The poll failed; the table says why."},
	"done.retried":    {"已重新排队。", "Queued again."},
	"done.retrygone":  {"这条失败投递已被处理。", "That dead letter was already handled."},
	"done.published":  {"已发布，正在推送给订阅者。", "Published; it is going out to its subscribers."},
	"done.duplicate":  {"这条通报已经存在，没有重复发布。", "This bulletin was already stored; it was not published twice."},
	"done.proposed":   {"已提交，等待另一位管理员批准。", "Submitted; waiting for another admin's approval."},
	"done.sent":       {"广播已发出。", "The broadcast is going out."},
	"done.gone":       {"这条广播已被批准或撤回。", "That broadcast was already approved or withdrawn."},
	"done.withdrawn":  {"已撤回。", "Withdrawn."},

	"ov.subscribers": {"订阅者", "subscribers"},
	"ov.bulletins":   {"通报总数", "bulletins"},
	"ov.week":        {"本周新增通报", "bulletins this week"},
	"ov.pending":     {"待批准的广播", "broadcasts awaiting approval"},
	"ov.bystatus":    {"订阅者（按状态和平台）", "Subscribers by status and platform"},
	"ov.deliveries":  {"投递队列", "Deliveries"},
	"ov.recent":      {"最近 10 条通报的阅读率", "Read rate of the last 10 bulletins"},
	"q.waiting":      {"等待发送", "waiting"},
	"q.pending":      {"发送中", "sending"},
	"q.delayed":      {"等待重试", "retrying"},
	"q.dead":         {"失败", "failed"},

	"status.active":  {"正常", "active"},
	"status.blocked": {"已屏蔽", "blocked"},
	"status.left":    {"已退订", "left"},
	"status.any":     {"全部状态", "any status"},
	"role.admin":     {"管理员", "admin"},
	"role.member":    {"成员", "member"},

	"col.title": {"标题", "Title"}, "col.date": {"日期", "Date"}, "col.delivered": {"已送达", "Delivered"}, "col.read": {"已读", "Read"},
	"col.rate": {"阅读率", "Read rate"}, "col.kind": {"类别", "Kind"}, "col.unit": {"单位", "Unit"}, "col.name": {"姓名", "Name"},
	"col.id": {"编号", "ID"}, "col.platform": {"平台", "Platform"}, "col.admin": {"管理员", "Admin"}, "col.started": {"登录时间", "Signed in"},
	"col.seen": {"最近使用", "Last used"}, "col.browser": {"浏览器", "Browser"}, "col.status": {"状态", "Status"}, "col.role": {"角色", "Role"},
	"col.time": {"时间", "Time"}, "col.action": {"操作", "Action"}, "col.detail": {"详情", "Detail"}, "col.subscriber": {"订阅者", "Subscriber"},

	"none":     {"暂无", "None"},
	"search":   {"搜索标题或正文", "Search titles and text"},
	"kind.all": {"全部类别", "all kinds"},
	"from":     {"起始日期", "from"},
	"to":       {"截止日期", "to"},
	"filter":   {"筛选", "Filter"},
	"total":    {"共", "Total"},
	"prev":     {"上一页", "Previous"},
	"next":     {"下一页", "Next"},
	"save":     {"保存", "Save"},
	"cancel":   {"取消", "Cancel"},

	"b.card":        {"订阅者看到的卡片", "The card subscribers see"},
	"b.reach":       {"送达与阅读", "Reach"},
	"b.overtime":    {"阅读随时间变化", "Reads over time"},
	"b.chartfile":   {"下载图表（SVG）", "Download the chart (SVG)"},
	"b.byplatform":  {"按平台", "By platform"},
	"b.byunit":      {"按单位", "By unit"},
	"b.unread":      {"未读名单", "Not read yet"},
	"b.remind":      {"催读", "Remind the unread"},
	"b.remindnote":  {"只提醒未读且未提醒过的人，每人一次。", "Only those who have not read it and were not reminded yet, once each."},
	"b.allread":     {"没有未读的人。", "Nobody is left unread."},
	"b.more":        {"只列出前 200 人。", "Only the first 200 are listed."},
	"bulletin.none": {"没有这条通报。", "There is no such bulletin."},
	"chart.title":   {"阅读随时间变化", "Reads over time"},
	"chart.hour":    {"%d–%d小时", "%d–%dh"},
	"chart.none":    {"还没有人阅读。", "Nobody has read it yet."},

	"pub.paste":             {"粘贴通报全文", "Paste the bulletin"},
	"pub.file":              {"或上传文件（文本或网页）", "or upload a file (text or HTML)"},
	"pub.preview":           {"预览", "Preview"},
	"pub.check":             {"请核对解析结果。确认无误后再发布，发布前不会发送任何消息。", "Check what was read. Nothing is sent until you publish."},
	"pub.correct":           {"更正并发布", "Correct and publish"},
	"pub.summary":           {"摘要", "Summary"},
	"pub.audience":          {"推送给订阅了相关内容的订阅者（全部、相关主题或类别）。", "It goes to the subscribers whose subscriptions cover it (everything, its topics or its kind)."},
	"pub.send":              {"立即发布", "Publish now"},
	"publish.expired":       {"预览已过期（超过 1 小时），请重新粘贴或上传。", "The preview expired (over an hour old); paste or upload it again."},
	"publish.bad.empty":     {"内容为空。", "There is nothing in it."},
	"publish.bad.large":     {"文件太大（最多 8 MB）。", "The file is too large (8 MB at most)."},
	"publish.bad.binary":    {"这不是文本或网页文件。", "This is not a text or HTML file."},
	"publish.bad.encoding":  {"无法识别文件的编码。", "The file's encoding could not be read."},
	"publish.bad.noarticle": {"网页中没有找到正文。", "No article was found in the page."},
	"publish.bad.notitle":   {"没有找到标题：第一行应是通报标题。", "No title was found: the first line should be the bulletin's title."},
	"publish.bad.other":     {"无法解析这份内容。", "This could not be read as a bulletin."},

	"bc.text":          {"广播内容", "Announcement"},
	"bc.audience":      {"发送对象", "Audience"},
	"aud.all":          {"全部订阅者", "everyone"},
	"aud.platform":     {"某个平台", "one platform"},
	"aud.topic":        {"订阅了某主题的人", "a topic's subscribers"},
	"aud.unit":         {"某个单位", "one unit"},
	"aud.value":        {"平台（tg、wx、wecom）、主题或单位名称", "Platform (tg, wx, wecom), topic or unit"},
	"bc.urgentlabel":   {"紧急（忽略免打扰时段）", "Urgent (ignores quiet hours)"},
	"bc.urgent":        {"紧急", "urgent"},
	"bc.preview":       {"各平台预览", "Preview on each platform"},
	"bc.count":         {"将发送给 %d 人", "It will reach %d people"},
	"bc.confirm":       {"确认发送", "Confirm and send"},
	"bc.propose":       {"提交审批", "Submit for approval"},
	"bc.needsapproval": {"已启用双人审批：提交后须由另一位管理员批准才会发送。", "Two-person approval is on: another admin must approve before anything is sent."},
	"bc.pending":       {"待批准的广播", "Awaiting approval"},
	"bc.approve":       {"批准并发送", "Approve and send"},
	"bc.withdraw":      {"撤回", "Withdraw"},
	"bc.empty":         {"请填写广播内容。", "Write the announcement first."},
	"bc.long":          {"广播内容太长（最多 2000 字）。", "The announcement is too long (2,000 characters at most)."},
	"bc.audience.bad":  {"发送对象不明确：请选择平台，或填写主题或单位名称。", "Choose a platform, or name the topic or unit."},
	"bc.nobody":        {"这个发送对象目前没有订阅者。", "Nobody is in that audience."},
	"bc.selfapprove":   {"不能批准自己提交的广播，须由另一位管理员批准。", "You cannot approve your own broadcast; another admin must."},
	"bc.progress":      {"广播进度", "Broadcast progress"},
	"bc.sent":          {"已发送 %d/%d，已读 %d", "Sent %d of %d, read by %d"},
	"bc.done":          {"发送完成", "done"},
	"bc.details":       {"查看阅读情况", "See who read it"},

	"sub.search":          {"姓名、编号或单位", "Name, id or unit"},
	"sub.topic":           {"订阅主题", "Topic"},
	"sub.block":           {"屏蔽", "Block"},
	"sub.unblock":         {"解除屏蔽", "Unblock"},
	"sub.promote":         {"设为管理员", "Make admin"},
	"sub.demote":          {"取消管理员", "Remove admin"},
	"sub.more":            {"只列出前 100 人，请缩小搜索范围。", "Only the first 100 are listed; narrow the search."},
	"subscriber.none":     {"没有这个订阅者。", "There is no such subscriber."},
	"subscriber.unitlong": {"单位名称太长（最多 60 字）。", "The unit's name is too long (60 characters at most)."},
	"subscriber.self":     {"不能取消自己的管理员身份。", "You cannot remove your own admin role."},
	"subscriber.left":     {"此人已退订，不能解除屏蔽。", "This person has left; they cannot be unblocked."},

	"src.last":    {"最近成功", "Last success"},
	"src.next":    {"下次抓取", "Next poll"},
	"src.items":   {"新增/抓取", "New/seen"},
	"src.error":   {"最近错误", "Last error"},
	"src.poll":    {"立即抓取", "Poll now"},
	"src.none":    {"没有配置来源。", "No sources are configured."},
	"source.none": {"没有这个来源。", "There is no such source."},

	"dead.reason": {"原因", "Reason"},
	"dead.retry":  {"重试", "Retry"},
	"dead.none":   {"没有失败的投递。", "No delivery has failed."},

	"session.mine":   {"当前", "this one"},
	"session.revoke": {"注销", "Revoke"},

	"platform.tg":      {"Telegram", "Telegram"},
	"platform.wx":      {"微信公众号", "WeChat"},
	"platform.wecom":   {"企业微信", "WeCom"},
	"platform.console": {"本机终端", "Terminal"},
}

// say returns a console string in lang ("en", else Chinese).
func say(lang, key string) string {
	t, ok := consoleText[key]
	if !ok {
		panic("web: no console text " + key) // a template or handler names a key the catalog lacks: a test catches it
	}
	if lang == "en" {
		return t[1]
	}
	return t[0]
}

// hasMessage reports whether the catalog has key.
func hasMessage(key string) bool {
	_, ok := consoleText[key]
	return ok
}

// navItem is a link of the console's menu.
type navItem struct{ Key, Path string }

// navItems is the console's menu, in order.
var navItems = []navItem{{"overview", "/admin/"}, {"bulletins", "/admin/bulletins"}, {"publish", "/admin/publish"},
	{"broadcast", "/admin/broadcast"}, {"subscribers", "/admin/subscribers"}, {"sources", "/admin/sources"},
	{"audit", "/admin/audit"}, {"dead", "/admin/dead"}, {"sessions", "/admin/sessions"}}

// consoleTemplates parses the console's templates with their functions.
func consoleTemplates() *template.Template {
	funcs := template.FuncMap{
		"t":        say,
		"navItems": func() []navItem { return navItems },
		"platform": func(lang, p string) string {
			if hasMessage("platform." + p) {
				return say(lang, "platform."+p)
			}
			return p
		},
		"kind": func(lang string, k content.Kind) string {
			if lang == "en" {
				return string(k)
			}
			return k.Label()
		},
		"percent": func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(content.Shanghai).Format("2006-01-02 15:04")
		},
		"rows": func(lang string, rows []bulletinRow) map[string]any {
			return map[string]any{"Lang": lang, "Rows": rows}
		},
		"reach": func(lang string, rows []reachRow, platform bool) map[string]any {
			return map[string]any{"Lang": lang, "Rows": rows, "Platform": platform}
		},
		"sub": func(a, b int) int { return a - b },
	}
	return template.Must(template.New("console").Funcs(funcs).ParseFS(consoleFiles, "console/*.html"))
}
