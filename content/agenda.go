package content

import (
	"regexp"
	"strings"
)

// readAgenda adds what a paragraph says the meeting relayed, heard,
// studied and approved. The lead paragraph is the meeting's own agenda;
// later paragraphs only fill a list the lead left empty, because they
// restate the lead's items in longer words.
func readAgenda(p string, m *Meeting, lead bool) {
	found := map[*[]string][]string{}
	for _, sentence := range splitSentences(p) {
		// Outside the lead, only sentences about the meeting ("会议听取了…，
		// 审议通过了…") report agenda items.
		if !lead && !strings.HasPrefix(sentence, "会议") {
			continue
		}
		// previous is the list the clause before added to: "听取了A的汇报，
		// B的汇报" goes on with the same verb.
		var previous *[]string
		clauses := splitClauses(sentence)
		for ci := 0; ci < len(clauses); ci++ {
			c := agendaAdverbs.ReplaceAllString(strings.TrimPrefix(clauses[ci], "会议"), "")
			list := previous
			previous = nil
			before := c
			switch {
			case cutVerb(&c, decideVerbs):
				if trimEndPunct(c) == "" {
					// "会议决定，…": the decision is the rest of the sentence.
					c = strings.Join(clauses[ci+1:], "，")
					ci = len(clauses)
				}
				if d := trimEndPunct(c); runeLen(d) >= 4 {
					found[&m.Decisions] = append(found[&m.Decisions], settledVerb(before)+d)
				}
			case passed(&c):
				previous = &m.Approved
				found[previous] = append(found[previous], approvedItems(c)...)
			case cutVerb(&c, approveVerbs):
				previous = &m.Approved
				found[previous] = append(found[previous], approvedItems(c)...)
			case cutVerb(&c, reviewVerbs):
				// 审议 alone: reviewed, not said to be approved.
				previous = &m.Reviewed
				found[previous] = append(found[previous], approvedItems(c)...)
			case cutVerb(&c, hearVerbs):
				previous = &m.Heard
				found[previous] = append(found[previous], agendaItems(c, heardSuffix)...)
			case cutVerb(&c, relayVerbs):
				found[&m.Relayed] = append(found[&m.Relayed], agendaItems(c, relaySuffix)...)
			case cutVerb(&c, studyVerbs):
				found[&m.Studied] = append(found[&m.Studied], agendaItems(c, studySuffix)...)
			case list == &m.Heard && heardSuffix.MatchString(trimEndPunct(c)):
				previous = list
				found[list] = append(found[list], agendaItems(c, heardSuffix)...)
			case (list == &m.Approved || list == &m.Reviewed) && bookTitle.MatchString(c):
				previous = list
				found[list] = append(found[list], bookTitle.FindAllString(c, -1)...)
			}
		}
	}
	for list, items := range found {
		if !lead && len(*list) > 0 {
			continue
		}
		for _, it := range items {
			*list = appendNew(*list, it)
		}
	}
}

// agendaAdverbs open an agenda clause before its verb: 会议还听取…,
// 认真传达学习…, 第一时间专题学习….
var agendaAdverbs = regexp.MustCompile(`^(?:还|并|又|同时|首先|随后|先后|集中|认真|深入|专题|系统|逐项|逐条|一并|再次|及时|第一时间)+`)

// settledVerb is the verb a decision keeps: 同意 and 确定 say something
// 决定 does not (同意…的请示), so they stay with the item; 决定 and 研究决定
// are implied.
func settledVerb(clause string) string {
	for _, v := range []string{"原则同意", "同意", "研究确定", "确定"} {
		if strings.HasPrefix(clause, v) {
			return strings.TrimPrefix(v, "研究")
		}
	}
	return ""
}

// passed removes a bare 通过 that approves something (通过了…, 通过《…》),
// reporting whether there was one; 通过 before anything else means "by
// means of".
func passed(s *string) bool {
	rest, ok := strings.CutPrefix(*s, "通过")
	if !ok || !(strings.HasPrefix(rest, "了") || strings.HasPrefix(rest, "《")) {
		return false
	}
	*s = strings.TrimPrefix(rest, "了")
	return true
}

// cutVerb removes the first of verbs that s starts with (and a following
// 了), reporting whether one did.
func cutVerb(s *string, verbs []string) bool {
	for _, v := range verbs {
		if strings.HasPrefix(*s, v) {
			*s = strings.TrimPrefix(strings.TrimPrefix(*s, v), "了")
			return true
		}
	}
	return false
}

var (
	heardSuffix = regexp.MustCompile(`(?:的|等)?(?:工作)?(?:汇报|报告|通报)$`)
	relaySuffix = regexp.MustCompile(`等$`)
	studySuffix = regexp.MustCompile(`(?:等)?(?:工作|事项|问题)$`)
	bookTitle   = regexp.MustCompile(`《[^》]+》`)
	// needsHead ends a phrase that cannot stand without the noun a suffix
	// would strip: 近期重点工作 stays whole rather than becoming 近期重点.
	needsHead = regexp.MustCompile(`(?:重点|近期|当前|今年|下步|下一步|下阶段|各项|有关|相关|主要|重要|日常)$`)
)

// agendaItems splits an enumeration into items when its parts are
// parallel (each long enough to stand alone); "市总工会、团市委、市妇联…汇报" stays
// one item.
func agendaItems(s string, suffix *regexp.Regexp) []string {
	parts := splitEnum(s)
	parallel := true
	for _, p := range parts[:max(len(parts)-1, 0)] {
		if runeLen(p) < 4 {
			parallel = false
		}
	}
	if !parallel {
		parts = []string{s}
	}
	var out []string
	for _, p := range parts {
		p = trimEndPunct(p)
		stripped := trimEndPunct(suffix.ReplaceAllString(p, ""))
		if genericItems[ownPlace.ReplaceAllString(stripped, "")] {
			continue
		}
		if !needsHead.MatchString(stripped) {
			p = stripped
		}
		if own := ownBody.FindString(p); own != "" && runeLen(p)-runeLen(own) >= 4 {
			p = p[len(own):] // 我区一季度经济运行工作: "our district" says nothing to a reader
		}
		if runeLen(p) >= 2 {
			out = append(out, p)
		}
	}
	return out
}

// approvedItems lists the 《documents》 a meeting approved, or its items.
func approvedItems(s string) []string {
	if docs := bookTitle.FindAllString(s, -1); len(docs) > 0 {
		return docs
	}
	return agendaItems(s, studySuffix)
}

// appendNew appends item unless the list already has it or says more.
func appendNew(list []string, item string) []string {
	for _, have := range list {
		if strings.Contains(have, item) || strings.Contains(item, have) {
			return list
		}
	}
	return append(list, item)
}
