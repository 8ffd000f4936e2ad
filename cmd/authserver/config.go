package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
)

// Settings come from three places: the command line, then the environment
// (AUTHSERVER_ + the flag's name in upper case, "-" as "_"), then an
// optional config file of KEY=value lines with the same names. A flag on the
// command line wins over the environment, which wins over the file.
//
// The file format is the environment's own: stdlib-only to read (no
// configuration library for a dozen keys), the same names as the variables,
// comments allowed (JSON has none), and a file that systemd's
// EnvironmentFile= and a shell's "set -a; . FILE" also read.

const envPrefix = "AUTHSERVER_"

// envNames maps flags whose mechanical name would be unclear.
var envNames = map[string]string{"v": envPrefix + "VERBOSE"}

// flagOnly are flags that make no sense in the environment or a file.
var flagOnly = map[string]bool{"version": true, "config": true}

// envName is the environment variable (and config file key) of a flag.
func envName(flag string) string {
	if n, ok := envNames[flag]; ok {
		return n
	}
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// settings reads a command's flags from args, then from the environment and
// the config file for the flags args did not give. It returns warnings for
// the log that is not set up yet.
type settings struct {
	fs     *flag.FlagSet
	lookup func(string) (string, bool) // os.LookupEnv, or a test's
	known  []string                    // every key a config file may hold (all commands')
}

// parse applies args, the environment and the config file to s.fs.
func (s settings) parse(args []string) (warnings []string, err error) {
	if err := s.fs.Parse(args); err != nil {
		return nil, err
	}
	given := map[string]bool{}
	s.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	path := s.fs.Lookup("config").Value.String()
	if !given["config"] {
		if v, ok := s.lookup(envName("config")); ok && v != "" {
			path = v
		}
	}
	file := map[string]string{}
	if path != "" {
		if file, warnings, err = readConfigFile(path, s.known); err != nil {
			return nil, err
		}
	}
	s.fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] || flagOnly[f.Name] {
			return
		}
		name := envName(f.Name)
		if v, ok := s.lookup(name); ok && v != "" {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("$%s: %w", name, serr)
			}
			return
		}
		if v, ok := file[name]; ok {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("%s: %s: %w", path, name, serr)
			}
		}
	})
	return warnings, err
}

// readConfigFile reads KEY=value lines: blank lines and lines starting with
// # are skipped, the value may be quoted, every key must be known and given
// once.
func readConfigFile(path string, known []string) (map[string]string, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key, value = strings.TrimSpace(key), unquote(strings.TrimSpace(value))
		switch {
		case !ok:
			return nil, nil, fmt.Errorf("%s:%d: want KEY=value", path, n)
		case !slices.Contains(known, key):
			return nil, nil, fmt.Errorf("%s:%d: unknown setting %q (authserver --help lists them)", path, n, key)
		case out[key] != "":
			return nil, nil, fmt.Errorf("%s:%d: %s is set twice", path, n, key)
		}
		out[key] = value
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("config file %s: %w", path, err)
	}
	var warnings []string
	if _, secret := out[envName("admin-password")]; secret {
		if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
			warnings = append(warnings, fmt.Sprintf("the config file %s holds the admin password and others may read it: chmod 600 it", path))
		}
	}
	return out, warnings, nil
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// usage lists a command's flags with their environment names and defaults.
func usage(w io.Writer, head string, fs *flag.FlagSet) {
	fmt.Fprint(w, head)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  flag\tenvironment / config file\tmeaning")
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		env := envName(f.Name)
		if flagOnly[f.Name] {
			env = "-"
			if f.Name == "config" {
				env = envName(f.Name)
			}
		}
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		if arg != "" {
			name += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0s" {
			text += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", name, env, text)
	})
	tw.Flush()
}

// wantsHelp reports whether args ask for the usage.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		case "--":
			return false
		}
	}
	return false
}
