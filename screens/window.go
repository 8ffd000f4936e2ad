// Package screens draws the Technician Console: one file per screen. Screens
// render the state of package app and forward the user's actions to it; they
// hold no business rules and make no HTTP calls.
package screens

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// AppName is the product name shown in the title bar.
const AppName = "Technician Console"

// WindowTitle names the product and the console version being emulated, so a
// tester always sees which release's behaviour is on screen.
func WindowTitle(consoleVersion string) string {
	return fmt.Sprintf("%s — emulating %s", AppName, consoleVersion)
}

// NewMainWindow builds the console's window for app a. It takes the fyne.App
// rather than creating one so that tests can pass the Fyne test driver.
func NewMainWindow(a fyne.App, consoleVersion string) fyne.Window {
	w := a.NewWindow(WindowTitle(consoleVersion))
	w.SetContent(container.NewCenter(widget.NewLabel("Sign-in comes here.")))
	w.Resize(fyne.NewSize(560, 480))
	return w
}
