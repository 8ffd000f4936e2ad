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

//go:embed icon.svg
var iconSVG []byte

// Symbol is the icon as SVG, for drawing it small inside the window: it
// rasterises at the size shown instead of decoding and scaling the 512 px PNG.
var Symbol = fyne.NewStaticResource("icon.svg", iconSVG)
