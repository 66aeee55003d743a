package content

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"sort"
	"strings"
	"testing"
	"time"
)

// This file builds the .docx files the tests read, as Word writes them:
// runs split mid-word by revision ids and formatting, tabs, line breaks,
// tables, a text box with its fallback copy, a deleted revision and a field.
// The fixtures in testdata/docx are its output (TestDocxFixtures).

const (
	docxTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`
	docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`
	docxDocHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="w14"><w:body>`
	docxDocTail = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588"/></w:sectPr></w:body></w:document>`
)

// docxCore is docProps/core.xml with the title given.
func docxCore(title string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>` +
		html.EscapeString(title) + `</dc:title><dc:creator>办公室</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">2026-03-18T02:00:00Z</dcterms:created></cp:coreProperties>`
}

// zipParts packs parts into a zip archive, in name order, with
// [Content_Types].xml first as Word puts it.
func zipParts(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == docxTypesPart) != (names[j] == docxTypesPart) {
			return names[i] == docxTypesPart
		}
		return names[i] < names[j]
	})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(2026, 3, 18, 10, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// makeDocx is a .docx of the body XML (paragraphs and tables) with title
// in its properties ("" for none).
func makeDocx(t testing.TB, title string, body ...string) []byte {
	t.Helper()
	return zipParts(t, map[string]string{
		docxTypesPart:      docxTypes,
		"_rels/.rels":      docxRels,
		docxBodyPart:       docxDocHead + strings.Join(body, "") + docxDocTail,
		docxCorePart:       docxCore(title),
		"word/styles.xml":  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`,
		"word/footer1.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>第 1 页</w:t></w:r></w:p></w:ftr>`,
	})
}

// run is one run of text, formatted as Word formats Chinese body text.
func run(text string) string {
	return `<w:r w:rsidRPr="00A61C2E"><w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:hint="eastAsia"/><w:sz w:val="32"/></w:rPr><w:t xml:space="preserve">` +
		html.EscapeString(text) + `</w:t></w:r>`
}

// para is a paragraph of runs; each piece is a run's text, or raw XML when
// it starts with "<".
func para(pieces ...string) string {
	var b strings.Builder
	b.WriteString(`<w:p w:rsidR="003B2F41" w:rsidRDefault="003B2F41"><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr>`)
	for _, p := range pieces {
		if strings.HasPrefix(p, "<") {
			b.WriteString(p)
		} else {
			b.WriteString(run(p))
		}
	}
	b.WriteString(`</w:p>`)
	return b.String()
}

// table is a table of rows of cells, each cell one paragraph.
func table(rows ...[]string) string {
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="6000"/></w:tblGrid>`)
	for _, r := range rows {
		b.WriteString(`<w:tr>`)
		for _, c := range r {
			fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>%s</w:tc>`, para(c))
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	return b.String()
}

// Pieces of runs that hold no text of the document, or text Word shows
// differently from how it is stored.
const (
	docxTab    = `<w:r><w:tab/></w:r>`
	docxBreak  = `<w:r><w:br/></w:r>`
	docxPageBr = `<w:r><w:br w:type="page"/></w:r>`
	docxBookmk = `<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>`
)

// dateField is a date field: its code is not text, its result is.
func dateField(result string) string {
	return `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> CREATEDATE \@ "yyyy年M月d日" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>` +
		run(result) + `<w:r><w:fldChar w:fldCharType="end"/></w:r>`
}

// deleted is a tracked deletion: Word keeps it in w:delText.
func deleted(text string) string {
	return `<w:del w:id="1" w:author="a" w:date="2026-03-18T09:00:00Z"><w:r><w:delText>` + html.EscapeString(text) + `</w:delText></w:r></w:del>`
}

// inserted is a tracked insertion: it is the document's text.
func inserted(text string) string {
	return `<w:ins w:id="2" w:author="a" w:date="2026-03-18T09:00:00Z">` + run(text) + `</w:ins>`
}

// textBox is a floating text box as Word 2010 and later save it: the shape
// with its text, then a VML fallback with a copy of the same text.
func textBox(text string) string {
	inner := `<w:txbxContent>` + para(text) + `</w:txbxContent>`
	return `<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>` + inner +
		`</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>` + inner +
		`</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>`
}

// meetingDocx is a county government's report of its executive meeting,
// written for these tests.
func meetingDocx(t testing.TB) []byte {
	return makeDocx(t, "",
		para("青石县政府召", "开第十二次常", "务会议"),
		para("发布时间：2026-03-18 10:30", docxTab, "来源：青石县人民政府办公室"),
		para("3月17日下午，县长林志远主持召开县政府第十二次常务会议，传达学习全省春季农业生产工作会议精神，听取全县防汛备汛工作情况汇报，研究部署近期重点工作。"),
		para("会议审议并原则通过《青石县农村供水工程运行管理办法（试行）》", deleted("（草案）"), "。"),
		para("会议强调，", "要", inserted("早"), "谋划早部署，压实防汛责任，", "加强山塘水库隐患排查，确保安全度汛；", "要抓好春耕备耕，稳定粮食播种面积，保障农资供应。"),
		table([]string{"议题", "汇报单位"}, []string{"防汛备汛工作", "县水利局"}, []string{"春耕备耕工作", "县农业农村局"}),
		para(docxBookmk, "县政府副县长，县政府办、县发展改革局等单位负责人列席会议。"),
	)
}

// noticeDocx is a county office's notice on a letterhead: the office's
// name and the document number above the title, which the properties name.
func noticeDocx(t testing.TB) []byte {
	return makeDocx(t, "关于做好2026年汛期安全防范工作的通知",
		para(textBox("青石县人民政府办公室文件")),
		para("青政办发〔2026〕7号"),
		para(),
		para("关于做好2026年汛期", docxBreak, "安全防范工作的通知"),
		para("各乡镇人民政府，县政府各部门："),
		para("入汛以来，我县降雨偏多，部分山塘水库水位偏高。为切实做好汛期安全防范工作，保障人民群众生命财产安全，现就有关事项通知如下。"),
		para("一、", "落实值班值守。各单位要严格执行领导带班和二十四小时值班制度，遇强降雨及时报告。"),
		para("二、加强隐患排查。重点检查山塘水库、地质灾害点和在建工地，发现问题立即整改。"),
		para(docxPageBr),
		table([]string{"单位", "值班电话"}, []string{"县应急管理局", "0570-1234567"}, []string{"县水利局", "0570-7654321"}),
		para("青石县人民政府办公室"),
		para(dateField("2026年4月2日")),
	)
}
