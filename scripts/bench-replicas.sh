#!/usr/bin/env bash
# Scale-out of the auth server on PostgreSQL: sign-ins per second (password
# mode of cmd/loadgen) of one authserver pinned to one core (taskset -c 0),
# then of two replicas on the same database, pinned to core 0 and core 1, each
# driven by its own loadgen with the same clients. PostgreSQL (a throwaway
# cluster, scripts/pg-test-cluster.sh) and the load generators run unpinned on
# the same machine. Beside the rates, each replica's CPU per sign-in (from
# /proc): on a machine whose cores are shared with other work the rates
# cannot double, but an unchanged CPU cost per sign-in with two replicas says
# that nothing they share (PostgreSQL, its locks) holds them back.
#   scripts/bench-replicas.sh build/bin/authserver build/bin/loadgen [CLIENTS] [SECONDS] [ROUNDS]
set -euo pipefail
server=${1:?usage: bench-replicas.sh AUTHSERVER LOADGEN [CLIENTS] [SECONDS] [ROUNDS]}
loadgen=${2:?usage: bench-replicas.sh AUTHSERVER LOADGEN [CLIENTS] [SECONDS] [ROUNDS]}
clients=${3:-4}
seconds=${4:-10}
rounds=${5:-3}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(nproc)" -ge 2 ] || { echo "bench-replicas: needs 2 cores" >&2; exit 1; }
data=$(mktemp -d)
pg=$(mktemp -d)
cleanup() {
  # The replicas start in command substitutions (subshells): their ids are
  # in files, not in a variable of this shell.
  for f in "$data"/pid-*; do
    [ -e "$f" ] || continue
    p=$(cat "$f")
    kill "$p" 2>/dev/null || true
    while kill -0 "$p" 2>/dev/null; do sleep 0.1; done
  done
  "$here/pg-test-cluster.sh" stop "$pg"
  rm -rf "$data"
}
trap cleanup EXIT
db=$("$here/pg-test-cluster.sh" start "$pg")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# replica CORE: starts an authserver pinned to CORE; prints its URL and
# writes its process id to $data/pid-CORE.
replica() {
  local port
  port=$(free_port)
  AUTHSERVER_ADMIN_PASSWORD=Demo-Pass-2026 AUTHSERVER_DB=$db taskset -c "$1" "$server" --addr "127.0.0.1:$port" \
    --key "$data/auth.key" --dev --demo >"$data/server-$1.log" 2>&1 &
  echo $! >"$data/pid-$1"
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$data/server-$1.log" >&2; exit 1; }
  echo "http://127.0.0.1:$port"
}

# load URL CORE OUT: one loadgen run against the replica on CORE (password
# mode, no argon2id baseline).
load() {
  "$loadgen" -url "$1" -pid "$(cat "$data/pid-$2")" -mode password -clients "$clients" -duration "${seconds}s" \
    -rounds 1 -baseline 0 >"$3"
}

# rate FILE, cpu FILE: sign-ins per second, server CPU ms per sign-in.
rate() { awk -F'|' '$2 ~ /^ *1 *$/ {gsub(/ /, "", $4); print $4}' "$1"; }
cpu() { awk -F'|' '$2 ~ /^ *1 *$/ {gsub(/ /, "", $8); print $8}' "$1"; }

echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "PostgreSQL: a local throwaway cluster, unpinned (fsync off); loadgen: unpinned; $clients clients per replica, ${seconds}s per run"
a=$(replica 0)
b=
echo
echo "| round | one replica (core 0) sign-ins/s | two replicas (cores 0, 1) sign-ins/s | ratio | CPU ms/sign-in: one; two (A, B) |"
echo "|---|---|---|---|---|"
for r in $(seq "$rounds"); do
  load "$a" 0 "$data/one.txt"
  one=$(rate "$data/one.txt")
  [ -n "$b" ] || b=$(replica 1)
  load "$a" 0 "$data/two-a.txt" & la=$!
  load "$b" 1 "$data/two-b.txt" & lb=$!
  wait "$la" "$lb"
  two=$(awk -v x="$(rate "$data/two-a.txt")" -v y="$(rate "$data/two-b.txt")" 'BEGIN {print x + y}')
  ratio=$(awk -v x="$one" -v y="$two" 'BEGIN {printf "%.2f", y / x}')
  echo "| $r | $one | $two | ${ratio}× | $(cpu "$data/one.txt"); $(cpu "$data/two-a.txt"), $(cpu "$data/two-b.txt") |"
done
