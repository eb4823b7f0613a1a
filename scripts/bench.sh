#!/usr/bin/env bash
# The benchmark harness and the fault drills (cmd/kcbench). Builds both binaries, finds or starts
# PostgreSQL (scripts/postgres.sh test: a role that may create databases — kcbench creates one of its
# own and drops it at the end), makes sure wrk, pgbench and psql are installed, then runs kcbench.
#
#   scripts/bench.sh [bench]    every figure of the benchmark issue, as one table (make bench)
#   scripts/bench.sh burst      the enrolment burst alone: 2,000 enrolments at once over two servers
#   scripts/bench.sh drills     the fault drills (make drills)
#   scripts/bench.sh seed       only the 10× data set, in a database that is kept (for EXPLAIN, profiles)
#
# Flags after the command go to kcbench, e.g. scripts/bench.sh bench -runs 3 -duration 2s -out table.md
# All load goes to 127.0.0.1; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:-bench}
[ $# -gt 0 ] && shift
case "$cmd" in
bench | burst | drills | seed) ;;
*) echo "usage: $0 [bench|burst|drills|seed] [kcbench flags]" >&2; exit 2 ;;
esac
scripts/deps.sh
for prog in pgbench psql; do
  command -v "$prog" >/dev/null || { echo "bench.sh: $prog is missing (it comes with PostgreSQL's client)" >&2; exit 1; }
done
go build -o bin/khuyencong ./cmd/khuyencong
go build -o bin/kcbench ./cmd/kcbench
KCBENCH_ADMIN_URL="$(scripts/postgres.sh test)"
export KCBENCH_ADMIN_URL
exec bin/kcbench "$cmd" -bin bin/khuyencong "$@"
