#!/usr/bin/env bash
# System test of the quickstart: `./wharf up` on spare ports and a temporary data directory,
# every service answers and is healthy, real clients push and pull (e2e/clients.sh), a push
# reaches the notifier and the deployer through Kafka and a signed webhook (subscribed with the
# registry's API token), real clients push and pull over HTTPS with the CA `./wharf up` made
# (WHARF_TLS=1; e2e/https.sh), a maintainer removed in the registry is refused by the notifier
# within a minute, the registry's trace shows the delivery, then `./wharf down` leaves no
# process and no port behind.
#
# Usage: e2e/system.sh        (as root: the client stage runs podman and a private dockerd)
# Env:   E2E_SKIP_CLIENTS=1   leave out the real-client stage
#        E2E_PORT_BASE=15000  first of the spare ports (see below)
#
# Prints "ok - …" / "not ok - …" lines, then "N passed, M failed"; exits 1 on any failure.
set -u
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export WHARF_DATA_DIR
WHARF_DATA_DIR=$(mktemp -d /tmp/wharf-system.XXXXXXXX)
# Spare ports (E2E_PORT_BASE moves them all: registry = base, notifier +1, deployer +2, Kafka +4092/+4093).
BASE=${E2E_PORT_BASE:-15000}
export WHARF_REGISTRY_PORT=$BASE WHARF_NOTIFIER_PORT=$((BASE + 1)) WHARF_DEPLOYER_PORT=$((BASE + 2))
export WHARF_KAFKA_PORT=$((BASE + 4092)) WHARF_KAFKA_CONTROLLER_PORT=$((BASE + 4093))
export WHARF_MAIL_CATCHER_SMTP_PORT=$((BASE + 4025)) WHARF_MAIL_CATCHER_HTTP_PORT=$((BASE + 4026))
export WHARF_DB=wharf_system_test
# The host the deployer puts in front of a repository in the image it deploys (docker pulls from it).
export WHARF_DEPLOYER_REGISTRY_HOST=127.0.0.1:$WHARF_REGISTRY_PORT
# Garbage collection with no grace (a test setting), so the client stage's GC scenario sees what it
# unlinked freed; GC is built to be safe with pushes going on (a blob is a candidate only when nothing
# links or references it), so the other scenarios are unaffected. No scheduled runs: only the
# scenario's, at known points.
export WHARF_GC_GRACE=0s WHARF_GC_SCHEDULE=off
# HTTPS next to plain HTTP, with the local CA ./wharf up makes (e2e/https.sh below).
export WHARF_TLS=1 WHARF_TLS_PORT=$((BASE + 443))
PORTS=($WHARF_REGISTRY_PORT $WHARF_NOTIFIER_PORT $WHARF_DEPLOYER_PORT $WHARF_KAFKA_PORT $WHARF_KAFKA_CONTROLLER_PORT $WHARF_TLS_PORT)
# The registry's administrator, made for this run: every curl below signs in as it (a private curlrc).
export WHARF_ADMIN_USER=admin WHARF_ADMIN_PASSWORD
WHARF_ADMIN_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
export CURL_HOME=$WHARF_DATA_DIR
printf 'user = "%s:%s"\n' "$WHARF_ADMIN_USER" "$WHARF_ADMIN_PASSWORD" >"$CURL_HOME/.curlrc"

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@" >"$WHARF_DATA_DIR/check.out" 2>&1; then ok "$what"; else not_ok "$what"; sed 's/^/#   /' "$WHARF_DATA_DIR/check.out" | tail -n 20; fi; }

RECEIVER_PID=
cleanup() {
  [ -n "$RECEIVER_PID" ] && kill "$RECEIVER_PID" 2>/dev/null
  "$ROOT/wharf" down >/dev/null 2>&1 || true
  rm -rf "$WHARF_DATA_DIR"
}
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A database of its own, emptied first, when a local server is used (an embedded one lives in the data dir).
if command -v psql >/dev/null 2>&1; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $WHARF_DB WITH (FORCE)" >/dev/null 2>&1 || true
fi

for p in "${PORTS[@]}"; do
  port_free "$p" || { not_ok "port $p is free before the test"; echo "$PASS passed, $FAIL failed"; exit 1; }
done

# A webhook receiver on this machine; the notifier may deliver to it (loopback is refused by default).
HOOK_PORT=$((BASE + 10))
python3 "$ROOT/e2e/webhook-receiver.py" "$HOOK_PORT" "$WHARF_DATA_DIR/webhooks.jsonl" &
RECEIVER_PID=$!
export WHARF_NOTIFIER_OUTBOUND_ALLOWED_NETWORKS=127.0.0.1/32
# The deployer's hooks follow the same outbound policy (checked when a target is saved, and at each call).
export WHARF_DEPLOYER_OUTBOUND_ALLOWED_NETWORKS=127.0.0.1/32

check "./wharf up starts Kafka, PostgreSQL and the three services" "$ROOT/wharf" up
for svc in registry:$WHARF_REGISTRY_PORT notifier:$WHARF_NOTIFIER_PORT deployer:$WHARF_DEPLOYER_PORT; do
  name=${svc%%:*}; port=${svc##*:}
  check "$name answers /q/health/ready with UP" sh -c "curl -fsS http://127.0.0.1:$port/q/health/ready | grep -q '\"status\": *\"UP\"'"
done
check "./wharf status lists every service as healthy" sh -c "\"$ROOT/wharf\" status | grep -c healthy | grep -qx 3"
check "the registry answers GET /v2/" curl -fsS http://127.0.0.1:$WHARF_REGISTRY_PORT/v2/

# Identity across services: an API token from the registry lets the admin subscribe a webhook at the notifier.
API_TOKEN=$(curl -fsS -X POST "http://127.0.0.1:$WHARF_REGISTRY_PORT/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
HOOK_SECRET=$(curl -fsS -H "Authorization: Bearer $API_TOKEN" -H "Content-Type: application/json" \
  --data "{\"name\":\"system-test\",\"scope\":\"GLOBAL\",\"eventTypes\":[\"artifact.pushed\"],\"channel\":\"WEBHOOK\",\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"payloadFormat\":\"CLOUDEVENTS_STRUCTURED\"}" \
  "http://127.0.0.1:$WHARF_NOTIFIER_PORT/api/v1/subscriptions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
if [ -n "$HOOK_SECRET" ]; then ok "the notifier accepts the registry's API token: webhook subscription created"; else not_ok "webhook subscription with the registry's API token"; fi

# Fresh roles downstream: a maintainer removed from a project in the registry is refused by the
# notifier within a minute, though the API token they hold still names the role.
REG=http://127.0.0.1:$WHARF_REGISTRY_PORT
MAINT_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
curl -fsS -o /dev/null -H "Content-Type: application/json" --data "{\"username\":\"e2e-maint\",\"password\":\"$MAINT_PASSWORD\"}" "$REG/api/v1/users"
curl -fsS -o /dev/null -H "Content-Type: application/json" --data '{"name":"e2e-roles"}' "$REG/api/v1/projects"
curl -fsS -o /dev/null -X PUT -H "Content-Type: application/json" --data '{"role":"maintainer"}' "$REG/api/v1/projects/e2e-roles/members/e2e-maint"
MAINT_TOKEN=$(curl -fsS -u "e2e-maint:$MAINT_PASSWORD" -X POST "$REG/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
maint_subscribes() {
  curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $MAINT_TOKEN" -H "Content-Type: application/json" \
    --data "{\"name\":\"$1\",\"scope\":\"PROJECT\",\"project\":\"e2e-roles\",\"channel\":\"WEBHOOK\",\"url\":\"http://127.0.0.1:$HOOK_PORT/roles\"}" \
    "http://127.0.0.1:$WHARF_NOTIFIER_PORT/api/v1/subscriptions"
}
check "a maintainer subscribes a webhook to their project" test "$(maint_subscribes while-member)" = 201
curl -fsS -o /dev/null -X DELETE "$REG/api/v1/projects/e2e-roles/members/e2e-maint"
deadline=$((SECONDS + 60)); refused=""
while [ "$SECONDS" -lt "$deadline" ]; do
  refused=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $MAINT_TOKEN" \
    "http://127.0.0.1:$WHARF_NOTIFIER_PORT/api/v1/subscriptions?project=e2e-roles")
  [ "$refused" = 403 ] && break
  sleep 1
done
check "within 60 s of the removal the notifier refuses the removed maintainer's next subscription (403)" \
  test "$refused/$(maint_subscribes after-removal)" = 403/403

if [ "${E2E_SKIP_CLIENTS:-0}" != 1 ]; then
  if E2E_USER=$WHARF_ADMIN_USER E2E_PASS=$WHARF_ADMIN_PASSWORD E2E_AUTH=1 E2E_QUOTA=1 E2E_GC=1 bash "$ROOT/e2e/clients.sh" 127.0.0.1:$WHARF_REGISTRY_PORT >"$WHARF_DATA_DIR/clients.out" 2>&1; then
    ok "real clients push and pull ($(tail -n 1 "$WHARF_DATA_DIR/clients.out"))"
  else
    not_ok "real clients push and pull"
    grep -v '^ok' "$WHARF_DATA_DIR/clients.out" | sed 's/^/#   /' | tail -n 40
  fi
fi

# HTTPS: ./wharf up made a CA in the data directory and keeps it across starts, and prints how clients trust it;
# real clients push and pull over TLS at the machine's own address with it trusted, and are refused without it.
TLS_CA=$WHARF_DATA_DIR/tls/ca.crt
ca_before=$(sha256sum "$TLS_CA" 2>/dev/null | cut -d' ' -f1)
"$ROOT/wharf" up >"$WHARF_DATA_DIR/up-again.out" 2>&1
check "./wharf up again keeps the local CA and prints how docker trusts it (certs.d)" sh -c \
  'grep -q "/etc/docker/certs.d/.*:$0/ca.crt" "$1" && test -n "$3" && test "$(sha256sum "$2" | cut -d" " -f1)" = "$3"' \
  "$WHARF_TLS_PORT" "$WHARF_DATA_DIR/up-again.out" "$TLS_CA" "$ca_before"
if [ "${E2E_SKIP_CLIENTS:-0}" != 1 ]; then
  TLS_HOST=$(grep -E '^[0-9]+(\.[0-9]+){3}$' "$WHARF_DATA_DIR/tls/server.names" 2>/dev/null | grep -v '^127\.' | head -n 1)
  if E2E_USER=$WHARF_ADMIN_USER E2E_PASS=$WHARF_ADMIN_PASSWORD bash "$ROOT/e2e/https.sh" "${TLS_HOST:-127.0.0.1}:$WHARF_TLS_PORT" "$TLS_CA" >"$WHARF_DATA_DIR/https.out" 2>&1; then
    ok "real clients push and pull over HTTPS with the CA trusted, and are refused without it ($(tail -n 1 "$WHARF_DATA_DIR/https.out"))"
  else
    not_ok "real clients over HTTPS"
    grep -v '^ok' "$WHARF_DATA_DIR/https.out" | sed 's/^/#   /' | tail -n 40
  fi
fi

# The pushes above were written to the registry's outbox, relayed to Kafka and taken in by the
# other two services: a message from one service's channel consumed by another's, through the broker.
if [ "${E2E_SKIP_CLIENTS:-0}" = 1 ]; then
  check "a manifest push is accepted" sh -c '
    b=$(printf "{}" | sha256sum | cut -d" " -f1)
    loc=$(curl -fsS -D - -o /dev/null -X POST http://127.0.0.1:$WHARF_REGISTRY_PORT/v2/system/check/blobs/uploads/ | tr -d "\r" | sed -n "s/^[Ll]ocation: //p")
    curl -fsS -X PUT --data-binary "{}" "http://127.0.0.1:$WHARF_REGISTRY_PORT$loc?digest=sha256:$b" >/dev/null
    curl -fsS -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" --data-binary \
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$b\",\"size\":2},\"layers\":[]}" \
      http://127.0.0.1:$WHARF_REGISTRY_PORT/v2/system/check/manifests/v1 >/dev/null'
fi
taken() { curl -fsS "http://127.0.0.1:$1/q/health/ready" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(next((c.get("data",{}).get("taken",0) for c in d["checks"] if c["name"]=="registry-events intake"),0))'; }
for svc in notifier:$WHARF_NOTIFIER_PORT deployer:$WHARF_DEPLOYER_PORT; do
  name=${svc%%:*}; port=${svc##*:}
  deadline=$((SECONDS + 60)); n=0
  while [ "$SECONDS" -lt "$deadline" ]; do
    n=$(taken "$port" 2>/dev/null || echo 0)
    [ "${n:-0}" -gt 0 ] && break
    sleep 0.5
  done
  if [ "${n:-0}" -gt 0 ]; then ok "$name took in $n registry events from Kafka"; else not_ok "$name took in no registry event within 60 s"; fi
done

# Push → outbox → Kafka → notifier → signed webhook, and the registry's trace shows the delivery.
deadline=$((SECONDS + 60)); pushed=""
while [ "$SECONDS" -lt "$deadline" ]; do
  pushed=$(python3 "$ROOT/e2e/webhook-check.py" "$WHARF_DATA_DIR/webhooks.jsonl" "$HOOK_SECRET" 2>"$WHARF_DATA_DIR/hook.err") && break
  pushed=""
  sleep 0.5
done
if [ -n "$pushed" ]; then ok "a push reached the webhook, signed (Standard Webhooks signature verifies)"; else not_ok "no signed artifact.pushed delivery within 60 s"; cat "$WHARF_DATA_DIR/hook.err" 2>/dev/null | sed 's/^/#   /'; fi
deadline=$((SECONDS + 30)); traced=0
while [ -n "$pushed" ] && [ "$SECONDS" -lt "$deadline" ]; do
  curl -fsS "http://127.0.0.1:$WHARF_REGISTRY_PORT/api/v1/events/$pushed/trace" 2>/dev/null | grep -q "notification.delivered" && { traced=1; break; }
  sleep 0.5
done
if [ "$traced" = 1 ]; then ok "the registry's trace of that push shows the notifier's delivery"; else not_ok "the trace of the pushed event shows no notification.delivered"; fi
check "the web UI works in headless Chromium (e2e/ui; screenshots in $ROOT/e2e/logs/ui)" env E2E_HOOK_URL=http://127.0.0.1:$HOOK_PORT/ui-hook E2E_UI_ARTIFACTS=$ROOT/e2e/logs/ui bash "$ROOT/e2e/ui/run.sh"

# Push-to-deploy: a push of a watched tag redeploys a container on a private Docker host (e2e/deploy.sh).
if [ "${E2E_SKIP_CLIENTS:-0}" != 1 ]; then
  if E2E_USER=$WHARF_ADMIN_USER E2E_PASS=$WHARF_ADMIN_PASSWORD bash "$ROOT/e2e/deploy.sh" 127.0.0.1:$WHARF_REGISTRY_PORT http://127.0.0.1:$WHARF_DEPLOYER_PORT >"$WHARF_DATA_DIR/deploy.out" 2>&1; then
    ok "a push of prod redeploys a container on a Docker host ($(tail -n 1 "$WHARF_DATA_DIR/deploy.out"))"
  else
    not_ok "a push of prod redeploys a container on a Docker host"
    grep -v '^ok' "$WHARF_DATA_DIR/deploy.out" | sed 's/^/#   /' | tail -n 40
  fi
fi

pids=$(cat "$WHARF_DATA_DIR"/run/*.pid 2>/dev/null | tr '\n' ' ')
check "./wharf down stops everything" "$ROOT/wharf" down
# A process that exited may stay a zombie until its new parent reaps it: that is not running.
running() { kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
still=""
for pid in $pids; do running "$pid" && still="$still $pid"; done
if [ -z "$still" ]; then ok "no process started by ./wharf is still running"; else not_ok "still running after down:$still"; fi
busy=""
for p in "${PORTS[@]}"; do port_free "$p" || busy="$busy $p"; done
if [ -z "$busy" ]; then ok "every port is free again"; else not_ok "ports still taken after down:$busy"; fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
