package adminweb

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// WCAG 2.2 AA minimum contrast ratios.
const (
	normalText = 4.5 // 1.4.3
	nonText    = 3.0 // 1.4.11: control outlines and focus indicators; also large text
)

var (
	cssVar = regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\b`)
	cssHex = regexp.MustCompile(`#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b`)
)

// adminColours reads the stylesheet's custom properties (--fg: #1b1f24).
func adminColours(t *testing.T) (vars map[string]string, css string) {
	t.Helper()
	b, err := staticFS.ReadFile("static/admin.css")
	if err != nil {
		t.Fatalf("read admin.css: %v", err)
	}
	vars = map[string]string{}
	for _, m := range cssVar.FindAllStringSubmatch(string(b), -1) {
		vars["--"+m[1]] = normHex(m[2])
	}
	return vars, string(b)
}

func normHex(h string) string {
	h = strings.ToLower(strings.TrimPrefix(h, "#"))
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	return "#" + h
}

// rgba is a colour with its alpha (opacity in the stylesheet).
type rgba struct{ r, g, b, a float64 }

func parseHex(h string) (rgba, error) {
	v, err := strconv.ParseUint(strings.TrimPrefix(normHex(h), "#"), 16, 32)
	if err != nil {
		return rgba{}, fmt.Errorf("colour %q: %w", h, err)
	}
	return rgba{float64(v>>16&0xff) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255, 1}, nil
}

// over blends c onto an opaque under, as the browser does.
func (c rgba) over(under rgba) rgba {
	mix := func(v, u float64) float64 { return v*c.a + u*(1-c.a) }
	return rgba{mix(c.r, under.r), mix(c.g, under.g), mix(c.b, under.b), 1}
}

func (c rgba) luminance() float64 {
	lin := func(s float64) float64 {
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

func ratio(fg, bg rgba) float64 {
	l1, l2 := fg.over(bg).luminance(), bg.luminance()
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

// TestAdminColoursContrast computes every text/background and control or focus
// ring/background pair of admin.css, and fails on a colour of the stylesheet
// that no pair (or the list of decorative ones) accounts for, so that a new
// colour cannot arrive unchecked.
func TestAdminColoursContrast(t *testing.T) {
	vars, css := adminColours(t)
	pairs := []struct {
		name    string
		fg, bg  string // a custom property or a literal colour
		opacity float64
		min     float64
	}{
		{"body text", "--fg", "--bg", 1, normalText},
		{"text on a card", "--fg", "--card", 1, normalText},
		{"table header", "--fg", "#eef1f5", 1, normalText},
		{"own row", "--fg", "#f3f6fb", 1, normalText},
		{"notice", "--fg", "--warn-bg", 1, normalText},
		{"error text", "--fg", "--err-bg", 1, normalText},
		{"saved message", "--fg", "#e7f5ea", 1, normalText},
		{"hint on the page", "--muted", "--bg", 1, normalText},
		{"hint on a card", "--muted", "--card", 1, normalText},
		{"muted in the table header", "--muted", "#eef1f5", 1, normalText},
		{"muted in the own row", "--muted", "#f3f6fb", 1, normalText},
		{"server code in an error", "--muted", "--err-bg", 1, normalText},
		{"read-only field", "--fg", "--bg", 1, normalText},
		{"link on the page", "--accent", "--bg", 1, normalText},
		{"link on a card", "--accent", "--card", 1, normalText},
		{"hovered link", "--accent-dark", "--card", 1, normalText},
		{"button", "#fff", "--accent", 1, normalText},
		{"hovered button", "#fff", "--accent-dark", 1, normalText},
		{"secondary button", "--accent", "#fff", 1, normalText},
		{"hovered secondary button", "--accent-dark", "#e8f0fa", 1, normalText},
		{"error heading", "--err", "--err-bg", 1, normalText},
		{"reset method, failed result", "--err", "--card", 1, normalText},
		{"active method, done", "--ok", "--card", 1, normalText},
		{"pending method", "--warn-text", "--card", 1, normalText},
		{"top bar", "#fff", "#14263d", 1, normalText},
		{"product name in the top bar", "#fff", "#14263d", 0.85, normalText},
		{"signed-in name in the top bar", "#fff", "#14263d", 0.9, normalText},
		{"field border", "#7a8491", "#fff", 1, nonText},
		{"field border on the page", "#7a8491", "--bg", 1, nonText},
		{"secondary button border", "--accent", "--card", 1, nonText},
		{"notice stripe", "--warn-line", "--warn-bg", 1, nonText},
		{"error stripe", "--err", "--err-bg", 1, nonText},
		{"saved stripe", "--ok", "#e7f5ea", 1, nonText},
		{"focus ring halo against its dark band", "--focus", "--focus-dark", 1, nonText},
	}
	// The focus ring is two bands (dark outline in a light halo): on every
	// background the ring meets, one band must stand out by 3:1.
	ringBackgrounds := []string{"--bg", "--card", "#14263d", "--accent", "--accent-dark", "--err-bg", "--warn-bg", "#e7f5ea", "#eef1f5", "#f3f6fb"}
	// Colours that carry no information: card edges and table rules.
	decorative := map[string]bool{normHex(vars["--line"]): true}

	resolve := func(s string) (rgba, string) {
		if strings.HasPrefix(s, "--") {
			v, ok := vars[s]
			if !ok {
				t.Fatalf("admin.css has no %s", s)
			}
			s = v
		}
		c, err := parseHex(s)
		if err != nil {
			t.Fatal(err)
		}
		return c, normHex(s)
	}
	used := map[string]bool{}
	for _, p := range pairs {
		fg, fgHex := resolve(p.fg)
		bg, bgHex := resolve(p.bg)
		used[fgHex], used[bgHex] = true, true
		fg.a = p.opacity
		if got := ratio(fg, bg); got < p.min {
			t.Errorf("%s: %s on %s contrast %.2f:1, want at least %.1f:1", p.name, p.fg, p.bg, got, p.min)
		}
	}
	light, lightHex := resolve("--focus")
	dark, darkHex := resolve("--focus-dark")
	used[lightHex], used[darkHex] = true, true
	for _, b := range ringBackgrounds {
		bg, bgHex := resolve(b)
		used[bgHex] = true
		if l, d := ratio(light, bg), ratio(dark, bg); math.Max(l, d) < nonText {
			t.Errorf("focus ring on %s: %.2f:1 (halo) and %.2f:1 (outline), want one at least %.1f:1", b, l, d, nonText)
		}
	}
	for _, h := range cssHex.FindAllString(css, -1) {
		if h := normHex(h); !used[h] && !decorative[h] {
			t.Errorf("admin.css uses %s, which no contrast pair checks: add the pairs it is drawn in", h)
		}
	}
}
