#!/usr/bin/env bash
# Regenerates the committed Swift for spec/protos/*.proto. Needs protoc (Debian: protobuf-compiler);
# builds protoc-gen-swift from the swift-protobuf version the package resolves to.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v protoc >/dev/null || { sudo_apt=$(command -v sudo || true); $sudo_apt apt-get install -y protobuf-compiler; }
cd "$root"
swift package resolve
plugin_pkg="$root/.build/checkouts/swift-protobuf"
swift build --package-path "$plugin_pkg" --scratch-path "$root/.build-protoc" -c release --product protoc-gen-swift
plugin="$root/.build-protoc/release/protoc-gen-swift"
out="$root/Sources/StrataFormat/Generated"
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Package --swift_out="$out" \
  -I "$root/spec/protos" "$root"/spec/protos/*.proto
echo "generated into $out"
