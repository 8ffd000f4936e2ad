package archtest

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/remotesupport/techconsole"

// forbidden lists, for each package, the import path prefixes it must never
// reach, directly or through another package; a path ending in $ stands for
// that package alone, not the ones under it. screens reaches client through
// app, as it should; it only must not import it itself (see TestScreensOnlyTalkToApp).
var forbidden = []struct {
	pkg     string
	reaches []string
}{
	{"screens", []string{module + "/server"}},
	{"app", []string{"fyne.io/", module + "/screens", module + "/server"}},
	{"app/phone", []string{"fyne.io/", module + "/screens", module + "/server"}},
	{"client", []string{"fyne.io/", module + "/app", module + "/screens", module + "/server"}},
	{"api", []string{"fyne.io/", module + "/app", module + "/screens", module + "/client", module + "/server"}},
	// The server's handlers and rules reach the database through the store's
	// interfaces only: the engines (server/store/...) are the caller's choice.
	{"server", []string{"fyne.io/", module + "/app", module + "/screens", module + "/client", module + "/server/store/", "modernc.org/"}},
	{"server/adminweb", []string{"fyne.io/", module + "/app", module + "/screens", module + "/client", module + "/server/store/", "modernc.org/"}},
	// The store and its engines serve the server; they never call back into it.
	{"server/store", []string{"fyne.io/", module + "/app", module + "/screens", module + "/client", module + "/server$", module + "/server/store/"}},
	{"server/store/sqlite", []string{"fyne.io/", module + "/app", module + "/screens", module + "/client", module + "/server$"}},
	{"server/store/postgres", []string{"fyne.io/", module + "/app", module + "/screens", module + "/client", module + "/server$"}},
	{"server/store/sqlstore", []string{"fyne.io/", module + "/app", module + "/screens", module + "/client", module + "/server$", "modernc.org/", "github.com/jackc/"}},
	{"server/store/engines", []string{"fyne.io/", module + "/app", module + "/screens", module + "/client", module + "/server$"}},
	{"server/store/migrate", []string{"fyne.io/", module + "/app", module + "/screens", module + "/client", module + "/server$", "modernc.org/"}},
	// the catalogues serve the console and the Admin Center alike
	{"i18n", []string{"fyne.io/", module + "/app", module + "/screens", module + "/client", module + "/server"}},
}

func TestLayersPointOneWay(t *testing.T) {
	for _, rule := range forbidden {
		t.Run(rule.pkg, func(t *testing.T) {
			for _, dep := range deps(t, module+"/"+rule.pkg) {
				for _, bad := range rule.reaches {
					if reaches(dep, bad) {
						t.Errorf("%s depends on %s; the layers are screens → app → client → api ← server", rule.pkg, dep)
					}
				}
			}
		})
	}
}

func TestScreensOnlyTalkToApp(t *testing.T) {
	for _, imp := range list(t, "{{join .Imports \"\\n\"}}", module+"/screens") {
		if imp == module+"/client" || strings.HasPrefix(imp, module+"/server") {
			t.Errorf("screens imports %s; screens draw app state and forward actions to app", imp)
		}
	}
}

// TestServerWritesNoSQL: the handlers and rules talk to the store's
// interfaces; SQL lives in the engines (prometheus brings database/sql into
// the server's dependencies, so this looks at its own imports).
func TestServerWritesNoSQL(t *testing.T) {
	for _, pkg := range []string{"server", "server/adminweb", "server/store"} {
		for _, imp := range list(t, "{{join .Imports \"\\n\"}}", module+"/"+pkg) {
			if imp == "database/sql" {
				t.Errorf("%s imports database/sql; SQL belongs to the engines under server/store/", pkg)
			}
		}
	}
}

// TestRuleCatchesAViolation keeps the check honest: the console's entry
// point embeds the server and draws with Fyne, so it must be seen reaching
// both.
func TestRuleCatchesAViolation(t *testing.T) {
	got := map[string]bool{}
	for _, dep := range deps(t, module+"/cmd/techconsole") {
		got[dep] = true
	}
	for _, want := range []string{module + "/server", "fyne.io/fyne/v2", module + "/screens"} {
		if !got[want] {
			t.Errorf("go list -deps of cmd/techconsole lacks %s; the layering check would miss violations", want)
		}
	}
}

// reaches reports whether dep is bad or, unless bad ends in $, under it.
func reaches(dep, bad string) bool {
	if exact, ok := strings.CutSuffix(bad, "$"); ok {
		return dep == exact
	}
	return dep == bad || strings.HasPrefix(dep, bad+"/") || (strings.HasSuffix(bad, "/") && strings.HasPrefix(dep, bad))
}

// deps is every package pkg imports, directly or not, in the build the
// Makefile uses (non-test files only, as shipped).
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	return list(t, "{{.ImportPath}}", "-deps", pkg)
}

// list runs go list with a format over args and returns its lines but pkg's
// own path.
func list(t *testing.T, format string, args ...string) []string {
	t.Helper()
	pkg := args[len(args)-1]
	cmd := exec.Command("go", append([]string{"list", "-tags", "migrated_fynedo", "-f", format}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && line != pkg {
			lines = append(lines, line)
		}
	}
	return lines
}
