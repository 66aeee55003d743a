package content

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDocxParagraphs(t *testing.T) {
	doc, err := readDocx(meetingDocx(t), DefaultMaxInput)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"青石县政府召开第十二次常务会议",
		"发布时间：2026-03-18 10:30\t来源：青石县人民政府办公室",
		"3月17日下午，县长林志远主持召开县政府第十二次常务会议，传达学习全省春季农业生产工作会议精神，听取全县防汛备汛工作情况汇报，研究部署近期重点工作。",
		"会议审议并原则通过《青石县农村供水工程运行管理办法（试行）》。",
		"会议强调，要早谋划早部署，压实防汛责任，加强山塘水库隐患排查，确保安全度汛；要抓好春耕备耕，稳定粮食播种面积，保障农资供应。",
		"议题\t汇报单位",
		"防汛备汛工作\t县水利局",
		"春耕备耕工作\t县农业农村局",
		"县政府副县长，县政府办、县发展改革局等单位负责人列席会议。",
	}
	if !reflect.DeepEqual(doc.paragraphs, want) {
		t.Errorf("paragraphs:\n got %q\nwant %q", doc.paragraphs, want)
	}
	if doc.title != "" {
		t.Errorf("title from the properties = %q, want none", doc.title)
	}
}

func TestParseDocxMeeting(t *testing.T) {
	b, err := newTestParser().Parse(Input{Data: meetingDocx(t), Name: "常务会议.docx"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Title != "青石县政府召开第十二次常务会议" || b.Kind != KindMeeting {
		t.Errorf("title %q kind %q", b.Title, b.Kind)
	}
	if got := b.PublishedAt.Format(time.RFC3339); got != "2026-03-18T10:30:00+08:00" {
		t.Errorf("published %s", got)
	}
	if b.Source != "青石县人民政府办公室" {
		t.Errorf("source %q", b.Source)
	}
	m := b.Meeting
	if m == nil {
		t.Fatal("no meeting read")
	}
	if m.Chair.Name != "林志远" || m.Ordinal != 12 || m.HeldDate != "2026-03-17" {
		t.Errorf("chair %+v ordinal %d held %q", m.Chair, m.Ordinal, m.HeldDate)
	}
	if len(m.Approved) != 1 || m.Approved[0] != "《青石县农村供水工程运行管理办法（试行）》" {
		t.Errorf("approved %q", m.Approved)
	}
	if len(m.Points) != 2 || !strings.HasPrefix(m.Points[1], "要抓好春耕备耕") {
		t.Errorf("points %q", m.Points)
	}
	if !reflect.DeepEqual(b.Tags, []string{"防汛"}) {
		t.Errorf("tags %q", b.Tags)
	}
	if strings.Contains(b.Text(), "草案") {
		t.Error("the deleted revision was read as text")
	}
}

func TestParseDocxNotice(t *testing.T) {
	data := noticeDocx(t)
	// Known by its content, whatever it is called.
	b, err := newTestParser().Parse(Input{Data: data, Name: "upload"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Title != "关于做好2026年汛期安全防范工作的通知" || b.Kind != KindNotice || b.DocNumber != "青政办发〔2026〕7号" {
		t.Errorf("title %q kind %q number %q", b.Title, b.Kind, b.DocNumber)
	}
	if got := b.PublishedAt.Format("2006-01-02"); got != "2026-04-02" {
		t.Errorf("published %s", got)
	}
	if b.Source != "青石县人民政府办公室" {
		t.Errorf("source %q", b.Source)
	}
	doc, err := readDocx(data, DefaultMaxInput)
	if err != nil {
		t.Fatal(err)
	}
	// The text box's fallback copy is not read a second time; the date
	// field's code is not text.
	all := strings.Join(doc.paragraphs, "\n")
	if n := strings.Count(all, "青石县人民政府办公室文件"); n != 1 {
		t.Errorf("the letterhead in its text box was read %d times", n)
	}
	if strings.Contains(all, "CREATEDATE") {
		t.Error("a field code was read as text")
	}
	if !strings.Contains(all, "县应急管理局\t0570-1234567") {
		t.Errorf("the table's row is not one paragraph: %q", doc.paragraphs)
	}
}

// The title the properties name is taken only when the document has it
// near the top: a template's leftover title is not.
func TestDocxTitleFromProperties(t *testing.T) {
	body := []string{
		para("青石县召开安全生产工作会议"),
		para("4月8日，全县安全生产工作会议召开，会议通报了一季度安全生产形势，部署开展隐患排查整治行动。"),
	}
	for name, tc := range map[string]struct{ prop, want string }{
		"leftover": {"关于印发某某制度的通知", "青石县召开安全生产工作会议"},
		"generic":  {"文档", "青石县召开安全生产工作会议"},
		"same":     {"青石县召开安全生产工作会议", "青石县召开安全生产工作会议"},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := newTestParser().Parse(Input{Data: makeDocx(t, tc.prop, body...), Name: "a.docx"})
			if err != nil {
				t.Fatal(err)
			}
			if b.Title != tc.want {
				t.Errorf("title %q, want %q", b.Title, tc.want)
			}
		})
	}
}

// A long title broken over two lines is one title, with or without the
// properties naming it; a paragraph of sentences broken over lines is not.
func TestDocxBrokenTitle(t *testing.T) {
	lead := para("4月8日，全县安全生产工作会议召开，会议通报了一季度安全生产形势，部署开展隐患排查整治行动。")
	for name, tc := range map[string]struct {
		prop  string
		body  []string
		title string
	}{
		"broken title":             {"", []string{para("青石县召开2026年安全生产", docxBreak, "暨消防工作会议"), lead}, "青石县召开2026年安全生产暨消防工作会议"},
		"broken title, properties": {"青石县召开2026年安全生产暨消防工作会议", []string{para("青石县人民政府"), para("青石县召开2026年安全生产", docxBreak, "暨消防工作会议"), lead}, "青石县召开2026年安全生产暨消防工作会议"},
		"English words":            {"", []string{para("Qingshi County", docxBreak, "Safety Meeting"), lead}, "Qingshi County Safety Meeting"},
		"sentences":                {"", []string{para("青石县召开安全生产工作会议", docxBreak, "会议通报了一季度安全生产形势。"), lead}, "青石县召开安全生产工作会议"},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := newTestParser().Parse(Input{Data: makeDocx(t, tc.prop, tc.body...), Name: "a.docx"})
			if err != nil {
				t.Fatal(err)
			}
			if b.Title != tc.title {
				t.Errorf("title %q, want %q", b.Title, tc.title)
			}
		})
	}
}

// A document saved as Strict Open XML uses another namespace.
func TestDocxStrict(t *testing.T) {
	strict := strings.ReplaceAll(docxDocHead+para("青石县召开安全生产工作会议")+para("4月8日，全县安全生产工作会议召开，部署开展隐患排查整治行动，确保全年安全稳定。")+docxDocTail,
		wordNS, wordStrictNS)
	data := zipParts(t, map[string]string{docxTypesPart: docxTypes, docxBodyPart: strict})
	b, err := newTestParser().Parse(Input{Data: data, Name: "strict.docx"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Title != "青石县召开安全生产工作会议" {
		t.Errorf("title %q", b.Title)
	}
}

// oleFile is the start of a compound file whose directory names streams.
func oleFile(streams ...string) []byte {
	out := append([]byte{}, oleMagic...)
	out = append(out, make([]byte, 504)...)
	for _, s := range append([]string{"Root Entry"}, streams...) {
		e := append(utf16le(s), make([]byte, 128-2*len(s))...)
		out = append(out, e...)
	}
	return out
}

func TestDocxRefused(t *testing.T) {
	good := docxDocHead + para("青石县召开安全生产工作会议") + para("全县安全生产工作会议召开，部署开展隐患排查整治行动。") + docxDocTail
	bomb := docxDocHead + para(strings.Repeat("汛", DefaultMaxInput/3+1)) + docxDocTail
	meeting := meetingDocx(t)
	tests := map[string]struct {
		in   Input
		want error
		says string
	}{
		"not a zip": {Input{Data: []byte("青石县召开安全生产工作会议\n这不是 Word 文件。"), Name: "通知.docx"}, ErrDocx, "not a zip archive"},
		"truncated": {Input{Data: meeting[:len(meeting)/2], Name: "通知.docx"}, ErrDocx, "cut short"},
		"plain zip named .docx": {Input{Data: zipParts(t, map[string]string{"a.txt": "青石县"}), Name: "a.docx"},
			ErrDocx, "without [Content_Types].xml"},
		"plain zip": {Input{Data: zipParts(t, map[string]string{"a.txt": "青石县"}), Name: "a.zip"}, ErrBinary, ""},
		"spreadsheet": {Input{Data: zipParts(t, map[string]string{docxTypesPart: docxTypes, "xl/workbook.xml": "<workbook/>"}), Name: "a.xlsx"},
			ErrDocx, "no word/document.xml"},
		"malformed XML": {Input{Data: zipParts(t, map[string]string{docxTypesPart: docxTypes, docxBodyPart: strings.Replace(good, "</w:body>", "", 1)})},
			ErrDocx, "not well-formed XML"},
		"not WordprocessingML": {Input{Data: zipParts(t, map[string]string{docxTypesPart: docxTypes, docxBodyPart: `<doc><p>青石县召开安全生产工作会议</p></doc>`})},
			ErrDocx, "not a Word document body"},
		"zip bomb":  {Input{Data: zipParts(t, map[string]string{docxTypesPart: docxTypes, docxBodyPart: bomb}), Name: "a.docx"}, ErrTooLarge, "unpacks to more than"},
		"empty":     {Input{Data: makeDocx(t, ""), Name: "a.docx"}, ErrNoTitle, ""},
		"old .doc":  {Input{Data: oleFile("WordDocument", "1Table", "\x05SummaryInformation"), Name: "通知.doc"}, ErrOldWord, "save it as .docx"},
		"encrypted": {Input{Data: oleFile("EncryptionInfo", "EncryptedPackage"), Name: "通知.docx"}, ErrEncrypted, "password"},
		"other OLE": {Input{Data: oleFile("Workbook"), Name: "a.xls"}, ErrBinary, ""},
	}
	if len(bomb) <= DefaultMaxInput {
		t.Fatal("the bomb is too small")
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if len(tc.in.Data) > DefaultMaxInput {
				t.Fatalf("input of %d bytes", len(tc.in.Data))
			}
			b, err := newTestParser().Parse(tc.in)
			if !errors.Is(err, tc.want) || b != nil {
				t.Fatalf("got %v, %v; want %v", b, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.says) || !Refused(err) {
				t.Errorf("error %q should say %q and be a refusal", err, tc.says)
			}
		})
	}
}

// A part whose header understates its size is caught by the reader's count,
// not trusted.
func TestDocxBombLyingHeader(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []struct{ name, body string }{{docxTypesPart, docxTypes}, {docxBodyPart, docxDocHead + para(strings.Repeat("汛", 1<<20)) + docxDocTail}} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := NewParser(ParserConfig{MaxInput: 1 << 20}, ParserDeps{}).Parse(Input{Data: buf.Bytes()})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
}

// The fixtures other packages read (the folder source, the console's
// upload) are this file's documents; -update rewrites them.
func TestDocxFixtures(t *testing.T) {
	for name, data := range map[string][]byte{"meeting.docx": meetingDocx(t), "notice.docx": noticeDocx(t)} {
		path := filepath.Join("testdata", "docx", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		stored, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := unzipAll(t, stored), unzipAll(t, data); !reflect.DeepEqual(got, want) {
			t.Errorf("%s is not what the builder makes: go test ./content -run TestDocxFixtures -update", path)
		}
	}
}

// unzipAll returns every part of an archive by name.
func unzipAll(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(b)
	}
	return parts
}

// FuzzParseDocx feeds damaged Word files to the parser: it refuses them
// or reads them, and never panics.
func FuzzParseDocx(f *testing.F) {
	f.Add(meetingDocx(f))
	f.Add(noticeDocx(f))
	f.Add(zipParts(f, map[string]string{docxTypesPart: docxTypes, docxBodyPart: docxDocHead + para("青石县", docxTab, "<w:r><w:t>召开会议") + docxDocTail}))
	f.Add(oleFile("EncryptedPackage"))
	p := newTestParser()
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, p, Input{Data: data, Name: "fuzz.docx"})
	})
}
