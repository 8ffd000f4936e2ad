//go:build !accessibility

package screens

// announce does nothing without Fyne's accessibility support (announce_on.go).
func (c *Console) announce() {}
