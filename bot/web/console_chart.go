package web

import (
	"fmt"
	"time"

	"tongbao/content"
)

// chart is a bar chart of first reads over time, drawn as SVG on the
// server: it prints, needs no script and reads the same everywhere.
type chart struct {
	Width, Height int
	Bars          []bar
	Max           int64
	// Axis labels under the first, middle and last bars.
	Labels []label
	Empty  bool
	Title  string
	Lang   string
}

// bar is one bucket of the chart.
type bar struct {
	X, Y, W, H int
	Label      string
	Reads      int64
}

// label is a text under the chart.
type label struct {
	X    int
	Text string
}

// Chart geometry, in SVG units (the chart scales to its box).
const (
	chartWidth  = 600
	chartHeight = 180
	chartBottom = 24 // room for the labels
	chartTop    = 16
)

// readsChart draws reads by hour after publication, or by day when reads
// came long after.
func readsChart(published time.Time, byHour map[int]int64, lang string) chart {
	c := chart{Width: chartWidth, Height: chartHeight, Title: say(lang, "chart.title"), Lang: lang}
	buckets, byDay := content.ReadsOverTime(published, byHour)
	if len(buckets) == 0 {
		c.Empty = true
		return c
	}
	for _, b := range buckets {
		c.Max = max(c.Max, b.Reads)
	}
	slot := chartWidth / len(buckets)
	plot := int64(chartHeight - chartBottom - chartTop)
	for i, b := range buckets {
		h := int(plot * b.Reads / max(c.Max, 1))
		text := fmt.Sprintf(say(lang, "chart.hour"), b.Hour, b.Hour+1)
		if byDay {
			text = b.Day.In(content.Shanghai).Format("01-02")
		}
		c.Bars = append(c.Bars, bar{X: i*slot + slot/8, Y: chartHeight - chartBottom - h, W: max(slot*3/4, 1), H: h, Label: text, Reads: b.Reads})
	}
	for _, i := range []int{0, len(buckets) / 2, len(buckets) - 1} {
		if len(c.Labels) > 0 && c.Labels[len(c.Labels)-1].Text == c.Bars[i].Label {
			continue
		}
		c.Labels = append(c.Labels, label{X: c.Bars[i].X + c.Bars[i].W/2, Text: c.Bars[i].Label})
	}
	return c
}
