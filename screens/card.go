package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// textCard is a card whose subtitle wraps: a card's own subtitle is one line
// as wide as its text, so a longer translation would widen the whole screen
// past a small window.
func textCard(title, sub string, content fyne.CanvasObject) *widget.Card {
	if sub == "" {
		return widget.NewCard(title, "", content)
	}
	return widget.NewCard(title, "", container.NewVBox(para(sub), content))
}
