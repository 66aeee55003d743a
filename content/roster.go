package content

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Roster sources: where a person's entry came from. An import replaces only
// the entries it made; a WeCom sync only the ones it made.
const (
	SourceImport = "import" // a CSV or XLSX file (tongbao roster import)
	SourceWeCom  = "wecom"  // the WeCom directory (tongbao roster sync wecom)
)

// Member is one entry of the roster: a cadre of a unit, with the accounts
// bound to them. Units are paths from the top of the tree: "县委办",
// "县委办/督查室".
type Member struct {
	// ID is the person's roster number, stable while they stay on the
	// roster (also across moves between units).
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Unit    string `json:"unit"`
	Post    string `json:"post,omitempty"`
	Phone   string `json:"phone,omitempty"`
	WeComID string `json:"wecom_id,omitempty"`
	Source  string `json:"source,omitempty"`
	// Accounts are the subscriber ids bound to the person now (tg:…,
	// wx:…, wecom:…).
	Accounts []string `json:"accounts,omitempty"`
}

// Key is what identifies a person in an import: their unit and name.
func (p *Member) Key() string { return p.Unit + "\x00" + p.Name }

// Label is the person as admins see them: "县委办 张三".
func (p *Member) Label() string { return p.Unit + " " + p.Name }

// InUnit reports whether unit is the person's unit or one above it.
func (p *Member) InUnit(unit string) bool { return UnitWithin(p.Unit, unit) }

// UnitWithin reports whether unit is top itself or lies below it in the
// tree ("县委办/督查室" is within "县委办"; "县委办公室" is not).
func UnitWithin(unit, top string) bool {
	return unit == top || strings.HasPrefix(unit, top+"/")
}

// UnitAncestors lists a unit and every unit above it, the top first:
// "县委办/督查室" gives 县委办, 县委办/督查室.
func UnitAncestors(unit string) []string {
	var out []string
	for i := 0; i < len(unit); i++ {
		if unit[i] == '/' {
			out = append(out, unit[:i])
		}
	}
	return append(out, unit)
}

// CleanUnit normalizes a unit path as people type it: spaces around the
// parts go, full-width and backslash separators become "/". It reports
// false when a part is empty ("县委办//督查室", "/县委办").
func CleanUnit(s string) (string, bool) {
	s = unitSeparators.Replace(strings.TrimSpace(s))
	parts := strings.Split(s, "/")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" {
			return "", false
		}
	}
	return strings.Join(parts, "/"), true
}

// unitSeparators are what people write between the parts of a unit path.
var unitSeparators = strings.NewReplacer("／", "/", "\\", "/", "＼", "/", "→", "/")

// rosterColumns are the roster file's columns in their export order, each
// with the headers an office's spreadsheet may give it.
var rosterColumns = []rosterColumn{
	{Field: "name", Headers: []string{"姓名", "name"}, Required: true},
	{Field: "unit", Headers: []string{"单位", "unit"}, Required: true},
	{Field: "post", Headers: []string{"职务", "post"}, Required: true},
	{Field: "phone", Headers: []string{"手机", "phone"}},
	{Field: "wecom_id", Headers: []string{"企业微信账号", "wecom_id"}},
}

// rosterColumn is one column of a roster file.
type rosterColumn struct {
	Field    string   // the field it fills
	Headers  []string // accepted header texts, the Chinese one first
	Required bool     // a file without it is refused
}

// RosterRow is one person read from a roster file, with its line number
// (the header is line 1).
type RosterRow struct {
	Line   int
	Member Member
	// Absent are the optional fields ("phone", "wecom_id") the file has no
	// column for: the roster keeps what it has for them.
	Absent []string
}

// LineError is what is wrong with one line of a roster file (0: the file
// as a whole), as a catalog key (one of the RosterErr… constants, or a
// caller's own refusal of a line) with the values its text names. content does not say it in words: the bot's
// catalog (bot/msg) does, in the reader's language.
type LineError struct {
	Line int
	Key  string
	Args []any
}

// RosterError lists everything wrong with a roster file or a person's
// entry; nothing of a file with any error is stored.
type RosterError struct{ Lines []LineError }

// Error lists the problems for logs, one a line: "line 3: roster.err.phone [12a]".
func (e *RosterError) Error() string {
	var b strings.Builder
	for i, l := range e.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		if l.Line > 0 {
			fmt.Fprintf(&b, "line %d: ", l.Line)
		}
		b.WriteString(l.Key)
		if len(l.Args) > 0 {
			fmt.Fprint(&b, " ", l.Args)
		}
	}
	return b.String()
}

// rosterError is a RosterError of one problem.
func rosterError(line int, key string, args ...any) *RosterError {
	return &RosterError{[]LineError{{line, key, args}}}
}

// The problems a roster file or a person's entry can have: catalog keys of
// bot/msg, each with the arguments it is given.
const (
	RosterErrTooLarge    = "roster.err.toolarge"    // the file's limit in MB
	RosterErrNotXLSX     = "roster.err.notxlsx"     // a ZIP that is no workbook
	RosterErrNoSheet     = "roster.err.nosheet"     // a workbook without sheets
	RosterErrSheet       = "roster.err.sheet"       // the unreadable sheet's name
	RosterErrNotCSV      = "roster.err.notcsv"      // neither text nor a workbook
	RosterErrCSV         = "roster.err.csv"         // a line CSV cannot read
	RosterErrEmpty       = "roster.err.empty"       // no header line
	RosterErrDupColumn   = "roster.err.dupcolumn"   // the column's Chinese and English header
	RosterErrNoColumn    = "roster.err.nocolumn"    // the column's Chinese and English header
	RosterErrNoName      = "roster.err.noname"      //
	RosterErrNoUnit      = "roster.err.nounit"      //
	RosterErrUnitPart    = "roster.err.unitpart"    // the unit as written
	RosterErrNameLong    = "roster.err.namelong"    // the limit in characters
	RosterErrUnitLong    = "roster.err.unitlong"    // the limit in characters
	RosterErrPostLong    = "roster.err.postlong"    // the limit in characters
	RosterErrReserved    = "roster.err.reserved"    // the characters refused
	RosterErrPhone       = "roster.err.phone"       // the phone as written
	RosterErrWeCom       = "roster.err.wecom"       // the WeCom userid as written
	RosterErrDupPerson   = "roster.err.dupperson"   // the person's unit and name, the line they are first on
	RosterErrDupWeCom    = "roster.err.dupwecom"    // the WeCom userid, the line it is first on
	RosterErrMore        = "roster.err.more"        // how many problems were left out
	RosterErrUnknownUnit = "roster.err.unknownunit" // the unit
	RosterErrNearUnit    = "roster.err.nearunit"    // the unit, the known unit nearest in spelling
)

// maxRosterErrors is how many problems a refused file reports before
// "… and N more".
const maxRosterErrors = 50

// Field limits, in characters: longer values are refused as mistakes
// (a paragraph pasted into a cell).
const (
	maxNameLen  = 32
	maxUnitLen  = 128
	maxPostLen  = 64
	maxPhoneLen = 20
	maxWeComLen = 64
)

// readRosterRecords turns a roster file's records (the header first) into
// rows, checking every line: the required columns are there, each person
// has a name and a valid unit, no two people share a unit and a name, no
// WeCom account appears twice. All problems are reported together as a
// *RosterError.
func readRosterRecords(records [][]string) ([]RosterRow, error) {
	errs := &RosterError{}
	add := func(line int, key string, args ...any) {
		errs.Lines = append(errs.Lines, LineError{line, key, args})
	}
	if len(records) == 0 {
		return nil, rosterError(0, RosterErrEmpty)
	}
	col := map[string]int{}
	for i, h := range records[0] {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		for _, c := range rosterColumns {
			if slices.ContainsFunc(c.Headers, func(x string) bool { return strings.EqualFold(x, h) }) {
				if _, dup := col[c.Field]; dup {
					add(1, RosterErrDupColumn, c.Headers[0], c.Headers[1])
				}
				col[c.Field] = i
			}
		}
	}
	for _, c := range rosterColumns {
		if _, ok := col[c.Field]; !ok && c.Required {
			add(1, RosterErrNoColumn, c.Headers[0], c.Headers[1])
		}
	}
	if len(errs.Lines) > 0 {
		return nil, errs
	}
	cell := func(rec []string, field string) string {
		i, ok := col[field]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var absent []string
	for _, c := range rosterColumns {
		if _, ok := col[c.Field]; !ok {
			absent = append(absent, c.Field)
		}
	}
	rows := make([]RosterRow, 0, len(records)-1)
	seen := map[string]int{}
	wecom := map[string]int{}
	for i, rec := range records[1:] {
		line := i + 2
		if blank(rec) {
			continue
		}
		p := Member{Name: cell(rec, "name"), Post: cell(rec, "post"), Phone: cell(rec, "phone"), WeComID: cell(rec, "wecom_id"), Source: SourceImport}
		bad := false
		check := func(ok bool, key string, args ...any) {
			if !ok {
				add(line, key, args...)
				bad = true
			}
		}
		unit, unitOK := CleanUnit(cell(rec, "unit"))
		p.Unit = unit
		check(p.Name != "", RosterErrNoName)
		check(cell(rec, "unit") != "", RosterErrNoUnit)
		check(cell(rec, "unit") == "" || unitOK, RosterErrUnitPart, cell(rec, "unit"))
		check(utf8.RuneCountInString(p.Name) <= maxNameLen, RosterErrNameLong, maxNameLen)
		check(utf8.RuneCountInString(p.Unit) <= maxUnitLen, RosterErrUnitLong, maxUnitLen)
		check(utf8.RuneCountInString(p.Post) <= maxPostLen, RosterErrPostLong, maxPostLen)
		check(!strings.ContainsAny(p.Name+p.Unit+p.Post, reservedRosterChars), RosterErrReserved, reservedRosterChars)
		check(p.Phone == "" || validPhone(p.Phone), RosterErrPhone, p.Phone)
		check(len(p.WeComID) <= maxWeComLen && !strings.ContainsAny(p.WeComID, " \t|"), RosterErrWeCom, p.WeComID)
		if bad {
			continue
		}
		if first, dup := seen[p.Key()]; dup {
			add(line, RosterErrDupPerson, p.Label(), first)
			continue
		}
		seen[p.Key()] = line
		if p.WeComID != "" {
			if first, dup := wecom[p.WeComID]; dup {
				add(line, RosterErrDupWeCom, p.WeComID, first)
				continue
			}
			wecom[p.WeComID] = line
		}
		rows = append(rows, RosterRow{Line: line, Member: p, Absent: absent})
	}
	if len(errs.Lines) > 0 {
		if n := len(errs.Lines); n > maxRosterErrors {
			errs.Lines = append(errs.Lines[:maxRosterErrors], LineError{0, RosterErrMore, []any{n - maxRosterErrors}})
		}
		return nil, errs
	}
	return rows, nil
}

// reservedRosterChars separate values in a roster audience (see
// RosterAudience), so names, units and posts may not contain them.
const reservedRosterChars = ";=,|"

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func validPhone(s string) bool {
	if len(s) > maxPhoneLen {
		return false
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == '-', r == ' ':
		default:
			return false
		}
	}
	return digits >= 5
}

// rosterRecords are people as the rows of a roster file, the header first
// (what `tongbao roster export` writes and import reads back).
func rosterRecords(people []Member) [][]string {
	out := make([][]string, 0, len(people)+1)
	header := make([]string, len(rosterColumns))
	for i, c := range rosterColumns {
		header[i] = c.Headers[0]
	}
	out = append(out, header)
	for _, p := range people {
		out = append(out, []string{p.Name, p.Unit, p.Post, p.Phone, p.WeComID})
	}
	return out
}

// Errors of binding an account to a roster member; the bot answers each
// with its own reply.
var (
	ErrCodeUnknown    = errors.New("no such invitation code")
	ErrCodeUsed       = errors.New("the invitation code was already used")
	ErrCodeExpired    = errors.New("the invitation code has expired")
	ErrBoundElsewhere = errors.New("the account is bound to another roster member")
	// ErrRosterChanged is a change of the roster or of a binding refused
	// because the roster changed between reading it and writing (another
	// import, an edit, a binding): nothing was written; look again and
	// retry.
	ErrRosterChanged = errors.New("the roster changed meanwhile")
)

// BindRequest is someone asking, in chat, to be bound to a roster member
// (绑定 姓名 单位); an admin of the member's unit approves or refuses it.
type BindRequest struct {
	ID         int64     `json:"id"`
	Subscriber string    `json:"subscriber"`
	MemberID   int64     `json:"member"`
	Name       string    `json:"name"`
	Unit       string    `json:"unit"`
	At         time.Time `json:"at"`
}
