// Package screens draws the Technician Console: one file per screen. Screens
// render the state of package app and forward the user's actions to it; they
// hold no business rules and make no HTTP calls.
package screens

import (
	"fmt"

	"fyne.io/fyne/v2"
)

// AppName is the product name shown in the title bar.
const AppName = "Technician Console"

// WindowTitle names the product and the console version being emulated, so a
// tester always sees which release's behaviour is on screen.
func WindowTitle(consoleVersion string) string {
	return fmt.Sprintf("%s — emulating %s", AppName, consoleVersion)
}

// NewMainWindow builds the console's window for app a with the sign-in
// screen on. It takes the fyne.App rather than creating one so that tests can
// pass the Fyne test driver.
func NewMainWindow(a fyne.App, opts Options) (fyne.Window, *Console) {
	w := a.NewWindow(WindowTitle(opts.Tester.Version.String()))
	c := NewConsole(w, opts)
	w.Resize(fyne.NewSize(1000, 700))
	return w, c
}
