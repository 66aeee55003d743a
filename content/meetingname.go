package content

import "strings"

// FullName is the body and the meeting's name without saying twice what
// ends the one and starts the other: 兰溪市委 + 市委常委会(扩大)会议 →
// 兰溪市委常委会(扩大)会议, 青溪县政府 + 县政府第十二次常务会议 →
// 青溪县政府第十二次常务会议.
func (m *Meeting) FullName() string {
	organ := []rune(m.Organ)
	for i := range organ {
		if strings.HasPrefix(m.Name, string(organ[i:])) {
			return string(organ[:i]) + m.Name
		}
	}
	return m.Organ + m.Name
}
