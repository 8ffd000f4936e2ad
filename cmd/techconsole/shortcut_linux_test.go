package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/screens"
)

// TestCtrlTWhileTypingOpensTheTesterPanel presses Ctrl+T on the real window
// (X key events through xdotool, GLFW's own shortcut handling) while the
// sign-in form's username entry has the focus: the tester panel opens
// beside the form, which the right part of the window shows.
func TestCtrlTWhileTypingOpensTheTesterPanel(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display to open the window on (run through scripts/test-env.sh)")
	}
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is missing (scripts/deps.sh installs it)", tool)
		}
	}
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_STATE_HOME="+filepath.Join(home, "state"))
	bin := filepath.Join(t.TempDir(), "techconsole")
	if out, err := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := startBinary(t, bin, env)
	waitStarted(t, filepath.Join(home, "state", "techconsole", "console.log"), cmd)
	win := strings.Fields(runTool(t, "xdotool", "search", "--sync", "--onlyvisible", "--name", "^"+screens.AppName))[0]
	runTool(t, "xdotool", "windowfocus", "--sync", win)
	// The sign-in form focuses its username entry: the keys go to it.
	runTool(t, "xdotool", "type", "bob")
	before := capture(t, win)
	runTool(t, "xdotool", "key", "--clearmodifiers", "ctrl+t")
	waitChange(t, win, before, func(a, b image.Image) bool { return changed(a, b, 0.75, 1) }, "the tester panel on the right")
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// capture is the window as the X server shows it.
func capture(t *testing.T, win string) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader([]byte(runTool(t, "import", "-window", win, "png:-"))))
	if err != nil {
		t.Fatalf("decode the window's picture: %v", err)
	}
	return img
}

// waitChange captures the window until differ says it moved on from before.
func waitChange(t *testing.T, win string, before image.Image, differ func(a, b image.Image) bool, what string) image.Image {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		now := capture(t, win)
		if differ(before, now) {
			return now
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window does not show %s", what)
		}
	}
}

// changed reports whether over 2% of the pixels between the fractions from
// and to of the width differ.
func changed(a, b image.Image, from, to float64) bool {
	r := a.Bounds().Intersect(b.Bounds())
	x0, x1 := r.Min.X+int(from*float64(r.Dx())), r.Min.X+int(to*float64(r.Dx()))
	diff, all := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := x0; x < x1; x += 2 {
			all++
			if a.At(x, y) != b.At(x, y) {
				diff++
			}
		}
	}
	return all > 0 && float64(diff)/float64(all) > 0.02
}
