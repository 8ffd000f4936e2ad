package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/adminweb"
	"github.com/remotesupport/techconsole/server/store"
)

// Paths outside the API that load balancers and people read.
const (
	PathHealthLive  = "/health/live"
	PathHealthReady = "/health/ready"
)

// RequestIDHeader carries a request's id: taken from the caller when it is
// sane, else made up, and always sent back.
const RequestIDHeader = "X-Request-ID"

// withOps puts the operations layer in front of everything: a request id, an
// access log line and metrics for every request, and the pages outside the
// API, which answer before any token, throttle or hashing slot is involved
// (so health checks stay cheap and are never throttled).
func (s *Server) withOps(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathHealthLive, s.handleLive)
	mux.HandleFunc("GET "+PathHealthReady, s.handleReady)
	mux.HandleFunc("GET "+api.PathProblems+"/{$}", s.handleProblemIndex)
	mux.HandleFunc("GET "+api.PathProblems+"/{code}", s.handleProblemPage)
	mux.Handle("/", next)
	return s.observe(mux)
}

// reqState is what the layers below tell the access log about a request.
type reqState struct {
	id    string
	route string // the API route pattern, set by the API middleware
}

const reqStateKey ctxKey = iota + 100

// setRoute records the API route pattern that answers the request.
func setRoute(ctx context.Context, pattern string) {
	if st, ok := ctx.Value(reqStateKey).(*reqState); ok && st.route == "" {
		st.route = pattern
	}
}

// requestID is the request's id ("" outside a request).
func requestID(ctx context.Context) string {
	if st, ok := ctx.Value(reqStateKey).(*reqState); ok {
		return st.id
	}
	return ""
}

// observe gives each request its id, counts it in flight, and after it logs
// one access line and records its latency. The line never holds a query
// string, a header value or a body: only the route pattern, so no token or
// code reaches the log.
func (s *Server) observe(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		st := &reqState{id: saneRequestID(r.Header.Get(RequestIDHeader))}
		w.Header().Set(RequestIDHeader, st.id)
		// The body limit is applied here, on the connection's own writer: a
		// body over it then also closes the connection, which MaxBytesReader
		// can only ask of that writer (statusWriter would hide it). The
		// limits further in stay as they are.
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), reqStateKey, st))
		mux.ServeHTTP(sw, r)

		d := time.Since(start)
		route := routeLabel(r, st)
		s.metrics.request(route, r.Method, sw.status, d)
		level := slog.LevelInfo
		if strings.HasPrefix(route, "GET /health/") {
			level = slog.LevelDebug // probes every few seconds would drown the log
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method), slog.String("route", route), slog.Int("status", sw.code()),
			slog.Float64("duration_ms", float64(d.Microseconds())/1000), slog.String("request_id", st.id),
			slog.String("client", s.clientAddress(r)))
	})
}

// routeLabel names the route that answered: the Admin Center as one route
// (its pages call the API in process), an API or operations pattern, or
// "unmatched" (never the raw path: it is unbounded and may hold ids).
func routeLabel(r *http.Request, st *reqState) string {
	switch {
	case r.URL.Path == adminweb.Root || strings.HasPrefix(r.URL.Path, adminweb.Root+"/"):
		return adminweb.Root + "/"
	case st.route != "":
		return st.route
	case r.Pattern != "" && r.Pattern != "/":
		return r.Pattern
	}
	return "unmatched"
}

// saneRequestID keeps a caller's request id when it is short and printable
// ASCII (so it cannot forge log lines), else makes one up.
func saneRequestID(v string) string {
	if len(v) >= 1 && len(v) <= 64 {
		ok := true
		for i := 0; i < len(v); i++ {
			if v[i] <= ' ' || v[i] > '~' {
				ok = false
				break
			}
		}
		if ok {
			return v
		}
	}
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// code is the answered status; a handler that wrote nothing answered 200.
func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Health is the body of the health checks.
type Health struct {
	Status string `json:"status"`           // "ok", or "unavailable"
	Reason string `json:"reason,omitempty"` // database, key or shutting_down
}

// handleLive: GET /health/live. The process answers: nothing else is asked.
func (s *Server) handleLive(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, Health{Status: "ok"})
}

// handleReady: GET /health/ready. The database answers with every migration
// applied and the loaded key still opens its check value; not while the
// server shuts down, so a load balancer stops sending new requests.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	reason := s.notReady(r.Context())
	if reason != "" {
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, Health{Status: "unavailable", Reason: reason})
		return
	}
	writeJSON(w, http.StatusOK, Health{Status: "ok"})
}

func (s *Server) notReady(ctx context.Context) string {
	if s.hub.stopping() {
		return "shutting_down"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("not ready: database", "err", err)
		return "database"
	}
	if err := s.store.Read(ctx, func(tx store.Tx) error { return keyFits(tx, s.seal) }); err != nil {
		s.log.Warn("not ready: server key", "err", err)
		return "key"
	}
	return ""
}
