package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The release build stamps its version with -ldflags -X; --version prints
// it and exits before any window opens.
func TestVersionFlagPrintsTheStampedVersion(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "techconsole")
	build := exec.Command("go", "build", "-tags", "migrated_fynedo,accessibility", "-o", bin,
		"-ldflags", "-X github.com/remotesupport/techconsole/internal/buildinfo.version=v7.51.1-test", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output() // Fyne may log on stderr
	if err != nil {
		t.Fatalf("techconsole --version: %v", err)
	}
	if got := strings.TrimSpace(string(out)); !strings.HasPrefix(got, "techconsole v7.51.1-test (") {
		t.Errorf("--version printed %q", got)
	}
}
