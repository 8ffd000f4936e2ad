package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const unitFile = "../../deploy/authserver.service"

// unitKeys reads a systemd unit: section → key → values, in order.
func unitKeys(t *testing.T, path string) map[string]map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
			out[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s: not a unit line: %q", path, line)
			}
			out[section][k] = append(out[section][k], v)
		}
	}
	return out
}

// The unit keeps its hardening, and every setting it gives is one the
// server knows, with a value it accepts.
func TestSystemdUnit(t *testing.T) {
	unit := unitKeys(t, unitFile)
	svc := unit["Service"]
	for key, want := range map[string]string{
		"DynamicUser": "yes", "StateDirectory": "authserver", "ProtectSystem": "strict", "ProtectHome": "yes",
		"NoNewPrivileges": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": "",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "UMask": "0077", "KillSignal": "SIGTERM",
		"ExecStart": "/usr/local/bin/authserver", "ExecReload": "/bin/kill -HUP $MAINPID",
	} {
		if got := svc[key]; len(got) != 1 || got[0] != want {
			t.Errorf("[Service] %s = %q, want %q", key, got, want)
		}
	}
	if got := unit["Install"]["WantedBy"]; len(got) != 1 || got[0] != "multi-user.target" {
		t.Errorf("[Install] WantedBy = %q", got)
	}
	env := map[string]string{}
	for _, e := range svc["Environment"] {
		k, v, _ := strings.Cut(e, "=")
		env[k] = v
	}
	var o serveOptions
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if _, err := (settings{fs: serveFlags(&o), lookup: lookup, known: knownSettings()}).parse(nil); err != nil {
		t.Fatalf("the unit's settings: %v", err)
	}
	for k := range env {
		found := false
		for _, known := range knownSettings() {
			found = found || k == known
		}
		if !found {
			t.Errorf("the unit sets %s, which authserver does not read", k)
		}
	}
	if !o.trustedProxy || o.addr != "127.0.0.1:8080" || o.db != "/var/lib/authserver/authserver.db" {
		t.Errorf("the unit's settings: %+v", o)
	}
	// The proxy examples forward to the address the unit listens on.
	for _, proxy := range []string{"../../deploy/Caddyfile", "../../deploy/nginx.conf"} {
		b, err := os.ReadFile(proxy)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(reverse_proxy|proxy_pass http://) ?` + regexp.QuoteMeta(o.addr)).Match(b) {
			t.Errorf("%s does not forward to %s", proxy, o.addr)
		}
	}
}

// systemd's own check of the unit, with ExecStart pointing at the real
// binary (verify wants the program to exist).
func TestSystemdAnalyzeVerify(t *testing.T) {
	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (scripts/deps.sh installs the systemd package); TestSystemdUnit checks the unit's keys")
	}
	b, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(t.TempDir(), "authserver.service")
	if err := os.WriteFile(unit, bytes.ReplaceAll(b, []byte("/usr/local/bin/authserver"), []byte(binary(t))), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(tool, "verify", unit)
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	// Unknown keys are only warned about: any output is a failure.
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, stderr.String())
	}
}
