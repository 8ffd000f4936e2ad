// Package server is the reference auth server of the Technician Console: the
// organisation's members, groups and two-step settings, sign-in with password
// and two-step verification, setup, sessions and the admin API, served over the
// REST contract of package api and kept in a store (package store) whose
// engine the caller chooses.
package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Config says how to open a Server.
type Config struct {
	// Engine opens the database DBPath names (engines.For picks it by the
	// name); the server's code reaches the database only through it.
	Engine store.Engine
	DBPath string // the database: a SQLite file's path, or a postgres:// URL
	// NoMigrate opens only a database that has every migration of this
	// build applied, rather than applying them at start.
	NoMigrate     bool
	KeyPath       string // TOTP key file; "" = DBPath + ".key" (a file database only)
	Dev           bool   // outbox API on
	Demo          bool   // seed the demo organisation when the database is empty
	AdminPassword string // master administrator "admin"; "" = random, logged once at start
	TrustedProxy  bool   // believe X-Forwarded-For and X-Forwarded-Proto
	Logger        *slog.Logger
	Now           func() time.Time // clock, for tests; nil = time.Now

	// AuditRetention is how long audit events are kept; 0 = DefaultAuditRetention.
	AuditRetention time.Duration
	// SweepEvery is how often expired rows are deleted (sweep.go); 0 = DefaultSweepEvery.
	SweepEvery time.Duration

	// PublicURL is where members' phones reach this server (scheme, host and
	// any path prefix), handed out in pairing URIs; "" = http:// and the
	// address Serve listens on.
	PublicURL string
	// TLS, when set, makes Serve answer HTTPS (and HTTP/2) with it; its
	// GetCertificate may reload the certificate (CertReloader).
	TLS *tls.Config
	// ShutdownTimeout is how long Serve lets requests in flight finish
	// once its context ends; 0 = DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
}

// Server is one reference auth server over one store.
type Server struct {
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	store  store.Store
	seal   *sealer
	device deviceCookies // signs and checks device cookies
	hash   *hasher
	hub    *hub // wakes long-polls (pushes)
	// stopRelay ends the wake-ups from other replicas (replicas.go); nil on SQLite.
	stopRelay func()
	routes    http.Handler
	// publicURL: Config.PublicURL, else set by Serve from its listener.
	publicURL atomic.Pointer[string]
	id        string // stable identity (server_info.go)
	// demoDevices: the demo push devices' tokens, when this Open seeded them.
	demoDevices map[string]string
	// Operations (ops.go, metrics.go): metrics, and requests being answered.
	metrics  *metrics
	inFlight atomic.Int64
}

// Lifetimes (docs/DESIGN.md section 6).
const (
	accessTTL     = 15 * time.Minute
	familyTTL     = 12 * time.Hour
	mfaTokenTTL   = 10 * time.Minute
	codeTTL       = 10 * time.Minute
	resendWait    = 30 * time.Second
	pushTokenTTL  = 10 * time.Minute
	maxCodeErrors = 5
)

// Server timeouts: longer than the longest long-poll (api.MaxWait).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
)

// Open opens the store (applying migrations), loads or creates the server
// key, creates the master administrator on an empty database and seeds the
// demo organisation when cfg.Demo is set.
func Open(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.DBPath == "" || cfg.Engine == nil {
		return nil, errors.New("server: Config.DBPath and Config.Engine are required")
	}
	if cfg.KeyPath == "" {
		if store.IsURL(cfg.DBPath) {
			return nil, errors.New("server: with a database server the key file must be given (--key): every replica needs the same one")
		}
		cfg.KeyPath = cfg.DBPath + ".key"
	}
	s := &Server{cfg: cfg, log: cfg.Logger, now: cfg.Now, hash: newHasher(), hub: newHub(), metrics: newMetrics()}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if cfg.PublicURL != "" {
		u, err := parsePublicURL(cfg.PublicURL)
		if err != nil {
			return nil, err
		}
		s.publicURL.Store(&u)
	}
	s.hash.observe = s.metrics.hashSlot
	st, err := cfg.Engine.Open(ctx, cfg.DBPath, store.OpenOptions{Log: s.log, NoMigrate: cfg.NoMigrate})
	if err != nil {
		return nil, err
	}
	s.store = instrumentedStore{Store: st, m: s.metrics}
	s.metrics.watchRetries(st)
	key, seal, err := openKey(ctx, s.store, store.DisplayName(cfg.DBPath), cfg.KeyPath, s.now())
	if err != nil {
		s.store.Close()
		return nil, err
	}
	s.seal = seal
	s.device = newDeviceCookies(key)
	if err := s.bootstrap(ctx); err != nil {
		s.store.Close()
		return nil, err
	}
	if s.id, err = s.loadID(ctx); err != nil {
		s.store.Close()
		return nil, err
	}
	s.routes = s.withOps(s.withAdminWeb(s.buildRoutes(), key))
	if w, ok := st.(store.Waker); ok {
		s.startRelay(w)
	}
	return s, nil
}

// Handler is the whole REST API.
func (s *Server) Handler() http.Handler { return s.routes }

// Serve answers on ln until ctx ends, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.listenerURL(ln)
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		TLSConfig:         s.cfg.TLS,
	}
	errc := make(chan error, 1)
	go func() {
		if hs.TLSConfig != nil {
			errc <- hs.ServeTLS(ln, "", "") // the certificate comes from TLSConfig
			return
		}
		errc <- hs.Serve(ln)
	}()
	sweepCtx, stopSweep := context.WithCancel(ctx)
	swept := make(chan struct{})
	go func() { defer close(swept); s.sweepLoop(sweepCtx) }()
	// The sweep ends before Serve returns, so Close never closes the store under it.
	defer func() { stopSweep(); <-swept }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	return s.shutdown(hs, errc)
}

// ReleaseHashMemory lets go of the password hashing's idle work buffers
// (19 MiB each, kept between hashes; the next hash makes one again): for a
// server embedded in a desktop app, which signs in rarely and should not sit
// on the memory. Pair it with debug.FreeOSMemory to return it to the OS.
func (s *Server) ReleaseHashMemory() { s.hash.dropBuffers() }

// Close stops the replica wake-ups and closes the store.
func (s *Server) Close() error {
	if s.stopRelay != nil {
		s.stopRelay()
	}
	return s.store.Close()
}

// Store gives tests and tools the server's store.
func (s *Server) Store() store.Store { return s.store }

// bootstrap fills an empty database: default settings, the master
// administrator and, with Demo, the demo organisation.
func (s *Server) bootstrap(ctx context.Context) error {
	var members int
	var admin store.Member
	var adminErr error
	err := s.store.Read(ctx, func(tx store.Tx) error {
		var err error
		if members, err = tx.CountMembers(); err != nil {
			return err
		}
		admin, adminErr = tx.MemberByUsername(adminUsername)
		return nil
	})
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if members == 0 {
		return s.seedNew(ctx)
	}
	if s.cfg.AdminPassword != "" && adminErr == nil {
		return s.applyAdminPassword(ctx, admin)
	}
	return nil
}

// seedNew fills an empty database: the master administrator with the
// configured password (or a random one, logged once), and the demo
// organisation where configured.
func (s *Server) seedNew(ctx context.Context) error {
	pw := s.cfg.AdminPassword
	generated := pw == ""
	if generated {
		b := make([]byte, 15)
		rand.Read(b)
		pw = base64.RawURLEncoding.EncodeToString(b)
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	var devices map[string]string
	seeded := false
	err = s.store.Write(ctx, func(tx store.Tx) (err error) {
		// Another replica starting on the same new database may have seeded
		// it since bootstrap looked.
		if n, err := tx.CountMembers(); err != nil || n > 0 {
			return err
		}
		devices, err = s.seed(tx, hash)
		seeded = err == nil
		return err
	})
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if !seeded {
		return nil
	}
	s.demoDevices = devices
	if generated {
		// Shown once, on purpose: the operator has no other way to learn it.
		s.log.Warn("created the master administrator with a random password; set --admin-password to choose one",
			"username", adminUsername, "password", pw)
	}
	return nil
}

// applyAdminPassword makes the configured password the master
// administrator's, when it is not already, ending its sessions.
func (s *Server) applyAdminPassword(ctx context.Context, admin store.Member) error {
	ok, err := verifyPassword(admin.PasswordHash, s.cfg.AdminPassword)
	if err == nil && ok {
		return nil
	}
	hash, err := hashPassword(s.cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		admin.PasswordHash = hash
		if err := tx.UpdateMember(admin); err != nil {
			return err
		}
		return tx.RevokeMemberSessions(admin.ID, s.now(), "admin password set at start")
	})
	if err != nil {
		return fmt.Errorf("bootstrap: set admin password: %w", err)
	}
	s.log.Info("master administrator password set from configuration", "username", adminUsername)
	return nil
}

const adminUsername = "admin"

// seed writes the default settings, the master administrator and (with Demo)
// the demo organisation into an empty database; it returns the demo's device
// tokens (nil without Demo).
func (s *Server) seed(tx store.Tx, adminHash string) (map[string]string, error) {
	now := s.now()
	settings := store.Settings{Technicians: api.TechniciansNone, PrimaryMethod: api.MethodAppNotification}
	if s.cfg.Demo {
		settings = demoSettings
	}
	if err := tx.PutSettings(settings); err != nil {
		return nil, err
	}
	admin := store.Member{
		ID: newID(prefixMember), Username: adminUsername, DisplayName: "Master Administrator",
		PasswordHash: adminHash, Roles: []api.Role{api.RoleMasterAdministrator}, CreatedAt: now,
	}
	if err := tx.InsertMember(admin); err != nil {
		return nil, err
	}
	if s.cfg.Demo {
		return s.seedDemo(tx, now)
	}
	return nil, nil
}
