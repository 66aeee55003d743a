package store

import (
	"regexp"
	"strconv"
	"strings"

	"tongbao/content"
)

// A facet is a structured fact about a bulletin that questions filter on:
// "place:兰溪", "organ:兰溪市委", "body:县政府", "person:王立新",
// "post:县长", "type:常务会议", "meeting:县政府第十二次常务会议",
// "ord:12", "doc:青政办明电12号". Each facet has a sorted set of the
// bulletins that hold it (scored by publication time, like the timeline),
// and the words people use for it are lexicon entries (see Lexicon).

// Facet fields.
const (
	FacetPlace   = "place"
	FacetOrgan   = "organ"
	FacetBody    = "body"
	FacetPerson  = "person"
	FacetPost    = "post"
	FacetType    = "type"
	FacetMeeting = "meeting"
	FacetOrdinal = "ord"
	FacetDoc     = "doc"
)

var (
	// organSplit separates a place from the body after it: 兰溪 + 市委,
	// 青溪 + 县政府, 桃源 + 镇党委.
	organSplit = regexp.MustCompile(`^(\p{Han}{2,6}?)((?:省|市|县|区|州|旗|镇|乡|街道)(?:党委|党工委|委|人民政府|政府|人大常委会|人大|政协|办事处)\p{Han}{0,8})$`)
	// issuerSplit is the place an issuer's name starts with: 青溪县人民政府办公室.
	issuerSplit = regexp.MustCompile(`^(\p{Han}{2,6}?)((?:省|市|县|区|州|旗|镇|乡|街道)\p{Han}{1,12})$`)
	// titlePlace is a place convening something in a title: 兰溪召开…, 青溪县召开….
	titlePlace = regexp.MustCompile(`^(\p{Han}{2,3}?)(?:省|市|县|区|镇|乡)?(?:召开|举行)`)
	// ordinalExpr is 第十二次 / 第12次 in a meeting name.
	ordinalExpr = regexp.MustCompile(`第([0-9]+|[一二三四五六七八九十百零〇两]+)次`)
	// docNumberExpr is a document number: 青政办明电〔2022〕12号.
	docNumberExpr = regexp.MustCompile(`^(\p{Han}{2,12}?)[〔\[［(（]?(\d{4})?[〕\]］)）]?(?:第)?(\d{1,5})号$`)
)

// meetingTypes are the kinds of meeting people ask for, each with the
// words that name it (the first is its name); a meeting's type is the first
// whose words its name contains, longer words winning.
var meetingTypes = []struct {
	name    string
	aliases []string
}{
	{"人大常委会会议", []string{"人大常委会会议", "人大常委会"}},
	{"人代会", []string{"人民代表大会", "人代会", "人大会议"}},
	{"政协会议", []string{"政协全体会议", "政协会议", "政协常委会议"}},
	{"常委会", []string{"常委会", "常委会议", "常委扩大会议", "常委扩大会", "常委会会议", "常委(扩大)会议"}},
	{"常务会议", []string{"常务会议", "常务会", "政府常务会议", "常务扩大会议"}},
	{"党组会议", []string{"党组会议", "党组会", "党组扩大会议", "党组(扩大)会议", "党组理论学习中心组"}},
	{"书记办公会", []string{"书记办公会议", "书记办公会"}},
	{"主任会议", []string{"主任会议", "主任会"}},
	{"委员长会议", []string{"委员长会议"}},
	{"全体会议", []string{"全体会议", "全体(扩大)会议", "全会"}},
	{"专题会议", []string{"专题会议", "专题会", "专题研究会"}},
	{"中心组学习", []string{"理论学习中心组", "中心组"}},
	{"工作会议", []string{"工作会议", "工作会"}},
	{"办公会议", []string{"办公会议", "办公会"}},
	{"联席会议", []string{"联席会议", "联席会"}},
	{"座谈会", []string{"座谈会"}},
	{"推进会", []string{"推进会"}},
	{"调度会", []string{"调度会"}},
	{"动员会", []string{"动员会", "动员大会"}},
	{"部署会", []string{"部署会"}},
	{"现场会", []string{"现场会"}},
	{"对接会", []string{"对接会"}},
	{"学习会", []string{"学习会"}},
	{"电视电话会议", []string{"电视电话会议", "视频会议"}},
}

// MeetingType is the type of a meeting by its name (常务会议, 常委会 …),
// or "" when it is none of the known types.
func MeetingType(name string) string {
	n := fold(name)
	best, bestLen := "", 0
	for _, t := range meetingTypes {
		for _, a := range t.aliases {
			if l := len(a); l > bestLen && strings.Contains(n, fold(a)) {
				best, bestLen = t.name, l
			}
		}
	}
	return best
}

// fold is how facet values and lexicon words are compared: simplified
// characters, no spaces or punctuation, lower case.
func fold(s string) string { return normalizeMatch(content.Simplify(s)) }

// lexEntry is a word people use (folded) and the facet it names.
type lexEntry struct{ word, facet string }

// bulletinFacets lists a bulletin's facets and the words that name them.
func bulletinFacets(b *content.Bulletin) (facets []string, words []lexEntry) {
	seen := map[string]bool{}
	add := func(facet string, names ...string) {
		if !seen[facet] {
			seen[facet] = true
			facets = append(facets, facet)
		}
		for _, n := range names {
			if w := fold(n); len([]rune(w)) >= 2 {
				words = append(words, lexEntry{w, facet})
			}
		}
	}
	place := func(p, suffix string) {
		if p = fold(p); p != "" {
			add(FacetPlace+":"+p, p, p+suffix)
		}
	}
	organ := func(o string) {
		o = strings.ReplaceAll(fold(o), "人民政府", "政府")
		if m := organSplit.FindStringSubmatch(o); m != nil {
			place(m[1], string([]rune(m[2])[:1]))
			add(FacetOrgan+":"+o, o)
			add(FacetBody+":"+m[2], m[2])
			return
		}
		if o != "" {
			add(FacetBody+":"+o, o)
		}
	}
	if m := b.Meeting; m != nil {
		organ(m.Organ)
		if t := MeetingType(m.Name); t != "" {
			var aliases []string
			for _, mt := range meetingTypes {
				if mt.name == t {
					aliases = mt.aliases
				}
			}
			add(FacetType+":"+t, aliases...)
		}
		if name := fold(m.Name); name != "" {
			add(FacetMeeting+":"+name, name, m.FullName())
		}
		if om := ordinalExpr.FindStringSubmatch(content.Simplify(m.Name)); om != nil {
			if n := content.HanNumber(om[1]); n > 0 {
				add(FacetOrdinal + ":" + strconv.Itoa(n))
			}
		}
		people := append([]content.Person{m.Chair}, m.Attendees...)
		for _, p := range people {
			if p.Name != "" {
				add(FacetPerson+":"+fold(p.Name), p.Name)
			}
		}
		for _, post := range strings.FieldsFunc(m.Chair.Title, func(r rune) bool { return r == '、' || r == ',' || r == '，' }) {
			post = fold(post)
			if post == "" {
				continue
			}
			add(FacetPost+":"+post, post)
			// 县委副书记 is also a 副书记; 市长 is a 市长.
			if short := trimOrganPrefix(post); short != post && len([]rune(short)) >= 2 {
				add(FacetPost+":"+short, short)
			}
		}
	}
	if b.Source != "" {
		src := strings.ReplaceAll(fold(b.Source), "人民政府", "政府")
		if m := issuerSplit.FindStringSubmatch(src); m != nil {
			place(m[1], string([]rune(m[2])[:1]))
			body := m[2]
			add(FacetBody+":"+body, body)
			add(FacetOrgan+":"+src, src)
			// An office speaks for its government: 县政府办公室 (县政府办) is
			// also 县政府.
			if parent := strings.TrimSuffix(body, "办公室"); parent != body {
				add(FacetBody+":"+body, parent+"办")
				add(FacetBody+":"+parent, parent)
			}
		}
	}
	if m := titlePlace.FindStringSubmatch(content.Simplify(b.Title)); m != nil {
		place(m[1], "")
	}
	if b.DocNumber != "" {
		if key, forms := docForms(b.DocNumber); key != "" {
			add(FacetDoc+":"+key, forms...)
		}
	}
	return facets, words
}

// trimOrganPrefix drops the body in front of a post: 县委副书记 → 副书记.
func trimOrganPrefix(post string) string {
	for _, p := range []string{"省委", "市委", "县委", "区委", "镇党委", "党委", "党工委"} {
		if strings.HasPrefix(post, p) {
			return strings.TrimPrefix(post, p)
		}
	}
	return post
}

// DocKey reads a document number as people write it (青政办明电〔2022〕12号,
// 青政办明电12号, 青政办明电2022年12号) into the key it is indexed under
// (the issuer's prefix and the serial, without the year), or "".
func DocKey(s string) string {
	key, _ := docForms(s)
	return key
}

// docForms is a document number's key and the ways of writing it.
func docForms(s string) (key string, forms []string) {
	s = strings.ReplaceAll(content.Simplify(strings.TrimSpace(s)), "年", "")
	m := docNumberExpr.FindStringSubmatch(s)
	if m == nil {
		return "", nil
	}
	key = m[1] + strings.TrimLeft(m[3], "0") + "号"
	forms = []string{key}
	if m[2] != "" {
		forms = append(forms, m[1]+m[2]+m[3]+"号")
	}
	return key, forms
}
