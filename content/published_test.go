package content

import (
	"fmt"
	"testing"
	"time"
)

// A notice of our own, with its publication time written in different ways.
const publishedNotice = `石桥镇人民政府关于开展秋季森林防火检查的通知
发布时间：%s
各村（社区）、镇属各单位：
为切实做好秋季森林防火工作，镇政府决定开展一次森林防火专项检查，请各单位认真落实巡山护林责任。
一、检查时间为本月中旬，各村要提前自查并形成台账。
二、检查结果纳入年度考核。
石桥镇人民政府
石桥镇应急管理办公室
2023年9月20日
（此件公开发布）`

func TestPublishedDateOnly(t *testing.T) {
	fetched := time.Date(2023, 9, 21, 3, 4, 0, 0, time.UTC)
	tests := map[string]struct {
		published string
		dateOnly  bool
		want      string // PublishedText("2006-01-02")
	}{
		"date and time":        {"2023-09-20 14:30", false, "2023-09-20 14:30"},
		"date alone":           {"2023-09-20", true, "2023-09-20"},
		"chinese date alone":   {"2023年9月20日", true, "2023-09-20"},
		"chinese date, a time": {"2023年9月20日 08:05", false, "2023-09-20 08:05"},
	}
	p := NewParser(ParserConfig{}, ParserDeps{})
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := p.Parse(Input{Data: []byte(fmt.Sprintf(publishedNotice, tc.published)), Name: "n.txt", Fetched: fetched})
			if err != nil {
				t.Fatal(err)
			}
			if b.DateOnly != tc.dateOnly {
				t.Errorf("DateOnly = %v, want %v (published %s)", b.DateOnly, tc.dateOnly, b.PublishedAt)
			}
			if got := b.PublishedText("2006-01-02"); got != tc.want {
				t.Errorf("PublishedText = %q, want %q", got, tc.want)
			}
		})
	}
	// Without a date in the text the fetch time stands in, with its time.
	b, err := p.Parse(Input{Data: []byte("石桥镇召开秋季森林防火工作会议\n会议要求各村认真落实巡山护林责任，确保不发生森林火灾。"), Name: "m.txt", Fetched: fetched})
	if err != nil {
		t.Fatal(err)
	}
	if b.DateOnly || b.PublishedText("2006年1月2日") != "2023年9月21日 11:04" {
		t.Errorf("fetch time: DateOnly %v, %q", b.DateOnly, b.PublishedText("2006年1月2日"))
	}
	// A bulletin stored before DateOnly existed shows its midnight as a day.
	old := &Bulletin{PublishedAt: time.Date(2022, 6, 7, 16, 0, 0, 0, time.UTC)}
	if got := old.PublishedText("2006-01-02"); got != "2022-06-08" {
		t.Errorf("stored midnight: %q", got)
	}
}

func TestSignatureLines(t *testing.T) {
	tests := map[string]struct {
		paras    []string
		from, to int
	}{
		"issuer and date": {[]string{"正文内容写在这里。", "青溪县人民政府办公室", "2022年6月1日"}, 1, 3},
		"joint, remark":   {[]string{"正文内容写在这里。", "石桥镇人民政府", "石桥镇应急管理办公室", "2023年9月20日", "（此件公开发布）"}, 1, 4},
		"date alone":      {[]string{"正文内容写在这里。", "2023-09-20"}, 1, 2},
		"no signature":    {[]string{"正文内容写在这里。", "会议要求各单位抓好落实。"}, 0, 0},
		"sentence above":  {[]string{"请各单位认真贯彻执行。", "2023年9月20日"}, 1, 2},
		"empty":           {nil, 0, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if from, to := SignatureLines(tc.paras); from != tc.from || to != tc.to {
				t.Errorf("SignatureLines = %d, %d, want %d, %d", from, to, tc.from, tc.to)
			}
		})
	}
}
