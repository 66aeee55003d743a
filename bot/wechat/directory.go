package wechat

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"tongbao/content"
)

// wecomDepartment and wecomMember are the fields of WeCom's
// department/list and user/list answers the directory sync reads.
type wecomDepartment struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	ParentID int64  `json:"parentid"`
}

type wecomMember struct {
	UserID         string  `json:"userid"`
	Name           string  `json:"name"`
	Departments    []int64 `json:"department"`
	MainDepartment int64   `json:"main_department"`
	Position       string  `json:"position"`
	Mobile         string  `json:"mobile"`
	Status         int     `json:"status"`
}

// wecomActive is the status of an active member (2 disabled, 4 not yet
// activated, 5 left).
const wecomActive = 1

// Directory reads the WeCom contact directory the app can see — every
// department (department/list) and each one's members (user/list) — as
// roster members: the unit is the path of the member's main department
// below the company ("县委办/督查室"), the post their position. Members
// who are disabled or have left are not listed: for the roster they left.
func (c *WeCom) Directory(ctx context.Context) ([]content.Member, error) {
	var depts struct {
		Department []wecomDepartment `json:"department"`
	}
	if err := c.api.callQuery(ctx, "/cgi-bin/department/list", nil, nil, &depts); err != nil {
		return nil, fmt.Errorf("wecom: read departments: %w", err)
	}
	paths := departmentPaths(depts.Department)
	seen := map[string]bool{}
	var out []content.Member
	for _, d := range depts.Department {
		var users struct {
			UserList []wecomMember `json:"userlist"`
		}
		q := url.Values{"department_id": {strconv.FormatInt(d.ID, 10)}}
		if err := c.api.callQuery(ctx, "/cgi-bin/user/list", q, nil, &users); err != nil {
			return nil, fmt.Errorf("wecom: read members of department %d: %w", d.ID, err)
		}
		for _, u := range users.UserList {
			if seen[u.UserID] || u.Status != wecomActive || u.UserID == "" {
				continue
			}
			seen[u.UserID] = true
			main := u.MainDepartment
			if main == 0 && len(u.Departments) > 0 {
				main = u.Departments[0]
			}
			unit := paths[main]
			if unit == "" {
				unit = paths[d.ID]
			}
			out = append(out, content.Member{Name: strings.TrimSpace(u.Name), Unit: unit, Post: strings.TrimSpace(u.Position),
				Phone: u.Mobile, WeComID: u.UserID, Source: content.SourceWeCom})
		}
	}
	return out, nil
}

// departmentPaths names each department by its path below the top
// department (the company itself, left out); members of the top department
// are in a unit named after it.
func departmentPaths(depts []wecomDepartment) map[int64]string {
	byID := make(map[int64]wecomDepartment, len(depts))
	for _, d := range depts {
		byID[d.ID] = d
	}
	out := make(map[int64]string, len(depts))
	for _, d := range depts {
		var parts []string
		cur := d
		for steps := 0; steps <= len(depts); steps++ {
			parent, hasParent := byID[cur.ParentID]
			if !hasParent {
				if len(parts) == 0 {
					parts = append(parts, strings.TrimSpace(cur.Name)) // the top department itself
				}
				break
			}
			parts = append(parts, strings.TrimSpace(cur.Name))
			cur = parent
		}
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
		out[d.ID] = strings.Join(parts, "/")
	}
	return out
}
