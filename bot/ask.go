package bot

import (
	"context"
	"sort"
	"strings"
	"time"

	"tongbao/bot/chat"
	"tongbao/bot/msg"
	"tongbao/content"
)

// maxQuestionRunes is how much of a message is read as a question: what
// people ask fits in far less, and reading more only costs.
const maxQuestionRunes = 200

// candidateLimit is how many bulletins a question looks at when part of
// its filter is applied in memory (the day held, search words, a chair);
// firstCandidates how many it reads first.
const (
	candidateLimit  = 60
	firstCandidates = 12
)

// yearsBack is how far a month/day question without a year looks back for
// a year that has bulletins on that day.
const yearsBack = 10

// ask answers a question: slots are read from it, the bulletins they
// select are found, and the field asked about is answered.
func (b *Bot) ask(ctx context.Context, t *turn, text string) ([]chat.Reply, error) {
	if err := b.lex.refresh(ctx, b.store); err != nil {
		return nil, err
	}
	text = capRunes(text, maxQuestionRunes)
	q := parseQuestion(text, b.deps.Now(), b.deps.Topics, b.lex)
	if !q.understood() {
		return []chat.Reply{chat.Text(msg.Say(t.lang, "unknown", quote(text)))}, nil
	}
	return b.answerQuestion(ctx, t, q)
}

// quoteRunes is the most of what a person typed that a reply repeats.
const quoteRunes = 20

// quote is the start of what a person typed, for repeating it in a reply.
func quote(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > quoteRunes {
		return string(r[:quoteRunes]) + "…"
	}
	return s
}

// selection is what a question selects: the filter the store applies, and
// what is checked in memory.
type selection struct {
	filter content.Filter
	// from and to are the days asked about, matched against the day held
	// (then the day published).
	from, to time.Time
	// words must all occur in a bulletin.
	words []string
	// person (a name or a post) must be the chair (role "chair") or an
	// attendee ("attendees").
	person, role string
	// terms rank the candidates: in the title first.
	terms []string
	// preferKind ranks a kind first (措施 asks a notice's).
	preferKind content.Kind
}

// inMemory reports whether part of the selection is checked in memory,
// so more candidates than the page are needed.
func (s selection) inMemory() bool {
	return !s.from.IsZero() || len(s.words) > 0 || s.role != "" || s.preferKind != "" || len(s.terms) > 0
}

// selectionOf turns a question's slots into a selection.
func (b *Bot) selectionOf(q *Question) selection {
	s := selection{filter: content.Filter{Kind: q.Kind, Tag: q.Topic}, from: q.From, to: q.To, words: q.Words}
	if s.filter.Kind == "" && meetingFields[q.Field] {
		s.filter.Kind = content.KindMeeting
	}
	for _, f := range q.Facets {
		s.filter.Facets = append(s.filter.Facets, f.Facet)
		if q.role != "" && (strings.HasPrefix(f.Facet, "person:") || strings.HasPrefix(f.Facet, "post:")) {
			_, s.person, _ = strings.Cut(f.Facet, ":")
			s.role = q.role
		}
	}
	if !q.Latest {
		s.terms = append(s.terms, q.Words...)
		if q.TopicSaid != "" {
			s.terms = append(s.terms, q.TopicSaid)
		}
	}
	if q.Field == fieldMeasures && q.Kind == "" {
		s.preferKind = content.KindNotice
	}
	if !s.from.IsZero() {
		// A meeting is published a day or two after it is held.
		s.filter.From, s.filter.To = s.from, s.to.AddDate(0, 0, 3)
	}
	return s
}

// find returns the bulletins a selection selects, newest first (those held
// in the period before those only published in it), up to limit, and how
// many there are.
func (b *Bot) find(ctx context.Context, s selection, limit int) ([]*content.Bulletin, int64, error) {
	hasFilter := s.filter.Kind != "" || s.filter.Tag != "" || len(s.filter.Facets) > 0 || !s.from.IsZero()
	if len(s.words) > 0 && !hasFilter {
		hits, total, err := b.store.Search(ctx, strings.Join(s.words, " "), 0, max(limit, pageSize))
		if err != nil {
			return nil, 0, err
		}
		bs := make([]*content.Bulletin, len(hits))
		for i, h := range hits {
			bs[i] = h.Bulletin
		}
		return bs, total, nil
	}
	if !s.inMemory() {
		return b.store.Timeline(ctx, s.filter, 0, limit)
	}
	// Candidates come newest first in two helpings: most questions are
	// answered from the first, and each one read costs a decode.
	var held, published []*content.Bulletin
	var seen, total int64
	for _, n := range []int{max(2*limit, firstCandidates), candidateLimit} {
		if seen >= int64(n) {
			continue
		}
		bs, all, err := b.store.Timeline(ctx, s.filter, int(seen), n-int(seen))
		if err != nil {
			return nil, 0, err
		}
		total = all
		for _, bl := range bs {
			if !s.keeps(bl) {
				continue
			}
			switch {
			case s.from.IsZero() || within(heldDay(bl), s.from, s.to):
				held = append(held, bl)
			case within(bl.PublishedAt, s.from, s.to):
				published = append(published, bl)
			}
		}
		seen += int64(len(bs))
		if len(held)+len(published) >= limit || seen >= all {
			break
		}
	}
	s.rank(held)
	s.rank(published)
	out := append(held, published...)
	if kept := int64(len(out)); kept < seen || seen >= total {
		// Some candidates were left out: count what was kept.
		total = kept
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, total, nil
}

// rank orders candidates by the question's terms in their titles and the
// kind it prefers, newest first among equals.
func (s selection) rank(bs []*content.Bulletin) {
	if len(s.terms) == 0 && s.preferKind == "" {
		return
	}
	score := func(bl *content.Bulletin) int {
		n := 0
		title := content.Simplify(bl.Title)
		for _, w := range s.terms {
			if w != "" && strings.Contains(title, w) {
				n += 2
			}
		}
		if s.preferKind != "" && bl.Kind == s.preferKind {
			n += 3
		}
		return n
	}
	sort.SliceStable(bs, func(i, j int) bool { return score(bs[i]) > score(bs[j]) })
}

// keeps checks the in-memory part of a selection other than the days.
func (s selection) keeps(bl *content.Bulletin) bool {
	if len(s.words) > 0 {
		text := content.Simplify(strings.Join(append(structured(bl), bl.Text()), "\n"))
		for _, w := range s.words {
			if !strings.Contains(text, w) {
				return false
			}
		}
	}
	if s.role != "" {
		m := bl.Meeting
		if m == nil {
			return false
		}
		people := []content.Person{m.Chair}
		if s.role == fieldAttendees {
			people = m.Attendees
		}
		for _, p := range people {
			if content.Simplify(p.Name) == s.person || strings.Contains(content.Simplify(p.Title), s.person) {
				return true
			}
		}
		return false
	}
	return true
}

// structured is a bulletin's fields that words may be found in besides its
// text.
func structured(bl *content.Bulletin) []string {
	out := append([]string{bl.Title, bl.Source, bl.DocNumber}, bl.Tags...)
	if m := bl.Meeting; m != nil {
		out = append(out, m.Name, m.Organ, m.Chair.String())
	}
	return out
}

func within(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

// heldDay is the day a meeting was held when the text says it, else the
// day the bulletin was published.
func heldDay(bl *content.Bulletin) time.Time {
	if m := bl.Meeting; m != nil && m.HeldDate != "" {
		if d, err := time.ParseInLocation("2006-01-02", m.HeldDate, content.Shanghai); err == nil {
			return d
		}
	}
	p := bl.PublishedAt.In(content.Shanghai)
	return time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, content.Shanghai)
}

// answerQuestion finds what a question selects and answers it.
func (b *Bot) answerQuestion(ctx context.Context, t *turn, q *Question) ([]chat.Reply, error) {
	personAsked := false
	for _, f := range q.Facets {
		personAsked = personAsked || strings.HasPrefix(f.Facet, "person:") || strings.HasPrefix(f.Facet, "post:")
	}
	if personAsked {
		// 王立新主持过哪些会议: the person is the filter, not the question.
		switch {
		case q.Field == fieldChair || q.Field == fieldAttendees:
			q.role, q.Field = q.Field, ""
			if n := len(q.earlier); n > 0 {
				q.Field = q.earlier[n-1]
			}
		case contains(q.earlier, fieldChair):
			q.role = fieldChair
		case contains(q.earlier, fieldAttendees):
			q.role = fieldAttendees
		}
		q.List = q.List || (q.role != "" && !q.Latest && q.Field == "")
	}
	if !q.hasFilter() && q.Field == "" && !q.Latest {
		return b.recent(ctx, t, content.Filter{}, q.N, 0)
	}
	if onlyWords(q) {
		return b.search(ctx, t, strings.Join(q.Words, " "), 0, true)
	}
	limit := 1
	if q.Field != "" {
		limit = pageSize // the newest that has the field asked about
	}
	if q.List || q.N > 1 {
		limit = max(q.N, pageSize)
		limit = min(limit, 20)
	} else if q.Field == "" && !q.Latest {
		limit = pageSize
	}
	s := b.selectionOf(q)
	bs, total, err := b.find(ctx, s, limit)
	if err != nil {
		return nil, err
	}
	label := q.DateLabel
	for back := 1; len(bs) == 0 && q.NoYear && back <= yearsBack; back++ {
		// 5月27日 without a year: the most recent 5月27日 that has any.
		s2 := s
		s2.from, s2.to = q.From.AddDate(-back, 0, 0), q.To.AddDate(-back, 0, 0)
		s2.filter.From, s2.filter.To = s2.from, s2.to.AddDate(0, 0, 3)
		if bs, total, err = b.find(ctx, s2, limit); err != nil {
			return nil, err
		}
		label = yearLabel(t.lang, s2.from.Year(), q.DateLabel)
	}
	if len(bs) == 0 {
		return b.nothingFound(ctx, t, q, s)
	}
	if q.Field != "" || len(bs) == 1 || (q.Latest && !q.List) {
		// One bulletin: the one that answers the field asked, else the first.
		bl := bs[0]
		if q.Field != "" {
			bl = withField(bs, q.Field)
		}
		if err := b.remember(ctx, t, listSession{IDs: []string{bl.ID}}); err != nil {
			return nil, err
		}
		if q.Field != "" {
			return b.fieldAnswer(t, bl, q.Field), nil
		}
		return []chat.Reply{b.card(t, bl)}, nil
	}
	items := make([]listItem, len(bs))
	session := listSession{IDs: make([]string, len(bs))}
	for i, bl := range bs {
		items[i], session.IDs[i] = listItem{b: bl}, bl.ID
	}
	// A list the store selects alone can be paged with 下一页, and so
	// shortened to fit one message.
	pageable := !s.inMemory()
	title := msg.Say(t.lang, "ask.found", quote(describeQuestion(q, label, t.lang)), total)
	r, shown := fitList(t.in.Platform.MessageFits, pageable, title, items, 1, t.lang, pageable && total > int64(len(bs)))
	session.IDs = session.IDs[:shown]
	if pageable && total > int64(shown) {
		session.What, session.Filter = "recent", s.filter
	}
	if err := b.remember(ctx, t, session); err != nil {
		return nil, err
	}
	return []chat.Reply{r}, nil
}

// yearLabel puts a year in front of a date said without one.
func yearLabel(lang string, year int, label string) string {
	return msg.Say(lang, "date.year", label, year)
}

// describeQuestion names what a question selects: 6月7日 青溪 常务会议.
func describeQuestion(q *Question, dateLabel, lang string) string {
	var parts []string
	if dateLabel != "" {
		parts = append(parts, dateLabel)
	}
	parts = append(parts, saidParts(q)...)
	return strings.TrimSpace(msg.Say(lang, "question.what", kindName(q.Kind, lang), strings.Join(parts, " ")))
}

// saidParts are the words of a question that named its facets, topic and
// search words.
func saidParts(q *Question) []string {
	var parts []string
	for _, f := range q.Facets {
		parts = append(parts, f.Said)
	}
	if q.TopicSaid != "" {
		parts = append(parts, q.TopicSaid)
	}
	return append(parts, q.Words...)
}

// nothingFound says which part of a question found nothing and offers the
// nearest results: those found without it.
func (b *Bot) nothingFound(ctx context.Context, t *turn, q *Question, s selection) ([]chat.Reply, error) {
	type relax struct {
		said string
		drop func(*selection)
	}
	var tries []relax
	if len(s.words) > 0 {
		tries = append(tries, relax{strings.Join(s.words, " "), func(s *selection) { s.words = nil }})
	}
	if !s.from.IsZero() {
		tries = append(tries, relax{q.DateLabel, func(s *selection) {
			s.from, s.to, s.filter.From, s.filter.To = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		}})
	}
	if s.filter.Kind != "" {
		tries = append(tries, relax{strings.Join(saidParts(q), " "), func(s *selection) { s.filter.Kind = "" }})
	}
	for i := len(q.Facets) - 1; i >= 0; i-- {
		facet := q.Facets[i]
		tries = append(tries, relax{facet.Said, func(s *selection) {
			var keep []string
			for _, f := range s.filter.Facets {
				if f != facet.Facet {
					keep = append(keep, f)
				}
			}
			s.filter.Facets = keep
			if strings.TrimPrefix(facet.Facet, "person:") == s.person {
				s.person, s.role = "", ""
			}
		}})
	}
	if s.filter.Tag != "" {
		tries = append(tries, relax{q.TopicSaid, func(s *selection) { s.filter.Tag = "" }})
	}
	what := kindName(s.filter.Kind, t.lang)
	for _, r := range tries {
		s2 := s
		s2.filter.Facets = append([]string(nil), s.filter.Facets...)
		r.drop(&s2)
		bs, _, err := b.find(ctx, s2, pageSize)
		if err != nil {
			return nil, err
		}
		if len(bs) == 0 {
			continue
		}
		note := msg.Say(t.lang, "ask.none", quote(r.said), what)
		switch {
		case r.said == q.DateLabel && q.DateLabel != "":
			note = msg.Say(t.lang, "no.date", q.DateLabel, what)
		case strings.TrimSpace(r.said) == "":
			note = msg.Say(t.lang, "no.kind", what)
		}
		items := make([]listItem, len(bs))
		ids := make([]string, len(bs))
		for i, bl := range bs {
			items[i], ids[i] = listItem{b: bl}, bl.ID
		}
		if err := b.remember(ctx, t, listSession{IDs: ids}); err != nil {
			return nil, err
		}
		fits := func(list string) bool { return t.in.Platform.MessageFits(note + "\n" + list) }
		r, _ := fitList(fits, false, msg.Say(t.lang, "ask.nearest"), items, 1, t.lang, false)
		r.Blocks = append([]chat.Block{{Kind: chat.BlockText, Text: note}}, r.Blocks...)
		return []chat.Reply{r}, nil
	}
	switch {
	case len(q.Words) > 0:
		return []chat.Reply{chat.Text(msg.Say(t.lang, "search.none", quote(strings.Join(q.Words, " "))))}, nil
	case !q.From.IsZero():
		return []chat.Reply{chat.Text(msg.Say(t.lang, "no.date", q.DateLabel, what))}, nil
	}
	return []chat.Reply{chat.Text(msg.Say(t.lang, "no.kind", what))}, nil
}

// onlyWords reports whether a question is nothing but search words.
func onlyWords(q *Question) bool {
	return len(q.Words) > 0 && q.Kind == "" && len(q.Facets) == 0 && q.Topic == "" && q.From.IsZero() && q.Field == "" && !q.Latest && !q.List && q.N == 0
}
