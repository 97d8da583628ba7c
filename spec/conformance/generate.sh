#!/usr/bin/env bash
# Regenerates spec/conformance/ from spec/conformance/generator. Fixtures are golden: commit
# new ones, never change existing ones (a changed byte means old files would read differently).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift run -c release strata-conformance-generator spec/conformance
