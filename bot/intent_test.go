package bot

import (
	"strings"
	"testing"
	"time"

	"tongbao/content"
)

// testNow is a fixed "now": Saturday 2026-11-28 10:00 in Shanghai.
var testNow = time.Date(2026, 11, 28, 10, 0, 0, 0, content.Shanghai)

func d(y, m, day int) time.Time {
	return time.Date(y, time.Month(m), day, 0, 0, 0, 0, content.Shanghai)
}

func TestUnderstand(t *testing.T) {
	tests := map[string]Intent{
		// latest
		"what topics are there": {Action: ActTopics, Lang: "en"},
		"what's new":            {Action: ActRecent, Lang: "en"},
		"有哪些话题":                 {Action: ActTopics, Lang: "zh"},
		"可以订阅哪些？":               {Action: ActTopics, Lang: "zh"},
		// dates
		// search
		"搜索 防汛":            {Action: ActSearch, Query: "防汛", Lang: "zh"},
		"搜索防汛":             {Action: ActSearch, Query: "防汛", Lang: "zh"},
		"搜索：防汛":            {Action: ActSearch, Query: "防汛", Lang: "zh"},
		"查 招商引资":           {Action: ActSearch, Query: "招商引资", Lang: "zh"},
		"查找 人才 政策":         {Action: ActSearch, Query: "人才 政策", Lang: "zh"},
		"/search talent":   {Action: ActSearch, Query: "talent", Lang: "en"},
		"/search 防汛":       {Action: ActSearch, Query: "防汛", Lang: "zh"},
		"search flood":     {Action: ActSearch, Query: "flood", Lang: "en"},
		"search for flood": {Action: ActSearch, Query: "flood", Lang: "en"},

		// detail, list, paging
		"全文 2":                 {Action: ActDetail, Query: "2", N: 2, Lang: "zh"},
		"全文2":                  {Action: ActDetail, Query: "2", N: 2, Lang: "zh"},
		"全文 二":                 {Action: ActDetail, Query: "二", N: 2, Lang: "zh"},
		"详情 20220608-0ce36211": {Action: ActDetail, Query: "20220608-0ce36211", Lang: "zh"},
		"全文":                   {Action: ActDetail, Lang: "zh"},
		"/full 3":              {Action: ActDetail, Query: "3", N: 3},

		"/recent":   {Action: ActRecent},
		"/recent 5": {Action: ActRecent, N: 5},
		"下一页":       {Action: ActMore, Lang: "zh"},
		"more":      {Action: ActMore, Lang: "en"},
		// subscriptions
		"订阅 防汛":              {Action: ActSubscribe, Query: "防汛", Lang: "zh"},
		"订阅防汛":               {Action: ActSubscribe, Query: "防汛", Lang: "zh"},
		"/sub 人才":            {Action: ActSubscribe, Query: "人才", Lang: "zh"},
		"/sub@TongbaoBot 人才": {Action: ActSubscribe, Query: "人才", Lang: "zh"},
		"subscribe talent":   {Action: ActSubscribe, Query: "talent", Lang: "en"},
		"退订":                 {Action: ActUnsubscribe, Lang: "zh"},
		"退订 防汛":              {Action: ActUnsubscribe, Query: "防汛", Lang: "zh"},
		"取消订阅 人才":            {Action: ActUnsubscribe, Query: "人才", Lang: "zh"},
		"/unsub":             {Action: ActUnsubscribe},
		"我的订阅":               {Action: ActMySubs, Lang: "zh"},
		"订阅列表":               {Action: ActMySubs, Lang: "zh"},
		"/mysubs":            {Action: ActMySubs},
		"主题":                 {Action: ActTopics, Lang: "zh"},
		"/topics":            {Action: ActTopics},
		"topics":             {Action: ActTopics, Lang: "en"},
		// delivery preferences
		"每日摘要 8点":         {Action: ActDigest, Query: "08:00", Lang: "zh"},
		"每日摘要 早上8点半":      {Action: ActDigest, Query: "08:30", Lang: "zh"},
		"每日摘要晚上9点":        {Action: ActDigest, Query: "21:00", Lang: "zh"},
		"/digest 08:00":   {Action: ActDigest, Query: "08:00"},
		"/digest soon":    {Action: ActDigest, Query: "?", Lang: "en"},
		"/instant":        {Action: ActInstant},
		"即时推送":            {Action: ActInstant, Lang: "zh"},
		"免打扰 22:00-07:00": {Action: ActQuiet, Query: "22:00-07:00", Lang: "zh"},
		"/quiet off":      {Action: ActQuiet, Query: "off", Lang: "en"},
		// help, start, language, admin
		"/start":                   {Action: ActStart},
		"/help":                    {Action: ActHelp},
		"帮助":                       {Action: ActHelp, Lang: "zh"},
		"help":                     {Action: ActHelp, Lang: "en"},
		"你好":                       {Action: ActStart, Lang: "zh"},
		"/lang en":                 {Action: ActLang, Query: "en", Lang: "en"},
		"English":                  {Action: ActLang, Query: "en", Lang: "en"},
		"/stats":                   {Action: ActStats},
		"/stats 20220608-0ce36211": {Action: ActStats, Query: "20220608-0ce36211"},

		"/broadcast":                {Action: ActBroadcast},
		"广播 今晚有暴雨":                  {Action: ActBroadcast, Query: "今晚有暴雨", Lang: "zh"},
		"/remind 20220608-0ce36211": {Action: ActRemind, Query: "20220608-0ce36211"},
		"催读 20220608-0ce36211":      {Action: ActRemind, Query: "20220608-0ce36211", Lang: "zh"},
		// unknown
		"/frobnicate": {Action: ActUnknown, Query: "/frobnicate"},

		"":   {Action: ActHelp},
		"🙂🙂": {Action: ActHelp},
	}
	// Questions are read into slots when they are answered (question_test.go).
	for _, text := range []string{"最新会议", "最近一次会议", "最新的会议？", "  最新会议  ", "最新会议🙏", "请问最新会议是什么", "最近的常委会讲了什么", "最新通报", "最新", "最新通知", "最近的常委会", "最近的常务会议", "最新一次县政府常务会议", "最新防汛通报", "帮我看看最新会议吧", "/latest", "/latest meeting", "/latest@TongbaoBot", "/latest@TongbaoBot 会议", "/LATEST notice", "／ｌａｔｅｓｔ　ｍｅｅｔｉｎｇ", "latest meeting", "Latest meetings?", "the latest", "what's the latest meeting", "Can you show me the newest notice please?", "latest notice", "5月27日的会议", "5月27号会议", "五月二十七日的会议", "12月1日", "2022-05-27", "2022年5月27日", "昨天的会议", "今天", "本周的会议", "上周会议", "本月的通知", "6月的会议", "2022年6月的会议", "5月27日的常委会", "meetings in june", "meeting on May 27", "yesterday's meetings", "/date 2022-06-08", "防汛", "统计局通知", "今天天气怎么样", "最近10条", "最近十条会议"} {
		got := Understand(text)
		if got.Action != ActAsk || (got.Query != normalize(text) && !strings.HasPrefix(normalize(text), "/")) {
			t.Errorf("Understand(%q) = %+v, want a question", text, got)
		}
	}
	for text, want := range tests {
		t.Run(text, func(t *testing.T) {
			got := Understand(text)
			if got != want {
				t.Errorf("Understand(%q) =\n  %+v\nwant\n  %+v", text, got, want)
			}
		})
	}
}

func TestClockOf(t *testing.T) {
	for in, want := range map[string]string{"8点": "08:00", "08:00": "08:00", "8:30": "08:30", "下午3点": "15:00", "晚上9点半": "21:30", "7点15分": "07:15", "25点": "", "soon": ""} {
		if got := clockOf(in); got != want {
			t.Errorf("clockOf(%q) = %q, want %q", in, got, want)
		}
	}
}
