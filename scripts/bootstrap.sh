#!/usr/bin/env bash
# Installs what Strata needs on a fresh Debian machine, only where missing:
# the C libraries behind the shims (zstd, lz4, xxhash, roaring, OpenBLAS, Snowball stemmers, libedit) and pkg-config. Swift is expected at
# /opt/swift or on PATH.
set -euo pipefail
needed=()
for pkg in libzstd-dev liblz4-dev libxxhash-dev libroaring-dev libopenblas-dev libstemmer-dev libedit-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || needed+=("$pkg")
done
if [ ${#needed[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${needed[@]}" >/dev/null
  echo "bootstrap: installed ${needed[*]}"
fi
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  echo "bootstrap: add /opt/swift/usr/bin to PATH" >&2
fi
