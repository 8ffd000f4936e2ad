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
	a.Settings().SetTheme(newConsoleTheme())
	w := a.NewWindow(WindowTitle(opts.Tester.Version.String()))
	c := NewConsole(w, opts)
	w.SetMainMenu(c.mainMenu(a))
	w.Resize(rememberedSize(a.Preferences()))
	a.Lifecycle().SetOnStopped(func() { rememberSize(a.Preferences(), w.Canvas().Size()) })
	return w, c
}

// Window size preferences. The position is not remembered: Fyne 2.8 can ask
// for one (desktop.Window.RequestPosition, ignored on Wayland) but has no way
// to read where the window is.
const (
	prefWindowWidth  = "window_width"
	prefWindowHeight = "window_height"
)

var defaultWindowSize = fyne.NewSize(1000, 700)

// rememberedSize is the window's size when the console last stopped, or the
// default; a size too small to use is not restored.
func rememberedSize(p fyne.Preferences) fyne.Size {
	w, h := p.Float(prefWindowWidth), p.Float(prefWindowHeight)
	if w < 640 || h < 480 {
		return defaultWindowSize
	}
	return fyne.NewSize(float32(w), float32(h))
}

func rememberSize(p fyne.Preferences, s fyne.Size) {
	if s.Width >= 640 && s.Height >= 480 {
		p.SetFloat(prefWindowWidth, float64(s.Width))
		p.SetFloat(prefWindowHeight, float64(s.Height))
	}
}
