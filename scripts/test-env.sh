#!/usr/bin/env bash
# Runs a command the way the tests need it: inside a private D-Bus session with
# an unlocked gnome-keyring Secret Service (the real OS keychain go-keyring
# talks to), on a virtual X display, and beside a throwaway PostgreSQL cluster
# (scripts/pg-test-cluster.sh), so tests that open windows, store secrets or
# need PostgreSQL run for real instead of being skipped.
set -euo pipefail

if [ -z "${TECHCONSOLE_TEST_ENV:-}" ]; then
  exec dbus-run-session -- env TECHCONSOLE_TEST_ENV=1 "$0" "$@" 2> >(grep -v 'Failed to set fd limit' >&2)
fi

# A fresh keyring folder per run: the unlock password below then always creates
# the login keyring instead of failing against one left by an earlier run.
keyring_home=$(mktemp -d)
pg_dir=$(mktemp -d)
here=$(cd "$(dirname "$0")" && pwd)
trap 'rm -rf "$keyring_home"; "$here/pg-test-cluster.sh" stop "$pg_dir"' EXIT
printf '%s' "test-keyring-$$" |
  XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets >/dev/null

export LANG=en_US.UTF-8
# Tests that need the keychain fail instead of skipping when it is missing.
export TECHCONSOLE_REQUIRE_KEYCHAIN=1
# One cluster for the whole run; each test makes its own database in it
# (internal/pgtest). Tests that need PostgreSQL fail instead of skipping when
# it could not start.
export AUTHSERVER_REQUIRE_POSTGRES=1
if pg_url=$("$here/pg-test-cluster.sh" start "$pg_dir"); then
  export AUTHSERVER_TEST_POSTGRES=$pg_url
else
  echo "test-env: no PostgreSQL for the tests that need it" >&2
fi
xvfb-run -a -s "-screen 0 1280x900x24" "$@"
