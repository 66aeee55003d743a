package content

import (
	"regexp"
	"strings"
)

// markupLine is a line of Markdown structure: a heading (# …), a code
// fence (```), a table row (| … |).
var markupLine = regexp.MustCompile("^(?:#{1,6}\\s|```|~~~|\\|.*\\|$)")

// markdownHeading is the marks of a Markdown heading: "## ".
var markdownHeading = regexp.MustCompile(`^#{1,6}\s+`)

// runningChineseHan is how many Chinese characters a line of running
// Chinese text has at least.
const runningChineseHan = 15

// isMarkupDocument reports whether plain text is a Markdown (or similar)
// document rather than a bulletin: it has Markdown structure and not one
// line of Chinese running text (a line mostly of Chinese characters, with
// Chinese clause or sentence marks). A README or a changelog is refused; a
// bulletin saved with a Markdown heading is not.
func isMarkupDocument(text string) bool {
	markup := false
	for line := range strings.Lines(text) {
		line = trimSpace(line)
		if markupLine.MatchString(line) {
			markup = true
		}
		if isRunningChinese(line) {
			return false
		}
	}
	return markup
}

// isRunningChinese reports whether a line is Chinese prose: enough Chinese
// characters, most of the line, with a Chinese clause or sentence mark.
func isRunningChinese(line string) bool {
	han := hanCount(line)
	if han < runningChineseHan || !strings.ContainsAny(line, "。，；") {
		return false
	}
	other := 0
	for _, r := range line {
		if !isHan(r) && r != ' ' {
			other++
		}
	}
	return han >= other
}
