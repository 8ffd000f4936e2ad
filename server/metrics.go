package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/internal/buildinfo"
	"github.com/remotesupport/techconsole/server/store"
)

// metrics are one Server's Prometheus metrics, in a registry of its own (not
// the process-wide default) so that several servers in one process, as in
// parallel tests, each count their own.
type metrics struct {
	reg        *prometheus.Registry
	signIns    *prometheus.CounterVec   // outcome, method
	challenges *prometheus.CounterVec   // method, result
	throttled  *prometheus.CounterVec   // route
	hashWait   prometheus.Histogram     // seconds waited for a hashing slot
	hashBusy   prometheus.Counter       // waits that ended in 503 busy
	longPolls  *prometheus.GaugeVec     // kind
	requests   *prometheus.HistogramVec // route, method, code
	tx         *prometheus.HistogramVec // kind: read, write
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "authserver_sign_ins_total",
			Help: "Sign-in steps by outcome (authenticated, mfa_required, setup_required, invalid_credentials, throttled) and the method that decided it.",
		}, []string{"outcome", "method"}),
		challenges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "authserver_challenges_total",
			Help: "Two-step challenges by method and result (sent, passed, wrong_code, locked, cancelled, approved, denied, expired, refused).",
		}, []string{"method", "result"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "authserver_throttled_requests_total",
			Help: "Requests answered 429 (too many attempts, pushes or resends), by route.",
		}, []string{"route"}),
		hashWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "authserver_hash_slot_wait_seconds",
			Help:    "How long a password check waited for a free hashing slot.",
			Buckets: []float64{0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2},
		}),
		hashBusy: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "authserver_hash_busy_total",
			Help: "Password checks answered 503 busy because no hashing slot came free in time.",
		}),
		longPolls: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "authserver_long_polls_open",
			Help: "Long-polls waiting now: challenge (the console waits for the phone) or device (the phone waits for pushes).",
		}, []string{"kind"}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "authserver_http_request_duration_seconds",
			Help:    "Time to answer a request, by route pattern, method and status code.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "code"}),
		tx: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "authserver_db_transaction_seconds",
			Help:    "Time a database transaction took, waiting for the write lock included, by kind (read, write).",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1},
		}, []string{"kind"}),
	}
	bi := buildinfo.Read()
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "authserver_build_info",
		Help:        "Always 1; the labels say which build runs.",
		ConstLabels: prometheus.Labels{"version": bi.Version, "revision": bi.Revision, "goversion": bi.Go},
	})
	build.Set(1)
	m.reg.MustRegister(m.signIns, m.challenges, m.throttled, m.hashWait, m.hashBusy, m.longPolls, m.requests, m.tx, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Series that exist from the start, so a dashboard shows 0 rather than nothing.
	for _, kind := range []string{"challenge", "device"} {
		m.longPolls.WithLabelValues(kind)
	}
	return m
}

// MetricsHandler serves the server's metrics in the Prometheus exposition
// format. Serve it on a listener of its own (authserver --metrics-addr), not
// beside the API.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorLog: slogPrintln{s}})
}

type slogPrintln struct{ s *Server }

func (l slogPrintln) Println(v ...any) {
	l.s.log.Warn("metrics", "err", strings.TrimSpace(fmt.Sprint(v...)))
}

// longPoll counts one open long-poll of kind until the returned func runs.
func (m *metrics) longPoll(kind string) func() {
	g := m.longPolls.WithLabelValues(kind)
	g.Inc()
	return g.Dec
}

// hashSlot records one wait for a hashing slot.
func (m *metrics) hashSlot(waited time.Duration, busy bool) {
	m.hashWait.Observe(waited.Seconds())
	if busy {
		m.hashBusy.Inc()
	}
}

// request records one answered request.
func (m *metrics) request(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, httpCode(status)).Observe(d.Seconds())
	if status == http.StatusTooManyRequests {
		m.throttled.WithLabelValues(route).Inc()
	}
}

// committed turns the audit events of a committed write transaction into
// sign-in and challenge counts. Counting from the audit trail keeps the
// handlers free of metric calls and counts nothing that rolled back.
func (m *metrics) committed(events []auditEvent) {
	for _, e := range events {
		switch e.Kind {
		case auditSignInOK:
			m.signIns.WithLabelValues("authenticated", signInMethod(e, events)).Inc()
		case auditSignInFailed:
			m.signIns.WithLabelValues("invalid_credentials", "password").Inc()
		case auditSignInMFA:
			m.signIns.WithLabelValues("mfa_required", "password").Inc()
		case auditSignInSetup:
			m.signIns.WithLabelValues("setup_required", "password").Inc()
		case auditThrottled:
			if e.Detail == "sign-in" {
				m.signIns.WithLabelValues("throttled", "password").Inc()
			}
		case auditChallengeSent, auditChallengePassed, auditChallengeFailed, auditChallengeLocked, auditChallengeCanceled:
			m.challenges.WithLabelValues(eventMethod(e), challengeResults[e.Kind]).Inc()
		case auditPushApproved, auditPushDenied, auditPushExpired, auditPushRefused:
			m.challenges.WithLabelValues(string(api.MethodAppNotification), challengeResults[e.Kind]).Inc()
		}
	}
}

var challengeResults = map[string]string{
	auditChallengeSent:     "sent",
	auditChallengePassed:   "passed",
	auditChallengeFailed:   "wrong_code",
	auditChallengeLocked:   "locked",
	auditChallengeCanceled: "cancelled",
	auditPushApproved:      "approved",
	auditPushDenied:        "denied",
	auditPushExpired:       "expired",
	auditPushRefused:       "refused",
}

// signInMethod is what completed a sign-in: the password alone, the
// challenge passed in the same transaction, or a finished setup.
func signInMethod(ok auditEvent, events []auditEvent) string {
	if ok.Detail == "password" {
		return "password"
	}
	for _, e := range events {
		switch e.Kind {
		case auditChallengePassed:
			return eventMethod(e)
		case auditSetupActivated:
			return "setup"
		}
	}
	return "two_step"
}

// eventMethod is the method a challenge event's detail starts with.
func eventMethod(e auditEvent) string {
	first, _, _ := strings.Cut(e.Detail, " ")
	if api.Method(first).Valid() {
		return first
	}
	return "unknown"
}

func httpCode(status int) string {
	if status == 0 {
		status = http.StatusOK
	}
	return strconv.Itoa(status)
}

// instrumentedStore times every transaction and hands the audit events of
// each committed write to the metrics.
type instrumentedStore struct {
	store.Store
	m *metrics
}

func (s instrumentedStore) Read(ctx context.Context, fn func(store.Tx) error) error {
	defer s.observe("read", time.Now())
	return s.Store.Read(ctx, fn)
}

func (s instrumentedStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	defer s.observe("write", time.Now())
	var etx *eventTx
	var answer error // a refusal: committed all the same
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		etx = &eventTx{Tx: tx} // a retried fn starts over
		return store.SetRefusalAside(fn, etx, &answer)
	})
	if err != nil {
		return err
	}
	if etx != nil {
		s.m.committed(etx.events)
	}
	return answer
}

func (s instrumentedStore) observe(kind string, start time.Time) {
	s.m.tx.WithLabelValues(kind).Observe(time.Since(start).Seconds())
}

// eventTx is a write transaction that remembers its audit events.
type eventTx struct {
	store.Tx
	events []auditEvent
}

// noteEvent remembers e on tx when tx is a write transaction of an
// instrumented store.
func noteEvent(tx store.Tx, e auditEvent) {
	if etx, ok := tx.(*eventTx); ok {
		etx.events = append(etx.events, e)
	}
}

// retryCounter is a store that runs write transactions again after a
// conflict (PostgreSQL's serializable transactions).
type retryCounter interface{ Retries() int64 }

// watchRetries exports how many write transactions st ran again, when it
// does: a rising rate says replicas contend for the same rows.
func (m *metrics) watchRetries(st any) {
	r, ok := st.(retryCounter)
	if !ok {
		return
	}
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "authserver_db_write_retries_total",
		Help: "Write transactions run again after a serialization failure or deadlock (PostgreSQL).",
	}, func() float64 { return float64(r.Retries()) }))
}
