package bot

import "fmt"

// catalog holds every sentence the bot says, in Chinese and English. Keys
// are short names; values are fmt formats.
var catalog = map[string][2]string{
	// [0] Chinese, [1] English
	"welcome.new": {
		"您好，我是通报助手。我会把政府的会议通报、通知公告推送给您，并附上摘要和全文链接。\n现在您会收到全部通报；发送「订阅 防汛」这样的消息，只接收关心的主题。",
		"Hello! I am the bulletin assistant. I send you government meeting reports and notices with a summary and a link to the full text.\nYou now receive every bulletin; send \"subscribe flood control\" to receive only the topics you care about.",
	},
	"welcome.back": {"欢迎回来！", "Welcome back!"},
	"help.title":   {"可以这样问我", "What you can ask"},
	"help.items": {
		"最新会议 — 最新一次会议的要点\n最近的常委会 / 最近的常务会议 — 某类会议的最新一次\n5月27日的会议 / 昨天的会议 / 本周的会议\n搜索 防汛 — 搜索全部通报\n最近10条 — 通报列表；下一页 翻页\n全文 2 — 列表第2条的全文\n订阅 防汛 / 退订 防汛 / 我的订阅 / 主题\n每日摘要 8点 / 即时推送 / 免打扰 22:00-07:00\n单位 县应急管理局 — 设置您的单位",
		"latest meeting — the key points of the newest meeting\nlatest notice / /latest news\nmeetings on May 27 / yesterday's meetings / meetings in June\nsearch flood — search all bulletins\n/recent — the newest bulletins; more — next page\nfull 2 — the full text of item 2\nsubscribe flood control / unsubscribe … / my subscriptions / topics\n/digest 08:00 / /instant / /quiet 22:00-07:00\n/lang zh — 切换为中文",
	},
	"help.admin": {
		"管理员：/stats [编号] 阅读统计；/broadcast 广播通知；/remind 编号 催读；/channel @频道 添加推送频道",
		"Admins: /stats [id] reading stats; /broadcast an announcement; /remind id to nudge the unread; /channel @name adds a push channel",
	},
	"error":          {"抱歉，服务暂时不可用，请稍后再试。", "Sorry, something went wrong on our side. Please try again shortly."},
	"too.fast":       {"您发送得太快了，请 %d 秒后再发。", "You are sending messages too fast. Please write again in %d seconds."},
	"no.bulletins":   {"还没有任何通报。", "There are no bulletins yet."},
	"no.meeting":     {"还没有会议通报。", "There are no meeting reports yet."},
	"no.kind":        {"还没有%s。", "There are no %s yet."},
	"no.match":       {"没有找到与「%s」相符的会议。", "No meeting matches \"%s\"."},
	"no.topic":       {"还没有关于「%s」的通报。", "No bulletin about \"%s\" yet."},
	"no.date":        {"%s没有%s。", "No %[2]s on %[1]s."},
	"date.found":     {"%s的%s（%d条）", "%[2]s on %[1]s (%[3]d)"},
	"date.elsewhere": {"%s没有找到；最近一次是%s：", "Nothing on %s; the nearest is on %s:"},
	"search.empty":   {"请在「搜索」后面写上要找的词，例如：搜索 防汛", "Tell me what to look for, e.g. search flood"},
	"search.none":    {"没有找到包含「%s」的通报。试试别的词，或发送「最近10条」看看最新的通报。", "Nothing found for \"%s\". Try other words, or send /recent for the newest bulletins."},
	"search.found":   {"「%s」共找到%s条", "%[2]s results for \"%[1]s\""},
	"search.guess":   {"为您找到与「%s」相关的通报（%s条）", "Bulletins about \"%s\" (%s)"},
	"recent.title":   {"最近的通报（第%d页）", "Newest bulletins (page %d)"},
	"list.hint":      {"发送「全文 编号」查看全文，「下一页」看更多。", "Send \"full N\" for the full text, \"more\" for the next page."},
	"list.hint.last": {"发送「全文 编号」查看全文。", "Send \"full N\" for the full text."},
	"more.none":      {"没有更多了。", "That is all."},
	"more.nothing":   {"请先发送「最近10条」或「搜索 防汛」，再用「下一页」翻页。", "Ask for a list first (/recent or search …), then \"more\"."},
	"detail.which":   {"请告诉我要看哪一条，例如「全文 1」（先发送「最近10条」看列表）。", "Which one? Send e.g. \"full 1\" after /recent."},
	"detail.none":    {"没有找到第%s条。发送「最近10条」看列表。", "There is no item %s. Send /recent for the list."},
	"unknown": {
		"抱歉，我没有理解“%s”。您可以试试：\n• 最新会议\n• 搜索 防汛\n• 订阅 人才\n• 帮助",
		"Sorry, I did not understand \"%s\". Try:\n• latest meeting\n• search flood\n• subscribe talent\n• help",
	},
	"sub.which":        {"请告诉我要订阅什么，例如「订阅 防汛」。可订阅的主题：%s", "What should I subscribe you to? E.g. \"subscribe flood control\". Topics: %s"},
	"sub.topic":        {"已订阅「%s」。今后有关%s的通报会推送给您。", "Subscribed to \"%s\". Bulletins about %s will be sent to you."},
	"sub.kind":         {"已订阅全部%s。", "Subscribed to all %s."},
	"sub.keyword":      {"已订阅关键词「%s」：正文包含它的通报都会推送给您。（可订阅的主题：%s）", "Subscribed to the keyword \"%s\": every bulletin mentioning it will be sent to you. (Topics: %s)"},
	"sub.all":          {"已恢复接收全部通报。", "You receive every bulletin again."},
	"sub.already":      {"您已经订阅了「%s」。", "You are already subscribed to \"%s\"."},
	"unsub.done":       {"已退订「%s」。", "Unsubscribed from \"%s\"."},
	"unsub.all":        {"已退订全部通报，不会再推送。发送「订阅 全部」可恢复。", "Unsubscribed from everything; nothing more will be sent. Send \"subscribe all\" to resume."},
	"unsub.missing":    {"您没有订阅「%s」。发送「我的订阅」查看。", "You are not subscribed to \"%s\". Send /mysubs to see your subscriptions."},
	"unsub.empty":      {"您已退订全部主题，目前不会收到推送。发送「订阅 全部」恢复接收全部通报。", "You have no subscriptions left, so nothing will be sent. Send \"subscribe all\" to receive everything."},
	"mysubs.all":       {"您正在接收全部通报。", "You receive every bulletin."},
	"mysubs.none":      {"您目前没有订阅，不会收到推送。发送「订阅 全部」或「订阅 防汛」。", "You have no subscriptions and receive nothing. Send \"subscribe all\" or \"subscribe flood control\"."},
	"mysubs.list":      {"您订阅了：%s", "Your subscriptions: %s"},
	"mysubs.mode":      {"推送方式：%s", "Delivery: %s"},
	"mode.instant":     {"即时推送", "instant"},
	"mode.digest":      {"每日摘要（%s）", "daily digest at %s"},
	"mode.quiet":       {"免打扰 %s", "quiet hours %s"},
	"topics.title":     {"可订阅的主题", "Topics you can subscribe to"},
	"topics.hint":      {"发送「订阅 主题名」订阅，例如「订阅 防汛」；也可以订阅 会议 / 通知 / 任意关键词。", "Send \"subscribe <topic>\", e.g. \"subscribe flood control\"; you can also subscribe to meeting / notice / any keyword."},
	"digest.set":       {"好的，每天%s给您发送当天通报的摘要；紧急通知仍会立即推送。发送「即时推送」可改回。", "OK: a digest every day at %s; urgent announcements still arrive at once. Send /instant to switch back."},
	"digest.which":     {"请告诉我每天几点发送摘要，例如「每日摘要 8点」。", "At what time? E.g. /digest 08:00"},
	"instant.set":      {"好的，新的通报会立即推送给您。", "OK: new bulletins will be sent to you as they arrive."},
	"quiet.set":        {"好的，%s期间的推送会延后到免打扰结束后（紧急通知除外）。", "OK: pushes during %s wait until quiet hours end (urgent announcements excepted)."},
	"quiet.off":        {"已关闭免打扰。", "Quiet hours are off."},
	"quiet.which":      {"请这样设置：免打扰 22:00-07:00；关闭请发送「免打扰 关闭」。", "Set it like /quiet 22:00-07:00, or /quiet off."},
	"lang.set":         {"好的，我会用中文回复您。", "OK, I will answer in English."},
	"lang.which":       {"请发送 /lang zh 或 /lang en。", "Send /lang zh or /lang en."},
	"unit.set":         {"已将您的单位设置为「%s」。", "Your unit is now \"%s\"."},
	"unit.which":       {"请告诉我您的单位，例如「单位 县应急管理局」。", "Which unit? E.g. /unit County Emergency Bureau"},
	"admin.only":       {"这个功能只对管理员开放。", "Only admins can do that."},
	"stats.title":      {"阅读统计", "Reading stats"},
	"stats.overall":    {"通报 %d 条（会议 %d，通知公告 %d，新闻 %d）\n订阅者 %d 位（活跃 %d，已屏蔽 %d，已取关 %d）", "%d bulletins (%d meetings, %d notices, %d news)\n%d subscribers (%d active, %d blocked, %d left)"},
	"stats.one":        {"已送达 %d · 已读 %d · 未读 %d · 阅读率 %.0f%%", "delivered %d · read %d · unread %d · read rate %.0f%%"},
	"stats.by_hour":    {"发布后各小时的阅读：", "Reads by hour after publication:"},
	"stats.by_day":     {"每天的阅读：", "Reads by day:"},
	"stats.hour":       {"第 %d 小时：%d 人", "hour %d: %d"},
	"stats.day":        {"%s：%d 人", "%s: %d"},
	"stats.none":       {"没有编号为 %s 的通报。", "No bulletin with id %s."},
	"bc.ask":           {"请发送要广播的内容（发送「取消」放弃）。", "Send the text of the announcement (or \"cancel\")."},
	"bc.preview":       {"广播预览", "Announcement preview"},
	"bc.audience":      {"将发送给 %d 位订阅者%s。", "It will go to %d subscribers%s."},
	"bc.urgent":        {"（紧急：忽略免打扰和每日摘要）", " (urgent: ignores quiet hours and digests)"},
	"bc.segment":       {"不认识发送对象「%s」。可以用：@all、@tg、@wx、@wecom、@topic:防汛、@unit:单位名称。", "Unknown audience \"%s\". Use @all, @tg, @wx, @wecom, @topic:<name> or @unit:<name>."},
	"bc.confirm":       {"确认发送", "Send"},
	"bc.cancel":        {"取消", "Cancel"},
	"bc.cancelled":     {"已取消广播。", "Announcement cancelled."},
	"bc.expired":       {"这个广播草稿已过期，请重新发送 /broadcast。", "This draft has expired; send /broadcast again."},
	"bc.started":       {"已开始发送，共 %d 位订阅者。", "Sending to %d subscribers."},
	"bc.disabled":      {"广播发送未启用（需要运行 tongbao serve）。", "Broadcasting is not enabled here (run tongbao serve)."},
	"bc.hint":          {"回复「确认」发送，回复「取消」放弃。", "Reply \"confirm\" to send it, or \"cancel\" to drop it."},
	"bc.to":            {"发送对象", "To"},
	"bc.to.all":        {"全部订阅者", "all subscribers"},
	"bc.to.platform":   {"%s上的订阅者", "subscribers on %s"},
	"bc.to.topic":      {"订阅「%s」的人", "subscribers of %s"},
	"bc.to.unit":       {"%s的订阅者", "subscribers in %s"},
	"bc.to.kind":       {"订阅%s的人", "subscribers of %s"},
	"platform.tg":      {"Telegram", "Telegram"},
	"platform.wx":      {"微信公众号", "the WeChat Official Account"},
	"platform.wecom":   {"企业微信", "WeCom"},
	"platform.console": {"本机终端", "this terminal"},
	"channel.which":    {"请这样添加推送频道或群：/channel @频道用户名 或 /channel -100…（需先把机器人设为频道管理员）；移除：/channel remove @频道用户名", "Add a push target: /channel @channelname or /channel -100… (make the bot an admin there first); remove: /channel remove @channelname"},
	"channel.added":    {"已添加推送目标 %s：今后的通报会发到那里。", "Push target %s added: bulletins will be posted there."},
	"channel.telegram": {"推送频道只能在 Telegram 里添加：请在 Telegram 上给机器人发送 /channel @频道用户名。", "Push targets are Telegram channels and groups: send /channel @channelname to the bot on Telegram."},
	"channel.removed":  {"已移除推送目标 %s。", "Push target %s removed."},
	"remind.which":     {"请告诉我要催读哪一条，例如「催读 20220608-0ce36211」。", "Which bulletin? E.g. /remind 20220608-0ce36211"},
	"remind.done":      {"已向 %d 位未读的订阅者发送提醒。", "Reminded %d subscribers who had not read it."},
	"remind.nobody":    {"没有需要提醒的人：都已读过或已提醒过。", "Nobody to remind: everyone has read it or was reminded."},
	"read.marked":      {"已标记为已读，谢谢！", "Marked as read. Thank you!"},
	"read.already":     {"您已经读过这条了。", "You have read this one already."},
	"history.none":     {"还没有阅读记录。", "No reading history yet."},
	"history.title":    {"最近阅读", "Recently read"},
	"card.published":   {"发布", "Published"},
	"card.meeting":     {"会议", "Meeting"},
	"card.chair":       {"主持", "Chaired by"},
	"card.held":        {"召开", "Held"},
	"card.doc":         {"文号", "Document"},
	"card.source":      {"来源", "Source"},
	"card.summary":     {"摘要", "Summary"},
	"card.points":      {"会议要点", "Key points"},
	"card.read":        {"阅读全文", "Read the full text"},
	"btn.full":         {"全文", "Full text"},
	"btn.read":         {"已读", "Mark read"},
	"btn.sub":          {"订阅「%s」", "Follow %s"},
	"btn.more":         {"下一页", "More"},
	"kind.meeting":     {"会议通报", "meeting reports"},
	"kind.notice":      {"通知公告", "notices"},
	"kind.news":        {"新闻", "news"},
	"kind.any":         {"通报", "bulletins"},
	"topic.none":       {"（无）", "(none)"},
}

// say renders a catalog entry in a language ("en" or anything else for
// Chinese).
func say(lang, key string, args ...any) string {
	entry, ok := catalog[key]
	if !ok {
		return key
	}
	f := entry[0]
	if lang == "en" {
		f = entry[1]
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}
