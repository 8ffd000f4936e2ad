package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"runtime/debug"

	"github.com/remotesupport/techconsole/api"
)

// serverName is what GET /server-info calls this server.
const serverName = "Technician Console reference auth server"

// serverID derives the server's stable identity from its key: random, made
// once with the key, kept beside the database, and the same across restarts
// and listen addresses. It is a one-way function of the key under its own
// label, so it tells nothing of the key.
func serverID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("techconsole server id v1"))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// buildVersion is the module version the binary was built from ("devel" when
// built from a checkout).
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}

// ID is the server's stable identity (GET /server-info).
func (s *Server) ID() string { return s.id }

// handleServerInfo: GET /server-info, no token needed.
func (s *Server) handleServerInfo(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, api.ServerInfo{ID: s.id, Name: serverName, Version: buildVersion()})
	return nil
}
