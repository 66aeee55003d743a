package content

import (
	"strings"
	"time"
)

// Kind says what sort of bulletin something is; it decides how it is
// summarized and which subscriptions it matches.
type Kind string

// The kinds of bulletin Tongbao knows.
const (
	KindMeeting Kind = "meeting" // a meeting report: 常务会议, 常委会 …
	KindNotice  Kind = "notice"  // a notice or announcement: 通知, 公告, 通告 …
	KindNews    Kind = "news"    // anything else
	// KindAnnouncement is an admin's broadcast: stored and tracked like a
	// bulletin, but not part of the timeline or search.
	KindAnnouncement Kind = "announcement"
)

// ParseKind maps a user's or config's word for a kind (English or Chinese)
// to a Kind; ok is false when the word names none.
func ParseKind(word string) (kind Kind, ok bool) {
	switch strings.ToLower(strings.TrimSpace(word)) {
	case "meeting", "meetings", "会议":
		return KindMeeting, true
	case "notice", "notices", "通知", "公告", "通告":
		return KindNotice, true
	case "news", "新闻", "动态", "要闻":
		return KindNews, true
	}
	return "", false
}

// Label is the kind's Chinese name, as shown to users.
func (k Kind) Label() string {
	switch k {
	case KindMeeting:
		return "会议"
	case KindNotice:
		return "通知公告"
	case KindAnnouncement:
		return "公告"
	default:
		return "新闻"
	}
}

// Person is someone named in a bulletin, with the title the text gives them.
type Person struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// String renders the person as a Chinese reader expects: title then name.
func (p Person) String() string { return p.Title + p.Name }

// Meeting is the structure of a meeting report: who met, who chaired, and
// what the meeting relayed, heard, approved and emphasized.
type Meeting struct {
	Name      string   `json:"name"`      // 市委常委会(扩大)会议
	Type      string   `json:"type"`      // the type of meeting: 常委会会议, 常务会议, 全体会议, 委员长会议, 推进会 … (会议 when the name says no more)
	Ordinal   int      `json:"ordinal"`   // the meeting's number in its series (第十二次 → 12); 0 when not given
	Organ     string   `json:"organ"`     // the body that held it: 兰溪市委
	Held      string   `json:"held"`      // when, as the text says it: 6月7日下午
	HeldDate  string   `json:"held_date"` // Held resolved to a date (2006-01-02) when possible
	Chair     Person   `json:"chair"`
	Attendees []Person `json:"attendees"`
	Relayed   []string `json:"relayed"`   // 传达学习 …
	Heard     []string `json:"heard"`     // 听取 … 汇报
	Studied   []string `json:"studied"`   // 研究部署 …
	Approved  []string `json:"approved"`  // 审议(并原则)通过 《…》
	Reviewed  []string `json:"reviewed"`  // 审议 《…》 without saying it was approved
	Decisions []string `json:"decisions"` // what it decided ("决定…" without the verb), settled or agreed to (kept with 确定 / 同意)
	Points    []string `json:"points"`    // the 要… directives under 会议强调 / 指出 / 要求 (or the speaker's 强调)

}

// Tag is a topic from the topic list that a bulletin matched, with the words
// that matched it.
type Tag struct {
	Topic   string   `json:"topic"`
	Matched []string `json:"matched"`
}

// Fingerprint identifies a bulletin's text for dedupe: Exact is a hash of the
// normalized text; MinHash is a near-duplicate signature over character
// 5-grams (see SameArticle).
type Fingerprint struct {
	Exact   string   `json:"exact"`
	MinHash []uint32 `json:"minhash"`
}

// Bulletin is one parsed, cleaned and summarized government bulletin.
// DateOnly says the source gave its day of publication without a time of
// day (PublishedAt is then that day's midnight; see PublishedText).
type Bulletin struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	PublishedAt time.Time   `json:"published_at"`
	DateOnly    bool        `json:"date_only,omitempty"`
	Source      string      `json:"source"`        // the issuer or site: 青溪县人民政府办公室
	URL         string      `json:"url,omitempty"` // where it came from (page URL or file path)
	Kind        Kind        `json:"kind"`
	DocNumber   string      `json:"doc_number"` // 青政办明电〔2022〕12号
	Meeting     *Meeting    `json:"meeting"`
	Summary     string      `json:"summary"`
	Tags        []string    `json:"tags"`
	TagMatches  []Tag       `json:"tag_matches,omitempty"`
	Images      []string    `json:"images"`
	Paragraphs  []string    `json:"paragraphs"`
	Fingerprint Fingerprint `json:"fingerprint"`
	// Audience is who an admin chose to send it to (zero: whoever's
	// subscriptions match it); see Audience.
	Audience Audience `json:"audience,omitzero"`
}

// PublishedText is when the bulletin was published, in China Standard
// Time: the date in dateLayout ("2006-01-02", "2006年1月2日"), then the time
// of day ("15:04") unless the source gave only a date. A time of exactly
// midnight counts as a date alone too: bulletins stored before DateOnly
// existed carry their day as 00:00.
func (b *Bulletin) PublishedText(dateLayout string) string {
	t := b.PublishedAt.In(Shanghai)
	if b.DateOnly || t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(dateLayout)
	}
	return t.Format(dateLayout + " 15:04")
}

// Text is the bulletin's cleaned body, one paragraph a line.
func (b *Bulletin) Text() string { return strings.Join(b.Paragraphs, "\n") }

// HasTag reports whether the bulletin was tagged with topic.
func (b *Bulletin) HasTag(topic string) bool {
	for _, t := range b.Tags {
		if t == topic {
			return true
		}
	}
	return false
}
