#!/usr/bin/env bash
# bench/scale.sh — how Wharf's read and write latencies grow with its data (issue 25), against
# Distribution 2.8.2 (Debian's docker-registry) where it has the same operation. See bench/README.md
# ("How cost grows with data") and BENCHMARKS.md.
#
#   bench/scale.sh S|M|L     generate the size's database (bench/scale/generate.sh) unless it is there,
#                            start registry-service alone on it, time every endpoint (bench/scale/drive.py),
#                            lay out Distribution's storage for the same repositories and time it too
#   bench/scale.sh report    the table (markdown) and the plot (PNG) of every size measured so far
#
# Settings (environment):
#   SCALE_DB=wharf_scale_<s|m|l>   the database; generated when missing or empty, kept afterwards (L takes
#                            15-20 minutes to generate); SCALE_DROP=1 drops it at the end
#   SCALE_PORT=19500         registry-service;  SCALE_DIST_PORT=19501  Distribution
#   SCALE_N=100              timed requests per endpoint (SCALE_N_WRITES=50 pushes per write endpoint)
#   SCALE_RUNS=2             passes over every endpoint (the table gives the median and the p99 range)
#   SCALE_TARGETS="wharf distribution"
#   SCALE_ONLY               groups of Wharf endpoints: registry,search,project,events,writes (default all)
#   SCALE_OUT=bench/results/scale   <size>.tsv (rows of every pass are appended), <size>-load.txt, table.md, p99.png
#   SCALE_JAR                registry-service's quarkus-run.jar (default: this checkout's, built when missing)
#   WHARF_PG_HOST, WHARF_PG_PORT, WHARF_PG_USER, WHARF_PG_PASSWORD
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
OUT=${SCALE_OUT:-$BENCH_DIR/results/scale}
mkdir -p "$OUT"

if [ "${1:-}" = report ]; then
  tsvs=()
  for s in S M L; do [ -f "$OUT/$s.tsv" ] && tsvs+=("$OUT/$s.tsv"); done
  [ ${#tsvs[@]} -gt 0 ] || { echo "nothing measured in $OUT" >&2; exit 1; }
  python3 "$BENCH_DIR/scale/drive.py" table --out "$OUT/table.md" "${tsvs[@]}"
  command -v gnuplot >/dev/null || { echo "gnuplot not found (apt-get install -y gnuplot-nox): no plot" >&2; exit 0; }
  python3 "$BENCH_DIR/scale/drive.py" plot --out "$OUT/p99.png" --title "$(hostname), $(nproc) cores" "${tsvs[@]}"
  exit 0
fi

SIZE=${1:?usage: bench/scale.sh S|M|L|report}
case "$SIZE" in
  S) repos=1000;   projects=10;   big_tags=1000 ;;
  M) repos=10000;  projects=100;  big_tags=10000 ;;
  L) repos=100000; projects=1000; big_tags=100000 ;;
  *) echo "size must be S, M or L" >&2; exit 2 ;;
esac
DB=${SCALE_DB:-wharf_scale_$(tr 'A-Z' 'a-z' <<<"$SIZE")}
PORT=${SCALE_PORT:-19500}
DIST_PORT=${SCALE_DIST_PORT:-19501}
N=${SCALE_N:-100}
N_WRITES=${SCALE_N_WRITES:-50}
RUNS=${SCALE_RUNS:-2}
TARGETS=${SCALE_TARGETS:-wharf distribution}
export PGHOST=${WHARF_PG_HOST:-127.0.0.1} PGPORT=${WHARF_PG_PORT:-5432} PGUSER=${WHARF_PG_USER:-postgres}
export PGPASSWORD=${WHARF_PG_PASSWORD:-}
ADMIN_PASSWORD=scale-bench-admin
[[ "$DB" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "SCALE_DB must match [a-z_][a-z0-9_]*" >&2; exit 1; }
say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
for p in "$PORT" "$DIST_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "port $p is in use" >&2; exit 1; fi
done

JAR=${SCALE_JAR:-$ROOT/registry-service/target/quarkus-app/quarkus-run.jar}
if [ ! -f "$JAR" ]; then
  say "building registry-service"
  (cd "$ROOT" && ./mvnw -q -B -pl registry-service -am -DskipTests package)
fi

WORK=$(mktemp -d)
PID= DIST_PID=
cleanup() {
  for p in $PID $DIST_PID; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ "${SCALE_DROP:-0}" = 1 ]; then psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" || true; fi
  if [ "${SCALE_KEEP_WORK:-0}" = 1 ]; then echo "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

filled=$(psql -X -Atq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")
if [ "$filled" = 1 ]; then
  filled=$(psql -X -Atq -d "$DB" -c "SELECT count(*) > 0 FROM registry.repository" 2>/dev/null || echo f)
fi
if [ "$filled" = t ]; then
  say "database $DB is filled already: using it as it is"
else
  say "generating $SIZE into $DB"
  "$BENCH_DIR/scale/generate.sh" "$SIZE" "$DB"
fi
counts=$(psql -X -Atq -d "$DB" -c "SELECT (SELECT count(*) FROM registry.repository) || ' repositories, ' ||
  (SELECT count(*) FROM registry.tag) || ' tags, ' || (SELECT count(*) FROM registry.registry_event) || ' events, ' ||
  pg_size_pretty(pg_database_size('$DB'))")
say "$DB: $counts"

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
{
  echo "size $SIZE, database $DB: $counts"
  echo "machine: $machine; PostgreSQL $(psql -X -Atq -d postgres -c 'SHOW server_version')"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- . 2>/dev/null || echo -dirty)${SCALE_JAR:+; registry-service from $SCALE_JAR}"
} >>"$OUT/$SIZE-load.txt"

drive() { # target url [args]
  local target=$1 url=$2; shift 2
  for run in $(seq 1 "$RUNS"); do
    echo "$(date -u +%FT%TZ) $target pass $run, before: $(uptime | sed 's/.*load/load/')" >>"$OUT/$SIZE-load.txt"
    python3 "$BENCH_DIR/scale/drive.py" run --target "$target" --url "$url" --size "$SIZE" --repos "$repos" \
      --projects "$projects" --big-tags "$big_tags" --n "$N" --n-writes "$N_WRITES" --tsv "$OUT/$SIZE.tsv" "$@"
    echo "$(date -u +%FT%TZ) $target pass $run, after:  $(uptime | sed 's/.*load/load/')" >>"$OUT/$SIZE-load.txt"
  done
}

if [[ " $TARGETS " == *" wharf "* ]]; then
  say "starting registry-service on :$PORT (database $DB; Flyway applies this checkout's migrations first)"
  # No Kafka: nothing measured here needs it (the relay logs that it cannot publish; pushed events wait in the outbox).
  QUARKUS_HTTP_PORT=$PORT QUARKUS_HTTP_SSL_PORT=$((PORT + 2)) \
  QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$PGHOST:$PGPORT/$DB" \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB" \
  QUARKUS_DATASOURCE_USERNAME=$PGUSER QUARKUS_DATASOURCE_PASSWORD=$PGPASSWORD \
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1 WHARF_GC_SCHEDULE=off \
  WHARF_AUTH_RATE_LIMIT_AUTHENTICATED=1000000000 WHARF_AUTH_RATE_LIMIT_AUTHENTICATED_DAILY=1000000000 \
  WHARF_DATA_DIR=$WORK/data WHARF_ADMIN_PASSWORD=$ADMIN_PASSWORD \
    java ${SCALE_JAVA_OPTS:--Xmx512m} -jar "$JAR" >"$WORK/registry.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 1200); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/v1/_ping" && break
    kill -0 "$PID" 2>/dev/null || { tail -40 "$WORK/registry.log"; exit 1; }
    sleep 1
  done
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/v1/_ping" || { echo "registry-service did not start"; tail -40 "$WORK/registry.log"; exit 1; }
  say "registry-service is up; timing ($RUNS passes, $N requests per endpoint)"
  only=()
  [ -n "${SCALE_ONLY:-}" ] && only=(--only "$SCALE_ONLY")
  drive wharf "http://127.0.0.1:$PORT" --user admin --password "$ADMIN_PASSWORD" "${only[@]}"
  grep -E 'ERROR' "$WORK/registry.log" | grep -v -i kafka | sort | uniq -c | sort -rn | head -5 || true
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
fi

if [[ " $TARGETS " == *" distribution "* ]]; then
  command -v docker-registry >/dev/null || { echo "docker-registry not found: apt-get install docker-registry (Distribution 2.8.2)" >&2; exit 1; }
  say "laying out Distribution's storage for the repositories of $DB"
  python3 "$BENCH_DIR/scale/dist_layout.py" "$WORK/dist" "$DB"
  cat >"$WORK/dist.yml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $WORK/dist}
  delete: {enabled: true}
  cache: {blobdescriptor: inmemory}
http: {addr: 127.0.0.1:$DIST_PORT}
EOF
  docker-registry serve "$WORK/dist.yml" >"$WORK/dist.log" 2>&1 </dev/null &
  DIST_PID=$!
  for _ in $(seq 1 60); do curl -fs -o /dev/null "http://127.0.0.1:$DIST_PORT/v2/" && break; sleep 0.5; done
  say "Distribution is up (cold page cache for the tree it has not read yet; the warm-up requests read some)"
  drive distribution "http://127.0.0.1:$DIST_PORT" --only registry
fi
say "rows appended to $OUT/$SIZE.tsv; bench/scale.sh report makes $OUT/table.md and $OUT/p99.png"
