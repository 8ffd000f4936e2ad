package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestLdflagsOverrideTheBuildInfo(t *testing.T) {
	defer func(v, r string) { version, revision = v, r }(version, revision)
	version, revision = "v9.8.7", "abc1234"
	in := Read()
	if in.Version != "v9.8.7" || in.Revision != "abc1234" {
		t.Fatalf("Read() = %+v, want the -X values", in)
	}
	if got := in.String("authserver"); !strings.HasPrefix(got, "authserver v9.8.7 (abc1234, go") {
		t.Errorf("String = %q", got)
	}
}

func TestVCSRevision(t *testing.T) {
	for _, tc := range []struct {
		settings []debug.BuildSetting
		want     string
	}{
		{nil, ""},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "f00d"}, {Key: "vcs.modified", Value: "false"}}, "f00d"},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "f00d"}, {Key: "vcs.modified", Value: "true"}}, "f00d+dirty"},
	} {
		if got := vcsRevision(tc.settings); got != tc.want {
			t.Errorf("vcsRevision(%v) = %q, want %q", tc.settings, got, tc.want)
		}
	}
}

func TestUnknownRevisionIsSaid(t *testing.T) {
	got := Info{Version: "(devel)", Go: "go1.26"}.String("techconsole")
	if got != "techconsole (devel) (unknown revision, go1.26)" {
		t.Errorf("String = %q", got)
	}
}
