package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuncLines is the longest a function of server/ or app/ may be: a
// longer one does several things that want names of their own.
const maxFuncLines = 60

// longFuncExempt names the functions that may be longer: tables that read
// best whole.
var longFuncExempt = map[string]bool{
	"server/routes_table.go routeTable": true,
}

func TestNoLongFunctions(t *testing.T) {
	for _, root := range []string{"server", "app"} {
		err := filepath.WalkDir(filepath.Join("..", root), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			checkFuncLengths(t, path)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func checkFuncLengths(t *testing.T, path string) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	rel := filepath.ToSlash(strings.TrimPrefix(path, ".."+string(filepath.Separator)))
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		key := rel + " " + fd.Name.Name
		n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
		if n > maxFuncLines && !longFuncExempt[key] {
			t.Errorf("%s is %d lines (at most %d): split it into steps with names", key, n, maxFuncLines)
		}
	}
}
