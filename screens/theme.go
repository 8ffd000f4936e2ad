package screens

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// consoleTheme is Fyne's default theme with the colours that fall short of
// WCAG 2.2 AA contrast replaced (contrast_test.go checks every pair): the
// stock bright green, red, orange and blue carry white text at well under
// 4.5:1, and the stock disabled, placeholder and input-border greys (the outline
// of entries, check boxes and radio buttons) are barely visible. The focus
// ring (a11y.go) is near-black in the light variant and amber in the dark one.
type consoleTheme struct{ fyne.Theme }

// newConsoleTheme is the console's theme in both variants.
func newConsoleTheme() fyne.Theme { return consoleTheme{theme.DefaultTheme()} }

func (t consoleTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	p := lightPalette
	if v == theme.VariantDark {
		p = darkPalette
	}
	if c, ok := p[n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

func rgb(hex uint32) color.NRGBA {
	return color.NRGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 0xff}
}

// The light variant keeps white text on coloured buttons, so the colours get
// darker; the dark variant keeps light colours and puts dark text on them.
var (
	lightPalette = map[fyne.ThemeColorName]color.Color{
		theme.ColorNamePrimary:             rgb(0x1a5fd6),
		theme.ColorNameHyperlink:           rgb(0x1a5fd6),
		theme.ColorNameForegroundOnPrimary: rgb(0xffffff),
		theme.ColorNameSuccess:             rgb(0x1b7a2e),
		theme.ColorNameForegroundOnSuccess: rgb(0xffffff),
		theme.ColorNameError:               rgb(0xc62828),
		theme.ColorNameForegroundOnError:   rgb(0xffffff),
		theme.ColorNameWarning:             rgb(0xa14f00),
		theme.ColorNameForegroundOnWarning: rgb(0xffffff),
		theme.ColorNameDisabled:            rgb(0x6b6b6b),
		theme.ColorNamePlaceHolder:         rgb(0x6b6b6b),
		theme.ColorNameInputBorder:         rgb(0x858585),
		colorNameFocusRing:                 rgb(0x1b1f24),
	}
	darkPalette = map[fyne.ThemeColorName]color.Color{
		theme.ColorNamePrimary:             rgb(0x6ea0ff),
		theme.ColorNameHyperlink:           rgb(0x6ea0ff),
		theme.ColorNameForegroundOnPrimary: rgb(0x171718),
		theme.ColorNameSuccess:             rgb(0x5fd35a),
		theme.ColorNameForegroundOnSuccess: rgb(0x171718),
		theme.ColorNameError:               rgb(0xff6b5e),
		theme.ColorNameForegroundOnError:   rgb(0x171718),
		theme.ColorNameWarning:             rgb(0xffa726),
		theme.ColorNameForegroundOnWarning: rgb(0x171718),
		theme.ColorNameDisabled:            rgb(0x9a9a9a),
		theme.ColorNameInputBorder:         rgb(0x7a7a7a),
		colorNameFocusRing:                 rgb(0xffbf47),
	}
)
