package content

// hanUnits are the multipliers of Chinese numerals.
var hanUnits = map[rune]int{'十': 10, '百': 100, '千': 1000}

// HanNumber reads a whole number written in digits (29) or in Chinese
// numerals up to the thousands (十二 → 12, 二十 → 20, 一百零五 → 105,
// 第一百二十六 without its 第 → 126, 两 → 2); it returns 0 when s is neither
// (or mixes the two).
func HanNumber(s string) int {
	if s == "" {
		return 0
	}
	n, digits := 0, true
	for _, r := range s {
		if r < '0' || r > '9' {
			digits = false
			break
		}
		if n = n*10 + int(r-'0'); n > 1e6 {
			return 0
		}
	}
	if digits {
		return n
	}
	total, cur := 0, 0
	for _, r := range s {
		if unit, ok := hanUnits[r]; ok {
			total += max(cur, 1) * unit
			cur = 0
			continue
		}
		if r == '两' {
			cur = 2
			continue
		}
		d, ok := hanDigits[r]
		if !ok {
			return 0
		}
		cur = d
	}
	return total + cur
}
