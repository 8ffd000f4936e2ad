package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "authserver.conf")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Flags win over the environment, which wins over the config file.
func TestSettingsPrecedence(t *testing.T) {
	file := writeConfig(t, `# the server's settings
AUTHSERVER_ADDR = 127.0.0.1:7001
AUTHSERVER_DB="from-file.db"
AUTHSERVER_DEV=true
AUTHSERVER_SHUTDOWN_TIMEOUT='3s'
`)
	for _, tc := range []struct {
		name      string
		args      []string
		env       map[string]string
		addr, db  string
		dev       bool
		shutdownS float64
	}{
		{"file only", []string{"--config", file}, nil, "127.0.0.1:7001", "from-file.db", true, 3},
		{"file named in the environment", nil, map[string]string{"AUTHSERVER_CONFIG": file}, "127.0.0.1:7001", "from-file.db", true, 3},
		{"environment over file", []string{"--config", file}, map[string]string{"AUTHSERVER_ADDR": "127.0.0.1:7002", "AUTHSERVER_DEV": "false"},
			"127.0.0.1:7002", "from-file.db", false, 3},
		{"flag over both", []string{"--config", file, "--addr", "127.0.0.1:7003", "--db", "flag.db"}, map[string]string{"AUTHSERVER_ADDR": "127.0.0.1:7002"},
			"127.0.0.1:7003", "flag.db", true, 3},
		{"empty variable is unset", nil, map[string]string{"AUTHSERVER_ADDR": ""}, "127.0.0.1:8080", "authserver.db", false, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o serveOptions
			fs := serveFlags(&o)
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			if _, err := (settings{fs: fs, lookup: lookup, known: knownSettings()}).parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if o.addr != tc.addr || o.db != tc.db || o.dev != tc.dev || o.shutdownTimeout.Seconds() != tc.shutdownS {
				t.Errorf("addr %q db %q dev %t shutdown %v; want %q %q %t %vs", o.addr, o.db, o.dev, o.shutdownTimeout, tc.addr, tc.db, tc.dev, tc.shutdownS)
			}
		})
	}
}

func TestSettingsRefuseMistakes(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		env        map[string]string
		want       string
	}{
		{"unknown key", "AUTHSERVER_ADRR=x\n", nil, `unknown setting "AUTHSERVER_ADRR"`},
		{"key twice", "AUTHSERVER_DB=a\nAUTHSERVER_DB=b\n", nil, "set twice"},
		{"no equals sign", "AUTHSERVER_DEV\n", nil, "want KEY=value"},
		{"bad value in the file", "AUTHSERVER_DEV=maybe\n", nil, "AUTHSERVER_DEV"},
		{"bad value in the environment", "", map[string]string{"AUTHSERVER_SHUTDOWN_TIMEOUT": "soon"}, "$AUTHSERVER_SHUTDOWN_TIMEOUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o serveOptions
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			_, err := (settings{fs: serveFlags(&o), lookup: lookup, known: knownSettings()}).parse([]string{"--config", writeConfig(t, tc.file)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestConfigFileWithPasswordMustBePrivate(t *testing.T) {
	path := writeConfig(t, "AUTHSERVER_ADMIN_PASSWORD=Config-File-Pass-2026\n")
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	var o serveOptions
	warnings, err := (settings{fs: serveFlags(&o), lookup: func(string) (string, bool) { return "", false }, known: knownSettings()}).parse([]string{"--config", path})
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "chmod 600") || strings.Contains(warnings[0], "Config-File-Pass-2026") {
		t.Fatalf("warnings %q, err %v; want one chmod warning without the password", warnings, err)
	}
	if o.adminPassword != "Config-File-Pass-2026" {
		t.Errorf("admin password from the file: %q", o.adminPassword)
	}
}

func TestHelpListsEveryFlagWithItsEnvironmentName(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	serveFlags(&serveOptions{}).VisitAll(func(f *flag.Flag) {
		if !strings.Contains(out.String(), "-"+f.Name) {
			t.Errorf("--help does not list --%s", f.Name)
		}
		if !flagOnly[f.Name] && !strings.Contains(out.String(), envName(f.Name)) {
			t.Errorf("--help does not name %s", envName(f.Name))
		}
	})
	for _, sub := range []string{"backup", "rotate-key"} {
		out.Reset()
		if err := run(context.Background(), []string{sub, "--help"}, &out, &out); err != nil || !strings.Contains(out.String(), "AUTHSERVER_DB") {
			t.Errorf("%s --help: %v\n%s", sub, err, out.String())
		}
	}
}
