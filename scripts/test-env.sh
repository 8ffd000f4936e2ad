#!/usr/bin/env bash
# Runs a command the way the tests need it: inside a private D-Bus session with
# an unlocked gnome-keyring Secret Service (the real OS keychain go-keyring
# talks to) and on a virtual X display, so tests that open windows or store
# secrets run for real instead of being skipped.
set -euo pipefail

if [ -z "${TECHCONSOLE_TEST_ENV:-}" ]; then
  exec dbus-run-session -- env TECHCONSOLE_TEST_ENV=1 "$0" "$@" 2> >(grep -v 'Failed to set fd limit' >&2)
fi

# A fresh keyring folder per run: the unlock password below then always creates
# the login keyring instead of failing against one left by an earlier run.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
printf '%s' "test-keyring-$$" |
  XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets >/dev/null

export LANG=en_US.UTF-8
xvfb-run -a -s "-screen 0 1280x900x24" "$@"
