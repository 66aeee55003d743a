package content

import (
	"os"
	"strings"
	"testing"
	"time"
)

// BenchmarkPipelineLanxi runs the whole pipeline (decode, clean, fields,
// meeting structure, summary, tags, fingerprint) on the Lanxi sample.
// Target: ≥ 300 bulletins/s on one core (-cpu 1).
func BenchmarkPipelineLanxi(b *testing.B) {
	benchmarkPipeline(b, "lanxi-2022-05-27-standing-committee.txt")
}

// BenchmarkPipelineLanxiGBKPage is the same article as a GBK web page.
func BenchmarkPipelineLanxiGBKPage(b *testing.B) {
	benchmarkPipeline(b, "lanxi-2022-05-27-standing-committee.gbk.html")
}

// BenchmarkPipelineNotice exercises the TextRank path (a notice).
func BenchmarkPipelineNotice(b *testing.B) {
	benchmarkPipeline(b, "qingxi-2022-06-01-flood-notice.txt")
}

func benchmarkPipeline(b *testing.B, name string) {
	data, err := os.ReadFile(inputPath(name))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := DefaultSegmenter(); err != nil {
		b.Fatal(err)
	}
	p := newTestParser()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	cpuStart, cpuOK := processCPU()
	for i := 0; i < b.N; i++ {
		if _, err := p.Parse(Input{Data: data, Name: name}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "bulletins/s")
	// On a shared machine the wall clock counts other processes' turns;
	// the CPU time this process used does not: bulletins per CPU second is
	// the throughput of one otherwise idle core.
	if cpuEnd, ok := processCPU(); cpuOK && ok && cpuEnd > cpuStart {
		b.ReportMetric(float64(b.N)/(cpuEnd-cpuStart).Seconds(), "bulletins/cpu-s")
	}
}

// BenchmarkLoadSegmenter measures how long the segmentation dictionary
// takes to be ready. Target: ≤ 1 s.
func BenchmarkLoadSegmenter(b *testing.B) {
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := LoadSegmenter(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/load")
	}
}

// BenchmarkSegmentWords measures word cutting throughput.
func BenchmarkSegmentWords(b *testing.B) {
	seg, err := DefaultSegmenter()
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(inputPath("lanxi-2022-05-27-standing-committee.txt"))
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat(string(data), 4)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		seg.SearchWords(text)
	}
}
