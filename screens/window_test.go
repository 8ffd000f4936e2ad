package screens

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/remotesupport/techconsole/api"
)

func TestMainWindowTitleNamesEmulatedVersion(t *testing.T) {
	for _, version := range []string{"7.50.3572", "7.51.0"} {
		a := test.NewTempApp(t)
		v, err := api.ParseConsoleVersion(version)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := NewMainWindow(a, Options{Tester: TesterOptions{Version: v}})
		t.Cleanup(w.Close)
		want := "Technician Console — emulating " + version
		if got := w.Title(); got != want {
			t.Errorf("title = %q, want %q", got, want)
		}
		if w.Content() == nil {
			t.Error("window has no content")
		}
	}
}
