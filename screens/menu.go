package screens

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/i18n"
)

// toggleTesterShortcut is Ctrl+T (Cmd+T on macOS). As a menu shortcut it
// works while a text field has the focus: the window tries menu shortcuts
// before the focused widget.
var toggleTesterShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault}

// mainMenu is the menu bar: File (Server…, Sign out, Quit), View (Tester
// panel, Language), Help (About).
func (c *Console) mainMenu(a fyne.App) *fyne.MainMenu {
	server := fyne.NewMenuItem(tr("menu.server"), c.showServerChoice)
	server.Disabled = c.opts.ChooseServer == nil
	signOut := fyne.NewMenuItem(tr("btn.sign_out"), func() { c.dispatch(app.SignOut{}) })
	quit := fyne.NewMenuItem(tr("menu.quit"), func() { a.Quit() })
	quit.IsQuit = true
	tester := fyne.NewMenuItem(tr("console.tester_panel"), c.ToggleTester)
	tester.Shortcut = toggleTesterShortcut
	about := fyne.NewMenuItem(tr("menu.about"), c.showAbout)
	return fyne.NewMainMenu(
		fyne.NewMenu(tr("menu.file"), server, signOut, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu(tr("menu.view"), tester, fyne.NewMenuItemSeparator(), c.languageMenu()),
		fyne.NewMenu(tr("menu.help"), about),
	)
}

func (c *Console) showAbout() {
	dialog.ShowInformation(tr("menu.about"), tr("menu.about.text", "Version", c.state.Version.String(), "Server", c.state.Server), c.win)
}

// showServerChoice asks which server to sign in to: the built-in demo
// organisation or a server's address (remembered; --server still wins at
// start).
func (c *Console) showServerChoice() {
	url := newEntry()
	url.SetPlaceHolder("https://auth.example.com")
	builtInServer, otherServer := tr("menu.built_in_server"), tr("menu.other_server")
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
	items := []*widget.FormItem{widget.NewFormItem("", choice), widget.NewFormItem(tr("menu.address"), url)}
	d := dialog.NewForm(tr("field.server"), tr("menu.use"), tr("btn.cancel"), items, func(ok bool) {
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
			dialog.ShowInformation(tr("field.server"), note, c.win)
		}
	}, c.win)
	d.Resize(fyne.NewSize(480, 260))
	d.Show()
}

// languageMenu is View > Language: the system's language (the OS locale) or
// one of the seven, the current one ticked. Options.SetLanguage remembers the
// choice; the window is then drawn again in it.
func (c *Console) languageMenu() *fyne.MenuItem {
	lang := fyne.NewMenuItem(tr("menu.language"), nil)
	system := fyne.NewMenuItem(tr("menu.language.system"), func() { c.chooseLanguage("") })
	system.Checked = c.opts.Language == ""
	items := []*fyne.MenuItem{system, fyne.NewMenuItemSeparator()}
	for _, l := range i18n.Languages {
		item := fyne.NewMenuItem(l.Name, func() { c.chooseLanguage(l.Tag) })
		item.Checked = c.opts.Language == l.Tag
		items = append(items, item)
	}
	lang.ChildMenu = fyne.NewMenu("", items...)
	lang.Disabled = c.opts.SetLanguage == nil
	return lang
}

// chooseLanguage remembers tag ("": the system's) and draws everything in
// the language it stands for.
func (c *Console) chooseLanguage(tag string) {
	if c.opts.SetLanguage == nil {
		return
	}
	used, err := c.opts.SetLanguage(tag)
	if err != nil {
		dialog.ShowError(err, c.win)
		return
	}
	c.opts.Language = tag
	if err := UseLanguage(used); err != nil {
		dialog.ShowError(err, c.win)
		return
	}
	c.Relabel()
}
