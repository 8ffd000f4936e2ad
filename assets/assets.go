// Package assets holds the console's embedded resources.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon: a console with a verified shield.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
