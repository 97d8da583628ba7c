#!/usr/bin/env bash
# The table benchmark in one command: Strata and LanceDB on the same rows in the same run,
# then a Markdown table of medians and Strata/LanceDB ratios.
#   Benchmarks/run_table.sh [--quick] [--repeat R]
exec bash "$(dirname "$0")/compare.sh" table "$@"
