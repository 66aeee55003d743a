package content

// HanNumber reads a whole number written in Chinese numerals, from 零 to
// 九百九十九 (十二 → 12, 二十 → 20, 一百零五 → 105, 两 → 2), or in digits;
// it returns 0 when s is neither.
func HanNumber(s string) int {
	if s == "" {
		return 0
	}
	digits := map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	total, cur, arabic := 0, 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			arabic = arabic*10 + int(r-'0')
			if arabic > 1e6 {
				return 0
			}
		case r == '百':
			total += max(cur, 1) * 100
			cur = 0
		case r == '十':
			total += max(cur, 1) * 10
			cur = 0
		default:
			d, ok := digits[r]
			if !ok {
				return 0
			}
			cur = d
		}
	}
	if arabic > 0 {
		if total+cur > 0 {
			return 0 // digits and numerals mixed
		}
		return arabic
	}
	return total + cur
}
