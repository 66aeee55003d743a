package content

import (
	"path"
	"regexp"
	"strings"
)

// chromePhrases are the fixed strings government sites put around an
// article (share boxes, print and close links, QR-code prompts). They are
// removed wherever they stand at the end of a line, because copied text
// often glues them to the last sentence.
var chromePhrases = []string{
	"扫一扫在手机打开当前文章", "扫一扫在手机上查看当前页面", "扫一扫在手机打开", "用手机扫描二维码",
	"【打印本页】", "【关闭窗口】", "【打印】", "【关闭】", "【返回顶部】", "【收藏】", "【打印正文】",
	"[打印本页]", "[关闭窗口]", "[打印]", "[关闭]",
	"打印本页", "关闭窗口", "返回顶部", "收藏本页", "分享到：", "分享到:",
}

// chromeLine matches a whole line that is site furniture, not article text:
// counters, font-size switches, breadcrumbs, share and editor lines.
var chromeLine = regexp.MustCompile(`^(?:` +
	`(?:访问次数|浏览次数|阅读次数|点击次数|点击数|阅读数|访问量|浏览量|字体大小|字号)\s*[:：]?.*` +
	`|[【\[]?\s*字体\s*[:：]?\s*[大中小\s]*[】\]]?` +
	`|[【\[]?\s*(?:大|中|小)\s*[】\]]?(?:\s*[【\[]?\s*(?:大|中|小)\s*[】\]]?)*` +
	`|(?:当前位置|您的位置|你的位置|所在位置)\s*[:：].*` +
	`|首页\s*[>＞»›].*` +
	`|分享到\s*[:：]?.{0,40}` +
	`|(?:责任编辑|编辑|责编|审核|校对|审校|终审)\s*[:：]\s*\S{0,20}` +
	`|(?:上一篇|下一篇)\s*[:：]?.*` +
	`|相关(?:链接|文章|阅读|新闻)\s*[:：]?` +
	`|(?:版权所有|主办单位|承办单位|网站标识码|ICP备).*` +
	`|\S*(?:ICP|icp)备\S*` +
	`)$`)

// imageName matches a line that is only an image's file name or address, as
// text copied from a page leaves them (60040.jpg).
var imageName = regexp.MustCompile(`(?i)^\S*?([\w\-.%]+\.(?:jpe?g|png|gif|bmp|webp|tiff?))(?:\?\S*)?$`)

// stripChromeSuffix removes chrome phrases glued to the end of a line,
// repeatedly, and returns what is left.
func stripChromeSuffix(line string) string {
	for {
		trimmed := trimSpace(line)
		changed := false
		for _, p := range chromePhrases {
			if strings.HasSuffix(trimmed, p) {
				trimmed = strings.TrimSuffix(trimmed, p)
				changed = true
			}
		}
		line = trimmed
		if !changed {
			return line
		}
	}
}

// isChromeLine reports whether a cleaned line is site furniture.
func isChromeLine(line string) bool {
	if line == "" {
		return true
	}
	for _, p := range chromePhrases {
		if line == p {
			return true
		}
	}
	return runeLen(line) <= 80 && chromeLine.MatchString(line)
}

// imageLine returns the image's file name when the line is only an image
// reference.
func imageLine(line string) (string, bool) {
	m := imageName.FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	return path.Base(m[1]), true
}
