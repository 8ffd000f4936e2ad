// Command techconsole is the Technician Console desktop app.
package main

import (
	"flag"
	"log/slog"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/assets"
	"github.com/remotesupport/techconsole/screens"
)

const appID = "com.remotesupport.techconsole"

func main() {
	version := flag.String("console-version", "7.51.0", "emulated console version (major.minor.build)")
	flag.Parse()
	if _, err := api.ParseConsoleVersion(*version); err != nil {
		slog.Error("bad --console-version", "err", err)
		os.Exit(2)
	}
	a := fyneapp.NewWithID(appID)
	a.SetIcon(assets.Icon)
	w := screens.NewMainWindow(a, *version)
	w.ShowAndRun()
}
