#!/usr/bin/env bash
# bench/instances.sh — one registry instance against two, both on S3 behind nginx: regbench's mixed and
# pull-blobs scenarios through nginx with one upstream (instance A alone) and with two (A and B, round
# robin), in turns. Reports throughput and the CPU of each registry process and of nginx over the timed
# phase, so that what a second instance buys on this machine is seen with what it costs.
#
# `./wharf up` with WHARF_STORAGE=s3 and WHARF_SECOND_REGISTRY=1 on the ports below, its S3 server
# (S3Proxy from local-infra, started alone with `LocalInfraMain s3`), Debian's nginx (apt-get install nginx).
#
# Settings: INSTANCES_RUNS=2 (turns of one/two per scenario), INSTANCES_DURATION=30s, INSTANCES_WARMUP=60s,
#           INSTANCES_OUT=bench/results/instances-<date>.md, REGBENCH_SRC (../shared/bench/regbench),
#           INSTANCES_PORT_BASE=5500 (registry +0, notifier +1, deployer +2, registry2 +10, nginx +20,
#           mail +25/+26, S3 +30, Kafka +92/+93).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RUNS=${INSTANCES_RUNS:-2}
DURATION=${INSTANCES_DURATION:-30s}
WARMUP=${INSTANCES_WARMUP:-60s}
OUT=${INSTANCES_OUT:-$BENCH_DIR/results/instances-$(date +%Y-%m-%d-%H%M%S).md}
REGBENCH_SRC=${REGBENCH_SRC:-$ROOT/../shared/bench/regbench}
BASE=${INSTANCES_PORT_BASE:-5500}
NGINX_PORT=$((BASE + 20)) S3_PORT=$((BASE + 30))

export WHARF_REGISTRY_PORT=$BASE WHARF_NOTIFIER_PORT=$((BASE + 1)) WHARF_DEPLOYER_PORT=$((BASE + 2))
export WHARF_SECOND_REGISTRY=1 WHARF_REGISTRY2_PORT=$((BASE + 10))
export WHARF_MAIL_CATCHER_SMTP_PORT=$((BASE + 25)) WHARF_MAIL_CATCHER_HTTP_PORT=$((BASE + 26))
export WHARF_KAFKA_PORT=$((BASE + 92)) WHARF_KAFKA_CONTROLLER_PORT=$((BASE + 93))
export WHARF_DB=wharf_instances WHARF_STORAGE=s3 WHARF_S3_ENDPOINT=http://127.0.0.1:$S3_PORT WHARF_S3_BUCKET=instances
export WHARF_S3_ACCESS_KEY=bench WHARF_S3_SECRET_KEY=bench-secret-key
export WHARF_AUTH_RATE_LIMIT_AUTHENTICATED=1000000000 WHARF_AUTH_RATE_LIMIT_AUTHENTICATED_DAILY=1000000000

say() { printf '%s\n' "$*"; }
die() { printf 'instances: %s\n' "$*" >&2; exit 1; }
command -v nginx >/dev/null 2>&1 || die "nginx is needed (apt-get install nginx)"
command -v go >/dev/null 2>&1 || die "go is needed to build regbench (apt-get install golang-go)"

TMP=$(mktemp -d /tmp/wharf-instances.XXXXXX)
export WHARF_DATA_DIR=$TMP/wharf
S3_PID= NGINX_PID=
cleanup() {
  set +e
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  "$ROOT/wharf" down >/dev/null 2>&1
  [ -n "$S3_PID" ] && kill "$S3_PID" 2>/dev/null && wait "$S3_PID" 2>/dev/null
  psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $WHARF_DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

cp -r "$REGBENCH_SRC" "$TMP/regbench-src" && chmod -R u+w "$TMP/regbench-src"
(cd "$TMP/regbench-src" && GOFLAGS=-mod=mod GOPROXY=off go build -o "$TMP/regbench" .) || die "regbench did not build"

[ -f "$ROOT/local-infra/target/local-infra-0.1.0-SNAPSHOT.jar" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package)
WHARF_DATA_DIR=$TMP WHARF_S3_PORT=$S3_PORT java -Xmx1g \
  -cp "$ROOT/local-infra/target/local-infra-0.1.0-SNAPSHOT.jar:$ROOT/local-infra/target/lib/*" io.wharf.infra.LocalInfraMain s3 \
  >"$TMP/s3.log" 2>&1 </dev/null &
S3_PID=$!
for _ in $(seq 1 120); do grep -qs READY "$TMP/s3.log" && break; sleep 0.5; done
grep -qs READY "$TMP/s3.log" || die "the S3 server did not start"
"$ROOT/wharf" up >"$TMP/up.log" 2>&1 || { tail -n 30 "$TMP/up.log" >&2; die "./wharf up failed"; }
A=$(cat "$WHARF_DATA_DIR/run/registry.pid") B=$(cat "$WHARF_DATA_DIR/run/registry2.pid")
AUTH=(-user admin -pass "$(cat "$WHARF_DATA_DIR/admin-password")")

# nginx_with N: nginx in front of instance A alone (1) or of A and B, round robin (2).
nginx_with() {
  [ -n "$NGINX_PID" ] && { kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; }
  local dir=$TMP/nginx servers="server 127.0.0.1:$WHARF_REGISTRY_PORT;"
  [ "$1" = 2 ] && servers="$servers server 127.0.0.1:$WHARF_REGISTRY2_PORT;"
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  upstream wharf { $servers keepalive 32; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    client_max_body_size 0;
    location / {
      proxy_pass http://wharf;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_request_buffering off;
      proxy_buffering off;
    }
  }
}
EOF
  nginx -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' >"$dir/stdout.log" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq 1 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/v2/")" = 401 ] && return; sleep 0.1; done
  die "nginx did not start ($(cat "$dir/error.log" 2>/dev/null))"
}

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# ticks_tree PID: the process and its children (nginx's master does no proxying; its worker does).
ticks_tree() { local t c; t=$(ticks "$1"); for c in $(pgrep -P "$1"); do t=$((t + $(ticks "$c"))); done; echo "$t"; }
HZ=$(getconf CLK_TCK)

ROWS=$TMP/rows
: >"$ROWS"
# measure SCENARIO-NAME N REGBENCH-ARGS...: one timed pass through nginx with N instances behind it.
measure() {
  local name=$1 n=$2
  shift 2
  nginx_with "$n"
  local a0 b0 x0 a1 b1 x1 out
  a0=$(ticks "$A") b0=$(ticks "$B") x0=$(ticks_tree "$NGINX_PID")
  out=$("$TMP/regbench" -url "http://127.0.0.1:$NGINX_PORT" "${AUTH[@]}" -json "$@" 2>"$TMP/summary")
  a1=$(ticks "$A") b1=$(ticks "$B") x1=$(ticks_tree "$NGINX_PID")
  say "  $n instance(s): $(cat "$TMP/summary")"
  python3 - "$name" "$n" "$(((a1 - a0)))" "$(((b1 - b0)))" "$(((x1 - x0)))" "$HZ" "$out" >>"$ROWS" <<'PY'
import json, sys
name, n, a, b, x, hz, out = sys.argv[1:]
r = json.loads(out)
reqs = r["requests"]
rate = r["requests_per_s"]
a, b, x, hz = int(a) / int(hz), int(b) / int(hz), int(x) / int(hz), int(hz)
per_k = (a + b) / reqs * 1000 if reqs else 0
print(f"| {name} | {n} | {rate:.0f} req/s | {a:.1f} | {b:.1f} | {per_k:.2f} | {x:.1f} |")
PY
}

MIXED=(-scenario mixed -c 8 -n 50 -size 256KiB -duration "$DURATION")
PULL=(-scenario pull-blobs -c 8 -n 50 -size 1MiB -duration "$DURATION")
say "instances: warming both instances up (mixed and pull-blobs through nginx over both, $WARMUP each)"
nginx_with 2
"$TMP/regbench" -url "http://127.0.0.1:$NGINX_PORT" "${AUTH[@]}" -repo warm/mixed -scenario mixed -c 8 -n 20 -size 256KiB -duration "$WARMUP" >/dev/null 2>&1
"$TMP/regbench" -url "http://127.0.0.1:$NGINX_PORT" "${AUTH[@]}" -repo warm/pull -scenario pull-blobs -c 8 -n 20 -size 1MiB -duration "$WARMUP" >/dev/null 2>&1
for run in $(seq 1 "$RUNS"); do
  for scenario in mixed pull-blobs; do
    say "run $run: $scenario"
    if [ "$scenario" = mixed ]; then args=("${MIXED[@]}"); else args=("${PULL[@]}"); fi
    # Alternate which goes first, so that drift on the machine does not favour one.
    if [ $((run % 2)) = 1 ]; then order="1 2"; else order="2 1"; fi
    for n in $order; do measure "$scenario" "$n" "${args[@]}"; done
  done
done

mkdir -p "$(dirname "$OUT")"
{
  echo "# One registry instance against two (S3, behind nginx)"
  echo ""
  echo "- Date: $(date '+%Y-%m-%d %H:%M %Z'); host: $(nproc) CPUs, $(awk '/^MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); Wharf at \`$(git -C "$ROOT" describe --always --dirty)\`"
  echo "- Both instances run all the time (B idle when nginx has one upstream); S3Proxy, PostgreSQL, Kafka, the notifier and the deployer share the same 2 cores."
  echo "- regbench through nginx (1 worker, keepalive to the upstreams); timed phases $DURATION; warm-up $WARMUP of each scenario over both instances first."
  echo ""
  echo "| scenario | instances | throughput | registry A CPU-s | registry B CPU-s | registries' CPU-s / 1k req | nginx CPU-s |"
  echo "|---|---|---|---|---|---|---|"
  cat "$ROWS"
} >"$OUT"
say "instances: report in $OUT"
cat "$OUT"
