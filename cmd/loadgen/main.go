// Command loadgen drives a running authserver on this machine with N
// concurrent clients for T seconds and reports requests per second,
// latencies, errors by code and the server's CPU per sign-in (from
// /proc/<pid>/stat) beside the CPU of a bare argon2id hash measured in this
// process in the same run, interleaved round by round.
//
//	loadgen -url http://127.0.0.1:8080 -pid 1234 -mode password -clients 8 -duration 10s
//
// Modes: password (grace: password alone), full (password, then an SMS or
// email code read from the dev outbox: the server must run with --dev
// --demo), refresh (token rotation of sessions signed in once). Only
// loopback targets are accepted, and clients and time are bounded: this is a
// benchmark, not a stress tool for other people's servers.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

const (
	maxClients  = 256
	maxDuration = 10 * time.Minute
	maxRounds   = 10
)

type options struct {
	url      string
	pid      int
	mode     string
	clients  int
	duration time.Duration
	baseline time.Duration
	rounds   int
	password string
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func parse(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "`URL` of the server (loopback only)")
	fs.IntVar(&o.pid, "pid", 0, "the server's process `ID`, for its CPU time (0: not measured)")
	fs.StringVar(&o.mode, "mode", "password", "password, full or refresh")
	fs.IntVar(&o.clients, "clients", 8, "concurrent clients (1-256)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "load per round (at most 10m)")
	fs.DurationVar(&o.baseline, "baseline", 3*time.Second, "bare argon2id hashing per round, before the load (0: none)")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds of baseline then load (1-10)")
	fs.StringVar(&o.password, "password", "Demo-Pass-2026", "the demo members' password")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.clients < 1 || o.clients > maxClients:
		return o, fmt.Errorf("-clients must be 1 to %d", maxClients)
	case o.duration <= 0 || o.duration > maxDuration:
		return o, fmt.Errorf("-duration must be above 0 and at most %s", maxDuration)
	case o.baseline < 0 || o.baseline > maxDuration:
		return o, fmt.Errorf("-baseline must be 0 to %s", maxDuration)
	case o.rounds < 1 || o.rounds > maxRounds:
		return o, fmt.Errorf("-rounds must be 1 to %d", maxRounds)
	case o.mode != "password" && o.mode != "full" && o.mode != "refresh":
		return o, errors.New("-mode must be password, full or refresh")
	}
	return o, checkLoopback(o.url)
}

// checkLoopback refuses a target that is not this machine.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return fmt.Errorf("-url %q is not an http(s) URL", raw)
	}
	ips, err := net.DefaultResolver.LookupIPAddr(context.Background(), u.Hostname())
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	for _, ip := range ips {
		if !ip.IP.IsLoopback() {
			return fmt.Errorf("-url %s resolves to %s: only loopback targets are allowed", u.Hostname(), ip.IP)
		}
	}
	return nil
}

func run(args []string, out io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	g := newLoad(o)
	if err := g.prepare(ctx); err != nil {
		return err
	}
	var rounds []roundResult
	for r := 1; r <= o.rounds; r++ {
		var res roundResult
		if o.baseline > 0 {
			res.hashCPU, res.hashes = bareHashes(ctx, runtime.NumCPU(), o.baseline)
		}
		res.load, err = g.round(ctx, o.clients, o.duration)
		if err != nil {
			return err
		}
		rounds = append(rounds, res)
		if ctx.Err() != nil {
			break
		}
	}
	report(out, o, rounds)
	return nil
}

// roundResult is one round: the bare hashes, then the load.
type roundResult struct {
	hashes  int
	hashCPU time.Duration
	load    loadResult
}

func (r roundResult) cpuPerHash() time.Duration {
	if r.hashes == 0 {
		return 0
	}
	return r.hashCPU / time.Duration(r.hashes)
}

func report(w io.Writer, o options, rounds []roundResult) {
	fmt.Fprintf(w, "loadgen: mode %s, %d clients, %s per round, %d rounds, %d CPUs, load average %s\n\n",
		o.mode, o.clients, o.duration, len(rounds), runtime.NumCPU(), loadAverage())
	op := opName(o.mode)
	fmt.Fprintf(w, "| round | req/s | %s/s | p50 ms | p99 ms | errors | server CPU ms/%s | bare argon2id CPU ms | ratio |\n", plural(op), op)
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	var ratios []float64
	for i, r := range rounds {
		l := r.load
		ratio := "-"
		if l.serverCPU > 0 && r.hashes > 0 && l.ops > 0 {
			x := float64(l.serverCPU) / float64(l.ops) / float64(r.cpuPerHash())
			ratios = append(ratios, x)
			ratio = fmt.Sprintf("%.3f", x)
		}
		fmt.Fprintf(w, "| %d | %.1f | %.1f | %.2f | %.2f | %s | %s | %s | %s |\n", i+1,
			float64(l.requests)/l.elapsed.Seconds(), float64(l.ops)/l.elapsed.Seconds(),
			ms(l.percentile(0.50)), ms(l.percentile(0.99)), l.errorsText(), cpuText(l.serverCPU, l.ops), cpuText(r.hashCPU, r.hashes), ratio)
	}
	if len(ratios) > 0 {
		slices.Sort(ratios)
		fmt.Fprintf(w, "\nserver CPU per %s ÷ bare argon2id CPU: median %.3f, min %.3f, max %.3f over %d rounds\n",
			op, ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1], len(ratios))
	}
}

func opName(mode string) string {
	if mode == "refresh" {
		return "refresh"
	}
	return "sign-in"
}

func plural(op string) string {
	if strings.HasSuffix(op, "sh") {
		return op + "es"
	}
	return op + "s"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func cpuText(cpu time.Duration, n int) string {
	if cpu <= 0 || n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", ms(cpu/time.Duration(n)))
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// httpClient keeps a connection per client.
var httpClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: maxClients}}
