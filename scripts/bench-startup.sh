#!/usr/bin/env bash
# Start-up benchmark of the Technician Console against an empty Fyne window,
# both started the same way in the same run, in turn (console, empty, console,
# …), so that a drift of the machine's speed hits both (run it inside
# scripts/test-env.sh for a display and a keychain):
#   scripts/bench-startup.sh build/bin/techconsole [RUNS]
# The console starts warm (its embedded server's demo organisation already
# seeded in a scratch data folder). Each figure is the median over the runs
# with the min–max spread; a ratio is taken run by run (console run i ÷ empty
# run i), then its median and spread.
set -euo pipefail
bin=${1:?usage: bench-startup.sh TECHCONSOLE_BINARY [RUNS]}
runs=${2:-11}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

"$bin" --measure-startup --data-dir "$data" >/dev/null 2>&1 # seed the demo organisation (cold start, not counted)
"$bin" --measure-startup --empty-window >/dev/null 2>&1      # warm the page cache for both
: >"$data/console.jsonl"
: >"$data/empty.jsonl"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq "$runs"); do
  "$bin" --measure-startup --data-dir "$data" 2>/dev/null | grep '"kind"' >>"$data/console.jsonl"
  "$bin" --measure-startup --empty-window 2>/dev/null | grep '"kind"' >>"$data/empty.jsonl"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# field NAME FILE: the values of one JSON field, one a line, in run order.
field() { grep -o "\"$1\":[0-9.]*" "$2" | cut -d: -f2; }
# stats SCALE: "median (min–max)" of the numbers on stdin, each divided by SCALE.
stats() {
  sort -n | awk -v s="$1" '{a[NR]=$1/s} END {
    m = (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2
    printf "%.*f (%.*f–%.*f)", (s==1?0:1), m, (s==1?0:1), a[1], (s==1?0:1), a[NR] }'
}
# ratios A B: "median (min–max)" of A run i ÷ B run i.
ratios() {
  paste <(field "$1" "$data/console.jsonl") <(field "$2" "$data/empty.jsonl") |
    awk '{print $1/$2}' | sort -n | awk '{a[NR]=$1} END {
      m = (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2
      printf "%.2f× (%.2f–%.2f)", m, a[1], a[NR] }'
}
row() { # label, console field, empty field ("" for none), scale, goal
  local c e="—" r="—"
  c=$(field "$2" "$data/console.jsonl" | stats "$4")
  if [ -n "$3" ]; then
    [ "$3" = "$2" ] && e=$(field "$3" "$data/empty.jsonl" | stats "$4")
    r=$(ratios "$2" "$3")
  fi
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$c" "$e" "$r" "$5"
}

echo "runs: $runs each, in turn; medians (min–max); load average before $load_before, after $load_after"
echo "| | console | empty Fyne window | ratio (÷ the empty window's first frame or memory) | goal |"
echo "|---|---|---|---|---|"
row "first frame painted (ms)" first_frame_ms first_frame_ms 1 "≤ 1.5×"
row "Sign in enabled: a press is taken (ms)" ready_ms first_frame_ms 1 "≤ 1.3×"
row "the same ÷ the empty window's first input taken (ms)" ready_ms ready_ms 1 ""
row "embedded server up, controller attached (ms)" server_ms first_frame_ms 1 ""
row "signed in, pressed at once (ms)" signed_in_ms first_frame_ms 1 ""
row "peak RSS, whole process (MiB)" peak_kb peak_kb 1024 "≤ 1.3×"
row "RSS 0.5 s after sign-in (MiB)" rss_kb rss_kb 1024 ""
row "RSS after debug.FreeOSMemory (MiB)" rss_idle_kb rss_idle_kb 1024 ""
