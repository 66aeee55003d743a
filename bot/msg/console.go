package msg

import "fmt"

// consoleCatalog holds what the admin web console (bot/web) shows, under
// keys that start with "console.": [0] Chinese, [1] English.
var consoleCatalog = map[string][2]string{
	"console.chat.link":  {"管理后台登录链接（10 分钟内有效，只能使用一次，请勿转发）：\n%s", "Your sign-in link to the admin console (valid for 10 minutes, once; do not forward it):\n%s"},
	"console.chat.group": {"为安全起见，请在与我的私聊中发送「后台」获取登录链接。", "For safety, send /console to me in a private chat to get a sign-in link."},
	"console.chat.off":   {"管理后台暂未开启。", "The admin console is not available here."},

	"console.app": {"通报管理后台", "Tongbao console"},

	"console.nav.overview":    {"概览", "Overview"},
	"console.nav.bulletins":   {"通报", "Bulletins"},
	"console.nav.publish":     {"发布", "Publish"},
	"console.nav.broadcast":   {"广播", "Broadcast"},
	"console.nav.subscribers": {"订阅者", "Subscribers"},
	"console.nav.sources":     {"来源", "Sources"},
	"console.nav.audit":       {"操作日志", "Audit log"},
	"console.nav.dead":        {"失败投递", "Dead letters"},
	"console.nav.sessions":    {"登录会话", "Sessions"},

	"console.signout":         {"退出", "Sign out"},
	"console.signin.title":    {"登录管理后台", "Sign in to the console"},
	"console.signin.explain":  {"这是一次性登录链接，10 分钟内有效，只能使用一次。点击下方按钮登录。", "This one-time link is valid for 10 minutes and works once. Press the button to sign in."},
	"console.signin.button":   {"登录", "Sign in"},
	"console.signin.needed":   {"请先登录：在对话中向机器人发送「后台」，打开收到的链接。", "Please sign in: send /console to the bot and open the link it returns."},
	"console.signin.badlink":  {"这个登录链接无效、已过期或已经用过。请在对话中重新发送「后台」获取新链接。", "This sign-in link is unknown, expired or already used. Send /console to the bot for a new one."},
	"console.signin.notadmin": {"这个账号不是管理员，不能使用管理后台。", "This account is not an admin and cannot use the console."},
	"console.signin.out":      {"您已退出。", "You have signed out."},

	"console.refused.ok":    {"已完成", "Done"},
	"console.refused.401":   {"需要登录", "Sign-in needed"},
	"console.refused.403":   {"不允许", "Not allowed"},
	"console.refused.404":   {"没有找到", "Not found"},
	"console.refused.other": {"无法完成", "Could not be done"},
	"console.error.title":   {"暂时无法完成", "Temporarily unavailable"},
	"console.error.body":    {"服务暂时不可用，请稍后再试。", "The service is unavailable for the moment. Please try again later."},
	"console.form.bad":      {"表单内容有误，没有做任何更改。", "The form was not filled in correctly; nothing was changed."},
	"console.form.csrf":     {"表单已失效（缺少或错误的安全令牌），没有做任何更改。请刷新页面后重试。", "The form has expired (missing or wrong security token); nothing was changed. Reload the page and try again."},
	"console.back.home":     {"返回概览", "Back to the overview"},

	"console.done.revoked":    {"会话已注销。", "The session was revoked."},
	"console.done.reminded":   {"已向未读人员发送催读提醒。", "A reminder is on its way to those who have not read it."},
	"console.done.reminded0":  {"没有需要提醒的人：未读人员都已提醒过。", "Nobody to remind: everyone unread has been reminded already."},
	"console.done.saved":      {"已保存。", "Saved."},
	"console.done.polled":     {"已抓取。", "Polled."},
	"console.done.pollfailed": {"抓取失败，原因见下表。", "The poll failed; the table says why."},
	"console.done.retried":    {"已重新排队。", "Queued again."},
	"console.done.retrygone":  {"这条失败投递已被处理。", "That dead letter was already handled."},
	"console.done.published":  {"已发布，正在推送给订阅者。", "Published; it is going out to its subscribers."},
	"console.done.duplicate":  {"这条通报已经存在，没有重复发布。", "This bulletin was already stored; it was not published twice."},
	"console.done.proposed":   {"已提交，等待另一位管理员批准。", "Submitted; waiting for another admin's approval."},
	"console.done.gone":       {"这条广播已被批准或撤回。", "That broadcast was already approved or withdrawn."},
	"console.done.withdrawn":  {"已撤回。", "Withdrawn."},

	"console.ov.subscribers": {"订阅者", "subscribers"},
	"console.ov.bulletins":   {"通报总数", "bulletins"},
	"console.ov.week":        {"本周新增通报", "bulletins this week"},
	"console.ov.pending":     {"待批准的广播", "broadcasts awaiting approval"},
	"console.ov.bystatus":    {"订阅者（按状态和平台）", "Subscribers by status and platform"},
	"console.ov.deliveries":  {"投递队列", "Deliveries"},
	"console.ov.recent":      {"最近 10 条通报的阅读率", "Read rate of the last 10 bulletins"},
	"console.q.waiting":      {"等待发送", "waiting"},
	"console.q.pending":      {"发送中", "sending"},
	"console.q.delayed":      {"等待重试", "retrying"},
	"console.q.dead":         {"失败", "failed"},

	"console.status.active":  {"正常", "active"},
	"console.status.blocked": {"已屏蔽", "blocked"},
	"console.status.left":    {"已退订", "left"},
	"console.status.any":     {"全部状态", "any status"},
	"console.role.admin":     {"管理员", "admin"},
	"console.role.member":    {"成员", "member"},

	"console.col.title": {"标题", "Title"}, "console.col.date": {"日期", "Date"}, "console.col.delivered": {"已送达", "Delivered"}, "console.col.read": {"已读", "Read"},
	"console.col.rate": {"阅读率", "Read rate"}, "console.col.kind": {"类别", "Kind"}, "console.col.unit": {"单位", "Unit"}, "console.col.name": {"姓名", "Name"},
	"console.col.id": {"编号", "ID"}, "console.col.platform": {"平台", "Platform"}, "console.col.admin": {"管理员", "Admin"}, "console.col.started": {"登录时间", "Signed in"},
	"console.col.seen": {"最近使用", "Last used"}, "console.col.browser": {"浏览器", "Browser"}, "console.col.status": {"状态", "Status"}, "console.col.role": {"角色", "Role"},
	"console.col.time": {"时间", "Time"}, "console.col.action": {"操作", "Action"}, "console.col.detail": {"详情", "Detail"}, "console.col.subscriber": {"订阅者", "Subscriber"},

	"console.none":     {"暂无", "None"},
	"console.search":   {"搜索标题或正文", "Search titles and text"},
	"console.kind.all": {"全部类别", "all kinds"},
	"console.from":     {"起始日期", "from"},
	"console.to":       {"截止日期", "to"},
	"console.filter":   {"筛选", "Filter"},
	"console.total":    {"共", "Total"},
	"console.prev":     {"上一页", "Previous"},
	"console.next":     {"下一页", "Next"},
	"console.save":     {"保存", "Save"},
	"console.cancel":   {"取消", "Cancel"},

	"console.b.card":        {"订阅者看到的卡片", "The card subscribers see"},
	"console.b.reach":       {"送达与阅读", "Reach"},
	"console.b.overtime":    {"阅读随时间变化", "Reads over time"},
	"console.b.chartfile":   {"下载图表（SVG）", "Download the chart (SVG)"},
	"console.b.byplatform":  {"按平台", "By platform"},
	"console.b.byunit":      {"按单位", "By unit"},
	"console.b.unread":      {"未读名单", "Not read yet"},
	"console.b.remind":      {"催读", "Remind the unread"},
	"console.b.remindnote":  {"只提醒未读且未提醒过的人，每人一次。", "Only those who have not read it and were not reminded yet, once each."},
	"console.b.allread":     {"没有未读的人。", "Nobody is left unread."},
	"console.b.more":        {"只列出前 200 人。", "Only the first 200 are listed."},
	"console.bulletin.none": {"没有这条通报。", "There is no such bulletin."},
	"console.chart.title":   {"阅读随时间变化", "Reads over time"},
	"console.chart.hour":    {"%d–%d小时", "%d–%dh"},
	"console.chart.none":    {"还没有人阅读。", "Nobody has read it yet."},

	"console.pub.paste":             {"粘贴通报全文", "Paste the bulletin"},
	"console.pub.file":              {"或上传文件（文本或网页）", "or upload a file (text or HTML)"},
	"console.pub.preview":           {"预览", "Preview"},
	"console.pub.check":             {"请核对解析结果。确认无误后再发布，发布前不会发送任何消息。", "Check what was read. Nothing is sent until you publish."},
	"console.pub.correct":           {"更正并发布", "Correct and publish"},
	"console.pub.summary":           {"摘要", "Summary"},
	"console.pub.audience":          {"推送给订阅了相关内容的订阅者（全部、相关主题或类别）。", "It goes to the subscribers whose subscriptions cover it (everything, its topics or its kind)."},
	"console.pub.at":                {"定时发布（北京时间，留空则立即发布）", "Send at (Beijing time; empty sends now)"},
	"console.done.scheduled":        {"已保存，将在设定的时间推送给订阅者。", "Saved; it goes out to its subscribers at the time set."},
	"console.pub.send":              {"发布", "Publish"},
	"console.publish.expired":       {"预览已过期（超过 1 小时），请重新粘贴或上传。", "The preview expired (over an hour old); paste or upload it again."},
	"console.publish.bad.empty":     {"内容为空。", "There is nothing in it."},
	"console.publish.bad.large":     {"文件太大（最多 8 MB）。", "The file is too large (8 MB at most)."},
	"console.publish.bad.binary":    {"这不是文本或网页文件。", "This is not a text or HTML file."},
	"console.publish.bad.encoding":  {"无法识别文件的编码。", "The file's encoding could not be read."},
	"console.publish.bad.noarticle": {"网页中没有找到正文。", "No article was found in the page."},
	"console.publish.bad.notitle":   {"没有找到标题：第一行应是通报标题。", "No title was found: the first line should be the bulletin's title."},
	"console.publish.bad.other":     {"无法解析这份内容。", "This could not be read as a bulletin."},

	"console.bc.text":          {"广播内容", "Announcement"},
	"console.bc.audience":      {"发送对象", "Audience"},
	"console.aud.all":          {"全部订阅者", "everyone"},
	"console.aud.platform":     {"某个平台", "one platform"},
	"console.aud.topic":        {"订阅了某主题的人", "a topic's subscribers"},
	"console.aud.unit":         {"某个单位", "one unit"},
	"console.aud.value":        {"平台（tg、wx、wecom）、主题或单位名称", "Platform (tg, wx, wecom), topic or unit"},
	"console.bc.urgentlabel":   {"紧急（忽略免打扰时段）", "Urgent (ignores quiet hours)"},
	"console.bc.urgent":        {"紧急", "urgent"},
	"console.bc.preview":       {"各平台预览", "Preview on each platform"},
	"console.bc.count":         {"将发送给 %d 人", "It will reach %d people"},
	"console.bc.confirm":       {"确认发送", "Confirm and send"},
	"console.bc.propose":       {"提交审批", "Submit for approval"},
	"console.bc.needsapproval": {"已启用双人审批：提交后须由另一位管理员批准才会发送。", "Two-person approval is on: another admin must approve before anything is sent."},
	"console.bc.pending":       {"待批准的广播", "Awaiting approval"},
	"console.bc.approve":       {"批准并发送", "Approve and send"},
	"console.bc.withdraw":      {"撤回", "Withdraw"},
	"console.bc.empty":         {"请填写广播内容。", "Write the announcement first."},
	"console.bc.long":          {"广播内容太长（最多 2000 字）。", "The announcement is too long (2,000 characters at most)."},
	"console.bc.audience.bad":  {"发送对象不明确：请选择平台，或填写主题或单位名称。", "Choose a platform, or name the topic or unit."},
	"console.bc.nobody":        {"这个发送对象目前没有订阅者。", "Nobody is in that audience."},
	"console.bc.selfapprove":   {"不能批准自己提交的广播，须由另一位管理员批准。", "You cannot approve your own broadcast; another admin must."},
	"console.bc.progress":      {"广播进度", "Broadcast progress"},
	"console.bc.sent":          {"已发送 %d/%d，已读 %d", "Sent %d of %d, read by %d"},
	"console.bc.done":          {"发送完成", "done"},
	"console.bc.details":       {"查看阅读情况", "See who read it"},

	"console.sub.search":          {"姓名、编号或单位", "Name, id or unit"},
	"console.sub.topic":           {"订阅主题", "Topic"},
	"console.sub.block":           {"屏蔽", "Block"},
	"console.sub.unblock":         {"解除屏蔽", "Unblock"},
	"console.sub.promote":         {"设为管理员", "Make admin"},
	"console.sub.demote":          {"取消管理员", "Remove admin"},
	"console.sub.more":            {"只列出前 100 人，请缩小搜索范围。", "Only the first 100 are listed; narrow the search."},
	"console.subscriber.none":     {"没有这个订阅者。", "There is no such subscriber."},
	"console.subscriber.unitlong": {"单位名称太长（最多 60 字）。", "The unit's name is too long (60 characters at most)."},
	"console.subscriber.self":     {"不能取消自己的管理员身份。", "You cannot remove your own admin role."},
	"console.subscriber.left":     {"此人已退订，不能解除屏蔽。", "This person has left; they cannot be unblocked."},

	"console.src.last":    {"最近成功", "Last success"},
	"console.src.next":    {"下次抓取", "Next poll"},
	"console.src.items":   {"新增/抓取", "New/seen"},
	"console.src.error":   {"最近错误", "Last error"},
	"console.src.poll":    {"立即抓取", "Poll now"},
	"console.src.none":    {"没有配置来源。", "No sources are configured."},
	"console.source.none": {"没有这个来源。", "There is no such source."},

	"console.dead.reason": {"原因", "Reason"},
	"console.dead.retry":  {"重试", "Retry"},
	"console.dead.none":   {"没有失败的投递。", "No delivery has failed."},

	"console.session.mine":   {"当前", "this one"},
	"console.session.revoke": {"注销", "Revoke"},

	"console.platform.tg":      {"Telegram", "Telegram"},
	"console.platform.wx":      {"微信公众号", "WeChat"},
	"console.platform.wecom":   {"企业微信", "WeCom"},
	"console.platform.console": {"本机终端", "Terminal"},
}

func init() {
	for k, v := range consoleCatalog {
		if _, dup := catalog[k]; dup {
			panic(fmt.Sprintf("msg: %q is in the catalog twice", k))
		}
		catalog[k] = v
	}
}

// Has reports whether the catalog has an entry for key (for keys built at
// run time, such as the notice a console redirect names).
func Has(key string) bool {
	_, ok := catalog[key]
	return ok
}
