package content

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestReadRosterBadInput(t *testing.T) {
	type le = LineError
	cases := map[string]struct {
		file string
		want []LineError // each problem: its line, key and arguments
	}{
		"empty":                         {"", []le{{0, RosterErrEmpty, nil}}},
		"missing column":                {"姓名,单位,手机\n张三,县委办,13800000001\n", []le{{1, RosterErrNoColumn, []any{"职务", "post"}}}},
		"column twice":                  {"姓名,单位,职务,name\n张三,县委办,主任,张三\n", []le{{1, RosterErrDupColumn, []any{"姓名", "name"}}}},
		"duplicate name":                {"姓名,单位,职务\n张三,县委办,主任\n李四,县委办,科员\n张三, 县委办 ,科员\n", []le{{4, RosterErrDupPerson, []any{"县委办 张三", 2}}}},
		"same name, other unit is fine": {"姓名,单位,职务\n张三,县委办,主任\n张三,县财政局,科员\n", nil},
		"empty fields":                  {"name,unit,post\n,县委办,主任\n张三,,主任\n", []le{{2, RosterErrNoName, nil}, {3, RosterErrNoUnit, nil}}},
		"bad unit path":                 {"姓名,单位,职务\n张三,县委办//督查室,主任\n", []le{{2, RosterErrUnitPart, []any{"县委办//督查室"}}}},
		"bad phone":                     {"姓名,单位,职务,手机\n张三,县委办,主任,call me\n", []le{{2, RosterErrPhone, []any{"call me"}}}},
		"reserved char":                 {"姓名,单位,职务\n张三;李四,县委办,主任\n", []le{{2, RosterErrReserved, []any{reservedRosterChars}}}},
		"too long":                      {"姓名,单位,职务\n" + strings.Repeat("张", 33) + ",县委办,主任\n", []le{{2, RosterErrNameLong, []any{maxNameLen}}}},
		"duplicate WeCom account":       {"姓名,单位,职务,企业微信账号\n张三,县委办,主任,zs\n李四,县委办,科员,zs\n", []le{{3, RosterErrDupWeCom, []any{"zs", 2}}}},
		"every problem at once":         {"姓名,单位,职务\n,县委办,主任\n张三,县委办,主任\n张三,县委办,科员\n", []le{{2, RosterErrNoName, nil}, {4, RosterErrDupPerson, []any{"县委办 张三", 3}}}},
		"not a roster":                  {"\x00\x01\x02\xff\xfe binary", []le{{0, RosterErrNotCSV, nil}}},
		"not a workbook":                {"PK\x03\x04 broken", []le{{0, RosterErrNotXLSX, nil}}},
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
			var re *RosterError
			if !errors.As(err, &re) {
				t.Fatalf("not a RosterError: %v (rows %+v)", err, rows)
			}
			if fmt.Sprint(re.Lines) != fmt.Sprint(c.want) {
				t.Errorf("problems %v, want %v", re.Lines, c.want)
			}
		})
	}
}

func TestReadRosterCapsItsProblems(t *testing.T) {
	file := "姓名,单位,职务\n" + strings.Repeat(",县委办,科员\n", maxRosterErrors+7)
	_, err := ReadRoster([]byte(file))
	var re *RosterError
	if !errors.As(err, &re) || len(re.Lines) != maxRosterErrors+1 {
		t.Fatalf("%v", err)
	}
	if last := re.Lines[maxRosterErrors]; last.Key != RosterErrMore || fmt.Sprint(last.Args) != "[7]" {
		t.Errorf("the last problem is %+v, want %s [7]", last, RosterErrMore)
	}
}

func TestUnknownUnits(t *testing.T) {
	current := []Member{{ID: 1, Name: "张三", Unit: "县委办", Source: SourceImport}, {ID: 2, Name: "赵六", Unit: "县财政局", Source: SourceImport}}
	rows, err := ReadRoster([]byte("姓名,单位,职务\n张三,县委办,主任\n赵六,县财政居,科员\n钱七,县应急管理局,局长\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := UnknownUnits(current, PlanRoster(current, rows, SourceImport))
	want := []LineError{{3, RosterErrNearUnit, []any{"县财政居", "县财政局"}}, {4, RosterErrUnknownUnit, []any{"县应急管理局"}}}
	if got == nil || fmt.Sprint(got.Lines) != fmt.Sprint(want) {
		t.Errorf("%v, want %v", got, want)
	}
	if got := UnknownUnits(current, PlanRoster(current, rows[:1], SourceImport)); got != nil {
		t.Errorf("known units refused: %v", got)
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
