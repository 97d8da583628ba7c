#!/usr/bin/env bash
# Builds one fuzz target and runs it for SECONDS, seeded from the conformance files.
#   Fuzz/run.sh FuzzFileReader 900
#   Fuzz/run.sh FuzzMetadata 900
# Crashes land in Fuzz/artifacts/TARGET/; add each as a regression input under
# Fuzz/regressions/TARGET/ (the test suite replays them) before fixing it.
set -euo pipefail
target=${1:?usage: run.sh FuzzFileReader|FuzzMetadata|FuzzText|FuzzTableObjects|FuzzVectorIndex|FuzzTextIndex|FuzzScalarIndex|FuzzSQL|FuzzExpression|FuzzImport SECONDS}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
swift build --product "$target" -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
binary="$here/.build/release/$target"
corpus="$here/corpus/$target"
artifacts="$here/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
case "$target" in
  FuzzFileReader) cp "$here"/../spec/conformance/*.strata "$seeds"/ ;;
  FuzzText)
    # Rows of the conformance expectations, and their schemas.
    python3 - "$here"/../spec/conformance "$seeds" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
n = 0
for name in sorted(os.listdir(src)):
    if name.endswith('.json'):
        doc = json.load(open(os.path.join(src, name)))
        if 'schema' in doc:
            open(os.path.join(out, f'schema-{n}'), 'w').write(json.dumps(doc['schema'])); n += 1
        for row in doc.get('rows', [])[:20]:
            open(os.path.join(out, f'row-{n}'), 'w').write(json.dumps(row)); n += 1
PY
    ;;
  FuzzMetadata)
    # The metadata block of each conformance file: the bytes between the offset in its footer and the footer.
    for f in "$here"/../spec/conformance/*.strata; do
      python3 - "$f" "$seeds/$(basename "$f" .strata).meta" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
if len(data) >= 48:
    offset, length = struct.unpack_from('<QQ', data, len(data) - 32)
    if offset + length <= len(data):
        open(sys.argv[2], 'wb').write(data[offset:offset + length])
PY
    done ;;
  FuzzTableObjects)
    # Real table objects, each behind its selector byte: manifests (0), deletion vectors (1),
    # tags (2), log segments (3), predicates (4), made with the strata CLI and the crash writer.
    (cd "$here/.." && swift build --product strata --product strata-crash-writer >&2)
    table="$seeds/table"
    printf '{"fields":[{"name":"id","type":"int64","nullable":false},{"name":"s","type":"string"}]}' > "$seeds/schema.json"
    "$here/../.build/debug/strata" table create "$table" --schema "$seeds/schema.json" >/dev/null
    printf '{"id":1,"s":"a"}\n{"id":2,"s":null}\n{"id":3,"s":"c"}\n' | "$here/../.build/debug/strata" table append "$table" - >/dev/null
    "$here/../.build/debug/strata" table delete "$table" --where "id = 2" >/dev/null
    "$here/../.build/debug/strata" table tag "$table" first --version 2 >/dev/null
    "$here/../.build/debug/strata-crash-writer" "$table" 100 3 2 log none >/dev/null &
    sleep 1; kill -9 $! 2>/dev/null || true
    n=0
    for f in "$table"/_versions/*.manifest; do { printf '\x00'; cat "$f"; } > "$seeds/m$n"; n=$((n+1)); done
    for f in "$table"/_deletions/*; do { printf '\x01'; cat "$f"; } > "$seeds/d$n"; n=$((n+1)); done
    for f in "$table"/_refs/tags/*; do { printf '\x02'; cat "$f"; } > "$seeds/t$n"; n=$((n+1)); done
    for f in "$table"/_wal/*.wal; do [ -f "$f" ] && { printf '\x03'; cat "$f"; } > "$seeds/w$n"; n=$((n+1)); done
    for p in "id = 3" "name != 'x' AND score < 0.5" "ts >= \"2024-01-01T00:00:00Z\"" "ok IS NOT NULL"; do
      { printf '\x04'; printf '%s' "$p"; } > "$seeds/p$n"; n=$((n+1))
    done
    rm -rf "$table" "$seeds/schema.json" ;;
  FuzzScalarIndex)
    # Selector 1 with a few columns (each run makes real B-tree and bitmap files and damages them).
    printf '\001\002\003\021\005\005\100\377\042' > "$seeds/ints"
    printf '\001\001\002\003\021\005\005\100\377\042\033' > "$seeds/strings"
    ;;
  FuzzSQL|FuzzExpression)
    # Every statement of the golden tests (for expressions, each WHERE clause), one per file.
    python3 - "$here"/../Tests/StrataSQLTests/Golden "$seeds" "$target" <<'PY'
import os, re, sys
src, out, target = sys.argv[1], sys.argv[2], sys.argv[3]
n = 0
for name in sorted(os.listdir(src)):
    if not name.endswith('.test'):
        continue
    for block in open(os.path.join(src, name)).read().split('\n\n'):
        lines = [l for l in block.split('\n') if not l.startswith('#') and not l.startswith('-- ')]
        if '----' not in lines:
            continue
        statement = '\n'.join(lines[:lines.index('----')])
        if target == 'FuzzExpression':
            m = re.search(r'WHERE (.*?)( ORDER BY| LIMIT|$)', statement, re.S)
            if not m:
                continue
            statement = m.group(1)
        open(os.path.join(out, f'g{n}'), 'w').write(statement.replace('docs', 't').replace('FROM e ', 'FROM t '))
        n += 1
PY
    ;;
  FuzzImport)
    # The shell's golden import files, as JSON Lines (selector 0, 2) and CSV (1, 3).
    for f in "$here"/../Tests/StrataShellTests/Golden/*.jsonl; do
      { printf '\000'; cat "$f"; } > "$seeds/$(basename "$f").0"; { printf '\002'; cat "$f"; } > "$seeds/$(basename "$f").2"
    done
    for f in "$here"/../Tests/StrataShellTests/Golden/*.csv; do
      { printf '\001'; cat "$f"; } > "$seeds/$(basename "$f").1"; { printf '\003'; cat "$f"; } > "$seeds/$(basename "$f").3"
    done
    printf '\002{"a": true, "e": -5, "l": "2024-05-01T12:00:00Z", "n": "eHl6", "o": {"k": [1]}, "p": [1, 2]}\n' > "$seeds/every"
    ;;
  FuzzTextIndex)
    # Selector 1 with a few documents (each run makes a real file from them and damages it).
    printf '\001the quick brown fox\njumps over\n\nthe lazy dog\n' > "$seeds/docs1"
    printf '\001Cafés à Paris\n東京都に住む\nrunning runners ran\nw1 w2 w3 w1\n' > "$seeds/docs2"
    ;;
  FuzzVectorIndex)
    # Index files (selector 0), rows files (1) and index files with a segment (2) of every kind and metric, made with the CLI
    # on a small table: dimensions 3 and 5, a few hundred rows.
    (cd "$here/.." && swift build --product strata >&2)
    strata="$here/../.build/debug/strata"
    n=0
    for dim in 3 5; do
      table="$seeds/t$dim"
      printf '{"fields":[{"name":"v","type":"vector(float32,%d)"}]}' "$dim" > "$seeds/schema.json"
      "$strata" table create "$table" --schema "$seeds/schema.json" >/dev/null
      python3 -c "import random; random.seed($dim); [print('{\"v\":[%s]}' % ','.join(str(random.gauss(0,1)) for _ in range($dim))) for _ in range(300)]" |
        "$strata" table append "$table" - >/dev/null
      for spec in "hnsw l2 m=4" "hnsw dot m=4" "hnsw cosine m=4" "ivf_pq l2 partitions=4" "ivf_pq dot partitions=3" "flat cosine"; do
        set -- $spec
        extra=(); [ $# -ge 3 ] && extra=(--param "$3")
        "$strata" table create-index "$table" --column v --type "$1" --metric "$2" --name "i$n" "${extra[@]}" >/dev/null
        n=$((n+1))
      done
      for f in "$table"/_indices/*/*.vidx "$table"/_indices/*/*.vseg; do { printf '\x00'; cat "$f"; } > "$seeds/x$n"; n=$((n+1)); done
      for f in "$table"/_indices/*/*.rows; do { printf '\x01'; cat "$f"; } > "$seeds/r$n"; n=$((n+1)); done
      # An index file with its vector segment (selector 2, then the index file's length, u16 LE).
      for d in "$table"/_indices/*/; do
        python3 - "$d" "$seeds/p$n" <<'PY'
import glob, struct, sys
d, out = sys.argv[1], sys.argv[2]
index, segment = sorted(glob.glob(d + '*.vidx')), sorted(glob.glob(d + '*.vseg'))
if index and segment:
    a, b = open(index[0], 'rb').read(), open(segment[0], 'rb').read()
    if len(a) < 65536:
        open(out, 'wb').write(b'\x02' + struct.pack('<H', len(a)) + a + b)
PY
        n=$((n+1))
      done
      rm -rf "$table"
    done
    rm -f "$seeds/schema.json" ;;
esac
# FuzzSQL runs its queries in a task that the fuzzer's thread waits for; the task's closure
# is released just after the thread resumes, which LeakSanitizer would report as a leak.
leaks=1; [ "$target" = FuzzSQL ] && leaks=0
SWIFT_BACKTRACE=enable=no "$binary" "$corpus" "$seeds" -max_total_time="$seconds" -max_len=200000 -detect_leaks=$leaks \
  -rss_limit_mb=4096 -artifact_prefix="$artifacts/" -print_final_stats=1
