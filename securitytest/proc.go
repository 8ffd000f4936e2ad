package securitytest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

// Proc is a real authserver process built from cmd/authserver, for fault
// tests that kill it with SIGKILL (kill -9) and start it again on the same
// database.
type Proc struct {
	URL string
	cmd *exec.Cmd
	log *syncBuffer
	// device gets the demo phone's device token that authserver prints
	// when it seeds the database (it is made at random then).
	device chan string
}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// AuthserverBinary builds cmd/authserver once per test binary run.
func AuthserverBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "securitytest-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "authserver")
		gobin := os.Getenv("GO")
		if gobin == "" {
			gobin = "go"
		}
		cmd := exec.Command(gobin, "build", "-o", buildPath, "github.com/remotesupport/techconsole/cmd/authserver")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build cmd/authserver: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

var listening = regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)`)

var deviceLine = regexp.MustCompile(`device token \(shown once\): (\S+)`)

// StartProc runs authserver on a free loopback port with the database,
// demo organisation, dev outbox and admin password, and waits until it
// listens. The test's cleanup kills it if it still runs.
func StartProc(t testing.TB, db, adminPassword string, extra ...string) *Proc {
	t.Helper()
	args := append([]string{"--addr", "127.0.0.1:0", "--db", db, "--dev", "--demo", "--admin-password", adminPassword}, extra...)
	cmd := exec.Command(AuthserverBinary(t), args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start authserver: %v", err)
	}
	p := &Proc{cmd: cmd, log: &syncBuffer{}, device: make(chan string, 1)}
	t.Cleanup(func() { p.Kill() })
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := deviceLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case p.device <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.log.Write([]byte(line + "\n"))
			if m := listening.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case p.URL = <-found:
	case <-time.After(20 * time.Second):
		t.Fatalf("authserver did not start:\n%s", p.log.String())
	}
	return p
}

// DeviceToken is the demo phone's device token that this process printed
// when it seeded its database; the test fails if it printed none.
func (p *Proc) DeviceToken(t testing.TB) string {
	t.Helper()
	select {
	case tok := <-p.device:
		return tok
	case <-time.After(10 * time.Second):
		t.Fatalf("authserver printed no demo device token (was the database new?)")
		return ""
	}
}

// Kill sends SIGKILL, as kill -9 does, and waits for the process to end.
func (p *Proc) Kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// Log is what the process wrote to stderr.
func (p *Proc) Log() string { return p.log.String() }

// Peer talks to the process.
func (p *Proc) Peer() *Peer { return &Peer{Base: p.URL} }
