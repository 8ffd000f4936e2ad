package server_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

// TestServerInfoIsStable: GET /server-info answers without a token, and its
// id stays the same across a restart while another server has another one.
func TestServerInfoIsStable(t *testing.T) {
	c := start(t)
	var first api.ServerInfo
	c.ok("GET", api.PathServerInfo, "", nil, http.StatusOK, &first)
	if len(first.ID) < 16 || first.Name == "" || first.Version == "" {
		t.Fatalf("server-info = %+v, want an id, a name and a version", first)
	}
	c.inst.Restart(t)
	var again api.ServerInfo
	c.ok("GET", api.PathServerInfo, "", nil, http.StatusOK, &again)
	if again.ID != first.ID {
		t.Errorf("id changed across a restart: %q then %q", first.ID, again.ID)
	}
	other := start(t)
	var theirs api.ServerInfo
	other.ok("GET", api.PathServerInfo, "", nil, http.StatusOK, &theirs)
	if theirs.ID == first.ID {
		t.Errorf("two servers share the id %q", first.ID)
	}
}

// TestServerIDSurvivesKeyRotation: the id names the database, not its key.
func TestServerIDSurvivesKeyRotation(t *testing.T) {
	ctx := context.Background()
	cfg := server.Config{Engine: sqlite.Engine{}, DBPath: filepath.Join(t.TempDir(), "auth.db"), AdminPassword: "Rotate-Admin-2026"}
	ids := make([]string, 2)
	for i := range ids {
		srv, err := server.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = srv.ID()
		srv.Close()
		if i == 0 {
			if _, err := server.RotateKey(ctx, sqlite.Engine{}, cfg.DBPath, "", time.Now()); err != nil {
				t.Fatalf("rotate the key: %v", err)
			}
		}
	}
	if ids[0] == "" || ids[0] != ids[1] {
		t.Errorf("id before the key rotation %q, after %q", ids[0], ids[1])
	}
}
