package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMeasureStartupSignsInThroughTheForm runs the start-up measurement of
// make bench-startup on a cold and a warm data folder: "Sign in" is pressed
// as soon as the window is painted, while the embedded server may still be
// starting, and the sign-in goes through.
func TestMeasureStartupSignsInThroughTheForm(t *testing.T) {
	if os.Getenv("DISPLAY") == "" && os.Getenv("TECHCONSOLE_REQUIRE_KEYCHAIN") == "" {
		t.Skip("no X display to open the window on (run through scripts/test-env.sh)")
	}
	bin := filepath.Join(t.TempDir(), "techconsole")
	if out, err := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := t.TempDir()
	for _, start := range []string{"cold", "warm"} {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "--measure-startup", "--data-dir", data)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s start: %v\n%s", start, err, stderr.Bytes())
		}
		r, err := lastReport(out)
		if err != nil {
			t.Fatalf("%s start: %v in %q", start, err, out)
		}
		if r.FirstFrameMS <= 0 || r.ReadyMS < r.FirstFrameMS || r.SignedInMS < r.ReadyMS || r.SignedInMS < r.ServerMS {
			t.Errorf("%s start: times out of order: %+v", start, r)
		}
		if r.PeakKB < r.RSSKB || r.RSSKB <= 0 {
			t.Errorf("%s start: memory figures %+v", start, r)
		}
	}
}

func lastReport(out []byte) (startupReport, error) {
	var r startupReport
	var err error
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if bytes.Contains(sc.Bytes(), []byte(`"kind"`)) {
			err = json.Unmarshal(sc.Bytes(), &r)
		}
	}
	if r.Kind == "" && err == nil {
		err = os.ErrNotExist
	}
	return r, err
}
