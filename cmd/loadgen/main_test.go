package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/server/servertest"
)

func TestRefusesWhatIsNotBounded(t *testing.T) {
	for _, args := range [][]string{
		{"-url", "http://192.0.2.1:8080"},
		{"-url", "ftp://127.0.0.1"},
		{"-clients", "0"},
		{"-clients", "257"},
		{"-duration", "11m"},
		{"-rounds", "11"},
		{"-mode", "storm"},
	} {
		if _, err := parse(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	if _, err := parse([]string{"-url", "http://localhost:1"}); err != nil {
		t.Errorf("localhost refused: %v", err)
	}
}

// TestEachModeAgainstAServer: every mode signs in (or refreshes) against a
// real server without errors and reports the server's CPU (this process).
func TestEachModeAgainstAServer(t *testing.T) {
	inst := servertest.Start(t)
	for _, mode := range []string{"password", "full", "refresh"} {
		t.Run(mode, func(t *testing.T) {
			var out bytes.Buffer
			err := run([]string{"-url", inst.URL, "-pid", strconv.Itoa(os.Getpid()), "-mode", mode, "-clients", "3",
				"-duration", "1500ms", "-baseline", "200ms", "-rounds", "1"}, &out)
			if err != nil {
				t.Fatal(err)
			}
			row := ""
			for _, line := range strings.Split(out.String(), "\n") {
				if strings.HasPrefix(line, "| 1 |") {
					row = line
				}
			}
			cells := strings.Split(row, "|")
			if len(cells) < 10 || strings.TrimSpace(cells[6]) != "0" || strings.TrimSpace(cells[3]) == "0.0" || strings.TrimSpace(cells[9]) == "-" {
				t.Errorf("mode %s:\n%s", mode, out.String())
			}
		})
	}
}
