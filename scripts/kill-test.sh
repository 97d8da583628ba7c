#!/usr/bin/env bash
# The SIGKILL crash test at length: a child appending to a table (through the write-ahead
# log and directly, under each durability setting) is killed at random moments, ROUNDS times
# (default 1,000); each round checks that every acknowledged append is present, the killed
# one is all-or-nothing, and the table opens. The test suite runs 50 rounds of the same test.
#   scripts/kill-test.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
swift build --build-tests >&2
STRATA_KILL_ROUNDS="${1:-1000}" swift test --skip-build --filter 'ProcessTests/writerKilledAtRandomMomentsLosesNothingAcknowledged'
