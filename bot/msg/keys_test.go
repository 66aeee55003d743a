package msg

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestKeysInTheCodeExist reads the Go sources of the whole bot tree (the
// conversation, the adapters, dispatch, web) and checks that every key
// written out in the code is in the catalog: the literal key of each
// msg.Say and msg.Date call, and the literals assigned to a variable or a
// struct field named key or hint (which is then passed to Say), or to the
// Key of a content.Notice (which the dispatcher passes to Say) or of a
// content.LineError (a roster problem, said by RosterProblem). It reads
// content's roster files too: their RosterErr… constants are the keys of
// the problems content finds in a roster file. Keys built
// at run time ("ans."+field) must at least have entries with their prefix;
// bot's own tests check those families one by one.
func TestKeysInTheCodeExist(t *testing.T) {
	fset := token.NewFileSet()
	var checked int
	perDir := map[string]int{} // keys found in each package directory
	check := func(pos token.Pos, e ast.Expr) {
		perDir[filepath.Dir(fset.Position(pos).Filename)]++
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind != token.STRING {
				return
			}
			key, _ := strconv.Unquote(e.Value)
			checked++
			if _, ok := catalog[key]; !ok {
				t.Errorf("%s: key %q is not in the catalog", fset.Position(pos), key)
			}
		case *ast.BinaryExpr:
			lit, ok := e.X.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return
			}
			prefix, _ := strconv.Unquote(lit.Value)
			for key := range catalog {
				if strings.HasPrefix(key, prefix) {
					return
				}
			}
			t.Errorf("%s: no catalog key starts with %q", fset.Position(pos), prefix)
		}
	}
	inspect := func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if filepath.Dir(path) == contentDir && !strings.HasPrefix(filepath.Base(path), "roster") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if strings.HasPrefix(name.Name, "RosterErr") && i < len(n.Values) {
						check(name.Pos(), n.Values[i])
					}
				}
			case *ast.CallExpr:
				if isSay(n.Fun) && len(n.Args) >= 2 {
					check(n.Pos(), n.Args[1])
				}
			case *ast.CompositeLit:
				if sel, ok := n.Type.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Notice" || sel.Sel.Name == "LineError") {
					for _, e := range n.Elts {
						if kv, ok := e.(*ast.KeyValueExpr); ok {
							if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Key" {
								check(kv.Pos(), kv.Value)
							}
						}
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && (id.Name == "key" || id.Name == "hint") {
					if lit, ok := n.Value.(*ast.BasicLit); ok {
						check(n.Pos(), lit)
					}
				}
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					id, ok := lhs.(*ast.Ident)
					if !ok || id.Name != "key" && id.Name != "hint" || len(n.Lhs) != len(n.Rhs) {
						continue
					}
					if lit, ok := n.Rhs[i].(*ast.BasicLit); ok {
						check(n.Pos(), lit)
					}
				}
			}
			return true
		})
		return nil
	}
	for _, root := range []string{"..", contentDir} {
		if err := filepath.WalkDir(root, inspect); err != nil {
			t.Fatal(err)
		}
	}
	if checked < 100 {
		t.Errorf("only %d keys found in the code: is the scan still finding msg.Say calls?", checked)
	}
	// Every package that speaks to users is in the scan.
	for _, dir := range []string{"..", "../cards", "../dispatch", "../telegram", "../wechat", "../web", contentDir} {
		if perDir[dir] == 0 {
			t.Errorf("no catalog key found in %s: is the scan still reading it?", dir)
		}
	}
}

// contentDir is the domain package, whose roster files name the keys of
// roster problems.
const contentDir = "../../content"

// isSay reports whether a call's function is msg.Say or msg.Date.
func isSay(fun ast.Expr) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "msg" && (sel.Sel.Name == "Say" || sel.Sel.Name == "Date")
}
