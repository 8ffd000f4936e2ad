// Package buildinfo says which build of the project a binary is: the module
// version and VCS revision that the Go toolchain stamps into every binary,
// unless a release build sets them with
//
//	-ldflags "-X github.com/remotesupport/techconsole/internal/buildinfo.version=v1.2.3
//	          -X github.com/remotesupport/techconsole/internal/buildinfo.revision=abc1234"
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set with -ldflags -X; empty means "read the build info".
var (
	version  string
	revision string
)

// Info is what a binary knows about its own build.
type Info struct {
	Version  string // module version, "(devel)" for a build from a work tree
	Revision string // VCS revision, "+dirty" when built with uncommitted changes; "" when unknown
	Go       string // toolchain version
}

// Read returns the build's info: the -ldflags values where set, else what
// runtime/debug.ReadBuildInfo recorded.
func Read() Info {
	in := Info{Version: "(devel)", Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			in.Version = bi.Main.Version
		}
		in.Revision = vcsRevision(bi.Settings)
	}
	if version != "" {
		in.Version = version
	}
	if revision != "" {
		in.Revision = revision
	}
	return in
}

func vcsRevision(settings []debug.BuildSetting) string {
	var rev string
	var dirty bool
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" && dirty {
		rev += "+dirty"
	}
	return rev
}

// String is the one line a --version flag prints: "NAME VERSION (REVISION, GO)".
func (in Info) String(name string) string {
	rev := in.Revision
	if rev == "" {
		rev = "unknown revision"
	}
	return fmt.Sprintf("%s %s (%s, %s)", name, in.Version, rev, in.Go)
}
