package server_test

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

// scrape reads the server's metrics and returns each series (name with its
// labels, sorted as the exposition format writes them) with its value.
func scrape(t testing.TB, inst *servertest.Instance) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	inst.Server.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("metrics: HTTP %d", rec.Code)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(rec.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// series names one series: name{k="v",...} with the labels sorted.
func series(name string, labels ...string) string {
	var pairs []string
	for i := 0; i+1 < len(labels); i += 2 {
		pairs = append(pairs, labels[i]+`="`+labels[i+1]+`"`)
	}
	sort.Strings(pairs)
	if len(pairs) == 0 {
		return name
	}
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// waitMetric waits until a series has the value (a long-poll being open is
// only visible there), or fails after a few seconds.
func waitMetric(t testing.TB, inst *servertest.Instance, name string, want float64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := scrape(t, inst)[name]
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %v, want %v", name, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMetricsCountASignIn(t *testing.T) {
	c := start(t)
	before := scrape(t, c.inst)
	c.signInTOTP("bob")
	c.fail("POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: "Wrong-Pass-2026"}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	// A resend right after the code went out is refused: a throttled request.
	r := c.loginState("carol", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodEmail)
	c.fail("POST", api.PathChallengeResend(ch.ChallengeID), r.MFAToken, nil, http.StatusTooManyRequests, api.CodeResendTooSoon)

	after := scrape(t, c.inst)
	for _, want := range []struct {
		series string
		delta  float64
	}{
		{series("authserver_sign_ins_total", "outcome", "authenticated", "method", "authenticator_app"), 1},
		{series("authserver_sign_ins_total", "outcome", "mfa_required", "method", "password"), 2},
		{series("authserver_sign_ins_total", "outcome", "invalid_credentials", "method", "password"), 1},
		{series("authserver_challenges_total", "method", "authenticator_app", "result", "sent"), 1},
		{series("authserver_challenges_total", "method", "authenticator_app", "result", "passed"), 1},
		{series("authserver_challenges_total", "method", "email", "result", "sent"), 1},
		{series("authserver_throttled_requests_total", "route", "POST /api/v1/auth/challenges/{id}/resend"), 1},
		{series("authserver_http_request_duration_seconds_count", "route", "POST /api/v1/auth/login", "method", "POST", "code", "200"), 2},
		{series("authserver_http_request_duration_seconds_count", "route", "POST /api/v1/auth/login", "method", "POST", "code", "401"), 1},
		{series("authserver_hash_slot_wait_seconds_count"), 3},
	} {
		if got := after[want.series] - before[want.series]; got != want.delta {
			t.Errorf("%s moved by %v, want %v", want.series, got, want.delta)
		}
	}
	if after[series("authserver_db_transaction_seconds_count", "kind", "write")] <= before[series("authserver_db_transaction_seconds_count", "kind", "write")] {
		t.Error("no write transaction was timed")
	}
	if _, ok := after[series("authserver_long_polls_open", "kind", "challenge")]; !ok {
		t.Error("no long-poll gauge")
	}
	if _, ok := after[series("authserver_hash_busy_total")]; !ok {
		t.Error("no busy counter")
	}
}

// Two servers in one process count apart: each has its own registry.
func TestMetricsArePerServer(t *testing.T) {
	a, b := start(t), start(t)
	a.loginState("bob", api.StateMFARequired)
	name := series("authserver_sign_ins_total", "outcome", "mfa_required", "method", "password")
	if got := scrape(t, a.inst)[name]; got != 1 {
		t.Errorf("server a: %v, want 1", got)
	}
	if got := scrape(t, b.inst)[name]; got != 0 {
		t.Errorf("server b: %v, want 0", got)
	}
}

func TestHealthChecks(t *testing.T) {
	c := start(t)
	for _, path := range []string{server.PathHealthLive, server.PathHealthReady} {
		// Many in a row, no token, no console version: never throttled.
		for i := 0; i < 30; i++ {
			status, h, data := c.raw("GET", path, "", nil)
			var got server.Health
			if err := json.Unmarshal(data, &got); err != nil || status != http.StatusOK || got.Status != "ok" {
				t.Fatalf("GET %s: HTTP %d %s (%v)", path, status, data, err)
			}
			if h.Get("Cache-Control") != "no-store" {
				t.Fatalf("GET %s: Cache-Control %q", path, h.Get("Cache-Control"))
			}
		}
	}
}

// TestNotReadyBehindMigrationsOrAfterKeyRotation: a schema behind this
// build's migrations, or a key rotated under the running server, make it
// not ready (the PostgreSQL engine's Ping has its own test).
func TestNotReadyBehindMigrationsOrAfterKeyRotation(t *testing.T) {
	servertest.SQLiteOnly(t, "edits the schema table of the SQLite file and rotates its key with the SQLite tool")
	c := start(t)
	// A schema behind this build's migrations: not ready.
	raw, err := sql.Open("sqlite", "file:"+c.inst.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var latest int
	if err := raw.QueryRow(`SELECT MAX(version_id) FROM goose_db_version`).Scan(&latest); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM goose_db_version WHERE version_id = ?`, latest); err != nil {
		t.Fatal(err)
	}
	status, _, data := c.raw("GET", server.PathHealthReady, "", nil)
	if status != http.StatusServiceUnavailable || !strings.Contains(string(data), `"database"`) {
		t.Errorf("ready with a migration missing: HTTP %d %s, want 503 database", status, data)
	}
	if _, err := raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, latest); err != nil {
		t.Fatal(err)
	}
	// A key rotated under the running server no longer opens the database's
	// check value: the server is not ready (its new TOTP setups would be
	// sealed with a key the database no longer has).
	if _, err := server.RotateKey(t.Context(), sqlite.Engine{}, c.inst.DBPath, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	status, _, data = c.raw("GET", server.PathHealthReady, "", nil)
	if status != http.StatusServiceUnavailable || !strings.Contains(string(data), `"key"`) {
		t.Errorf("ready after a rotation under the server: HTTP %d %s, want 503 key", status, data)
	}
	if status, _, _ := c.raw("GET", server.PathHealthLive, "", nil); status != http.StatusOK {
		t.Errorf("live: HTTP %d", status)
	}
}

func TestRequestIDAndAccessLog(t *testing.T) {
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c := start(t, servertest.WithLogger(logger))

	_, h, _ := c.raw("POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: server.DemoPassword}, "X-Request-ID", "console-42.a")
	if got := h.Get("X-Request-ID"); got != "console-42.a" {
		t.Errorf("a sane request id came back as %q", got)
	}
	for _, bad := range []string{"two words", strings.Repeat("x", 65), "tab\there", "ünïcode"} {
		_, h, _ := c.raw("GET", server.PathHealthLive, "", nil, "X-Request-ID", bad)
		if got := h.Get("X-Request-ID"); !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(got) {
			t.Errorf("request id %q came back as %q, want a generated one", bad, got)
		}
	}
	_, h, _ = c.raw("GET", api.PathTwoStep+"?access_token=Secret-In-Query-2026", "", nil)
	generated := h.Get("X-Request-ID")
	if generated == "" {
		t.Fatal("no request id on an answer without one asked")
	}

	type line struct {
		Msg       string  `json:"msg"`
		Method    string  `json:"method"`
		Route     string  `json:"route"`
		Status    int     `json:"status"`
		Duration  float64 `json:"duration_ms"`
		RequestID string  `json:"request_id"`
	}
	var got []line
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var ln line
		if json.Unmarshal([]byte(l), &ln) == nil && ln.Msg == "request" {
			got = append(got, ln)
		}
	}
	want := []line{
		{Method: "POST", Route: "POST /api/v1/auth/login", Status: 200, RequestID: "console-42.a"},
		{Method: "GET", Route: "GET /api/v1/me/two-step", Status: 401, RequestID: generated},
	}
	if len(got) != len(want) { // the health checks log at debug level only
		t.Fatalf("access lines %+v, want %d", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Method != w.Method || g.Route != w.Route || g.Status != w.Status || g.RequestID != w.RequestID || g.Duration <= 0 {
			t.Errorf("access line %d = %+v, want %+v with a duration", i, g, w)
		}
	}
	for _, secret := range []string{server.DemoPassword, "Secret-In-Query-2026", "access_token"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

func TestProblemTypesArePagesOnTheServer(t *testing.T) {
	c := start(t)
	p := c.fail("POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: "Wrong-Pass-2026"}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	if p.Type != "/problems/invalid_credentials" {
		t.Fatalf("type %q", p.Type)
	}
	status, h, data := c.raw("GET", p.Type, "", nil)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: HTTP %d %s", p.Type, status, h.Get("Content-Type"))
	}
	if !strings.Contains(string(data), "invalid_credentials") || !strings.Contains(string(data), "Wrong username or password") {
		t.Errorf("the page does not describe the code: %s", data)
	}
	status, _, data = c.raw("GET", api.PathProblems+"/", "", nil)
	if status != http.StatusOK {
		t.Fatalf("index: HTTP %d", status)
	}
	for _, pc := range api.ProblemCodes {
		if !strings.Contains(string(data), `href="`+pc.Code+`"`) {
			t.Errorf("the index does not link %s", pc.Code)
		}
	}
	c.fail("GET", api.PathProblems+"/no_such_code", "", nil, http.StatusNotFound, api.CodeNotFound)
}

func TestBodyMustBeJSON(t *testing.T) {
	c := start(t)
	body := `{"username":"grace","password":"` + server.DemoPassword + `"}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/jsonp"} {
		status, h, data := c.rawBody("POST", api.PathLogin, body, ct)
		c.checkProblem("login as "+ct, status, h, data, http.StatusUnsupportedMediaType, api.CodeUnsupportedMediaType)
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "application/merge-patch+json"} {
		if status, _, data := c.rawBody("POST", api.PathLogin, body, ct); status != http.StatusOK {
			t.Errorf("login as %s: HTTP %d %s", ct, status, data)
		}
	}
}

// rawBody sends body as is with the Content-Type ct ("" = none).
func (c *tc) rawBody(method, path, body, ct string) (int, http.Header, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.inst.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, data
}

// Behind a trusted proxy that ended TLS, X-Forwarded-Proto: https makes the
// Admin Center cookie Secure; from anyone else the header is not believed.
func TestForwardedProtoMakesTheCookieSecure(t *testing.T) {
	for _, tc := range []struct {
		trusted bool
		proto   string
		secure  bool
	}{
		{true, "https", true},
		{true, "", false},
		{true, "http", false},
		{false, "https", false},
	} {
		inst := servertest.Start(t, servertest.WithConfig(func(cfg *server.Config) { cfg.TrustedProxy = tc.trusted }))
		req := httptest.NewRequest(http.MethodGet, "/admin/login", nil)
		if tc.proto != "" {
			req.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		rec := httptest.NewRecorder()
		inst.Server.Handler().ServeHTTP(rec, req)
		var secure, found bool
		for _, ck := range rec.Result().Cookies() {
			found, secure = true, ck.Secure
		}
		if !found || secure != tc.secure {
			t.Errorf("trusted proxy %t, X-Forwarded-Proto %q: cookie found %t Secure %t, want Secure %t", tc.trusted, tc.proto, found, secure, tc.secure)
		}
	}
}

// A refused code still counts: its transaction commits the failure, and
// the metrics follow what was committed.
func TestMetricsCountAWrongCode(t *testing.T) {
	c := start(t)
	before := scrape(t, c.inst)
	r := c.loginState("carol", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodEmail)
	c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: "000000"}, http.StatusUnauthorized, api.CodeInvalidCode)
	after := scrape(t, c.inst)
	name := series("authserver_challenges_total", "method", "email", "result", "wrong_code")
	if got := after[name] - before[name]; got != 1 {
		t.Errorf("%s moved by %v, want 1", name, got)
	}
}
