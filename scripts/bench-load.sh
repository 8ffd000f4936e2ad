#!/usr/bin/env bash
# Load benchmark of the reference auth server: an authserver (--dev --demo,
# a scratch database) on a free loopback port, and cmd/loadgen against it in
# each mode, every round a bare argon2id baseline then the load:
#   scripts/bench-load.sh build/bin/authserver build/bin/loadgen [CLIENTS] [SECONDS] [ROUNDS]
set -euo pipefail
server=${1:?usage: bench-load.sh AUTHSERVER LOADGEN [CLIENTS] [SECONDS] [ROUNDS]}
loadgen=${2:?usage: bench-load.sh AUTHSERVER LOADGEN [CLIENTS] [SECONDS] [ROUNDS]}
clients=${3:-8}
seconds=${4:-10}
rounds=${5:-3}
data=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
AUTHSERVER_ADMIN_PASSWORD=Demo-Pass-2026 "$server" --addr "127.0.0.1:$port" --db "$data/auth.db" --dev --demo \
  >"$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$url/health/ready" >/dev/null || { cat "$data/server.log"; exit 1; }

echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(go version | cut -d' ' -f3), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in password full refresh; do
  echo
  "$loadgen" -url "$url" -pid "$pid" -mode "$mode" -clients "$clients" -duration "${seconds}s" -rounds "$rounds"
done
