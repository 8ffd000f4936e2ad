package server

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/remotesupport/techconsole/api"
)

// buildRoutes serves the route table (routes_table.go): the one list that
// both the mux and the OpenAPI document are made from.
func (s *Server) buildRoutes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.served() {
		mux.Handle(rt.method+" "+rt.path, s.wrap(rt.handler))
	}
	return s.middleware(mux)
}

type ctxKey int

const reqInfoKey ctxKey = iota

// reqInfo is what every request says about where it comes from.
type reqInfo struct {
	ClientAddress  string
	ConsoleVersion string // "" when the header is missing (newest behaviour)
}

func info(ctx context.Context) reqInfo {
	ri, _ := ctx.Value(reqInfoKey).(reqInfo)
	return ri
}

// middleware recovers panics, answers unknown routes and methods with
// problem+json, refuses a malformed X-Console-Version and records the client
// address and console version for the handlers.
func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// No answer of the API is ever to be read as HTML or script, whatever
		// a browser would guess from its bytes.
		w.Header().Set("X-Content-Type-Options", "nosniff")
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()), "panic", v)
				writeProblem(w, perr(http.StatusInternalServerError, api.CodeInternal, "internal error").p)
			}
		}()
		ri := reqInfo{ClientAddress: s.clientAddress(r)}
		if v := r.Header.Get(api.ConsoleVersionHeader); v != "" || len(r.Header.Values(api.ConsoleVersionHeader)) > 0 {
			cv, err := api.ParseConsoleVersion(v)
			if err != nil || len(r.Header.Values(api.ConsoleVersionHeader)) > 1 {
				writeProblem(w, badRequest(api.CodeBadConsoleVersion, api.ErrBadConsoleVersion.Error()).p)
				return
			}
			ri.ConsoleVersion = cv.String()
		}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey, ri))
		_, pattern := mux.Handler(r)
		setRoute(r.Context(), pattern)
		if pattern == "" {
			// No route: let the mux pick 404 or 405 (with Allow), answer in problem+json.
			mux.ServeHTTP(&routeMissWriter{ResponseWriter: w}, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// routeMissWriter turns the mux's plain-text 404/405 into problem+json and
// lets anything else (a redirect to a cleaned path) through unchanged.
type routeMissWriter struct {
	http.ResponseWriter
	wrote, swallow bool
}

func (w *routeMissWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	switch code {
	case http.StatusMethodNotAllowed:
		w.swallow = true
		writeProblem(w.ResponseWriter, perr(code, api.CodeMethodNotAllowed, "this path does not take that HTTP method").p)
	case http.StatusNotFound:
		w.swallow = true
		writeProblem(w.ResponseWriter, perr(code, api.CodeNotFound, "no such path").p)
	default:
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *routeMissWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// clientAddress is the peer's IP, or the first X-Forwarded-For entry when the
// server is told it sits behind a trusted proxy.
func (s *Server) clientAddress(r *http.Request) string {
	if s.cfg.TrustedProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
