#!/usr/bin/env bash
# bench/pipeline.sh — push → webhook delivered and push → deploy hook called, p50/p99 (issue 26).
#
# Starts Wharf (./wharf up with a temporary data directory and the benchmark's ports and database, as
# bench/run.sh does), then runs bench/pipeline.py: a webhook subscription and an HTTP deploy hook rule
# pointing at a local receiver, N small images pushed one after another. With PIPELINE_LOAD=1 it runs
# again while regbench's mixed scenario loads the registry (needs go to build regbench).
#
# Settings (environment):
#   PIPELINE_N=60            images pushed per pass
#   PIPELINE_GAP=0.25        seconds between two pushes
#   PIPELINE_LOAD=0          1: a second pass under regbench -scenario mixed -c 8 -size 256KiB
#   PIPELINE_OUT=bench/results-pipeline-<date>.jsonl   one JSON line per pass
#   PIPELINE_WHARF_ROOT=<this checkout>   the checkout whose ./wharf (and built services) run, e.g.
#                            another worktree to measure the code before a change
#   REGBENCH_SRC, WHARF_* (ports 5400-5413 by default, WHARF_DB=wharf_pipeline, WHARF_PG_*) as for
#   bench/run.sh.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "${PIPELINE_WHARF_ROOT:-$BENCH_DIR/..}" && pwd)
N=${PIPELINE_N:-60}
GAP=${PIPELINE_GAP:-0.25}
LOAD=${PIPELINE_LOAD:-0}
OUT=${PIPELINE_OUT:-$BENCH_DIR/results-pipeline-$(date +%Y-%m-%d-%H%M%S).jsonl}
case "$OUT" in /*) ;; *) OUT=$PWD/$OUT ;; esac
REGBENCH_SRC=${REGBENCH_SRC:-$ROOT/../shared/bench/regbench}
[ -f "$REGBENCH_SRC/main.go" ] || REGBENCH_SRC=/work/shared/bench/regbench

# Ports and database of their own: bench/run.sh (5300-5313, wharf_bench) may run beside it.
export WHARF_REGISTRY_PORT=${WHARF_REGISTRY_PORT:-5400}
export WHARF_NOTIFIER_PORT=${WHARF_NOTIFIER_PORT:-5410}
export WHARF_DEPLOYER_PORT=${WHARF_DEPLOYER_PORT:-5411}
export WHARF_KAFKA_PORT=${WHARF_KAFKA_PORT:-5412}
export WHARF_KAFKA_CONTROLLER_PORT=${WHARF_KAFKA_CONTROLLER_PORT:-5413}
export WHARF_DB=${WHARF_DB:-wharf_pipeline}
export WHARF_ADMIN_USER=${WHARF_ADMIN_USER:-admin}
# The receiver listens on this machine: both services may call it (loopback is refused by default).
export WHARF_NOTIFIER_OUTBOUND_ALLOWED_NETWORKS=127.0.0.1/32
export WHARF_DEPLOYER_OUTBOUND_ALLOWED_NETWORKS=127.0.0.1/32
export WHARF_AUTH_RATE_LIMIT_AUTHENTICATED=${WHARF_AUTH_RATE_LIMIT_AUTHENTICATED:-1000000000}
export WHARF_AUTH_RATE_LIMIT_AUTHENTICATED_DAILY=${WHARF_AUTH_RATE_LIMIT_AUTHENTICATED_DAILY:-1000000000}
PG_HOST=${WHARF_PG_HOST:-127.0.0.1}
PG_PORT=${WHARF_PG_PORT:-5432}
PG_USER=${WHARF_PG_USER:-postgres}

say() { printf '%s\n' "$*"; }
die() { printf 'pipeline: %s\n' "$*" >&2; exit 1; }
[[ "$WHARF_DB" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "WHARF_DB must match [a-z_][a-z0-9_]* (got '$WHARF_DB')"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/wharf-pipeline.XXXXXX")
WHARF_DATA=$TMP/wharf
LOAD_PID=
wharf_cmd() { WHARF_DATA_DIR=$WHARF_DATA "$ROOT/wharf" "$@"; }
drop_db() {
  command -v psql >/dev/null 2>&1 || return 0
  PGPASSWORD=${WHARF_PG_PASSWORD:-} PGCONNECT_TIMEOUT=5 psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres \
    -c "DROP DATABASE IF EXISTS $WHARF_DB WITH (FORCE)" >/dev/null 2>&1 || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  [ -z "$LOAD_PID" ] || { kill "$LOAD_PID" 2>/dev/null; wait "$LOAD_PID" 2>/dev/null; }
  wharf_cmd down >"$TMP/down.log" 2>&1
  drop_db
  if [ "${BENCH_KEEP:-0}" = 1 ]; then say "pipeline: kept $TMP" >&2; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

drop_db
say "pipeline: starting Wharf (data in $WHARF_DATA)"
wharf_cmd up >"$TMP/up.log" 2>&1 || { tail -n 30 "$TMP/up.log" >&2; die "./wharf up failed"; }
PASSWORD=${WHARF_ADMIN_PASSWORD:-$(cat "$WHARF_DATA/admin-password")}
run_pass() { # label
  python3 "$BENCH_DIR/pipeline.py" --registry "http://127.0.0.1:$WHARF_REGISTRY_PORT" \
    --notifier "http://127.0.0.1:$WHARF_NOTIFIER_PORT" --deployer "http://127.0.0.1:$WHARF_DEPLOYER_PORT" \
    --user "$WHARF_ADMIN_USER" --password "$PASSWORD" -n "$N" --gap "$GAP" --label "$1" --json "$OUT"
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# A warm-up pass (the JIT compiles the paths), not reported, then the measured idle pass.
say "pipeline: warm-up pass (not reported), load average $(loadavg)"
python3 "$BENCH_DIR/pipeline.py" --registry "http://127.0.0.1:$WHARF_REGISTRY_PORT" \
  --notifier "http://127.0.0.1:$WHARF_NOTIFIER_PORT" --deployer "http://127.0.0.1:$WHARF_DEPLOYER_PORT" \
  --user "$WHARF_ADMIN_USER" --password "$PASSWORD" -n 20 --gap 0.1 >/dev/null || true
say "pipeline: idle pass, load average $(loadavg)"
run_pass idle || say "pipeline: not every push reached the webhook within the wait"
say "pipeline: load average after the idle pass $(loadavg)"

if [ "$LOAD" = 1 ]; then
  command -v go >/dev/null 2>&1 || die "PIPELINE_LOAD=1 needs go to build regbench"
  cp -r "$REGBENCH_SRC" "$TMP/regbench-src" && chmod -R u+w "$TMP/regbench-src"
  (cd "$TMP/regbench-src" && GOFLAGS=-mod=mod GOPROXY=off go build -o "$TMP/regbench" .) || die "regbench did not build"
  # Long enough to outlast the pass; stopped when it is done.
  "$TMP/regbench" -url "http://127.0.0.1:$WHARF_REGISTRY_PORT" -user "$WHARF_ADMIN_USER" -pass "$PASSWORD" \
    -scenario mixed -c 8 -n 50 -size 256KiB -duration 10m -repo load/mixed >"$TMP/regbench.log" 2>&1 &
  LOAD_PID=$!
  sleep 5
  say "pipeline: pass under regbench mixed load, load average $(loadavg)"
  run_pass mixed || say "pipeline: not every push reached the webhook within the wait"
fi
say "pipeline: results in $OUT"
