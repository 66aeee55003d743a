package content

import "testing"

func TestStripDateline(t *testing.T) {
	tests := map[string]string{
		"央视网消息（新闻联播）：国务院今天发布新规。":          "国务院今天发布新规。",
		"新华社北京3月5日电（记者 王小明）全国春播进度过半。":     "全国春播进度过半。",
		"新华社北京3月5日电 全国春播进度过半。":            "全国春播进度过半。",
		"本报讯（记者 周小燕 通讯员 陈立）县委书记张明主持召开会议。": "县委书记张明主持召开会议。",
		"青溪县融媒体中心讯 近日，县里召开会议。":            "近日，县里召开会议。",
		"青溪县融媒体中心讯近日，县里召开会议。":             "近日，县里召开会议。",
		"据市广播电视台报道，市政府召开专题会议。":            "市政府召开专题会议。",
		"人民网北京1月2日电 （记者李华）新年首个工作日各地开工忙。":  "新年首个工作日各地开工忙。",
		"（记者 王强 通讯员 李丽）街道召开推进会。":          "街道召开推进会。",
		"本台消息，全县今天迎来强降雨。":                 "全县今天迎来强降雨。",
		"据《人民日报》报道，全国夏粮收购进度过半。":           "全国夏粮收购进度过半。",
		"（青溪县融媒体中心 记者 张三）县委召开常委会会议。":      "县委召开常委会会议。",
		"记者 王红 报道：9月22日，丰收节活动举行。":         "9月22日，丰收节活动举行。",
		"通讯员 张丽 报道 5月29日，镇里开展防汛演练。":       "5月29日，镇里开展防汛演练。",
		"记者 陈晨、刘洋 通讯员 李强 报道：街道召开推进会。":     "街道召开推进会。",
		"本報訊（記者 陳曉）12月2日下午，縣委召開常委會會議。":    "12月2日下午，縣委召開常委會會議。",
		// no dateline: left alone
		"记者从国铁集团获悉，暑运客流创新高。":  "记者从国铁集团获悉，暑运客流创新高。",
		"国家电网公司今年投资再创新高。":     "国家电网公司今年投资再创新高。",
		"好消息传来，全县粮食再获丰收。":     "好消息传来，全县粮食再获丰收。",
		"县委书记张明26日主持召开常委会会议。": "县委书记张明26日主持召开常委会会议。",
		"通讯设施建设加快推进，基站覆盖全县。":  "通讯设施建设加快推进，基站覆盖全县。",
	}
	for in, want := range tests {
		if got := stripDateline(in); got != want {
			t.Errorf("stripDateline(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDropBylineParagraphs(t *testing.T) {
	paras := []string{"县委召开常委会会议，研究近期工作。", "会议强调，要抓好安全生产。", "（记者 周小燕 通讯员 陈立）", "文/图：赵六",
		"审核：钱七  编辑：孙八  责任编辑：周九", "責任編輯：吳十"}
	got := dropDateline(append([]string{}, paras...))
	if len(got) != 2 || got[1] != "会议强调，要抓好安全生产。" {
		t.Errorf("dropDateline = %q, want the byline paragraphs dropped", got)
	}
	// A sentence that mentions a reporter is text, not a byline.
	text := []string{"县委召开常委会会议。", "记者从县应急管理局获悉，全县已转移群众1200人。", "审核通过的项目共12个。"}
	if got := dropDateline(append([]string{}, text...)); len(got) != 3 {
		t.Errorf("dropDateline = %q, want the sentences kept", got)
	}
}

func TestDropDatelineParagraph(t *testing.T) {
	paras := []string{"本报讯（记者 周小燕）", "县委召开常委会会议，研究近期工作。"}
	got := dropDateline(paras)
	if len(got) != 1 || got[0] != "县委召开常委会会议，研究近期工作。" {
		t.Errorf("dropDateline = %q, want the byline paragraph dropped", got)
	}
}
