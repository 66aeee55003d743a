package content

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestReadRosterBadInput(t *testing.T) {
	cases := map[string]struct {
		file string
		want []string // each a line of the error
	}{
		"empty":                         {"", []string{"the file is empty"}},
		"missing column":                {"姓名,单位,手机\n张三,县委办,13800000001\n", []string{"line 1: missing column 职务 (post)"}},
		"duplicate name":                {"姓名,单位,职务\n张三,县委办,主任\n李四,县委办,科员\n张三, 县委办 ,科员\n", []string{"line 4: 县委办 张三 is already on line 2"}},
		"same name, other unit is fine": {"姓名,单位,职务\n张三,县委办,主任\n张三,县财政局,科员\n", nil},
		"empty fields":                  {"name,unit,post\n,县委办,主任\n张三,,主任\n", []string{"line 2: 姓名 is empty", "line 3: 单位 is empty"}},
		"bad unit path":                 {"姓名,单位,职务\n张三,县委办//督查室,主任\n", []string{"line 2: 单位 \"县委办//督查室\" has an empty part"}},
		"bad phone":                     {"姓名,单位,职务,手机\n张三,县委办,主任,call me\n", []string{"line 2: 手机 \"call me\" is not a phone number"}},
		"reserved char":                 {"姓名,单位,职务\n张三;李四,县委办,主任\n", []string{"line 2: 姓名, 单位 and 职务 may not contain"}},
		"duplicate WeCom account":       {"姓名,单位,职务,企业微信账号\n张三,县委办,主任,zs\n李四,县委办,科员,zs\n", []string{"line 3: 企业微信账号 zs is already on line 2"}},
		"every problem at once":         {"姓名,单位,职务\n,县委办,主任\n张三,县委办,主任\n张三,县委办,科员\n", []string{"line 2: 姓名 is empty", "line 4: 县委办 张三 is already on line 3"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			rows, err := ReadRoster([]byte(c.file))
			if c.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted: %+v", rows)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(c.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(lines), len(c.want), err)
			}
			for i, w := range c.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("problem %d: %q does not say %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestReadRosterFormats(t *testing.T) {
	want := "县委办/督查室 张三 主任 13800000001 zhangsan"
	check := func(t *testing.T, data []byte) {
		t.Helper()
		rows, err := ReadRoster(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("rows %+v", rows)
		}
		m := rows[0].Member
		if got := strings.Join([]string{m.Unit, m.Name, m.Post, m.Phone, m.WeComID}, " "); got != want || rows[0].Line != 2 || m.Source != SourceImport {
			t.Fatalf("got %q line %d", got, rows[0].Line)
		}
	}
	csvText := "姓名,单位,职务,手机,企业微信账号\n张三,县委办／督查室,主任,13800000001,zhangsan\n"
	t.Run("UTF-8 with BOM", func(t *testing.T) { check(t, []byte("\ufeff"+csvText)) })
	t.Run("GBK", func(t *testing.T) {
		gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(csvText))
		if err != nil {
			t.Fatal(err)
		}
		check(t, gbk)
	})
	t.Run("tab separated, English headers, other order", func(t *testing.T) {
		check(t, []byte("unit\tname\twecom_id\tpost\tphone\n县委办/督查室\t张三\tzhangsan\t主任\t13800000001\n"))
	})
	t.Run("XLSX", func(t *testing.T) {
		f := excelize.NewFile()
		for i, row := range [][]any{{"姓名", "单位", "职务", "手机", "企业微信账号"}, {"张三", "县委办/督查室", "主任", "13800000001", "zhangsan"}} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		check(t, buf.Bytes())
	})
	t.Run("export reads back", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteRosterCSV(&buf, []Member{{Name: "张三", Unit: "县委办/督查室", Post: "主任", Phone: "13800000001", WeComID: "zhangsan"}}); err != nil {
			t.Fatal(err)
		}
		check(t, buf.Bytes())
	})
}

func TestRosterAudienceSegment(t *testing.T) {
	a := RosterAudience{Units: []string{"县委办", "乡镇/城关镇"}, Posts: []string{"主要负责人"}, IDs: []int64{7}, Via: []string{"tg", "wx"}}
	seg := a.Segment()
	if seg != "roster:unit=县委办,乡镇/城关镇;post=主要负责人;id=7;via=tg,wx" || !seg.IsRoster() {
		t.Fatalf("segment %q", seg)
	}
	back, err := ParseRosterAudience(seg)
	if err != nil || back.Segment() != seg {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	for _, bad := range []Segment{"roster:", "roster:unit=", "roster:via=sms;unit=A", "roster:id=x", "roster:who=A", "topic:防汛"} {
		if _, err := ParseRosterAudience(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestNearestUnit(t *testing.T) {
	if got := NearestUnit("县委力", []string{"县委办", "县财政局"}); got != "县委办" {
		t.Fatalf("got %q", got)
	}
	if got := NearestUnit("市公安局", []string{"县委办"}); got != "" {
		t.Fatalf("got %q", got)
	}
}

// FuzzReadRoster: any bytes give rows or a *RosterError, never a panic,
// and every row has a name and a clean unit.
func FuzzReadRoster(f *testing.F) {
	f.Add([]byte("姓名,单位,职务,手机,企业微信账号\n张三,县委办/督查室,主任,13800000001,zs\n"))
	f.Add([]byte("name\tunit\tpost\n李四\t县委办\t科员\n"))
	f.Add([]byte("姓名,单位,职务\n\"张\"\"三\",县委办,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadRoster(data)
		if err != nil {
			var re *RosterError
			if !errors.As(err, &re) {
				t.Fatalf("not a RosterError: %v", err)
			}
			return
		}
		for _, r := range rows {
			if u, ok := CleanUnit(r.Member.Unit); r.Member.Name == "" || !ok || u != r.Member.Unit {
				t.Fatalf("row %+v", r)
			}
		}
	})
}
