#!/usr/bin/env bash
# bench/run.sh — regbench against Wharf and Distribution 2.8.2 (Debian's docker-registry), side by
# side, for every scenario of the reference list in shared/bench/regbench/README.md. See bench/README.md.
#
# Settings (environment):
#   BENCH_RUNS=1             runs of every scenario; the report shows the median when >1
#   BENCH_DURATION=15s       timed phase of pull-blobs, manifests, tags-list, mixed
#   BENCH_SCENARIOS=all      subset, comma/space separated: push-1m push-256m push-chunked pull-blobs
#                            manifests tags-list mixed (push-blobs = push-1m + push-256m)
#   BENCH_QUICK=1            smoke run: much smaller n and 3s phases
#   BENCH_OUT=bench/results-<date>.md   the markdown report (raw regbench JSON goes next to it, .jsonl)
#   BENCH_WARMUP_DURATION=30s timed phase of Wharf's warm-up passes (the JIT compiles for most of the first minute)
#   BENCH_WARMUP_MAX_PASSES=8 warm-up passes are repeated (new content each) until the JIT compiler threads use
#                            less than BENCH_JIT_SETTLED percent (10) of the registry's CPU in a pass, at most this many
#   BENCH_KEEP=1             keep the temporary directory (data, logs) instead of removing it
#   BENCH_STORAGE=filesystem filesystem, or s3: both registries store blobs on one S3 server (S3Proxy, from
#                            local-infra, on BENCH_S3_PORT 5330; a bucket per scenario and target), with the same
#                            settings: 10 MiB parts, redirects to presigned URLs as BENCH_S3_REDIRECT says (false:
#                            the registries serve the bytes; true: blob GETs answer 307 and S3 serves them)
#   BENCH_RELAY_EVENTS=20000 backlog rows for the relay drain measurement after Wharf's mixed pass (0: skip)
#   REGBENCH_SRC             regbench sources (default: ../shared/bench/regbench from the repository root)
#   BENCH_DISTRIBUTION_BIN (docker-registry), BENCH_DISTRIBUTION_PORT (5301), BENCH_NGINX_PORT (5304)
#   WHARF_REGISTRY_PORT (5300), WHARF_NOTIFIER_PORT (5310), WHARF_DEPLOYER_PORT (5311),
#   WHARF_KAFKA_PORT (5312), WHARF_KAFKA_CONTROLLER_PORT (5313), WHARF_DB (wharf_bench), WHARF_PG_* and
#   WHARF_JAVA_OPTS as for ./wharf.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
LIB=$BENCH_DIR/benchlib.py

RUNS=${BENCH_RUNS:-1}
QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then def_dur=3s; def_warm=2s; else def_dur=15s; def_warm=30s; fi
DURATION=${BENCH_DURATION:-$def_dur}
WARMUP_DURATION=${BENCH_WARMUP_DURATION:-$def_warm}
WARMUP_MAX_PASSES=${BENCH_WARMUP_MAX_PASSES:-8}
JIT_SETTLED=${BENCH_JIT_SETTLED:-10}
OUT=${BENCH_OUT:-$BENCH_DIR/results-$(date +%Y-%m-%d-%H%M%S).md}
case "$OUT" in /*) ;; *) OUT=$PWD/$OUT ;; esac
REGBENCH_SRC=${REGBENCH_SRC:-$ROOT/../shared/bench/regbench}
DIST_BIN=${BENCH_DISTRIBUTION_BIN:-docker-registry}
DIST_PORT=${BENCH_DISTRIBUTION_PORT:-5301}
NGINX_PORT=${BENCH_NGINX_PORT:-5304}
STORAGE=${BENCH_STORAGE:-filesystem}
S3_PORT=${BENCH_S3_PORT:-5330}
S3_REDIRECT=${BENCH_S3_REDIRECT:-false}
S3_ACCESS_KEY=bench S3_SECRET_KEY=bench-secret-key

export WHARF_REGISTRY_PORT=${WHARF_REGISTRY_PORT:-5300}
export WHARF_NOTIFIER_PORT=${WHARF_NOTIFIER_PORT:-5310}
export WHARF_DEPLOYER_PORT=${WHARF_DEPLOYER_PORT:-5311}
export WHARF_KAFKA_PORT=${WHARF_KAFKA_PORT:-5312}
export WHARF_KAFKA_CONTROLLER_PORT=${WHARF_KAFKA_CONTROLLER_PORT:-5313}
export WHARF_MAIL_CATCHER_SMTP_PORT=${WHARF_MAIL_CATCHER_SMTP_PORT:-5325} WHARF_MAIL_CATCHER_HTTP_PORT=${WHARF_MAIL_CATCHER_HTTP_PORT:-5326}
export WHARF_DB=${WHARF_DB:-wharf_bench}
export WHARF_ADMIN_USER=${WHARF_ADMIN_USER:-admin}
# regbench pulls as the system administrator, whom pull limits do not count; should it run as an
# ordinary account, its pulls are counted (part of what is measured) under a limit no run reaches.
export WHARF_AUTH_RATE_LIMIT_AUTHENTICATED=${WHARF_AUTH_RATE_LIMIT_AUTHENTICATED:-1000000000}
export WHARF_AUTH_RATE_LIMIT_AUTHENTICATED_DAILY=${WHARF_AUTH_RATE_LIMIT_AUTHENTICATED_DAILY:-1000000000}
PG_HOST=${WHARF_PG_HOST:-127.0.0.1}
PG_PORT=${WHARF_PG_PORT:-5432}
PG_USER=${WHARF_PG_USER:-postgres}

ALL_IDS=(push-1m push-256m push-chunked pull-blobs manifests tags-list mixed)

say() { printf '%s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- checks

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer (got '$RUNS')"
[[ "$WARMUP_MAX_PASSES" =~ ^[1-9][0-9]*$ ]] || die "BENCH_WARMUP_MAX_PASSES must be a positive integer (got '$WARMUP_MAX_PASSES')"
[[ "$JIT_SETTLED" =~ ^[0-9]+$ ]] || die "BENCH_JIT_SETTLED must be a whole percentage (got '$JIT_SETTLED')"
[[ "$WHARF_DB" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "WHARF_DB must match [a-z_][a-z0-9_]* (got '$WHARF_DB')"
for d in "$DURATION" "$WARMUP_DURATION"; do
  [[ "$d" =~ ^[0-9]+(\.[0-9]+)?(ms|s|m)$ ]] || die "durations look like 15s, 500ms or 2m (got '$d')"
done
case "$STORAGE" in filesystem | s3) ;; *) die "BENCH_STORAGE is filesystem or s3 (got '$STORAGE')" ;; esac
case "$S3_REDIRECT" in true | false) ;; *) die "BENCH_S3_REDIRECT is true or false (got '$S3_REDIRECT')" ;; esac
command -v python3 >/dev/null 2>&1 || die "python3 is needed"
command -v go >/dev/null 2>&1 || die "go is needed to build regbench (apt-get install golang-go)"
command -v curl >/dev/null 2>&1 || die "curl is needed"
command -v "$DIST_BIN" >/dev/null 2>&1 || die "$DIST_BIN not found: apt-get install docker-registry (Distribution 2.8.2)"
[ -f "$REGBENCH_SRC/main.go" ] || die "regbench sources not found in $REGBENCH_SRC (set REGBENCH_SRC)"
[ -x "$ROOT/wharf" ] || die "$ROOT/wharf not found: bench/ must live in a Wharf checkout"

SELECTED=()
if [ "${BENCH_SCENARIOS:-all}" = all ]; then
  SELECTED=("${ALL_IDS[@]}")
else
  for want in ${BENCH_SCENARIOS//,/ }; do
    case "$want" in
      push-blobs) want="push-1m push-256m" ;;
      push-1m | push-256m | push-chunked | pull-blobs | manifests | tags-list | mixed) ;;
      *) die "unknown scenario '$want' (have: ${ALL_IDS[*]}, push-blobs)" ;;
    esac
    for w in $want; do
      case " ${SELECTED[*]:-} " in *" $w "*) ;; *) SELECTED+=("$w") ;; esac
    done
  done
  # Keep the reference order.
  ordered=()
  for id in "${ALL_IDS[@]}"; do
    case " ${SELECTED[*]} " in *" $id "*) ordered+=("$id") ;; esac
  done
  SELECTED=("${ordered[@]}")
fi
[ "${#SELECTED[@]}" -gt 0 ] || die "BENCH_SCENARIOS selects nothing"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0 || return 1; }
for p in "$DIST_PORT" "$WHARF_REGISTRY_PORT" "$WHARF_NOTIFIER_PORT" "$WHARF_DEPLOYER_PORT" \
  "$WHARF_KAFKA_PORT" "$WHARF_KAFKA_CONTROLLER_PORT"; do
  port_busy "$p" && die "port $p is already in use (see the port settings at the top of bench/run.sh)"
done

# ---------------------------------------------------------------- scenarios

# scenario_args ID measured|warmup: regbench arguments. The measured settings are the reference list of
# shared/bench/regbench/README.md; BENCH_QUICK shrinks n. Warm-ups (Wharf only) run the same scenario,
# shorter, on their own repository and content (-seed), so the measured pass still starts on an empty repository.
scenario_args() {
  local id=$1 mode=$2 d=$DURATION w=$WARMUP_DURATION
  if [ "$mode" = measured ]; then
    if [ "$QUICK" = 1 ]; then
      case "$id" in
        push-1m) echo "-scenario push-blobs -c 4 -n 20 -size 1MiB" ;;
        push-256m) echo "-scenario push-blobs -c 2 -n 2 -size 256MiB" ;;
        push-chunked) echo "-scenario push-chunked -c 4 -n 8 -size 16MiB -chunk 4MiB" ;;
        pull-blobs) echo "-scenario pull-blobs -c 8 -n 10 -size 1MiB -duration $d" ;;
        manifests) echo "-scenario manifests -c 16 -n 20 -duration $d" ;;
        tags-list) echo "-scenario tags-list -c 4 -n 250 -duration $d" ;;
        mixed) echo "-scenario mixed -c 8 -n 10 -size 256KiB -duration $d" ;;
      esac
    else
      case "$id" in
        push-1m) echo "-scenario push-blobs -c 4 -n 200 -size 1MiB" ;;
        push-256m) echo "-scenario push-blobs -c 2 -n 4 -size 256MiB" ;;
        push-chunked) echo "-scenario push-chunked -c 4 -n 40 -size 16MiB -chunk 4MiB" ;;
        pull-blobs) echo "-scenario pull-blobs -c 8 -n 50 -size 1MiB -duration $d" ;;
        manifests) echo "-scenario manifests -c 16 -n 100 -duration $d" ;;
        tags-list) echo "-scenario tags-list -c 4 -n 1000 -duration $d" ;;
        mixed) echo "-scenario mixed -c 8 -n 50 -size 256KiB -duration $d" ;;
      esac
    fi
  else
    local rep="-repo warmup/$id -seed 4242"
    if [ "$QUICK" = 1 ]; then
      case "$id" in
        push-1m) echo "$rep -scenario push-blobs -c 4 -n 10 -size 1MiB" ;;
        push-256m) echo "$rep -scenario push-blobs -c 2 -n 2 -size 16MiB" ;;
        push-chunked) echo "$rep -scenario push-chunked -c 4 -n 4 -size 16MiB -chunk 4MiB" ;;
        pull-blobs) echo "$rep -scenario pull-blobs -c 8 -n 5 -size 1MiB -duration $w" ;;
        manifests) echo "$rep -scenario manifests -c 16 -n 10 -duration $w" ;;
        tags-list) echo "$rep -scenario tags-list -c 4 -n 150 -duration $w" ;;
        mixed) echo "$rep -scenario mixed -c 8 -n 5 -size 256KiB -duration $w" ;;
      esac
    else
      case "$id" in
        push-1m) echo "$rep -scenario push-blobs -c 4 -n 1200 -size 1MiB" ;;
        push-256m) echo "$rep -scenario push-blobs -c 2 -n 8 -size 64MiB" ;;
        push-chunked) echo "$rep -scenario push-chunked -c 4 -n 60 -size 16MiB -chunk 4MiB" ;;
        pull-blobs) echo "$rep -scenario pull-blobs -c 8 -n 20 -size 1MiB -duration $w" ;;
        manifests) echo "$rep -scenario manifests -c 16 -n 30 -duration $w" ;;
        tags-list) echo "$rep -scenario tags-list -c 4 -n 300 -duration $w" ;;
        mixed) echo "$rep -scenario mixed -c 8 -n 20 -size 256KiB -duration $w" ;;
      esac
    fi
  fi
}

# ---------------------------------------------------------------- state and cleanup

TMP=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/wharf-bench.XXXXXX")
LOGS=$TMP/logs
JSONL=$TMP/results.jsonl
mkdir -p "$LOGS"
: >"$JSONL"
DIST_PID=
NGINX_PID=
S3_PID=
WHARF_DATA=
DIST_DIR=

stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

drop_db() {
  # Only a PostgreSQL that already runs (WHARF_PG_*) keeps a database between runs; an embedded one lives
  # in the temporary data directory.
  command -v psql >/dev/null 2>&1 || return 0
  PGPASSWORD=${WHARF_PG_PASSWORD:-} PGCONNECT_TIMEOUT=5 psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres \
    -c "DROP DATABASE IF EXISTS $WHARF_DB WITH (FORCE)" >/dev/null 2>&1 || true
}

wharf_cmd() { WHARF_DATA_DIR=$WHARF_DATA "$ROOT/wharf" "$@"; }

stop_wharf() {
  [ -n "$WHARF_DATA" ] || return 0
  wharf_cmd down >>"$LOGS/wharf-down.log" 2>&1 || true
  drop_db
  rm -rf "$WHARF_DATA"
  WHARF_DATA=
}

stop_distribution() {
  stop_pid "$NGINX_PID"; NGINX_PID=
  stop_pid "$DIST_PID"; DIST_PID=
  [ -z "$DIST_DIR" ] || rm -rf "$DIST_DIR"
  DIST_DIR=
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  [ "$rc" = 0 ] || say "bench: stopping (exit $rc): stopping what was started, removing temporary files" >&2
  stop_distribution
  stop_wharf
  stop_pid "$S3_PID"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    say "bench: kept $TMP" >&2
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- regbench

say "bench: building regbench from $REGBENCH_SRC"
cp -r "$REGBENCH_SRC" "$TMP/regbench-src"
chmod -R u+w "$TMP/regbench-src"
(cd "$TMP/regbench-src" && GOFLAGS=-mod=mod GOPROXY=off go build -o "$TMP/regbench" .) || die "regbench did not build"
REGBENCH=$TMP/regbench

# ---------------------------------------------------------------- S3 (BENCH_STORAGE=s3)

S3_DATA=$TMP/s3
if [ "$STORAGE" = s3 ]; then
  port_busy "$S3_PORT" && die "port $S3_PORT is already in use (BENCH_S3_PORT)"
  infra_jar=$ROOT/local-infra/target/local-infra-0.1.0-SNAPSHOT.jar
  [ -f "$infra_jar" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package) || die "Wharf did not build"
  WHARF_DATA_DIR=$TMP WHARF_S3_PORT=$S3_PORT WHARF_S3_ACCESS_KEY=$S3_ACCESS_KEY WHARF_S3_SECRET_KEY=$S3_SECRET_KEY \
    java -Xmx1g -cp "$infra_jar:$ROOT/local-infra/target/lib/*" io.wharf.infra.LocalInfraMain s3 >"$LOGS/s3.log" 2>&1 </dev/null &
  S3_PID=$!
  for _ in $(seq 1 120); do grep -qs READY "$LOGS/s3.log" && break; kill -0 "$S3_PID" 2>/dev/null || break; sleep 0.5; done
  grep -q READY "$LOGS/s3.log" || { tail -n 20 "$LOGS/s3.log" >&2; die "the S3 server did not start"; }
  say "bench: S3 server (S3Proxy, PID $S3_PID) on 127.0.0.1:$S3_PORT, objects in $S3_DATA; redirects $S3_REDIRECT"
fi
# new_bucket NAME: an empty bucket (S3Proxy keeps a bucket as a directory of its data directory).
new_bucket() { rm -rf "${S3_DATA:?}/$1"; mkdir -p "$S3_DATA/$1"; }

record_failure() { # target id run warmup(true|false) message (no quotes)
  printf '{"target":"%s","id":"%s","run":%d,"warmup":%s,"rc":-1,"error":"%s"}\n' "$1" "$2" "$3" "$4" "$5" >>"$JSONL"
}

regbench_run() { # target id run warmup(0|1) extra-python-args... -- regbench-args...
  local target=$1 id=$2 run=$3 warm=$4
  shift 4
  local w=()
  [ "$warm" = 1 ] && w=(--warmup)
  python3 "$LIB" run --regbench "$REGBENCH" --jsonl "$JSONL" --target "$target" --id "$id" --run "$run" "${w[@]}" "$@" \
    || say "    (regbench failed; recorded, continuing)"
}

wait_v2() { # port pid seconds
  local deadline=$((SECONDS + $3)) code
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/v2/" || true)
    case "$code" in 200 | 401) return 0 ;; esac
    kill -0 "$2" 2>/dev/null || return 1
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# ---------------------------------------------------------------- Distribution (+ nginx ceiling)

bench_distribution() { # id run
  local id=$1 run=$2 args
  args=$(scenario_args "$id" measured)
  DIST_DIR=$TMP/dist-$id-$run
  mkdir -p "$DIST_DIR/reg-data"
  local store="filesystem: {rootdirectory: $DIST_DIR/reg-data}" redirect=""
  if [ "$STORAGE" = s3 ]; then
    new_bucket "dist-$id-$run"
    store="s3: {accesskey: $S3_ACCESS_KEY, secretkey: $S3_SECRET_KEY, region: us-east-1, regionendpoint: \"http://127.0.0.1:$S3_PORT\", bucket: dist-$id-$run, secure: false, v4auth: true, chunksize: 10485760}"
    [ "$S3_REDIRECT" = true ] || redirect="redirect: {disable: true}"
  fi
  cat >"$DIST_DIR/reg-config.yml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  $store
  delete: {enabled: true}
  cache: {blobdescriptor: inmemory}
  $redirect
http: {addr: 127.0.0.1:$DIST_PORT}
EOF
  # AWS_CA_BUNDLE (set on some machines) makes Distribution's AWS SDK refuse its own HTTP transport and panic.
  env -u AWS_CA_BUNDLE "$DIST_BIN" serve "$DIST_DIR/reg-config.yml" >"$LOGS/distribution-$id-$run.log" 2>&1 </dev/null &
  DIST_PID=$!
  if ! wait_v2 "$DIST_PORT" "$DIST_PID" 30; then
    tail -n 20 "$LOGS/distribution-$id-$run.log" >&2 || true
    record_failure distribution "$id" "$run" false "Distribution did not start (log distribution-$id-$run.log)"
    stop_distribution
    return
  fi
  say "  Distribution 2.8.2 (PID $DIST_PID, fresh empty storage): regbench $args"
  # shellcheck disable=SC2086
  regbench_run distribution "$id" "$run" 0 -- -url "http://127.0.0.1:$DIST_PORT" -server-pid "$DIST_PID" -json $args
  stop_pid "$DIST_PID"; DIST_PID=
  if [ "$id" = pull-blobs ] && [ "$STORAGE" = filesystem ] && command -v nginx >/dev/null 2>&1; then
    nginx_ceiling "$run" "$args"
  fi
  stop_distribution
}

# nginx serving Distribution's own blob files at registry URLs: the same client and data, no registry logic.
nginx_ceiling() { # run args
  local run=$1 args=$2 dir=$DIST_DIR/nginx
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /v2/ { default_type application/json; return 200 '{}'; }
    location ~ "^/v2/.+/blobs/sha256:(([0-9a-f]{2})[0-9a-f]{62})\$" {
      alias $DIST_DIR/reg-data/docker/registry/v2/blobs/sha256/\$2/\$1/data;
    }
  }
}
EOF
  nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" >"$LOGS/nginx-$run.log" 2>&1 </dev/null &
  NGINX_PID=$!
  if ! wait_v2 "$NGINX_PORT" "$NGINX_PID" 15; then
    tail -n 20 "$LOGS/nginx-$run.log" "$dir/error.log" >&2 2>/dev/null || true
    record_failure nginx pull-blobs "$run" false "nginx did not start (log nginx-$run.log)"
    stop_pid "$NGINX_PID"; NGINX_PID=
    return
  fi
  say "  nginx ceiling (PID $NGINX_PID, 1 process, sendfile, Distribution's blob files): regbench $args"
  # shellcheck disable=SC2086
  regbench_run nginx pull-blobs "$run" 0 -- -url "http://127.0.0.1:$NGINX_PORT" -server-pid "$NGINX_PID" -json $args
  stop_pid "$NGINX_PID"; NGINX_PID=
}

# ---------------------------------------------------------------- Wharf's events (outbox → Kafka)

EVENTS_MD=$TMP/events.md
: >"$EVENTS_MD"
RELAY_EVENTS=${BENCH_RELAY_EVENTS:-20000}
[[ "$RELAY_EVENTS" =~ ^[0-9]+$ ]] || die "BENCH_RELAY_EVENTS must be a number (got '$RELAY_EVENTS')"

wharf_sql() { # sql: one query on the benchmark database, unaligned output
  PGPASSWORD=${WHARF_PG_PASSWORD:-} PGCONNECT_TIMEOUT=5 psql -X -q -A -t -F ' ' -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" \
    -d "$WHARF_DB" -v ON_ERROR_STOP=1 -c "$1"
}

# True when the events can be read: the benchmark database is on the PostgreSQL server (not embedded).
events_readable() {
  command -v psql >/dev/null 2>&1 && [ ! -f "$WHARF_DATA/postgres/postmaster.pid" ] \
    && wharf_sql "SELECT 1 FROM registry.registry_event LIMIT 1" >/dev/null 2>&1
}

# Waits until the outbox holds no unpublished row (60 s at most); prints how many are left.
outbox_drained() {
  local deadline=$((SECONDS + 60)) left
  while :; do
    left=$(wharf_sql "SELECT count(*) FROM registry.registry_event WHERE published_at IS NULL")
    { [ "$left" = 0 ] || [ "$SECONDS" -ge "$deadline" ]; } && { echo "$left"; return; }
    sleep 0.2
  done
}

# events_latency id run: push → on Kafka latency of the measured pass's events (warm-up repositories
# excluded), from the outbox's own stamps: published_at (database clock once the broker acknowledged)
# minus occurred_at (the event's time, taken in the request's transaction).
events_latency() {
  local id=$1 run=$2 left rows
  left=$(outbox_drained)
  rows=$(wharf_sql "
    SELECT CASE WHEN type = 'io.wharf.artifact.pulled' THEN 'pulls' ELSE 'changes' END AS kind,
           count(*),
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 0),
           round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 0),
           round(max(ms)::numeric, 0),
           round(count(*) / greatest(extract(epoch FROM max(occurred_at) - min(occurred_at)), 1)::numeric, 1)
    FROM (SELECT type, occurred_at, extract(epoch FROM published_at - occurred_at) * 1000 AS ms
          FROM registry.registry_event WHERE repository NOT LIKE 'warmup/%' AND published_at IS NOT NULL) e
    GROUP BY 1 ORDER BY 1")
  [ -n "$rows" ] || return 0
  while read -r kind n p50 p99 max rate; do
    printf '| %s | %s | %s | %s | %s ms | %s ms | %s ms | %s |\n' "$id" "$run" "$kind" "$n" "$p50" "$p99" "$max" "$rate" >>"$EVENTS_MD.latency"
  done <<<"$rows"
  say "    events: $(echo "$rows" | tr '\n' ';') ($left unpublished after 60 s)"
}

# relay_drain run repositories: writes RELAY_EVENTS copies of a pushed event into the outbox in one
# transaction, spread over `repositories` repositories, and times the relay until all are published.
# Events per second = rows / (last published_at - commit time). The relay sends one repository's rows
# one after another (order per repository), different repositories concurrently.
relay_drain() {
  local run=$1 repos=$2 t0 left rate
  [ "$RELAY_EVENTS" -gt 0 ] || return 0
  t0=$(wharf_sql "
    INSERT INTO registry.registry_event (id, type, repository, project, subject, digest, tag, actor, occurred_at, data)
    SELECT gen_random_uuid(), e.type, 'relaybench/r' || (g % $repos), 'relaybench', e.subject, e.digest, e.tag, e.actor, clock_timestamp(),
           jsonb_set(jsonb_set(e.data::jsonb, '{repository}', to_jsonb('relaybench/r' || (g % $repos))), '{project}', '\"relaybench\"')::text
    FROM (SELECT * FROM registry.registry_event WHERE type = 'io.wharf.artifact.pushed' ORDER BY seq DESC LIMIT 1) e,
         generate_series(1, $RELAY_EVENTS) g;
    SELECT extract(epoch FROM clock_timestamp())")
  left=$(outbox_drained)
  rate=$(wharf_sql "SELECT round(count(*) / extract(epoch FROM max(published_at) - to_timestamp($t0))::numeric, 0)
    FROM registry.registry_event WHERE repository LIKE 'relaybench/%' AND published_at IS NOT NULL")
  printf '| %s | %s | %s | %s events/s | %s |\n' "$run" "$RELAY_EVENTS" "$repos" "$rate" "$left" >>"$EVENTS_MD.relay"
  say "    relay drain: $RELAY_EVENTS rows over $repos repositories: $rate events/s ($left unpublished after 60 s)"
  wharf_sql "DELETE FROM registry.registry_event WHERE repository LIKE 'relaybench/%'" >/dev/null
}

# ---------------------------------------------------------------- Wharf

# jit_ticks pid: "<ticks of the JVM's JIT compiler threads> <ticks of the whole process>" (utime+stime)
jit_ticks() {
  local pid=$1 jit=0 line f
  for f in /proc/"$pid"/task/*/stat; do
    line=$(cat "$f" 2>/dev/null) || continue
    case "$line" in
      *"(C1 CompilerThre)"* | *"(C2 CompilerThre)"*)
        # shellcheck disable=SC2086
        set -- ${line##*) }
        jit=$((jit + ${12} + ${13})) ;;
    esac
  done
  line=$(cat /proc/"$pid"/stat)
  # shellcheck disable=SC2086
  set -- ${line##*) }
  echo "$jit $((${12} + ${13}))"
}

WHARF_STARTS=0
bench_wharf() { # id run
  local id=$1 run=$2 args wargs pid
  args=$(scenario_args "$id" measured)
  wargs=$(scenario_args "$id" warmup)
  WHARF_DATA=$TMP/wharf-$id-$run
  mkdir -p "$WHARF_DATA"
  drop_db
  if [ "$WHARF_STARTS" = 0 ]; then
    say "  Wharf: ./wharf up (builds the jars first when they are missing: a few minutes)"
  fi
  WHARF_STARTS=$((WHARF_STARTS + 1))
  local t0=$SECONDS storage=()
  if [ "$STORAGE" = s3 ]; then
    storage=(WHARF_STORAGE=s3 WHARF_S3_ENDPOINT=http://127.0.0.1:$S3_PORT WHARF_S3_BUCKET=wharf-$id-$run WHARF_S3_ACCESS_KEY=$S3_ACCESS_KEY
      WHARF_S3_SECRET_KEY=$S3_SECRET_KEY WHARF_S3_PART_SIZE=10485760 WHARF_S3_REDIRECT=$S3_REDIRECT)
  fi
  if ! env "${storage[@]}" WHARF_DATA_DIR="$WHARF_DATA" "$ROOT/wharf" up >"$LOGS/wharf-up-$id-$run.log" 2>&1; then
    tail -n 30 "$LOGS/wharf-up-$id-$run.log" >&2 || true
    grep -q 'the build failed' "$LOGS/wharf-up-$id-$run.log" && die "Wharf did not build (see above)"
    record_failure wharf "$id" "$run" false "Wharf did not start (./wharf up failed; log wharf-up-$id-$run.log)"
    stop_wharf
    return
  fi
  pid=$(cat "$WHARF_DATA/run/registry.pid")
  local support=(--support "infra=$(cat "$WHARF_DATA/run/infra.pid")" --support "notifier=$(cat "$WHARF_DATA/run/notifier.pid")"
    --support "deployer=$(cat "$WHARF_DATA/run/deployer.pid")")
  if [ -f "$WHARF_DATA/postgres/postmaster.pid" ]; then
    support+=(--pg-postmaster "$(head -1 "$WHARF_DATA/postgres/postmaster.pid")")
  elif command -v psql >/dev/null 2>&1; then
    support+=(--pg-db "$WHARF_DB")
  fi
  local auth=(-user "$WHARF_ADMIN_USER" -pass "${WHARF_ADMIN_PASSWORD:-$(cat "$WHARF_DATA/admin-password" 2>/dev/null || true)}")
  say "  Wharf (registry PID $pid, fresh data dir and database '$WHARF_DB', up in $((SECONDS - t0))s)"
  say "    warm-up (untimed, not in the results): regbench $wargs"
  # A JVM compiles its hot code over its first few thousand requests: the warm-up is repeated, with new
  # content each time, until the JIT compiler threads' share of the registry's CPU has fallen below
  # BENCH_JIT_SETTLED percent, so that the measured pass shows the steady state a long-running registry has.
  local pass=1 jit0 all0 jit1 all1 share
  while :; do
    read -r jit0 all0 <<<"$(jit_ticks "$pid")"
    # shellcheck disable=SC2086
    regbench_run wharf "$id" "$run" 1 -- -url "http://127.0.0.1:$WHARF_REGISTRY_PORT" -server-pid "$pid" -json "${auth[@]}" \
      $wargs -seed $((4242 + pass))
    kill -0 "$pid" 2>/dev/null || break
    read -r jit1 all1 <<<"$(jit_ticks "$pid")"
    share=0
    [ $((all1 - all0)) -gt 0 ] && share=$(((jit1 - jit0) * 100 / (all1 - all0)))
    say "    warm-up pass $pass: the JIT compiler threads used ${share}% of the registry's CPU"
    printf '%s\t%s\t%s\t%s\n' "$id" "$run" "$pass" "$share" >>"$TMP/jit-passes"
    if [ "$share" -lt "$JIT_SETTLED" ] || [ "$pass" -ge "$WARMUP_MAX_PASSES" ]; then
      break
    fi
    pass=$((pass + 1))
  done
  say "    measured: regbench $args"
  # shellcheck disable=SC2086
  regbench_run wharf "$id" "$run" 0 "${support[@]}" -- -url "http://127.0.0.1:$WHARF_REGISTRY_PORT" -server-pid "$pid" -json "${auth[@]}" $args
  if kill -0 "$pid" 2>/dev/null && events_readable; then
    events_latency "$id" "$run"
    if [ "$id" = mixed ]; then
      relay_drain "$run" 1
      relay_drain "$run" 50
    fi
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    say "    Wharf's registry process is gone: last lines of its log:"
    tail -n 20 "$WHARF_DATA/logs/registry.log" >&2 || true
  fi
  cp "$WHARF_DATA/logs/registry.log" "$LOGS/wharf-registry-$id-$run.log" 2>/dev/null || true
  # Distinct WARN/ERROR messages of Wharf's registry (startup included) go to the report's notes.
  grep -E '^[0-9-]+ [0-9:,.]+ +(WARN|ERROR) ' "$WHARF_DATA/logs/registry.log" 2>/dev/null \
    | sed -E 's/^[0-9-]+ [0-9:,.]+ +//; s/\((vert\.x|executor|main)[^)]*\) //' | cut -c1-220 \
    | sed "s/^/$id\t/" >>"$TMP/wharf-log-lines" || true
  stop_wharf
}

# ---------------------------------------------------------------- main

say "bench: $RUNS run(s) of: ${SELECTED[*]}$([ "$QUICK" = 1 ] && echo '  (BENCH_QUICK=1: smoke-run sizes)')"
say "bench: Wharf gets untimed warm-up passes of each scenario right before its measured pass, until its JIT has settled (< $JIT_SETTLED % of its CPU, at most $WARMUP_MAX_PASSES passes); Distribution none."
for run in $(seq 1 "$RUNS"); do
  for id in "${SELECTED[@]}"; do
    say ""
    say "== run $run/$RUNS: $id"
    # Alternate which target goes first, so that slow drift on the machine does not always favour one.
    if [ $((run % 2)) = 1 ]; then
      bench_distribution "$id" "$run"
      bench_wharf "$id" "$run"
    else
      bench_wharf "$id" "$run"
      bench_distribution "$id" "$run"
    fi
  done
done

# ---------------------------------------------------------------- report

git_rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
mem=$(awk '/^MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo 2>/dev/null || true)
rb_sum=$(sha256sum "$REGBENCH_SRC/main.go" | cut -c1-12)
if [ "$QUICK" = 1 ]; then mode="BENCH_QUICK=1 (smoke run: small n, short phases; not comparable with the reference)"; else mode="reference settings"; fi
pg_where="the PostgreSQL on $PG_HOST:$PG_PORT if it accepts '$PG_USER', else an embedded one in the data directory"

echo ""
mkdir -p "$(dirname "$OUT")"
python3 "$LIB" report --jsonl "$JSONL" --out "$OUT" --runs "$RUNS" --wharf-log-lines "$TMP/wharf-log-lines" \
  --jit-passes "$TMP/jit-passes" \
  --header "Date|$(date '+%Y-%m-%d %H:%M %Z')" \
  --header "Host|$(nproc) CPUs ($cpu_model), $mem, $(uname -r)" \
  --header "Wharf|$(basename "$ROOT") at \`$git_rev\`; registry on 127.0.0.1:$WHARF_REGISTRY_PORT; \`./wharf up\` runs Kafka, PostgreSQL ($pg_where), the registry, notifier and deployer" \
  --header "Distribution|$("$DIST_BIN" --version 2>/dev/null | head -1), the config of the regbench README, on 127.0.0.1:$DIST_PORT" \
  --header "regbench|main.go sha256 \`$rb_sum…\`, \`-json\`, \`-server-pid\` = the registry process (Wharf: the registry-service JVM from \`run/registry.pid\`)" \
  --header "Mode|$mode; $RUNS run(s); timed phases $DURATION; scenarios: ${SELECTED[*]}" \
  --header "Treatment|every scenario of every run gets a freshly started target: Distribution with empty storage, Wharf with an empty \`WHARF_DATA_DIR\` and a dropped \`$WHARF_DB\` database. Runs alternate which target goes first." \
  --header "Warm-up|**Wharf (a JVM) gets untimed warm-up passes of each scenario** right before the measured pass (same scenario, smaller n, $WARMUP_DURATION phases, its own repository, new content each pass), repeated until its JIT compiler threads use less than $JIT_SETTLED % of its CPU in a pass (at most $WARMUP_MAX_PASSES passes); Distribution gets none. Warm-ups are not in the results." \
  --header "Storage|$([ "$STORAGE" = s3 ] && echo "S3: both registries on one S3Proxy ($(basename "$(ls "$ROOT"/local-infra/target/lib/s3proxy-*.jar 2>/dev/null | head -1)" .jar), filesystem backend) on 127.0.0.1:$S3_PORT, a new bucket per scenario and target, 10 MiB parts, redirects $S3_REDIRECT; the S3 server's CPU is in neither registry's figures" || echo "filesystem (each target's own directory)")" \
  --header "Caveat|a 2-core machine shared with other work: wall-clock figures are noisy (see *other procs*); CPU per unit is the steadier figure"
if [ -s "$EVENTS_MD.latency" ] || [ -s "$EVENTS_MD.relay" ]; then
  {
    echo ""
    echo "## Wharf's events: push → Kafka, and the relay's drain rate"
    echo ""
    echo "From the outbox's own stamps, read before Wharf stops: published_at (database clock, after the broker's ack) minus occurred_at (the event's time, in the request's transaction). Warm-up repositories excluded. *changes*: pushes, tags, deletions; *pulls*: \`artifact.pulled\`, aggregated by design (one event per repository, digest, tag and caller per flush interval), so their latency includes up to one flush interval."
    if [ -s "$EVENTS_MD.latency" ]; then
      echo ""
      echo "| scenario | run | events | n | p50 | p99 | max | events/s written |"
      echo "|---|---|---|---|---|---|---|---|"
      cat "$EVENTS_MD.latency"
    fi
    if [ -s "$EVENTS_MD.relay" ]; then
      echo ""
      echo "Relay drain after the mixed pass: a backlog written into the outbox in one transaction, timed until the last row is published (acks=all)."
      echo ""
      echo "| run | rows | repositories | drain rate | unpublished after 60 s |"
      echo "|---|---|---|---|---|"
      cat "$EVENTS_MD.relay"
    fi
  } >>"$OUT"
fi
cp "$JSONL" "${OUT%.md}.jsonl"
say ""
say "bench: report written to $OUT (raw regbench JSON: ${OUT%.md}.jsonl)"
