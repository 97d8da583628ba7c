#!/usr/bin/env bash
# The format benchmark in one command: Strata, Lance and Parquet on the same data in the same
# run, then a Markdown table of medians and Strata/peer ratios.
#   Benchmarks/run_format.sh [--quick]
exec bash "$(dirname "$0")/compare.sh" format "$@"
