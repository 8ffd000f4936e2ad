//go:build accessibility

package screens

// announce makes Fyne rebuild the window's accessibility tree, the one way
// 2.8.1 has to tell a screen reader about new content: its macOS and Windows
// drivers rebuild the tree only when the window is shown or its content set
// (Windows then raises UI Automation's structure-changed and focus events,
// macOS posts NSAccessibility created notifications). Setting the content
// gives the canvas a new focus manager, so the focus is put back.
func (c *Console) announce() {
	cv := c.win.Canvas()
	focused := cv.Focused()
	c.win.SetContent(c.win.Content())
	if focused != nil {
		cv.Focus(focused)
	}
}
