#!/usr/bin/env bash
# Fetches axe-core's minified build for the Admin Center's browser test into
# server/adminweb/testdata/axe-core/ (ignored by git), once: the npm registry is
# reachable wherever the project builds, and half a megabyte of minified
# third-party JavaScript is better kept out of the history. The version is
# pinned and npm checks the tarball against the registry's integrity hash; the
# hash below is checked again so that a changed pin is a deliberate edit.
# axe-core is MPL-2.0: its LICENSE is kept beside the file.
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.14.1
integrity='sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=='
dest=server/adminweb/testdata/axe-core

if [ -f "$dest/axe.min.js" ] && [ "$(cat "$dest/VERSION" 2>/dev/null)" = "$version" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "axe-core: npm is needed to fetch axe-core $version (Debian: apt-get install npm)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "axe-core@$version" >/dev/null)
tarball="$tmp/axe-core-$version.tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$got" != "$integrity" ]; then
  echo "axe-core: $tarball does not match the pinned integrity hash" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$tmp" package/axe.min.js package/LICENSE
mkdir -p "$dest"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$dest/"
echo "$version" > "$dest/VERSION"
echo "axe-core: $version in $dest"
