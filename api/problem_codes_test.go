package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every Code* constant of the package has a description, so every problem's
// type URI leads to a page that says what it means.
func TestEveryCodeIsDescribed(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Code") || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, _ := strconv.Unquote(lit.Value)
					declared[v] = true
				}
			}
			return true
		})
	}
	if len(declared) < 10 {
		t.Fatalf("found only %d codes; the parse is broken", len(declared))
	}
	seen := map[string]bool{}
	for _, pc := range ProblemCodes {
		if seen[pc.Code] {
			t.Errorf("%s is described twice", pc.Code)
		}
		seen[pc.Code] = true
		if !declared[pc.Code] {
			t.Errorf("%s is described but no Code constant has it", pc.Code)
		}
		if pc.Status < 400 || pc.Status > 599 || len(pc.Description) < 20 {
			t.Errorf("%s: status %d, description %q", pc.Code, pc.Status, pc.Description)
		}
	}
	for code := range declared {
		if !seen[code] {
			t.Errorf("code %s has no entry in ProblemCodes", code)
		}
	}
}

func TestProblemTypeIsAPageOnTheServer(t *testing.T) {
	if got := ProblemType(CodeBusy); got != "/problems/busy" {
		t.Errorf("ProblemType = %q", got)
	}
}
