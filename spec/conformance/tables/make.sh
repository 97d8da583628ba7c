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
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The first set: a history and two damaged copies of it.
make_history() {
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
}

# A table with an HNSW index over 4-d vectors: created on 200 rows, 20 more appended and
# folded in by optimize (so two vector segments), one row deleted; and a copy whose first
# vector segment has one bit flipped. The expected neighbours are computed by brute force.
make_vector_index() {
  t="$here/vector-index"
  printf '{"fields":[{"name":"id","type":"int64","nullable":false},{"name":"v","type":"vector(float32,4)"}]}' > "$work/vschema.json"
  "$strata" table create "$t" --schema "$work/vschema.json"
  python3 -c "
import json, random
random.seed(4)
for i in range(220):
    print(json.dumps({'id': i, 'v': [round(random.uniform(-1, 1), 3) for _ in range(4)]}))" > "$work/vrows.jsonl"
  head -200 "$work/vrows.jsonl" | "$strata" table append "$t" -
  "$strata" table create-index "$t" --column v --type hnsw --param m=8
  tail -20 "$work/vrows.jsonl" | "$strata" table append "$t" -
  "$strata" table optimize "$t"
  "$strata" table delete "$t" --where "id = 7"
  rmdir "$t/_wal" 2>/dev/null || true
  cp -r "$t" "$here/negative-vector-segment"
  python3 - "$here"/negative-vector-segment/_indices/*/ <<'PY'
import glob, sys
p = sorted(glob.glob(sys.argv[1] + '*.vseg'), key=lambda f: -len(open(f, 'rb').read()))[0]
b = bytearray(open(p, 'rb').read()); b[len(b) // 2] ^= 0x04; open(p, 'wb').write(b)
PY
  echo "made vector-index, negative-vector-segment" >&2
}

if [ -e "$here/history" ] || [ -e "$here/negative-manifest-checksum" ] || [ -e "$here/negative-deletion-vector" ]; then
  echo "history fixtures exist; not touching them" >&2
else
  make_history
fi
if [ -e "$here/vector-index" ] || [ -e "$here/negative-vector-segment" ]; then
  echo "vector-index fixtures exist; not touching them" >&2
else
  make_vector_index
fi
