package content

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// datelineExpr is the news agency's or newsroom's mark in front of a
// report's first sentence: 央视网消息（新闻联播）：, 新华社北京3月5日电（记者
// 张三）, 本报讯（记者 李四 通讯员 王五）, 青溪县融媒体中心讯, 据新华社报道，,
// 记者 王红 通讯员 李强 报道：.
// A mark ends with 消息/讯/电/报道 and then a bracketed byline or a
// separator; 讯 may run on into the text after a newsroom's name, and 电
// after the day it was filed (3月5日电).
var datelineExpr = regexp.MustCompile(`^(?:` +
	`[\p{Han}A-Za-z0-9·]{1,24}?(?:消息|讯|电)\s*[（(][^（()）]{0,60}[）)]\s*[：:，,]?` +
	`|[\p{Han}A-Za-z0-9·]{1,24}?(?:消息|讯|电)\s*[：:]` +
	`|[\p{Han}A-Za-z0-9·]{1,24}?(?:消息|讯|日电)[ \x{3000}]+` +
	`|[\p{Han}]{0,20}?(?:报|网|台|社|中心|电视台)讯` +
	`|据[\p{Han}A-Za-z0-9·《》“”]{1,20}?(?:报道|消息)[，,：:]` +
	`|[（(][^（()）。，]{0,30}?(?:记者|通讯员)[^（()）]{0,60}[）)]` +
	`|(?:(?:本报|本台|本网|融媒体|见习)?(?:记者|通讯员)[ \x{3000}]*[\p{Han}·]{2,5}[ \x{3000}]*(?:[、，,][ \x{3000}]*[\p{Han}·]{2,5}[ \x{3000}]*)*)+报道[：:，,]?` +
	`|(?:本台|本报|本网|本刊)(?:消息|讯)[：:，,]?` +
	`)\s*`)

// stripDateline removes the dateline and byline a paragraph opens with,
// repeatedly (本报讯（记者 …）), and returns what is left. A paragraph that
// would be left empty is returned as it is.
func stripDateline(p string) string {
	rest := stripAllDatelines(p)
	if hanCount(rest) < 4 {
		return p
	}
	return rest
}

// bylineOnly is a paragraph that only credits who wrote, shot or edited
// the report: （记者 张三 通讯员 李四）, 记者：王五, 文/图：赵六, 审核：钱七
// 责任编辑：孙八.
var bylineOnly = regexp.MustCompile(`^[（(]?\s*(?:(?:本报|本台|融媒体|见习)?记者|通讯员|文字|文|图|摄影|摄像|撰稿|供稿|作者|(?:责任|值班)?编辑|责编|来源|审核|校对|初审|复审|终审|监制)\s*[：:/／]?[^。，,；;！？]{0,40}[）)]?$`)

// bylineStarts are the characters a byline paragraph starts with.
const bylineStarts = "（(本融见記记通文图圖摄攝撰供作编編责責来來审審校初复複终終监監值"

// mayBeByline is a cheap test before bylineOnly: the paragraph starts as a
// byline can.
func mayBeByline(p string) bool {
	r, _ := utf8.DecodeRuneInString(p)
	return strings.ContainsRune(bylineStarts, r)
}

// dropDateline removes the dateline from the first paragraph, or the first
// paragraph itself when it is nothing but a dateline and a byline, and any
// paragraph that is only a byline.
func dropDateline(paras []string) []string {
	kept := paras[:0]
	for _, p := range paras {
		if len(paras) > 1 && len(p) <= 180 && mayBeByline(p) && bylineOnly.MatchString(Simplify(p)) {
			continue
		}
		kept = append(kept, p)
	}
	paras = kept
	if len(paras) == 0 {
		return paras
	}
	first := paras[0]
	if rest := stripDateline(first); rest != first {
		paras[0] = rest
		return paras
	}
	if len(paras) > 1 && runeLen(first) <= 60 && datelineExpr.MatchString(Simplify(first)) && hanCount(stripAllDatelines(first)) < 4 {
		return paras[1:]
	}
	return paras
}

// stripAllDatelines removes every leading dateline, even when nothing is
// left. A dateline in traditional characters (本報訊（記者…）) is matched
// as simplified and cut from the text as written.
func stripAllDatelines(p string) string {
	s := Simplify(p)
	for i := 0; i < 3; i++ {
		loc := datelineExpr.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			break
		}
		s = s[loc[1]:]
	}
	if s == p || len(s) == 0 {
		return s
	}
	// Simplify maps character for character: drop as many from p.
	runes := []rune(p)
	return string(runes[len(runes)-utf8.RuneCountInString(s):])
}
