package content

import (
	"testing"
	"unicode/utf8"
)

func TestSimplify(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"county committee": {"鐵嶺縣委常委會召開會議", "铁岭县委常委会召开会议"},
		"mixed scripts":    {"縣長李四主持, 2024年5月27日", "县长李四主持, 2024年5月27日"},
		"already simple":   {"县政府常务会议", "县政府常务会议"},
		"no Chinese":       {"latest meeting", "latest meeting"},
		"empty":            {"", ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := Simplify(c.in)
			if got != c.want {
				t.Fatalf("Simplify(%q) = %q, want %q", c.in, got, c.want)
			}
			if utf8.RuneCountInString(got) != utf8.RuneCountInString(c.in) {
				t.Fatalf("Simplify(%q) changed the length: %q", c.in, got)
			}
		})
	}
}

func TestSimplifyKeepsSimplifiedTextUnallocated(t *testing.T) {
	s := "兰溪市委常委会（扩大）会议召开"
	if n := testing.AllocsPerRun(100, func() { _ = Simplify(s) }); n != 0 {
		t.Fatalf("Simplify allocated %.0f times on simplified text", n)
	}
}

func BenchmarkSimplify(b *testing.B) {
	s := "县委常委会召开会议，传达学习上级精神，研究部署下一阶段重点工作。會議強調，要壓實責任。"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		_ = Simplify(s)
	}
}
