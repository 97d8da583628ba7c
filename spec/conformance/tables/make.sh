#!/usr/bin/env bash
# Makes the table fixtures with the strata CLI. Table objects carry UUID file names and commit
# times, so unlike the file fixtures these cannot be reproduced byte for byte: the script
# refuses to touch an existing fixture (never edit one; add a new one).
#   spec/conformance/tables/make.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
swift build --product strata >&2
strata=.build/debug/strata
for name in history negative-manifest-checksum negative-deletion-vector; do
  [ -e "$here/$name" ] && { echo "$name exists; not touching it" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '{"fields":[{"name":"id","type":"int64","nullable":false},{"name":"name","type":"string"}]}' > "$work/schema.json"
t="$here/history"
"$strata" table create "$t" --schema "$work/schema.json"
printf '{"id":1,"name":"one"}\n{"id":2,"name":"two"}\n{"id":3,"name":null}\n' | "$strata" table append "$t" -
"$strata" table delete "$t" --where "id = 2"
"$strata" table tag "$t" first-append --version 2
"$strata" table add-column "$t" --name score --type float64 --default 1.5
printf '{"id":4,"name":"four","score":-0.0}\n' | "$strata" table append "$t" -
rmdir "$t/_wal" 2>/dev/null || true
# Damaged copies: one bit flipped in the latest manifest's payload; one in the deletion vector.
cp -r "$t" "$here/negative-manifest-checksum"
python3 - "$here/negative-manifest-checksum/_versions/00000000000000000005.manifest" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[12] ^= 0x10; open(p, 'wb').write(b)
PY
cp -r "$t" "$here/negative-deletion-vector"
python3 - "$here"/negative-deletion-vector/_deletions/*.del <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[10] ^= 0x01; open(p, 'wb').write(b)
PY
echo "made history, negative-manifest-checksum, negative-deletion-vector" >&2
