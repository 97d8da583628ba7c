#!/usr/bin/env bash
# Writes the fixtures of spec/conformance/generator that do not exist yet. Fixtures are golden:
# existing ones are never rewritten (pass --overwrite to check that the writer still
# reproduces them byte for byte: `git status` must then show no change).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift run -c release strata-conformance-generator "$@" spec/conformance
