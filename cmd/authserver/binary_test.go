package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// The real binary, built once for the tests of this file, with a stamped
// version as a release build would have.
var (
	binOnce sync.Once
	binPath string
	binErr  error
)

const stampedVersion = "v1.2.3-test"

func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "authserver-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "authserver")
		out, err := exec.Command("go", "build", "-o", binPath,
			"-ldflags", "-X github.com/remotesupport/techconsole/internal/buildinfo.version="+stampedVersion, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// proc is a running authserver with JSON logs.
type proc struct {
	t     *testing.T
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []map[string]any
	raw   bytes.Buffer
	added chan struct{} // closed and replaced at each new log line
	done  chan error
}

// startBinary runs authserver with args (and --log-format json) and waits
// for its start line.
func startBinary(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"--log-format", "json"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, added: make(chan struct{}), done: make(chan error, 1)}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go p.read(stderr)
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	p.waitLog("authserver starting")
	return p
}

func (p *proc) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var m map[string]any
		json.Unmarshal(sc.Bytes(), &m)
		p.mu.Lock()
		p.raw.Write(append(sc.Bytes(), '\n'))
		p.lines = append(p.lines, m)
		close(p.added)
		p.added = make(chan struct{})
		p.mu.Unlock()
	}
	p.done <- p.cmd.Wait()
	p.mu.Lock()
	close(p.added)
	p.added = make(chan struct{})
	p.mu.Unlock()
}

// waitLog waits for a log line with that message and returns it.
func (p *proc) waitLog(msg string) map[string]any {
	p.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		p.mu.Lock()
		for _, l := range p.lines {
			if l["msg"] == msg {
				p.mu.Unlock()
				return l
			}
		}
		added := p.added
		p.mu.Unlock()
		select {
		case <-added:
		case <-timeout:
			p.t.Fatalf("no %q in the log:\n%s", msg, p.log())
		}
	}
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.raw.String()
}

func (p *proc) url() string { return "http://" + p.waitLog("authserver starting")["addr"].(string) }

// stop sends SIGTERM and waits for a clean exit.
func (p *proc) stop() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		if err != nil {
			p.t.Fatalf("authserver exited with %v:\n%s", err, p.log())
		}
	case <-time.After(30 * time.Second):
		p.t.Fatalf("authserver did not stop on SIGTERM:\n%s", p.log())
	}
}

// signInBob signs bob in with an authenticator code through the client
// package and fails the test if that does not work.
func signInBob(t *testing.T, c *client.Client, at time.Time) {
	t.Helper()
	ctx := context.Background()
	r, err := c.Login(ctx, "bob", server.DemoPassword)
	if err != nil || r.State != api.StateMFARequired {
		t.Fatalf("bob: %+v %v", r, err)
	}
	ch, err := c.StartChallenge(ctx, r.MFAToken, api.ChallengeRequest{Method: api.MethodAuthenticatorApp})
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := servertest.Demo("bob")
	code, _ := totp.GenerateCode(bob.TOTPSecret, at)
	done, err := c.Verify(ctx, r.MFAToken, ch.ChallengeID, code)
	if err != nil || done.State != api.StateAuthenticated {
		t.Fatalf("bob's authenticator code: %+v %v", done, err)
	}
}

func newClient(t *testing.T, url string, opts ...client.Option) *client.Client {
	t.Helper()
	c, err := client.New(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The settings come from a config file and the environment, the flag on
// the command line wins; the start line says what runs; metrics are on their
// own listener; SIGTERM stops it cleanly, with a line at each end.
func TestBinaryRunsFromEnvironmentAndConfigFile(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "authserver.conf")
	os.WriteFile(conf, []byte("AUTHSERVER_DB="+filepath.Join(dir, "auth.db")+"\nAUTHSERVER_DEMO=true\nAUTHSERVER_DEV=true\nAUTHSERVER_METRICS_ADDR=127.0.0.1:0\n"), 0o600)
	p := startBinary(t, []string{"AUTHSERVER_CONFIG=" + conf, "AUTHSERVER_ADDR=127.0.0.1:0", "AUTHSERVER_ADMIN_PASSWORD=Env-Admin-Pass-2026"},
		"--dev=false")
	start := p.waitLog("authserver starting")
	for k, want := range map[string]any{"version": stampedVersion, "engine": "sqlite", "dev": false, "demo": true, "tls": false} {
		if start[k] != want {
			t.Errorf("start line %s = %v, want %v", k, start[k], want)
		}
	}
	c := newClient(t, p.url())
	if r, err := c.Login(context.Background(), "admin", "Env-Admin-Pass-2026"); err != nil || r.State != api.StateAuthenticated {
		t.Fatalf("admin with the password from the environment: %+v %v", r, err)
	}
	signInBob(t, c, time.Now())
	if resp, err := http.Get(p.url() + api.PathDevOutbox + "?to=555-0102"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("outbox with --dev=false on the command line over the file's true: %v %v", resp, err)
	}

	resp, err := http.Get(start["metrics"].(string))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `authserver_sign_ins_total{method="authenticator_app",outcome="authenticated"} 1`) {
		t.Errorf("metrics after bob's sign-in:\n%s", body)
	}
	if resp, err := http.Get(p.url() + "/metrics"); err == nil && resp.StatusCode == http.StatusOK {
		t.Error("the metrics are served on the API's listener too")
	}

	p.stop()
	for _, msg := range []string{"shutting down", "stopped serving", "authserver stopped"} {
		p.waitLog(msg)
	}
	if strings.Contains(p.log(), "Env-Admin-Pass-2026") {
		t.Error("the admin password was logged")
	}

	out, err := exec.Command(binary(t), "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "authserver "+stampedVersion+" (") {
		t.Errorf("--version: %q %v", out, err)
	}
}

// A backup taken while the server runs, restored elsewhere, signs bob in
// with an authenticator code; rotate-key on the original keeps it working.
func TestBinaryBackupRestoreAndRotateKey(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "auth.db")
	env := []string{"AUTHSERVER_ADMIN_PASSWORD=Env-Admin-Pass-2026"}
	p := startBinary(t, env, "--addr", "127.0.0.1:0", "--db", db, "--demo")
	first := time.Now()
	signInBob(t, newClient(t, p.url()), first)

	copyPath := filepath.Join(t.TempDir(), "backup.db")
	out, err := exec.Command(binary(t), "backup", "--db", db, "--to", copyPath).CombinedOutput()
	if err != nil || !strings.Contains(string(out), copyPath+".key") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	p.stop()

	restored := filepath.Join(t.TempDir(), "restored.db")
	for from, to := range map[string]string{copyPath: restored, copyPath + ".key": restored + ".key"} {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(to, b, 0o600)
	}
	r := startBinary(t, env, "--addr", "127.0.0.1:0", "--db", restored)
	signInBob(t, newClient(t, r.url()), first.Add(30*time.Second)) // bob's last time step is in the copy
	r.stop()

	out, err = exec.Command(binary(t), "rotate-key", "--db", db).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "the old key is kept in "+db+".key.old-") {
		t.Fatalf("rotate-key: %v\n%s", err, out)
	}
	p = startBinary(t, env, "--addr", "127.0.0.1:0", "--db", db)
	signInBob(t, newClient(t, p.url()), first.Add(30*time.Second))
	p.stop()

	// The database without its key: a sentence naming the key file, no start.
	os.Remove(db + ".key")
	out, err = exec.Command(binary(t), "--addr", "127.0.0.1:0", "--db", db).CombinedOutput()
	if err == nil || !strings.Contains(string(out), db+".key") || !strings.Contains(string(out), "missing") {
		t.Errorf("start without the key: %v\n%s", err, out)
	}
}

// SIGHUP reads the certificate files again: a renewed certificate is
// served without a restart.
func TestBinaryReloadsTheCertificateOnHangup(t *testing.T) {
	dir := t.TempDir()
	cert := servertest.NewTestCert(t, dir)
	p := startBinary(t, nil, "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "auth.db"), "--tls-cert", cert.CertFile, "--tls-key", cert.KeyFile)
	start := p.waitLog("authserver starting")
	if start["tls"] != true || !strings.HasPrefix(start["url"].(string), "https://") {
		t.Fatalf("start line: %v", start)
	}
	addr := start["addr"].(string)
	served := func(pool *tls.Config) string {
		conn, err := tls.Dial("tcp", addr, pool)
		if err != nil {
			return "error: " + err.Error()
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].SerialNumber.String()
	}
	if got := served(&tls.Config{RootCAs: cert.Pool}); got != cert.Serial.String() {
		t.Fatalf("served %s, want %s", got, cert.Serial)
	}
	renewed := servertest.NewTestCert(t, dir)
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog("TLS certificate reloaded")
	if got := served(&tls.Config{RootCAs: renewed.Pool}); got != renewed.Serial.String() {
		t.Errorf("after SIGHUP served %s, want %s", got, renewed.Serial)
	}
	p.stop()
}

// Listening beyond this machine without TLS and without a proxy in front
// gets a warning; on loopback, or behind a trusted proxy, none.
func TestWarnsWithoutTLSOnAPublicAddress(t *testing.T) {
	for _, tc := range []struct {
		args []string
		warn bool
	}{
		{[]string{"--addr", "0.0.0.0:0"}, true},
		{[]string{"--addr", "0.0.0.0:0", "--trusted-proxy"}, false},
		{[]string{"--addr", "127.0.0.1:0"}, false},
	} {
		p := startBinary(t, nil, append(tc.args, "--db", filepath.Join(t.TempDir(), "auth.db"))...)
		p.stop()
		if got := strings.Contains(p.log(), "without TLS"); got != tc.warn {
			t.Errorf("%v: warned %t, want %t\n%s", tc.args, got, tc.warn, p.log())
		}
	}
}
