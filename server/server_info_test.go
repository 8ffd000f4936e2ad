package server_test

import (
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
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
