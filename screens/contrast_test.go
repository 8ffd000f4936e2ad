package screens

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// WCAG 2.2 AA minimum contrast ratios.
const (
	normalText = 4.5 // 1.4.3, text under 18pt (14pt bold)
	nonText    = 3.0 // 1.4.11 and 2.4.13: control outlines, focus indicators; also large text
)

// luminance is the WCAG relative luminance of c drawn over an opaque under.
func luminance(c, under color.Color) float64 {
	r, g, b, a := c.RGBA()
	ur, ug, ub, _ := under.RGBA()
	lin := func(v, u uint32) float64 {
		s := (float64(v) + float64(u)*(1-float64(a)/0xffff)) / 0xffff // premultiplied "over"
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r, ur) + 0.7152*lin(g, ug) + 0.0722*lin(b, ub)
}

// contrast is the WCAG contrast ratio of fg on bg (both over the window
// background, for colours with transparency).
func contrast(fg, bg, window color.Color) float64 {
	bgOpaque := over(bg, window)
	l1, l2 := luminance(fg, bgOpaque), luminance(bgOpaque, bgOpaque)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

// over blends c onto an opaque under, as the renderer does.
func over(c, under color.Color) color.Color {
	r, g, b, a := c.RGBA()
	ur, ug, ub, _ := under.RGBA()
	k := 1 - float64(a)/0xffff
	mix := func(v, u uint32) uint16 { return uint16(math.Round(float64(v) + float64(u)*k)) }
	return color.RGBA64{R: mix(r, ur), G: mix(g, ug), B: mix(b, ub), A: 0xffff}
}

func TestThemeContrast(t *testing.T) {
	th := newConsoleTheme()
	pairs := []struct {
		name   string
		fg, bg fyne.ThemeColorName
		blend  fyne.ThemeColorName // drawn over bg before fg is measured (focus, hover)
		min    float64
	}{
		{"body text", theme.ColorNameForeground, theme.ColorNameBackground, "", normalText},
		{"text in an entry", theme.ColorNameForeground, theme.ColorNameInputBackground, "", normalText},
		{"text on a button", theme.ColorNameForeground, theme.ColorNameButton, "", normalText},
		{"text on a focused button", theme.ColorNameForeground, theme.ColorNameButton, theme.ColorNameFocus, normalText},
		{"text on a hovered button", theme.ColorNameForeground, theme.ColorNameButton, theme.ColorNameHover, normalText},
		{"text in a dialog", theme.ColorNameForeground, theme.ColorNameOverlayBackground, "", normalText},
		{"text in a menu", theme.ColorNameForeground, theme.ColorNameMenuBackground, "", normalText},
		{"primary button", theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary, "", normalText},
		{"focused primary button", theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary, theme.ColorNameFocus, normalText},
		{"success (Approve) button", theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess, "", normalText},
		{"focused success button", theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess, theme.ColorNameFocus, normalText},
		{"danger (Deny) button", theme.ColorNameForegroundOnError, theme.ColorNameError, "", normalText},
		{"focused danger button", theme.ColorNameForegroundOnError, theme.ColorNameError, theme.ColorNameFocus, normalText},
		{"warning button", theme.ColorNameForegroundOnWarning, theme.ColorNameWarning, "", normalText},
		{"disabled text", theme.ColorNameDisabled, theme.ColorNameBackground, "", normalText},
		{"disabled button text", theme.ColorNameDisabled, theme.ColorNameDisabledButton, "", normalText},
		{"disabled entry text", theme.ColorNameDisabled, theme.ColorNameInputBackground, "", normalText},
		{"placeholder", theme.ColorNamePlaceHolder, theme.ColorNameInputBackground, "", normalText},
		{"hyperlink", theme.ColorNameHyperlink, theme.ColorNameBackground, "", normalText},
		{"error alert", theme.ColorNameError, theme.ColorNameBackground, "", normalText},
		{"warning alert", theme.ColorNameWarning, theme.ColorNameBackground, "", normalText},
		{"success alert", theme.ColorNameSuccess, theme.ColorNameBackground, "", normalText},
		{"focused entry border", theme.ColorNamePrimary, theme.ColorNameInputBackground, "", nonText},
		{"focused entry border on the window", theme.ColorNamePrimary, theme.ColorNameBackground, "", nonText},
		{"checked box", theme.ColorNamePrimary, theme.ColorNameBackground, "", nonText},
		{"unchecked box or radio outline", theme.ColorNameInputBorder, theme.ColorNameBackground, "", nonText},
		{"entry border", theme.ColorNameInputBorder, theme.ColorNameInputBackground, "", nonText},
		// The ring is drawn outside the button with a gap of background, so
		// the background is what it must stand out against.
		{"button focus ring on the window", colorNameFocusRing, theme.ColorNameBackground, "", nonText},
		{"button focus ring in a card or dialog", colorNameFocusRing, theme.ColorNameOverlayBackground, "", nonText},
		{"button focus ring in a menu", colorNameFocusRing, theme.ColorNameMenuBackground, "", nonText},
		{"button focus ring on a header", colorNameFocusRing, theme.ColorNameHeaderBackground, "", nonText},
	}
	variants := []struct {
		name string
		v    fyne.ThemeVariant
	}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}}
	for _, vr := range variants {
		window := th.Color(theme.ColorNameBackground, vr.v)
		for _, p := range pairs {
			t.Run(vr.name+"/"+p.name, func(t *testing.T) {
				bg := over(th.Color(p.bg, vr.v), window)
				if p.blend != "" {
					bg = over(th.Color(p.blend, vr.v), bg)
				}
				if got := contrast(th.Color(p.fg, vr.v), bg, window); got < p.min {
					t.Errorf("%s %s on %s: contrast %.2f:1, want at least %.1f:1", vr.name, p.fg, p.bg, got, p.min)
				}
			})
		}
	}
}

func TestMainWindowUsesConsoleTheme(t *testing.T) {
	a := test.NewTempApp(t)
	w, _ := NewMainWindow(a, Options{Tester: TesterOptions{Version: currentV}})
	t.Cleanup(w.Close)
	if _, ok := a.Settings().Theme().(consoleTheme); !ok {
		t.Errorf("window theme is %T, want the console's theme (its colours are the ones checked for contrast)", a.Settings().Theme())
	}
}
