package content

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Word documents (.docx) are read with archive/zip and encoding/xml: the
// text of word/document.xml in reading order is all a bulletin needs, and
// no maintained Go library for the format is at hand.

// The namespaces of WordprocessingML: the transitional one Word writes and
// the strict one it can be asked to; markup compatibility for the
// alternatives a drawing offers.
const (
	wordNS       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	wordStrictNS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	markupCompNS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	dublinCoreNS = "http://purl.org/dc/elements/1.1/"
)

// The parts of a .docx the reader opens.
const (
	docxTypesPart = "[Content_Types].xml"
	docxBodyPart  = "word/document.xml"
	docxCorePart  = "docProps/core.xml"
)

var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic starts a Compound File: an old binary .doc, or a .docx
	// saved with a password (Word wraps the encrypted package in one).
	oleMagic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
	// The stream names, UTF-16LE in the compound file's directory, that
	// tell an encrypted .docx and a Word .doc from other OLE files.
	oleEncrypted    = utf16le("EncryptedPackage")
	oleWordDocument = utf16le("WordDocument")
)

func utf16le(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for _, c := range []byte(s) {
		out = append(out, c, 0)
	}
	return out
}

// wordFile reports whether raw is a Word file of some kind and, for a
// .docx, returns its text; ok is false for anything else. name is the
// input's file name: a .docx that is not a zip is refused as a damaged
// .docx rather than read as text. limit caps the bytes unpacked.
func wordFile(raw []byte, name string, limit int) (doc *docxText, ok bool, err error) {
	switch {
	case bytes.HasPrefix(raw, oleMagic) && bytes.Contains(raw, oleEncrypted):
		return nil, true, ErrEncrypted
	case bytes.HasPrefix(raw, oleMagic) && bytes.Contains(raw, oleWordDocument):
		return nil, true, ErrOldWord
	case bytes.HasPrefix(raw, zipMagic) && bytes.Contains(raw, []byte(docxTypesPart)),
		strings.HasSuffix(strings.ToLower(name), ".docx"):
		doc, err := readDocx(raw, limit)
		return doc, true, err
	}
	return nil, false, nil
}

// docxText is what a .docx says: its paragraphs in reading order and the
// title its properties give, if any.
type docxText struct {
	paragraphs []string
	title      string
}

// readDocx unpacks a .docx held in raw. It reads at most limit bytes of
// XML in all, so a small archive that unpacks to gigabytes is refused.
func readDocx(raw []byte, limit int) (*docxText, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("%w: not a zip archive, or one cut short", ErrDocx)
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	if parts[docxTypesPart] == nil {
		return nil, fmt.Errorf("%w: a zip archive without %s", ErrDocx, docxTypesPart)
	}
	body := parts[docxBodyPart]
	if body == nil {
		return nil, fmt.Errorf("%w: no %s in it (a spreadsheet or presentation?)", ErrDocx, docxBodyPart)
	}
	budget := &budgetReader{left: int64(limit)}
	doc := &docxText{}
	if err := budget.open(body, func(r io.Reader) (err error) {
		doc.paragraphs, err = docxParagraphs(r)
		return err
	}); err != nil {
		return nil, err
	}
	if core := parts[docxCorePart]; core != nil {
		// The properties are a nicety: a damaged core.xml costs the title
		// hint, not the document.
		err := budget.open(core, func(r io.Reader) (err error) {
			doc.title, err = docxCoreTitle(r)
			return err
		})
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
	}
	return doc, nil
}

// budgetReader hands out readers of zip parts that together yield at most
// left bytes.
type budgetReader struct {
	left int64
	r    io.Reader
}

// errUnpacksTooLarge is a .docx past the budget.
var errUnpacksTooLarge = fmt.Errorf("%w: the .docx unpacks to more than the input limit", ErrTooLarge)

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errUnpacksTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, errUnpacksTooLarge
	}
	return n, err
}

// open reads one part through read, within the budget. Errors are the
// package's sentinels: ErrTooLarge past the budget, ErrDocx for a part
// that does not unpack or is not well-formed XML.
func (b *budgetReader) open(f *zip.File, read func(io.Reader) error) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w: %s cannot be unpacked", ErrDocx, f.Name)
	}
	defer rc.Close()
	b.r = rc
	err = read(b)
	switch {
	case b.left < 0:
		// The XML reader may report the cut-off as a syntax error.
		return errUnpacksTooLarge
	case err == nil:
		return nil
	case errors.Is(err, ErrDocx):
		return err
	case errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrFormat), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %s is damaged", ErrDocx, f.Name)
	}
	var syntax *xml.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Errorf("%w: %s is not well-formed XML (line %d)", ErrDocx, f.Name, syntax.Line)
	}
	return fmt.Errorf("%w: %s cannot be read", ErrDocx, f.Name)
}

// isWord reports whether an element is WordprocessingML.
func isWord(n xml.Name) bool { return n.Space == wordNS || n.Space == wordStrictNS }

// docxRow is a table row being read: its cells, each the text of its
// paragraphs.
type docxRow struct{ cells []string }

// docxParagraphs reads document.xml's paragraphs in order: the text of
// runs (w:t) with tabs and line breaks, every table row as one paragraph of
// its cells. Deleted text, field codes and the fallback copy of a drawing
// hold no w:t of the body, so they are left out by reading only w:t.
func docxParagraphs(r io.Reader) ([]string, error) {
	dec := xml.NewDecoder(r)
	var (
		paras []string
		open  []*strings.Builder // paragraphs being read, the innermost last (a text box is a paragraph in a run)
		rows  []*docxRow         // table rows being read, the innermost last
		inT   bool
		skip  int // depth inside an element whose content is not read
		seen  bool
	)
	write := func(s string) {
		if len(open) > 0 {
			open[len(open)-1].WriteString(s)
		}
	}
	// done places a finished paragraph: in the cell being read, or the body.
	done := func(text string) {
		if len(rows) > 0 {
			row := rows[len(rows)-1]
			if len(row.cells) == 0 {
				row.cells = append(row.cells, "")
			}
			cell := &row.cells[len(row.cells)-1]
			if *cell != "" && text != "" {
				*cell += " "
			}
			*cell += text
			return
		}
		paras = append(paras, text)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case skip > 0:
				skip++
			case t.Name.Space == markupCompNS && t.Name.Local == "Fallback":
				skip = 1
			case !isWord(t.Name):
			case t.Name.Local == "document":
				seen = true
			case t.Name.Local == "p":
				open = append(open, &strings.Builder{})
			case t.Name.Local == "t":
				inT = true
			case t.Name.Local == "tab", t.Name.Local == "ptab":
				write("\t")
			case t.Name.Local == "br", t.Name.Local == "cr":
				write("\n")
			case t.Name.Local == "noBreakHyphen":
				write("-")
			case t.Name.Local == "tr":
				rows = append(rows, &docxRow{})
			case t.Name.Local == "tc" && len(rows) > 0:
				row := rows[len(rows)-1]
				row.cells = append(row.cells, "")
			}
		case xml.EndElement:
			switch {
			case skip > 0:
				skip--
			case !isWord(t.Name):
			case t.Name.Local == "t":
				inT = false
			case t.Name.Local == "p" && len(open) > 0:
				text := open[len(open)-1].String()
				open = open[:len(open)-1]
				done(text)
			case t.Name.Local == "tr" && len(rows) > 0:
				row := rows[len(rows)-1]
				rows = rows[:len(rows)-1]
				done(strings.Join(row.cells, "\t"))
			}
		case xml.CharData:
			if inT && skip == 0 {
				write(string(t))
			}
		}
	}
	if !seen {
		return nil, fmt.Errorf("%w: %s is not a Word document body", ErrDocx, docxBodyPart)
	}
	return paras, nil
}

// docxCoreTitle reads dc:title from docProps/core.xml.
func docxCoreTitle(r io.Reader) (string, error) {
	dec := xml.NewDecoder(r)
	var title strings.Builder
	in := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return collapseSpace(title.String()), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			in = t.Name.Space == dublinCoreNS && t.Name.Local == "title"
		case xml.EndElement:
			in = false
		case xml.CharData:
			if in {
				title.Write(t)
			}
		}
	}
}

// docxTitleReach is how many non-empty paragraphs from the top the title
// the properties name may be found in: below a letterhead and a document
// number, not in the body.
const docxTitleReach = 6

// draft makes a .docx a draft as text is: the first paragraph that is not
// site chrome is the title, unless the document's properties name a title
// that is one of its first paragraphs (a notice's letterhead and number
// come above its title), which is then the title and what is above it the
// header. A title paragraph may be broken over lines (a long title is).
func (doc *docxText) draft() *draft {
	at := func(i int) *draft {
		return &draft{title: joinBroken(doc.paragraphs[i]), header: docxLines(doc.paragraphs[:i]), lines: docxLines(doc.paragraphs[i+1:])}
	}
	if doc.title != "" && plausibleTitle(doc.title) {
		seen := 0
		for i, p := range doc.paragraphs {
			p = joinBroken(p)
			if p == "" {
				continue
			}
			if p == doc.title {
				return at(i)
			}
			if seen++; seen == docxTitleReach {
				break
			}
		}
	}
	for i, p := range doc.paragraphs {
		if collapseSpace(p) == "" {
			continue
		}
		if strings.Contains(p, "\n") && plausibleTitle(joinBroken(p)) && !strings.ContainsFunc(p, isSentenceEnd) {
			for _, l := range strings.Split(p, "\n") {
				if l = collapseSpace(l); l != "" && (isChromeLine(l) || isInfoLine(Simplify(l))) {
					return textDraft(strings.Join(doc.paragraphs, "\n"))
				}
			}
			return at(i)
		}
		break
	}
	return textDraft(strings.Join(doc.paragraphs, "\n"))
}

// isSentenceEnd reports whether r ends a sentence.
func isSentenceEnd(r rune) bool { return strings.ContainsRune(sentenceEnds, r) }

// joinBroken joins the lines of a paragraph broken by line breaks: Chinese
// runs on without a space, other words are kept apart by one.
func joinBroken(p string) string {
	var b strings.Builder
	for _, l := range strings.Split(p, "\n") {
		l = collapseSpace(l)
		if l == "" {
			continue
		}
		if b.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(l)
			if !isHan(last) && !isHan(first) && !unicode.IsPunct(last) && !unicode.IsPunct(first) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// docxLines are the lines of paragraphs: a line break in a paragraph
// starts a line as it does in text.
func docxLines(paragraphs []string) []string {
	return strings.Split(strings.Join(paragraphs, "\n"), "\n")
}
