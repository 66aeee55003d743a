package content

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
)

// DefaultMaxInput is the largest input the parser accepts: the longest real
// bulletin page is a few hundred kilobytes; anything this big is not one.
const DefaultMaxInput = 8 << 20

// ParserConfig is what an operator sets of a Parser. The zero value
// gives the defaults.
type ParserConfig struct {
	// SummaryLimit is the longest summary in characters
	// (DefaultSummaryLimit when 0).
	SummaryLimit int `yaml:"summary_limit"`
	// MaxInput is the largest input in bytes (DefaultMaxInput when 0);
	// the admin upload's limit follows it.
	MaxInput int `yaml:"-"`
}

// ParserDeps are a Parser's collaborators. The zero value is usable.
type ParserDeps struct {
	// Topics tags bulletins; nil tags nothing.
	Topics *Topics
	// Segmenter cuts words for TextRank summaries; DefaultSegmenter when nil.
	Segmenter *Segmenter
}

// Input is one raw bulletin and what is known about where it came from.
type Input struct {
	Data []byte
	// Name is the file name or URL path; an .htm/.html ending selects the
	// HTML reader, a .docx ending the Word reader (both formats are also
	// recognized by their content).
	Name string
	// URL is the page's address, for resolving images and as the
	// bulletin's URL.
	URL string
	// Charset is the charset a transport declared (HTTP Content-Type), if any.
	Charset string
	// Fetched is when the input was read; it stands in for a publication
	// time the text does not give.
	Fetched time.Time
	// Selectors optionally tell the HTML reader where a site keeps things.
	Selectors *Selectors
}

// Parser turns raw bulletins into Bulletins. It is safe for concurrent use.
type Parser struct {
	cfg  ParserConfig
	deps ParserDeps
}

// NewParser returns a parser.
func NewParser(cfg ParserConfig, deps ParserDeps) *Parser {
	if cfg.SummaryLimit <= 0 {
		cfg.SummaryLimit = DefaultSummaryLimit
	}
	if cfg.MaxInput <= 0 {
		cfg.MaxInput = DefaultMaxInput
	}
	return &Parser{cfg: cfg, deps: deps}
}

// MaxInput is the largest input the parser accepts, in bytes.
func (p *Parser) MaxInput() int { return p.cfg.MaxInput }

// draft is a bulletin being assembled: the title, the lines that carry
// time and source, the body lines, and what the page declared.
type draft struct {
	title      string
	header     []string
	lines      []string
	images     []string
	metaDate   string
	metaSource string
	siteName   string
	// lineDate is the date of an unlabeled date line above the text
	// ("2023年10月9日 来源：…").
	lineDate time.Time
	// meeting is the text a meeting's summary is written from.
	meeting meetingText
}

var htmlSniff = regexp.MustCompile(`(?i)^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<div|<p[\s>]|<table|<!--)`)

// Parse reads one raw bulletin. Errors are the package's sentinels (wrapped
// with detail) so callers can say why an input was refused.
func (p *Parser) Parse(in Input) (*Bulletin, error) {
	if len(in.Data) > p.cfg.MaxInput {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(in.Data), p.cfg.MaxInput)
	}
	doc, word, err := wordFile(in.Data, in.Name, p.cfg.MaxInput)
	if err != nil {
		return nil, err
	}
	if word {
		return p.build(doc.draft(), in)
	}
	text, err := Decode(in.Data, in.Charset)
	if err != nil {
		return nil, err
	}
	var d *draft
	ext := strings.ToLower(path.Ext(in.Name))
	if ext == ".html" || ext == ".htm" || ext == ".shtml" || htmlSniff.MatchString(text) {
		var base *url.URL
		if in.URL != "" {
			base, _ = url.Parse(in.URL)
		}
		pg, err := readHTML(text, base, in.Selectors)
		if err != nil {
			return nil, err
		}
		d = &draft{title: pg.title, header: pg.header, images: pg.images, metaDate: pg.metaDate, metaSource: pg.metaSource, siteName: pg.siteName}
		d.lines = strings.Split(pg.body, "\n")
	} else {
		if isMarkupDocument(text) {
			return nil, ErrNotBulletin
		}
		d = textDraft(text)
	}
	return p.build(d, in)
}

// textDraft splits a plain-text bulletin: the first line that is not site
// chrome is the title.
func textDraft(text string) *draft {
	d := &draft{}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, l := range lines {
		l = stripChromeSuffix(collapseSpace(l))
		if isChromeLine(l) || isInfoLine(Simplify(l)) {
			continue
		}
		if _, ok := imageLine(l); ok {
			continue
		}
		d.title = l
		if markdownHeading.MatchString(l) {
			d.title = markdownHeading.ReplaceAllString(l, "")
		}
		d.lines = lines[i+1:]
		d.header = lines[:i]
		break
	}
	return d
}

// build classifies the draft's lines and derives every field.
func (p *Parser) build(d *draft, in Input) (*Bulletin, error) {
	d.title = collapseSpace(d.title)
	if !plausibleTitle(d.title) {
		return nil, ErrNoTitle
	}
	b := &Bulletin{Title: d.title, URL: in.URL, Images: []string{}, Tags: []string{}}
	if b.URL == "" {
		b.URL = in.Name
	}
	header := append([]string{}, d.header...)
	for _, raw := range d.lines {
		l := stripChromeSuffix(collapseSpace(raw))
		switch {
		case isChromeLine(l):
		case l == d.title:
		case isInfoLine(Simplify(l)) || (len(b.Paragraphs) == 0 && isDateLine(l)):
			header = append(header, l)
			if d.lineDate.IsZero() && len(b.Paragraphs) == 0 && isDateLine(l) {
				d.lineDate, _ = dateAtStart(l)
			}
		default:
			if img, ok := imageLine(l); ok {
				if len(d.images) == 0 {
					b.Images = append(b.Images, img)
				}
				continue
			}
			if num, ok := docNumberLine(l); ok && b.DocNumber == "" {
				b.DocNumber = num
				continue
			}
			b.Paragraphs = append(b.Paragraphs, l)
		}
	}
	if len(d.images) > 0 {
		b.Images = d.images
	}
	b.Paragraphs = dropDateline(b.Paragraphs)
	if hanCount(strings.Join(b.Paragraphs, "")) < 10 {
		return nil, ErrNoArticle
	}
	// Rules match simplified text (縣委 as 县委); the bulletin keeps its own.
	simple := simplifyAll(b.Paragraphs)
	p.fillFields(b, d, header, simple, in)

	body := b.Text()
	b.Fingerprint = MakeFingerprint(body)
	b.ID = b.PublishedAt.Format("20060102") + "-" + b.Fingerprint.Exact[:8]
	if b.Kind == KindMeeting {
		b.Summary = meetingSummary(b.Meeting, d.meeting.lead, d.meeting.points, p.cfg.SummaryLimit)
	}
	if b.Summary == "" {
		seg := p.deps.Segmenter
		if seg == nil {
			var err error
			if seg, err = DefaultSegmenter(); err != nil {
				return nil, err
			}
		}
		b.Summary = outlineSummary(seg, b.Paragraphs, p.cfg.SummaryLimit)
	}
	for _, t := range p.deps.Topics.Tag(b.Title, body) {
		b.Tags = append(b.Tags, t.Topic)
		b.TagMatches = append(b.TagMatches, t)
	}
	return b, nil
}

// plausibleTitle reports whether a line can be a title: short, with words
// in it, and not a sentence of the body.
func plausibleTitle(t string) bool {
	n := runeLen(t)
	// A title may end with 。 when it opens with a programme's or a
	// document's name: 《…》评论员文章。
	if n < 4 || n > 120 || (strings.HasSuffix(t, "。") && !strings.HasPrefix(t, "《")) {
		return false
	}
	letters, words := 0, 0
	for _, r := range t {
		if isHan(r) || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
			words++
		}
		if isHan(r) || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			letters++
		}
	}
	// Digits count as text (《新闻联播》 20240506), but a title needs words.
	return words >= 4 && letters*2 >= n
}

// fillFields derives time, source, document number, kind and meeting.
// simple is the paragraphs in simplified characters.
func (p *Parser) fillFields(b *Bulletin, d *draft, header, simple []string, in Input) {
	if b.DocNumber == "" {
		for _, l := range header {
			if m := docNumberExpr.FindString(l); m != "" {
				b.DocNumber = m
				break
			}
		}
	}
	issuer, signed := signature(b.Paragraphs)
	switch t, ok := labeledTime(simplifyAll(header)); {
	case ok:
		b.PublishedAt = t
	case d.metaDate != "":
		if t, ok := parseDate(d.metaDate); ok {
			b.PublishedAt = t
		}
	}
	if b.PublishedAt.IsZero() && !d.lineDate.IsZero() {
		b.PublishedAt = d.lineDate
	}
	if b.PublishedAt.IsZero() && !signed.IsZero() {
		b.PublishedAt = signed
	}
	// dated is the publication time the text gives: the day a bare 26日 or
	// a 今天 is read against. A fetch time is no such day.
	dated := b.PublishedAt
	if b.PublishedAt.IsZero() {
		b.PublishedAt = in.Fetched
		if b.PublishedAt.IsZero() {
			b.PublishedAt = time.Now()
		}
		b.PublishedAt = b.PublishedAt.In(Shanghai).Truncate(time.Minute)
	} else {
		// A date from the text without a time of day parses as midnight.
		h, m, s := b.PublishedAt.In(Shanghai).Clock()
		b.DateOnly = h == 0 && m == 0 && s == 0
	}
	b.Source = newOriginalText(strings.Join(header, "\n")).restore(labeledSource(simplifyAll(header)))
	if b.Source == "" {
		b.Source = d.metaSource
	}

	switch {
	case noticeTitle.MatchString(Simplify(b.Title)) || b.DocNumber != "":
		b.Kind = KindNotice
		if issuer != "" {
			b.Source = issuer
		}
	default:
		// Meetings are read from simplified text (縣委常委會 as 县委常委会)
		// and shown in the bulletin's own characters.
		if m, text := extractMeeting(Simplify(b.Title), simple, dated, b.Source, d.siteName); m != nil {
			if hasTraditional(b.Title, b.Paragraphs, simple) {
				o := newOriginalText(b.Title + "\n" + b.Text())
				o.restoreMeeting(m)
				o.restorePoints(text.points)
			}
			b.Kind, b.Meeting, d.meeting = KindMeeting, m, text
		} else {
			b.Kind = KindNews
		}
	}
}
