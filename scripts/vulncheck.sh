#!/usr/bin/env bash
# govulncheck without reaching the vulnerability database's web host: the
# database's source, the module golang.org/x/vulndb, comes through the Go
# module proxy with its reports already in OSV form (data/osv); the vulndb's
# own indexdb command lays them out as the v1 database govulncheck reads with
# -db file://. The built database is kept per vulndb version under build/.
#
# Findings in modules fail: go.mod can fix them. Findings only in the standard
# library are printed with a clear line and do not fail: they are fixed by a
# newer Go toolchain, which is the machine's, not the repository's.
set -euo pipefail

GO=${GO:-go}
TAGS=${TAGS:-migrated_fynedo,accessibility}
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB_VERSION=${VULNDB_VERSION:-latest}

if ! info=$($GO mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" 2>&1); then
  echo "vulncheck: SKIPPED: the vulnerability database (module golang.org/x/vulndb) could not be fetched:" >&2
  echo "$info" | sed 's/^/  /' >&2
  exit 0
fi
version=$(echo "$info" | sed -n 's/^[[:space:]]*"Version": "\(.*\)",$/\1/p')
dir=$(echo "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
db="build/vulndb/$version"
if [ ! -f "$db/index/db.json" ]; then
  rm -rf "$db.tmp" && mkdir -p "$db.tmp"
  $GO run "golang.org/x/vulndb/cmd/indexdb@$version" -vulns "$dir/data/osv" -out "$db.tmp"
  rm -rf "$db" && mv "$db.tmp" "$db"
fi

# Installed rather than run with go run, which turns its exit code 3 (findings) into 1.
GOBIN="$(pwd)/build/tools" $GO install "$GOVULNCHECK"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
build/tools/govulncheck -db "file://$(pwd)/$db" -tags "$TAGS" ./... >"$out" 2>&1 || rc=$?
if [ "$rc" -eq 0 ]; then
  echo "vulncheck: no known vulnerabilities (database golang.org/x/vulndb $version)"
  exit 0
fi
cat "$out"
if [ "$rc" -ne 3 ]; then
  echo "vulncheck: govulncheck failed (exit $rc)" >&2
  exit "$rc"
fi
# A module path has a dot in its first element; a standard library package
# (crypto/tls, net/http) has none.
if grep -Eq 'Found in: [^/@ ]*\.[^@ ]*@' "$out"; then
  echo "vulncheck: FAILED: modules with known vulnerabilities; raise them in go.mod to the 'Fixed in' versions" >&2
  exit 1
fi
echo "vulncheck: WARNING: only the standard library of $($GO env GOVERSION) has known vulnerabilities; a newer Go toolchain fixes them (not failing: the toolchain is the machine's)"
