package content

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchPages is the length of the long Word document the benchmarks read:
// an official document's page holds 22 lines of 28 characters (GB/T 9704).
const (
	benchPages        = 50
	benchCharsPerPage = 22 * 28
)

// longDocx is a 50-page work report as Word saves it: paragraphs of runs
// split every few characters (revision ids, fonts), a table every few
// pages. It returns the .docx and the same text as a plain-text file.
func longDocx(tb testing.TB) (docx, text []byte) {
	sentences := []string{
		"第%d项工作围绕年度目标任务，细化分解责任清单，逐项明确牵头单位和完成时限",
		"各乡镇、各部门要加强协调配合，定期通报进展情况，及时研究解决推进中遇到的困难和问题",
		"全年共完成投资%d亿元，新建改建农村道路%d公里，改造老旧小区%d个，群众满意度持续提升",
		"坚持把安全生产摆在突出位置，开展隐患排查整治%d次，督促整改问题%d处，守牢安全底线",
		"深化“放管服”改革，政务服务事项网上可办率达到%d%，企业开办时间压缩至%d个工作日",
	}
	body := []string{para("青石县人民政府", "2026年工作", "报告"), para("发布时间：2026-01-20", docxTab, "来源：青石县人民政府办公室")}
	var plain strings.Builder
	plain.WriteString("青石县人民政府2026年工作报告\n发布时间：2026-01-20 来源：青石县人民政府办公室\n")
	chars := 0
	for i := 0; chars < benchPages*benchCharsPerPage; i++ {
		var p strings.Builder
		for j := 0; j < 3; j++ {
			s := sentences[(i+j)%len(sentences)]
			// Every %d of a sentence is its number; a sentence without
			// one is the same each time, as the stock phrases of a report are.
			p.WriteString(strings.ReplaceAll(s, "%d", strconv.Itoa(i*3+j+1)) + "。")
		}
		text := p.String()
		chars += runeLen(text)
		plain.WriteString(text + "\n")
		// Word starts a run wherever the revision or the font changes:
		// every 6 to 17 characters here.
		rs := []rune(text)
		var runs []string
		for k := 0; k < len(rs); {
			n := min(6+(i+k)%12, len(rs)-k)
			runs = append(runs, string(rs[k:k+n]))
			k += n
		}
		body = append(body, para(runs...))
		if i%40 == 39 {
			rows := [][]string{{"项目", "完成情况"}}
			for r := 0; r < 6; r++ {
				row := []string{fmt.Sprintf("重点项目%d", i+r), fmt.Sprintf("完成年度计划的%d%%", 80+r)}
				rows = append(rows, row)
				plain.WriteString(strings.Join(row, "\t") + "\n")
			}
			body = append(body, table(rows...))
		}
	}
	return makeDocx(tb, "", body...), []byte(plain.String())
}

// BenchmarkDocxRead50Pages unpacks a 50-page .docx and reads its
// paragraphs (no parsing of the text).
func BenchmarkDocxRead50Pages(b *testing.B) {
	data, _ := longDocx(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	cpuStart, cpuOK := processCPU()
	for i := 0; i < b.N; i++ {
		if _, err := readDocx(data, DefaultMaxInput); err != nil {
			b.Fatal(err)
		}
	}
	reportDocs(b, start, cpuStart, cpuOK)
}

// BenchmarkPipelineDocx50Pages parses a 50-page .docx end to end, as
// an upload is parsed; BenchmarkPipelineText50Pages is its text as a .txt,
// the same work less the .docx reading.
func BenchmarkPipelineDocx50Pages(b *testing.B) {
	data, _ := longDocx(b)
	benchmarkLong(b, Input{Data: data, Name: "report.docx"})
}

// BenchmarkPipelineText50Pages: see BenchmarkPipelineDocx50Pages.
func BenchmarkPipelineText50Pages(b *testing.B) {
	_, text := longDocx(b)
	benchmarkLong(b, Input{Data: text, Name: "report.txt"})
}

func benchmarkLong(b *testing.B, in Input) {
	if _, err := DefaultSegmenter(); err != nil {
		b.Fatal(err)
	}
	p := newTestParser()
	if bl, err := p.Parse(in); err != nil || bl.Title != "青石县人民政府2026年工作报告" {
		b.Fatalf("parse: %v", err)
	}
	b.SetBytes(int64(len(in.Data)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	cpuStart, cpuOK := processCPU()
	for i := 0; i < b.N; i++ {
		if _, err := p.Parse(in); err != nil {
			b.Fatal(err)
		}
	}
	reportDocs(b, start, cpuStart, cpuOK)
}

// reportDocs reports milliseconds per document and pages per second, by
// the wall clock and by the CPU time the process used (the figure of one
// otherwise idle core on a shared machine).
func reportDocs(b *testing.B, start time.Time, cpuStart time.Duration, cpuOK bool) {
	per := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(per*1000, "ms/doc")
	b.ReportMetric(benchPages/per, "pages/s")
	if cpuEnd, ok := processCPU(); cpuOK && ok && cpuEnd > cpuStart {
		b.ReportMetric((cpuEnd-cpuStart).Seconds()*1000/float64(b.N), "cpu-ms/doc")
	}
}
