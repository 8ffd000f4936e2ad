package screens

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/app"
)

// Choice labels of File > Server….
const (
	builtInServer = "Built-in demo organisation"
	otherServer   = "Server at this address"
)

// toggleTesterShortcut is Ctrl+T (Cmd+T on macOS). As a menu shortcut it
// works while a text field has the focus: the window tries menu shortcuts
// before the focused widget.
var toggleTesterShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault}

// mainMenu is the menu bar: File (Server…, Sign out, Quit), View (Tester
// panel), Help (About).
func (c *Console) mainMenu(a fyne.App) *fyne.MainMenu {
	server := fyne.NewMenuItem("Server…", c.showServerChoice)
	server.Disabled = c.opts.ChooseServer == nil
	signOut := fyne.NewMenuItem("Sign out", func() { c.dispatch(app.SignOut{}) })
	quit := fyne.NewMenuItem("Quit", func() { a.Quit() })
	quit.IsQuit = true
	tester := fyne.NewMenuItem("Tester panel", c.ToggleTester)
	tester.Shortcut = toggleTesterShortcut
	about := fyne.NewMenuItem("About "+AppName, c.showAbout)
	return fyne.NewMainMenu(
		fyne.NewMenu("File", server, signOut, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu("View", tester),
		fyne.NewMenu("Help", about),
	)
}

func (c *Console) showAbout() {
	dialog.ShowInformation("About "+AppName, fmt.Sprintf("%s\nEmulating console %s.\nServer: %s",
		AppName, c.state.Version.String(), c.state.Server), c.win)
}

// showServerChoice asks which server to sign in to: the built-in demo
// organisation or a server's address (remembered; --server still wins at
// start).
func (c *Console) showServerChoice() {
	url := newEntry()
	url.SetPlaceHolder("https://auth.example.com")
	choice := widget.NewRadioGroup([]string{builtInServer, otherServer}, func(s string) {
		if s == builtInServer {
			url.Disable()
		} else {
			url.Enable()
		}
	})
	if c.chosenServer == "" {
		choice.SetSelected(builtInServer)
	} else {
		url.SetText(c.chosenServer)
		choice.SetSelected(otherServer)
	}
	items := []*widget.FormItem{widget.NewFormItem("", choice), widget.NewFormItem("Address", url)}
	d := dialog.NewForm("Server", "Use", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		addr := ""
		if choice.Selected == otherServer {
			addr = strings.TrimSpace(url.Text)
		}
		note, err := c.opts.ChooseServer(addr)
		if err != nil {
			dialog.ShowError(err, c.win)
			return
		}
		c.chosenServer = addr
		if note != "" {
			dialog.ShowInformation("Server", note, c.win)
		}
	}, c.win)
	d.Resize(fyne.NewSize(480, 260))
	d.Show()
}
