#!/usr/bin/env bash
# One-time (and idempotent) set-up on Debian 12: the Debian packages virtwarden and its test
# lab need, then `npm ci`, which also compiles the native libvirt binding and the TypeScript.
# Safe to run again: it installs only what is missing and skips `npm ci` when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

SUDO=''
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { say 'not root and no sudo: run as root or install sudo'; exit 1; }
  SUDO='sudo'
fi

# Build: libvirt headers, node-gyp's compiler, the tiny test guest (gcc -m32, ld).
# Run: libvirt client library, libvirtd and QEMU for the lab, libgovirt for the oVirt check.
PACKAGES=(
  pkg-config make g++ gcc binutils python3
  libvirt-dev libvirt-clients libvirt-daemon qemu-system-x86 qemu-utils
  util-linux procps iproute2
  gir1.2-govirt-1.0 python3-gi
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v node >/dev/null || { say 'Node.js >= 20.19 is required (apt-get install nodejs npm, or nodesource)'; exit 1; }
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || { say "Node.js >= 20.19 is required, found $(node --version)"; exit 1; }

# node-gyp must build against the local Node headers, never download them (no internet).
if [ -d /usr/include/node ] && [ -z "${npm_config_nodedir:-}" ]; then
  export npm_config_nodedir=/usr
fi

# A checkout needs the binding: its absence fails the set-up instead of degrading to validate-only.
export VIRTWARDEN_REQUIRE_NATIVE=1

stamp=node_modules/.virtwarden-setup
want=$(cat package-lock.json native/binding.gyp native/src/*.cc native/src/*.h 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f native/build/Release/virtwarden_libvirt.node ]; then
  npm run --silent build
else
  say 'npm ci (installs dependencies, builds the native binding and the TypeScript)'
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
say 'ready'
