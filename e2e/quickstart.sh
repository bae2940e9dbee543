#!/usr/bin/env bash
# Test of the quickstart's data binding, credentials and mail catcher (issue 26, promises 9 and 10):
#   1. `./wharf up` on a new data directory makes a database of its own (named in <data>/database),
#      prints the admin password that works and a mail catcher whose view answers; a push's email
#      notification lands in the catcher.
#   2. Started again with another WHARF_ADMIN_PASSWORD, it prints the password the account was created
#      with (which works; the new one is refused) and says the new one is not used; the image is still there.
#   3. A second data directory (a second checkout, or .wharf/ deleted) gets another database: it does
#      not see the first one's image (no manifest whose blobs it lacks).
#   4. `./wharf reset -y` drops each data directory's database and deletes the directory.
#
# Usage: e2e/quickstart.sh    (spare ports from E2E_PORT_BASE, default 17000; about three starts)
# Prints "ok - …" / "not ok - …" lines, then "N passed, M failed"; exits 1 on any failure.
set -u
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE=${E2E_PORT_BASE:-17000}
export WHARF_REGISTRY_PORT=$BASE WHARF_NOTIFIER_PORT=$((BASE + 1)) WHARF_DEPLOYER_PORT=$((BASE + 2))
export WHARF_KAFKA_PORT=$((BASE + 4092)) WHARF_KAFKA_CONTROLLER_PORT=$((BASE + 4093))
export WHARF_MAIL_CATCHER_SMTP_PORT=$((BASE + 25)) WHARF_MAIL_CATCHER_HTTP_PORT=$((BASE + 26))
unset WHARF_DB WHARF_ADMIN_PASSWORD QUARKUS_MAILER_HOST QUARKUS_MAILER_PORT
REG=http://127.0.0.1:$WHARF_REGISTRY_PORT
DIR_A=$(mktemp -d /tmp/wharf-quickstart-a.XXXXXXXX)
DIR_B=$(mktemp -d /tmp/wharf-quickstart-b.XXXXXXXX)
OUT=$(mktemp -d /tmp/wharf-quickstart-out.XXXXXXXX)
T0=$SECONDS
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi; }
finish() { echo "# duration $((SECONDS - T0))s"; echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; exit; }
cleanup() {
  local d
  for d in "$DIR_A" "$DIR_B"; do
    [ -d "$d" ] && WHARF_DATA_DIR=$d "$ROOT/wharf" reset -y >/dev/null 2>&1
    rm -rf "$d"
  done
  rm -rf "$OUT"
}
trap cleanup EXIT

# up DIR [ENV…]: ./wharf up on DIR; its output in $OUT/up.out.
up() {
  local dir=$1
  shift
  if env WHARF_DATA_DIR="$dir" "$@" "$ROOT/wharf" up >"$OUT/up.out" 2>&1; then
    ok "./wharf up on $(basename "$dir")${*:+ with $*}"
  else
    not_ok "./wharf up on $(basename "$dir")"; sed 's/^/#   /' "$OUT/up.out" | tail -n 20; finish
  fi
}
down() { WHARF_DATA_DIR=$1 "$ROOT/wharf" down >/dev/null 2>&1; }
printed_password() { sed -n 's/^  admin *[^ ]* \/ \([^ ]*\).*/\1/p' "$OUT/up.out"; }
# login USER:PASSWORD: status of the registry's token endpoint with basic credentials.
login() { curl -s -o /dev/null -w '%{http_code}' -X POST -u "$1" "$REG/api/v1/auth/token"; }
database_exists() { psql -qAtX -h 127.0.0.1 -U postgres -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$1'"; }
manifest_status() { curl -s -o /dev/null -w '%{http_code}' -u "$1" -H "Accept: application/vnd.oci.image.manifest.v1+json" "$REG/v2/quick/start/manifests/v1"; }

# 1. a new data directory
up "$DIR_A" WHARF_ADMIN_PASSWORD=first-password-1
DB_A=$(head -n 1 "$DIR_A/database" 2>/dev/null)
if [[ "$DB_A" =~ ^wharf_[a-z0-9]{10}$ ]]; then ok "the data directory names a database of its own ($DB_A)"; else not_ok "the data directory names its database (got '$DB_A')"; fi
expect "the services use that database" "$(sed -n 's|^QUARKUS_DATASOURCE_JDBC_URL=.*/||p' "$DIR_A/infra.env")" "$DB_A"
PW=$(printed_password)
expect "./wharf up prints the password the account was created with" "$PW" first-password-1
expect "the printed credentials sign in" "$(login "admin:$PW")" 200
MAIL_URL=$(sed -n 's/^  mail *\(http[^ ]*\).*/\1/p' "$OUT/up.out")
expect "./wharf up prints the mail catcher's view" "$MAIL_URL" "http://127.0.0.1:$WHARF_MAIL_CATCHER_HTTP_PORT/"
if curl -fsS "$MAIL_URL" | grep -q "mail(s) caught" && curl -fsS "${MAIL_URL}api/mails" | grep -q '"mails"'; then
  ok "the mail catcher's view and API answer"
else
  not_ok "the mail catcher's view and API answer"
fi
# An email subscription: the push's mail lands in the catcher.
TOKEN=$(curl -fsS -X POST -u "admin:$PW" "$REG/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
expect "an email subscription is made" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  --data '{"name":"quickstart mail","scope":"GLOBAL","eventTypes":["artifact.pushed"],"channel":"EMAIL","recipients":["ops@quick.test"]}' \
  "http://127.0.0.1:$WHARF_NOTIFIER_PORT/api/v1/subscriptions")" 201
cfg='{}'
cfg_digest=sha256:$(printf %s "$cfg" | sha256sum | cut -d' ' -f1)
curl -s -o /dev/null -u "admin:$PW" -X POST --data-binary "$cfg" -H "Content-Type: application/octet-stream" "$REG/v2/quick/start/blobs/uploads/?digest=$cfg_digest"
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$cfg_digest\",\"size\":2},\"layers\":[]}"
expect "an image is pushed" "$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$PW" -X PUT --data-binary "$manifest" -H "Content-Type: application/vnd.oci.image.manifest.v1+json" "$REG/v2/quick/start/manifests/v1")" 201
deadline=$((SECONDS + 60))
until curl -fsS "${MAIL_URL}api/mails" | grep -q 'ops@quick.test'; do
  [ "$SECONDS" -lt "$deadline" ] || break
  sleep 0.5
done
if curl -fsS "${MAIL_URL}api/mails" | grep -q 'quick/start'; then ok "the push's mail lands in the mail catcher"; else not_ok "the push's mail lands in the mail catcher within 60 s"; fi
down "$DIR_A"

# 2. started again with another password
up "$DIR_A" WHARF_ADMIN_PASSWORD=second-password-2
expect "./wharf up prints the first start's password again" "$(printed_password)" first-password-1
if grep -q "WHARF_ADMIN_PASSWORD differs and is not used" "$OUT/up.out"; then ok "./wharf up says the new WHARF_ADMIN_PASSWORD is not used"; else not_ok "./wharf up says the new WHARF_ADMIN_PASSWORD is not used"; fi
expect "the printed password signs in" "$(login admin:first-password-1)" 200
expect "the new one is refused" "$(login admin:second-password-2)" 401
expect "the image is still served" "$(manifest_status admin:first-password-1)" 200
down "$DIR_A"

# 3. a second data directory
up "$DIR_B"
DB_B=$(head -n 1 "$DIR_B/database" 2>/dev/null)
if [[ "$DB_B" =~ ^wharf_[a-z0-9]{10}$ ]] && [ "$DB_B" != "$DB_A" ]; then ok "a second data directory gets another database ($DB_B)"; else not_ok "a second data directory gets another database (got '$DB_B', first '$DB_A')"; fi
PW_B=$(printed_password)
expect "its printed credentials sign in" "$(login "admin:$PW_B")" 200
expect "it does not serve the first data directory's image" "$(manifest_status "admin:$PW_B")" 404
down "$DIR_B"

# 4. reset
for d in "$DIR_A" "$DIR_B"; do
  db=$(head -n 1 "$d/database")
  if WHARF_DATA_DIR=$d "$ROOT/wharf" reset -y >"$OUT/reset.out" 2>&1; then ok "./wharf reset -y on $(basename "$d")"; else not_ok "./wharf reset -y on $(basename "$d")"; sed 's/^/#   /' "$OUT/reset.out"; fi
  if [ ! -e "$d" ]; then ok "... deletes the data directory"; else not_ok "... leaves $d"; fi
  if command -v psql >/dev/null 2>&1; then expect "... drops its database $db" "$(database_exists "$db")" 0; fi
done
finish
