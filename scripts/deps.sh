#!/usr/bin/env bash
# Installs the Debian packages that building and testing need, skipping those
# already present: the X11/GL headers GLFW compiles against, a virtual display,
# screenshot and window tools (xdotool, xprop), desktop-file-validate, a Secret
# Service (gnome-keyring on D-Bus), Chromium, systemd (its systemd-analyze
# checks deploy/authserver.service), PostgreSQL (the tests start a throwaway
# cluster of it: scripts/pg-test-cluster.sh), and npm where no Node.js is
# installed yet (scripts/axe-core.sh fetches the Admin Center test's axe-core
# with it).
set -euo pipefail

# What building and running the console needs; `deps.sh all` (make test, lint,
# screenshots, benchmarks) adds what the tests drive: a virtual display and its
# tools, the keychain service, Chromium, systemd, PostgreSQL, and npm unless
# one is installed already.
packages=(
  gcc pkg-config
  libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
  libwayland-dev libxkbcommon-dev wayland-protocols
)
if [ "${1:-all}" = all ]; then
  packages+=(
    xvfb xauth imagemagick xdotool x11-utils
    desktop-file-utils
    dbus gnome-keyring libsecret-tools
    chromium
    systemd
    postgresql
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${1:-all}" = all ]; then
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "deps: missing ${missing[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
