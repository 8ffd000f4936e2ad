#!/usr/bin/env bash
# Checks `make package`'s archive as a user would meet it (run inside
# scripts/test-env.sh, which gives a display and a keychain):
#   scripts/package-test.sh build/techconsole-0.1.0-linux-amd64.tar.gz 0.1.0
# It unpacks the archive into a scratch root, checks the tree and validates
# the desktop entry, starts the packaged console by the entry's Exec= command
# with a PATH that holds no Go toolchain, waits for its window and checks that
# the window's WM_CLASS is the entry's StartupWMClass; then checks that
# `make install` lays out the same tree under DESTDIR and `make uninstall`
# takes it away again.
set -euo pipefail
archive=${1:?usage: package-test.sh ARCHIVE VERSION}
version=${2:?usage: package-test.sh ARCHIVE VERSION}
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

fail() {
  echo "package-test: FAIL: $*" >&2
  exit 1
}
pass() { echo "package-test: ok: $*"; }

# The tree: exactly the files scripts/package.sh names, under one folder.
tar -xzf "$archive" -C "$scratch"
pkg=$scratch/techconsole-$version
[ -d "$pkg" ] || fail "the archive has no techconsole-$version/ folder"
want=$("$repo/scripts/package.sh" files | sort)
got=$(cd "$pkg" && find . -type f | sed 's#^\./##' | sort)
[ "$got" = "$want" ] || fail "the archive holds$(printf '\n%s' "$got")
but should hold$(printf '\n%s' "$want")"
[ -x "$pkg/bin/techconsole" ] || fail "bin/techconsole is not executable"
pass "archive tree"

desktop=$pkg/share/applications/techconsole.desktop
desktop-file-validate "$desktop" || fail "desktop-file-validate rejects the entry"
entry() { sed -n "s/^$1=//p" "$desktop"; }
[ "$(entry Exec)" = techconsole ] || fail "Exec=$(entry Exec), want techconsole"
[ "$(entry Icon)" = techconsole ] || fail "Icon=$(entry Icon), want techconsole"
for key in Comment Categories Keywords StartupWMClass; do
  [ -n "$(entry "$key")" ] || fail "the entry has no $key"
done
pass "desktop entry"

# A machine without Go: only the package's bin and the system's folders.
path=$pkg/bin:/usr/bin:/bin
if PATH=$path command -v go >/dev/null; then fail "go is on the test PATH $path"; fi
home=$scratch/home
mkdir -p "$home"
# exec: started in the background, $! is then the console itself.
run() {
  exec env -i PATH="$path" HOME="$home" LANG=en_US.UTF-8 DISPLAY="$DISPLAY" XAUTHORITY="${XAUTHORITY:-}" \
    DBUS_SESSION_BUS_ADDRESS="${DBUS_SESSION_BUS_ADDRESS:-}" "$@"
}

out=$(run "$(entry Exec)" --version 2>/dev/null) || fail "--version failed"
case "$out" in
"techconsole $version ("*) pass "--version: $out" ;;
*) fail "--version printed '$out', want techconsole $version (...)" ;;
esac

# Started the way a launcher starts it; the embedded server's database shows
# that the console got past its first frame (the server starts after it).
data=$home/data
run "$(entry Exec)" --data-dir "$data" >"$scratch/console.log" 2>&1 &
pid=$!
window=$(timeout 60 xdotool search --sync --onlyvisible --pid "$pid" 2>/dev/null | head -n1) || true
if [ -z "$window" ]; then
  cat "$scratch/console.log" >&2
  fail "no window of the packaged console within 60 s"
fi
class=$(xprop -id "$window" WM_CLASS)
wantclass="WM_CLASS(STRING) = \"$(entry StartupWMClass)\", \"$(entry StartupWMClass)\""
[ "$class" = "$wantclass" ] || fail "the window has $class, the entry says StartupWMClass=$(entry StartupWMClass)"
pass "window $(xprop -id "$window" _NET_WM_NAME | cut -d= -f2-) with $class"
timeout 30 bash -c "until [ -s '$data/auth.db' ]; do sleep 0.2; done" ||
  fail "the embedded server made no database in 30 s"
kill -0 "$pid" 2>/dev/null || fail "the console exited: $(cat "$scratch/console.log")"
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
pass "the packaged console runs without Go"

# make install lays out the archive's tree; make uninstall removes it.
dest=$scratch/dest
make -s -C "$repo" install DESTDIR="$dest" PREFIX=/opt/techconsole >/dev/null
diff -r "$pkg" "$dest/opt/techconsole" || fail "make install differs from the archive"
make -s -C "$repo" uninstall DESTDIR="$dest" PREFIX=/opt/techconsole >/dev/null
left=$(find "$dest" -type f)
[ -z "$left" ] || fail "make uninstall left $left"
pass "make install and make uninstall"
