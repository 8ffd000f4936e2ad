#!/usr/bin/env bash
# Start-up benchmark of the Technician Console against an empty Fyne window,
# both started the same way in the same run (run it inside scripts/test-env.sh
# for a display and a keychain):
#   scripts/bench-startup.sh build/bin/techconsole [RUNS]
# The console starts warm (its embedded server's demo organisation already
# seeded in a scratch data folder); it reports the first painted frame, the
# moment sign-in is enabled (server up) and its memory after signing in.
set -euo pipefail
bin=${1:?usage: bench-startup.sh TECHCONSOLE_BINARY [RUNS]}
runs=${2:-7}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

field() { grep -o "\"$1\":[0-9.]*" | cut -d: -f2; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

"$bin" --measure-startup --data-dir "$data" >/dev/null 2>&1 # seed the demo organisation (cold start, not counted)
: >"$data/console.jsonl"
: >"$data/empty.jsonl"
for _ in $(seq "$runs"); do
  "$bin" --measure-startup --data-dir "$data" 2>/dev/null | grep '"kind"' >>"$data/console.jsonl"
  "$bin" --measure-startup --empty-window 2>/dev/null | grep '"kind"' >>"$data/empty.jsonl"
done

c_first=$(field first_frame_ms <"$data/console.jsonl" | median)
c_ready=$(field ready_ms <"$data/console.jsonl" | median)
c_rss=$(field rss_kb <"$data/console.jsonl" | median)
c_idle=$(field rss_idle_kb <"$data/console.jsonl" | median)
e_idle=$(field rss_idle_kb <"$data/empty.jsonl" | median)
e_first=$(field first_frame_ms <"$data/empty.jsonl" | median)
e_rss=$(field rss_kb <"$data/empty.jsonl" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "runs: $runs each, medians"
printf '| | console | empty Fyne window | ratio |\n|---|---|---|---|\n'
printf '| first frame painted (ms) | %.0f | %.0f | %s× |\n' "$c_first" "$e_first" "$(ratio "$c_first" "$e_first")"
printf '| sign-in enabled, server up (ms) | %.0f | — | %s× of the empty first frame |\n' "$c_ready" "$(ratio "$c_ready" "$e_first")"
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
printf '| RSS (MiB; console 0.5 s after sign-in) | %s | %s | %s× |\n' "$(mib "$c_rss")" "$(mib "$e_rss")" "$(ratio "$c_rss" "$e_rss")"
printf '| RSS after debug.FreeOSMemory (MiB) | %s | %s | %s× |\n' "$(mib "$c_idle")" "$(mib "$e_idle")" "$(ratio "$c_idle" "$e_idle")"
