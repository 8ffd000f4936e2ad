#!/usr/bin/env bash
# The console's install tree, in one place for `make package`, `make install`
# and `make uninstall`: the binary, its desktop entry and its icons, laid out
# under a prefix the way the XDG specs expect (PREFIX/bin,
# PREFIX/share/applications, PREFIX/share/icons/hicolor).
#   scripts/package.sh layout PREFIX BINARY   copy the files under PREFIX
#   scripts/package.sh remove PREFIX          delete them again
#   scripts/package.sh files                  list them, relative to a prefix
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# mode  source                    destination, relative to the prefix
tree=(
  "755  BINARY                    bin/techconsole"
  "644  assets/techconsole.desktop  share/applications/techconsole.desktop"
  "644  assets/icon.png           share/icons/hicolor/512x512/apps/techconsole.png"
  "644  assets/icon.svg           share/icons/hicolor/scalable/apps/techconsole.svg"
)

usage() {
  echo "usage: package.sh layout PREFIX BINARY | remove PREFIX | files" >&2
  exit 2
}

cmd=${1:-}
case "$cmd" in
layout)
  [ $# -eq 3 ] || usage
  prefix=$2 binary=$3
  [ -x "$binary" ] || { echo "package.sh: no executable $binary" >&2; exit 1; }
  for entry in "${tree[@]}"; do
    read -r mode src dst <<<"$entry"
    if [ "$src" = BINARY ]; then src=$binary; else src=$root/$src; fi
    install -D -m "$mode" "$src" "$prefix/$dst"
  done
  ;;
remove)
  [ $# -eq 2 ] || usage
  for entry in "${tree[@]}"; do
    read -r _ _ dst <<<"$entry"
    rm -f "$2/$dst"
  done
  ;;
files)
  for entry in "${tree[@]}"; do
    read -r _ _ dst <<<"$entry"
    echo "$dst"
  done
  ;;
*) usage ;;
esac
