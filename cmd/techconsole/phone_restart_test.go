package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/client"
)

// TestPhoneKeepsSetupPairingsAcrossRestarts: an account paired with pushes
// during setup (erin, not a demo phone) keeps working after the console
// restarts, on the same address and, when the usual port is taken, on
// another one.
func TestPhoneKeepsSetupPairingsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var last string
	for start := 1; start <= 3; start++ {
		if start == 3 {
			ln, err := net.Listen("tcp", strings.TrimPrefix(last, "http://"))
			if err != nil {
				t.Fatalf("take the embedded server's port: %v", err)
			}
			defer ln.Close()
		}
		b := &backend{dataDir: dir, embedded: true, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		url, err := b.startServer()
		if err != nil {
			t.Fatal(err)
		}
		ph, err := b.openPhone(url)
		if err != nil {
			b.close()
			t.Fatalf("start %d: %v", start, err)
		}
		if start == 1 {
			cl, err := client.New(url)
			if err != nil {
				t.Fatal(err)
			}
			login, err := cl.Login(ctx, "erin", "Demo-Pass-2026")
			if err != nil {
				t.Fatal(err)
			}
			setup, err := cl.StartAuthenticator(ctx, login.MFAToken, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ph.Pair(ctx, setup.OTPAuthURI); err != nil {
				t.Fatalf("pair erin: %v", err)
			}
		}
		a, err := ph.Find("erin")
		if err == nil {
			_, err = ph.Pending(ctx, a.Name, 0)
		}
		b.close()
		if err != nil {
			t.Fatalf("start %d (server at %s): erin's phone: %v", start, url, err)
		}
		if start == 3 && url == last {
			t.Fatalf("the third start listens on the taken address %s", url)
		}
		last = url
	}
}
