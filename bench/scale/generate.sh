#!/usr/bin/env bash
# Fills a Wharf registry database of its own with the rows of a long history of pushes, at size S or L
# (or any size given by the SCALE_* variables). See bench/scale/README.md.
#
#   bench/scale/generate.sh S|L|M [database]      (database: wharf_scale unless WHARF_SCALE_DB says)
#
# The database is created and migrated (registry-service's Flyway migrations, as the service applies
# them at start) when it does not exist; it must hold no repositories. Connection: WHARF_PG_HOST
# (127.0.0.1), WHARF_PG_PORT (5432), WHARF_PG_USER (postgres), WHARF_PG_PASSWORD.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SIZE=${1:?usage: generate.sh S|M|L [database]}
DB=${2:-${WHARF_SCALE_DB:-wharf_scale}}
export PGHOST=${WHARF_PG_HOST:-127.0.0.1} PGPORT=${WHARF_PG_PORT:-5432} PGUSER=${WHARF_PG_USER:-postgres}
export PGPASSWORD=${WHARF_PG_PASSWORD:-}

case "$SIZE" in
  S) repos=1000;   projects=10;   versions=8; big_tags=1000;   events=100000 ;;
  M) repos=10000;  projects=100;  versions=8; big_tags=10000;  events=1000000 ;;
  L) repos=100000; projects=1000; versions=8; big_tags=100000; events=10000000 ;;
  *) echo "size must be S, M or L" >&2; exit 2 ;;
esac
repos=${SCALE_REPOS:-$repos} projects=${SCALE_PROJECTS:-$projects} versions=${SCALE_VERSIONS:-$versions}
big_tags=${SCALE_BIG_TAGS:-$big_tags} events=${SCALE_EVENTS:-$events} days=${SCALE_DAYS:-365}

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
start=$(date +%s)

if ! psql -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  say "creating database $DB"
  psql -d postgres -qc "CREATE DATABASE \"$DB\""
fi
LIB=${WHARF_SCALE_LIB:-"$ROOT/registry-service/target/quarkus-app/lib/main"}
if ! ls "$LIB"/org.flywaydb.flyway-core-*.jar >/dev/null 2>&1; then
  echo "registry-service is not built ($LIB): run ./mvnw -q -B -pl registry-service -am package -DskipTests (or ./wharf up) first" >&2
  exit 1
fi
say "migrating $DB"
java -cp "$LIB/*" "$HERE/Migrate.java" "jdbc:postgresql://$PGHOST:$PGPORT/$DB" "$PGUSER" "$PGPASSWORD" \
  "$ROOT/registry-service/src/main/resources/db/migration" 2>&1 | grep -v '^SLF4J'

say "generating $SIZE: $repos repositories in $projects projects, $versions versions each, $big_tags tags in library/many-tags, $events events over $days days"
psql -d "$DB" -X --single-transaction -v ON_ERROR_STOP=1 \
  -v repos="$repos" -v projects="$projects" -v versions="$versions" -v big_tags="$big_tags" -v events="$events" -v days="$days" \
  -f "$HERE/generate.sql"

say "vacuum and analyze (what autovacuum would have done on a registry that lived this long)"
psql -d "$DB" -X -q -v ON_ERROR_STOP=1 -c "SET search_path = registry" \
  -c "VACUUM (ANALYZE) repository, project, blob, repository_blob, manifest, manifest_reference, tag, registry_event, registry_event_hour, project_usage"

say "done in $(( $(date +%s) - start )) s; database $DB: $(psql -d "$DB" -Atqc "SELECT pg_size_pretty(pg_database_size('$DB'))")"
