package wechattest

import (
	"net/http"
	"slices"
	"strconv"
)

// codeDepartmentNotFound is WeCom's answer for a department id it does not
// have (60003, 部门不存在).
const codeDepartmentNotFound = 60003

func init() {
	routes["/cgi-bin/department/list"] = route{http.MethodGet, platformWeCom, false, (*Server).departmentList}
	routes["/cgi-bin/user/list"] = route{http.MethodGet, platformWeCom, false, (*Server).userList}
}

// Department is one department of the fake WeCom directory (id 1 is the
// company itself, parent 0).
type Department struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	ParentID int64  `json:"parentid"`
	Order    int64  `json:"order"`
}

// Member is one member of the fake WeCom directory.
type Member struct {
	UserID         string  `json:"userid"`
	Name           string  `json:"name"`
	Departments    []int64 `json:"department"`
	MainDepartment int64   `json:"main_department"`
	Position       string  `json:"position,omitempty"`
	Mobile         string  `json:"mobile,omitempty"`
	// Status is 1 active, 2 disabled, 4 not yet activated, 5 left.
	Status int `json:"status"`
}

// directory is the fake's contact book.
type directory struct {
	depts   []Department
	members []Member
}

// SetDirectory replaces the WeCom directory that department/list and
// user/list answer from.
func (s *Server) SetDirectory(depts []Department, members []Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dir = directory{depts: slices.Clone(depts), members: slices.Clone(members)}
}

// departmentList answers /cgi-bin/department/list: the department ?id=
// and every department below it (all of them without an id).
func (s *Server) departmentList(req *apiRequest) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Department{}
	root := int64(0)
	if v := req.query.Get("id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !slices.ContainsFunc(s.dir.depts, func(d Department) bool { return d.ID == id }) {
			return fail(codeDepartmentNotFound)
		}
		root = id
	}
	for _, d := range s.dir.depts {
		if root == 0 || d.ID == root || s.below(d, root) {
			out = append(out, d)
		}
	}
	return ok(map[string]any{"department": out})
}

// below reports whether d lies under the department root; s.mu is held.
func (s *Server) below(d Department, root int64) bool {
	for seen := 0; d.ParentID != 0 && seen < len(s.dir.depts); seen++ {
		if d.ParentID == root {
			return true
		}
		i := slices.IndexFunc(s.dir.depts, func(x Department) bool { return x.ID == d.ParentID })
		if i < 0 {
			return false
		}
		d = s.dir.depts[i]
	}
	return false
}

// userList answers /cgi-bin/user/list: the members of ?department_id=
// (that department only, as WeCom does since fetch_child was withdrawn).
func (s *Server) userList(req *apiRequest) reply {
	id, err := strconv.ParseInt(req.query.Get("department_id"), 10, 64)
	if err != nil {
		return fail(codeInvalidParameter)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.ContainsFunc(s.dir.depts, func(d Department) bool { return d.ID == id }) {
		return fail(codeDepartmentNotFound)
	}
	out := []Member{}
	for _, m := range s.dir.members {
		if slices.Contains(m.Departments, id) {
			out = append(out, m)
		}
	}
	return ok(map[string]any{"userlist": out})
}
