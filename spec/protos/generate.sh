#!/usr/bin/env bash
# Regenerates the committed Swift for spec/protos/*.proto. Needs protoc (Debian: protobuf-compiler);
# builds protoc-gen-swift from the swift-protobuf version the package resolves to.
#   strata_file.proto  → Sources/StrataFormat/Generated
#   strata_table.proto → Sources/StrataTable/Generated (imports strata_file's types from StrataFormat)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v protoc >/dev/null || { sudo_apt=$(command -v sudo || true); $sudo_apt apt-get install -y protobuf-compiler; }
cd "$root"
plugin="${PROTOC_GEN_SWIFT:-}"
if [ -z "$plugin" ]; then
  swift package resolve
  plugin_pkg="$root/.build/checkouts/swift-protobuf"
  swift build --package-path "$plugin_pkg" --scratch-path "$root/.build-protoc" -c release --product protoc-gen-swift
  plugin="$root/.build-protoc/release/protoc-gen-swift"
fi
generate() {  # generate PROTO OUTDIR [extra protoc-gen-swift options]
  local proto=$1 out=$2; shift 2
  mkdir -p "$out"
  protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Package "$@" --swift_out="$out" \
    -I "$root/spec/protos" "$root/spec/protos/$proto"
  echo "generated $proto into $out"
}
generate strata_file.proto "$root/Sources/StrataFormat/Generated"
mappings=$(mktemp)
trap 'rm -f "$mappings"' EXIT
printf 'mapping {\n  module_name: "StrataFormat"\n  proto_file_path: "strata_file.proto"\n}\n' > "$mappings"
generate strata_table.proto "$root/Sources/StrataTable/Generated" --swift_opt=ProtoPathModuleMappings="$mappings"
