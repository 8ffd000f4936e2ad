package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/internal/buildinfo"
	"github.com/remotesupport/techconsole/server/store"
)

// serverName is what GET /server-info calls this server.
const serverName = "Technician Console reference auth server"

// loadID derives the server's stable identity from its first member (the
// master administrator made with the database, whose id is random and never
// changes: members are not deleted): the same across restarts, listen
// addresses and key rotations, and another for another database. A one-way
// hash under its own label, so it tells nothing of that member.
func (s *Server) loadID(ctx context.Context) (string, error) {
	var first store.Member
	err := s.store.Read(ctx, func(tx store.Tx) error {
		ms, err := tx.ListMembers()
		for _, m := range ms {
			if first.ID == "" || m.CreatedAt.Before(first.CreatedAt) || (m.CreatedAt.Equal(first.CreatedAt) && m.ID < first.ID) {
				first = m
			}
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("server identity: %w", err)
	}
	sum := sha256.Sum256([]byte("techconsole server id v1\x00" + first.ID))
	return hex.EncodeToString(sum[:16]), nil
}

// ID is the server's stable identity (GET /server-info).
func (s *Server) ID() string { return s.id }

// handleServerInfo: GET /server-info, no token needed.
func (s *Server) handleServerInfo(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, api.ServerInfo{ID: s.id, Name: serverName, Version: buildinfo.Read().Version})
	return nil
}
