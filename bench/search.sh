#!/usr/bin/env bash
# bench/search.sh — latency of /api/v1/search and docker's /v1/search over 100 000 repositories and
# 1 000 000 tags. Starts registry-service alone on a database of its own, loads the data set
# straight into it (bench/search-load.sql, generate_series), then sends a few hundred queries of
# different shapes one at a time (bench/search_bench.py) and prints p50/p99 per shape. See BENCHMARKS.md ("Search").
#
# Settings (environment):
#   SEARCH_BENCH_PORT=5320      where registry-service listens
#   SEARCH_BENCH_DB=wharf_search_bench   the database (dropped and created again)
#   SEARCH_BENCH_N=40           queries per shape
#   SEARCH_BENCH_OUT            markdown report (default bench/results/search-<date>.md)
#   SEARCH_BENCH_KEEP=1         leave the database and the service's log behind
#   WHARF_PG_HOST, WHARF_PG_PORT, WHARF_PG_USER
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
PORT=${SEARCH_BENCH_PORT:-5320}
DB=${SEARCH_BENCH_DB:-wharf_search_bench}
N=${SEARCH_BENCH_N:-40}
OUT=${SEARCH_BENCH_OUT:-$BENCH_DIR/results/search-$(date +%Y-%m-%d-%H%M%S).md}
PG_HOST=${WHARF_PG_HOST:-127.0.0.1}
PG_PORT=${WHARF_PG_PORT:-5432}
PG_USER=${WHARF_PG_USER:-postgres}
ADMIN_PASSWORD=search-bench-admin
[[ "$DB" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "SEARCH_BENCH_DB must match [a-z_][a-z0-9_]*" >&2; exit 1; }
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"; }

JAR=$ROOT/registry-service/target/quarkus-app/quarkus-run.jar
if [ ! -f "$JAR" ]; then
  (cd "$ROOT" && ./mvnw -q -B -o -pl registry-service -am -DskipTests package)
fi

WORK=$(mktemp -d)
PID=
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  if [ "${SEARCH_BENCH_KEEP:-0}" = 1 ]; then
    echo "kept: database $DB, log $WORK/registry.log"
  else
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $DB" || true
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

psql_ -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
echo "starting registry-service on :$PORT (database $DB)"
# No Kafka here: search needs none (the relay logs that it cannot publish; nothing is pushed).
QUARKUS_HTTP_PORT=$PORT \
QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$PG_HOST:$PG_PORT/$DB" \
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$DB" \
QUARKUS_DATASOURCE_USERNAME=$PG_USER \
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1 \
WHARF_DATA_DIR=$WORK/data WHARF_ADMIN_PASSWORD=$ADMIN_PASSWORD \
  java -Xmx512m -jar "$JAR" >"$WORK/registry.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/v1/_ping" && break
  kill -0 "$PID" 2>/dev/null || { tail -30 "$WORK/registry.log"; exit 1; }
  sleep 1
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/v1/_ping" || { echo "registry-service did not start"; tail -30 "$WORK/registry.log"; exit 1; }

echo "loading 100 000 repositories and 1 000 000 tags"
start=$(date +%s)
psql_ -d "$DB" -f "$BENCH_DIR/search-load.sql"
echo "loaded in $(( $(date +%s) - start )) s"
psql_ -d "$DB" -tAc "SELECT 'repositories: ' || (SELECT count(*) FROM registry.repository) || ', tags: ' || (SELECT count(*) FROM registry.tag)"

# A member of ten private projects, to measure a caller whose visibility is public + memberships.
curl -fs -o /dev/null -u "admin:$ADMIN_PASSWORD" -H 'Content-Type: application/json' \
  -d '{"username":"bench-member","password":"bench-member-password"}' "http://127.0.0.1:$PORT/api/v1/users"
psql_ -d "$DB" -c "INSERT INTO registry.project_member (project_id, account_id, role)
  SELECT p.id, a.id, 'developer' FROM registry.project p, registry.account a
  WHERE a.username = 'bench-member' AND NOT p.public AND p.name <= 'org0100' ON CONFLICT DO NOTHING"

mkdir -p "$(dirname "$OUT")"
python3 "$BENCH_DIR/search_bench.py" --url "http://127.0.0.1:$PORT" --admin "admin:$ADMIN_PASSWORD" \
  --member "bench-member:bench-member-password" --n "$N" --out "$OUT"
echo "report: $OUT"
