package bot

import (
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
		"最新会议":                                      {Action: ActLatest, Kind: content.KindMeeting, Lang: "zh"},
		"最近一次会议":                                    {Action: ActLatest, Kind: content.KindMeeting, Lang: "zh"},
		"最新的会议？":                                    {Action: ActLatest, Kind: content.KindMeeting, Lang: "zh"},
		"  最新会议  ":                                  {Action: ActLatest, Kind: content.KindMeeting, Lang: "zh"},
		"最新会议🙏":                                     {Action: ActLatest, Kind: content.KindMeeting, Lang: "zh"},
		"请问最新会议是什么":                                 {Action: ActLatest, Kind: content.KindMeeting, Lang: "zh"},
		"最近的常委会讲了什么":                                {Action: ActLatest, Kind: content.KindMeeting, Match: "常委会", Lang: "zh"},
		"最新通报":                                      {Action: ActLatest, Lang: "zh"},
		"最新":                                        {Action: ActLatest, Lang: "zh"},
		"最新通知":                                      {Action: ActLatest, Kind: content.KindNotice, Lang: "zh"},
		"最近的常委会":                                    {Action: ActLatest, Kind: content.KindMeeting, Match: "常委会", Lang: "zh"},
		"最近的常务会议":                                   {Action: ActLatest, Kind: content.KindMeeting, Match: "常务会议", Lang: "zh"},
		"最新一次县政府常务会议":                               {Action: ActLatest, Kind: content.KindMeeting, Match: "县政府常务会议", Lang: "zh"},
		"最新防汛通报":                                    {Action: ActLatest, Topic: "防汛", Lang: "zh"},
		"帮我看看最新会议吧":                                 {Action: ActLatest, Kind: content.KindMeeting, Lang: "zh"},
		"/latest":                                   {Action: ActLatest},
		"/latest meeting":                           {Action: ActLatest, Kind: content.KindMeeting, Lang: "en"},
		"/latest@TongbaoBot":                        {Action: ActLatest},
		"/latest@TongbaoBot 会议":                     {Action: ActLatest, Kind: content.KindMeeting, Lang: "zh"},
		"/LATEST notice":                            {Action: ActLatest, Kind: content.KindNotice, Lang: "en"},
		"／ｌａｔｅｓｔ　ｍｅｅｔｉｎｇ":                           {Action: ActLatest, Kind: content.KindMeeting, Lang: "en"},
		"latest meeting":                            {Action: ActLatest, Kind: content.KindMeeting, Lang: "en"},
		"Latest meetings?":                          {Action: ActLatest, Kind: content.KindMeeting, Lang: "en"},
		"the latest":                                {Action: ActLatest, Lang: "en"},
		"what's the latest meeting":                 {Action: ActLatest, Kind: content.KindMeeting, Lang: "en"},
		"Can you show me the newest notice please?": {Action: ActLatest, Kind: content.KindNotice, Lang: "en"},
		"what topics are there":                     {Action: ActTopics, Lang: "en"},
		"what's new":                                {Action: ActRecent, Lang: "en"},
		"有哪些话题":                                     {Action: ActTopics, Lang: "zh"},
		"可以订阅哪些？":                                   {Action: ActTopics, Lang: "zh"},
		"latest notice":                             {Action: ActLatest, Kind: content.KindNotice, Lang: "en"},
		// dates
		"5月27日的会议":             {Action: ActByDate, Kind: content.KindMeeting, From: d(2026, 5, 27), To: d(2026, 5, 28), NoYear: true, DateLabel: "5月27日", Lang: "zh"},
		"5月27号会议":              {Action: ActByDate, Kind: content.KindMeeting, From: d(2026, 5, 27), To: d(2026, 5, 28), NoYear: true, DateLabel: "5月27日", Lang: "zh"},
		"五月二十七日的会议":            {Action: ActByDate, Kind: content.KindMeeting, From: d(2026, 5, 27), To: d(2026, 5, 28), NoYear: true, DateLabel: "5月27日", Lang: "zh"},
		"12月1日":                {Action: ActByDate, From: d(2025, 12, 1), To: d(2025, 12, 2), NoYear: true, DateLabel: "12月1日", Lang: "zh"},
		"2022-05-27":           {Action: ActByDate, From: d(2022, 5, 27), To: d(2022, 5, 28), DateLabel: "2022年5月27日"},
		"2022年5月27日":           {Action: ActByDate, From: d(2022, 5, 27), To: d(2022, 5, 28), DateLabel: "2022年5月27日", Lang: "zh"},
		"昨天的会议":                {Action: ActByDate, Kind: content.KindMeeting, From: d(2026, 11, 27), To: d(2026, 11, 28), DateLabel: "昨天", Lang: "zh"},
		"今天":                   {Action: ActByDate, From: d(2026, 11, 28), To: d(2026, 11, 29), DateLabel: "今天", Lang: "zh"},
		"本周的会议":                {Action: ActByDate, Kind: content.KindMeeting, From: d(2026, 11, 23), To: d(2026, 11, 30), DateLabel: "本周", Lang: "zh"},
		"上周会议":                 {Action: ActByDate, Kind: content.KindMeeting, From: d(2026, 11, 16), To: d(2026, 11, 23), DateLabel: "上周", Lang: "zh"},
		"本月的通知":                {Action: ActByDate, Kind: content.KindNotice, From: d(2026, 11, 1), To: d(2026, 12, 1), DateLabel: "本月", Lang: "zh"},
		"6月的会议":                {Action: ActByDate, Kind: content.KindMeeting, From: d(2026, 6, 1), To: d(2026, 7, 1), NoYear: true, DateLabel: "6月", Lang: "zh"},
		"2022年6月的会议":           {Action: ActByDate, Kind: content.KindMeeting, From: d(2022, 6, 1), To: d(2022, 7, 1), DateLabel: "2022年6月", Lang: "zh"},
		"5月27日的常委会":            {Action: ActByDate, Kind: content.KindMeeting, Match: "常委会", From: d(2026, 5, 27), To: d(2026, 5, 28), NoYear: true, DateLabel: "5月27日", Lang: "zh"},
		"meetings in june":     {Action: ActByDate, Kind: content.KindMeeting, From: d(2026, 6, 1), To: d(2026, 7, 1), NoYear: true, DateLabel: "June", Lang: "en"},
		"meeting on May 27":    {Action: ActByDate, Kind: content.KindMeeting, From: d(2026, 5, 27), To: d(2026, 5, 28), NoYear: true, DateLabel: "27 May", Lang: "en"},
		"yesterday's meetings": {Action: ActByDate, Kind: content.KindMeeting, From: d(2026, 11, 27), To: d(2026, 11, 28), DateLabel: "yesterday", Lang: "en"},
		"/date 2022-06-08":     {Action: ActByDate, From: d(2022, 6, 8), To: d(2022, 6, 9), DateLabel: "2022年6月8日"},
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
		"防汛":               {Action: ActUnknown, Query: "防汛", Lang: "zh"},
		// detail, list, paging
		"全文 2":                 {Action: ActDetail, Query: "2", N: 2, Lang: "zh"},
		"全文2":                  {Action: ActDetail, Query: "2", N: 2, Lang: "zh"},
		"全文 二":                 {Action: ActDetail, Query: "二", N: 2, Lang: "zh"},
		"详情 20220608-0ce36211": {Action: ActDetail, Query: "20220608-0ce36211", Lang: "zh"},
		"全文":                   {Action: ActDetail, Lang: "zh"},
		"/full 3":              {Action: ActDetail, Query: "3", N: 3},
		"最近10条":                {Action: ActRecent, N: 10, Lang: "zh"},
		"最近十条会议":               {Action: ActRecent, N: 10, Kind: content.KindMeeting, Lang: "zh"},
		"/recent":              {Action: ActRecent},
		"/recent 5":            {Action: ActRecent, N: 5},
		"下一页":                  {Action: ActMore, Lang: "zh"},
		"more":                 {Action: ActMore, Lang: "en"},
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
		"/start":                    {Action: ActStart},
		"/help":                     {Action: ActHelp},
		"帮助":                        {Action: ActHelp, Lang: "zh"},
		"help":                      {Action: ActHelp, Lang: "en"},
		"你好":                        {Action: ActStart, Lang: "zh"},
		"/lang en":                  {Action: ActLang, Query: "en", Lang: "en"},
		"English":                   {Action: ActLang, Query: "en", Lang: "en"},
		"/stats":                    {Action: ActStats},
		"/stats 20220608-0ce36211":  {Action: ActStats, Query: "20220608-0ce36211"},
		"统计局通知":                     {Action: ActUnknown, Query: "统计局通知", Lang: "zh"},
		"/broadcast":                {Action: ActBroadcast},
		"广播 今晚有暴雨":                  {Action: ActBroadcast, Query: "今晚有暴雨", Lang: "zh"},
		"/remind 20220608-0ce36211": {Action: ActRemind, Query: "20220608-0ce36211"},
		"催读 20220608-0ce36211":      {Action: ActRemind, Query: "20220608-0ce36211", Lang: "zh"},
		// unknown
		"/frobnicate": {Action: ActUnknown, Query: "/frobnicate"},
		"今天天气怎么样":     {Action: ActUnknown, Query: "今天天气怎么样", Lang: "zh"},
		"":            {Action: ActHelp},
		"🙂🙂":          {Action: ActHelp},
	}
	for text, want := range tests {
		t.Run(text, func(t *testing.T) {
			got := Understand(text, testNow)
			if !got.From.Equal(want.From) || !got.To.Equal(want.To) {
				t.Errorf("Understand(%q) range = %v – %v, want %v – %v", text, got.From, got.To, want.From, want.To)
			}
			got.From, got.To, want.From, want.To = time.Time{}, time.Time{}, time.Time{}, time.Time{}
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
