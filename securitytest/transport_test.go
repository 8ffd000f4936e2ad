package securitytest

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Oversized bodies and slow clients: the server reads at most 64 KiB of a
// body, refuses huge headers, and cuts off a client that trickles its
// headers (ReadHeaderTimeout), while everyone else is still served.

func TestOversizedBodiesRefused(t *testing.T) {
	r := Start(t)
	admin := r.Admin(t)
	before := r.Snapshot(t)
	big := `{"username":"bob","password":"` + strings.Repeat("p", 64<<10) + `"}`
	for _, c := range []struct{ method, path, bearer string }{
		{"POST", api.PathLogin, ""},
		{"POST", api.PathRefresh, ""},
		{"POST", api.PathDeviceRegister, ""},
		{"PUT", api.PathAdminSettings, admin},
		{"POST", api.PathAdminMembers, admin},
		{"POST", api.PathAdminGroups, admin},
	} {
		r.Fail(t, c.method, c.path, c.bearer, big, http.StatusRequestEntityTooLarge, api.CodeBodyTooLarge)
	}
	// A 16 MiB body with no Content-Length (chunked): refused without
	// reading it all; the connection may be closed early, which is fine.
	pr, pw := io.Pipe()
	go func() {
		chunk := []byte(strings.Repeat("x", 64<<10))
		if _, err := pw.Write([]byte(`{"username":"bob","password":"`)); err != nil {
			return
		}
		for i := 0; i < 256; i++ {
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", r.Base+api.PathLogin, pr)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("16 MiB chunked body: HTTP %d %s", resp.StatusCode, body)
		}
	}
	pr.CloseWithError(io.ErrClosedPipe)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("16 MiB body took %s to refuse", d)
	}
	// Headers over the limit.
	res := r.With("X-Padding", strings.Repeat("h", 70<<10)).Do(t, "GET", api.PathOpenAPI, "", nil)
	if res.Status != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("70 KiB header: %s", res)
	}
	if d := before.Diff(r.Snapshot(t)); d != "" {
		t.Fatal(d)
	}
}

// trickle opens a raw connection and sends a request's headers one byte
// every interval, forever; it returns when the server closes the
// connection (or after limit) and says how long the server waited. started
// is called once the request line is out (or the attempt failed).
func trickle(ctx context.Context, addr string, interval, limit time.Duration, started func()) (time.Duration, bool, error) {
	once := sync.OnceFunc(started)
	defer once() // also when it fails before the head is out
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, false, err
	}
	defer conn.Close()
	start := time.Now()
	closed := make(chan struct{})
	go func() {
		// The server answers (408 or nothing) and closes: the read ends.
		io.Copy(io.Discard, bufio.NewReader(conn))
		close(closed)
	}()
	head := "POST " + api.PathLogin + " HTTP/1.1\r\nHost: x\r\nX-Slow: "
	if _, err := conn.Write([]byte(head)); err != nil {
		return 0, false, err
	}
	once()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	deadline := time.After(limit)
	for {
		select {
		case <-closed:
			return time.Since(start), true, nil
		case <-deadline:
			return time.Since(start), false, nil
		case <-ctx.Done():
			return time.Since(start), false, ctx.Err()
		case <-tick.C:
			if _, err := conn.Write([]byte("a")); err != nil {
				return time.Since(start), true, nil
			}
		}
	}
}

func TestSlowHeadersCutOff(t *testing.T) {
	t.Parallel()
	r := Start(t)
	addr := strings.TrimPrefix(r.Base, "http://")
	const n = 50
	type result struct {
		took   time.Duration
		closed bool
		err    error
	}
	results := make(chan result, n)
	var started sync.WaitGroup
	started.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			took, closed, err := trickle(context.Background(), addr, 500*time.Millisecond, 20*time.Second, started.Done)
			results <- result{took, closed, err}
		}()
	}
	// While 50 slow clients hang on, a normal sign-in is served promptly.
	started.Wait()
	res := r.Do(t, "POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: "Demo-Pass-2026"})
	if res.Status != http.StatusOK || res.Took > 3*time.Second {
		t.Fatalf("sign-in beside slow clients: %s in %s", res, res.Took)
	}
	var longest time.Duration
	for i := 0; i < n; i++ {
		rs := <-results
		if rs.err != nil {
			t.Fatal(rs.err)
		}
		if !rs.closed {
			t.Fatalf("a client trickling its headers was still connected after %s", rs.took)
		}
		longest = max(longest, rs.took)
	}
	// ReadHeaderTimeout is 10 s: cut off between 10 s and a little after.
	if longest < 9*time.Second || longest > 13*time.Second {
		t.Fatalf("slow clients cut off after %s, want about 10 s", longest)
	}
	t.Logf("%d header-trickling clients cut off after at most %s", n, longest.Round(time.Millisecond))
}
