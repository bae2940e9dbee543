#!/usr/bin/env bash
# Push-to-deploy through the real system, with a real Docker engine as the target: a container runs
# <registry>/<project>/app:prod on a private dockerd; a docker target for that dockerd (granted to the
# project for that container) and a deploy rule naming it (tag policy exact "prod") are created through
# the deployer's API; pushing v2 as prod makes the deployer pull it by digest (with the target's registry
# credentials: the project is private) and replace the container; the
# container then runs the v2 digest and serves v2's page, and the deployer's history shows the
# deployment.
#
# Usage: e2e/deploy.sh REGISTRY_HOSTPORT DEPLOYER_URL   (as root; e.g. 127.0.0.1:15000 http://127.0.0.1:15002)
# Env:   E2E_USER, E2E_PASS   the registry's administrator (token for the deployer's API, docker login, pull secret)
#        E2E_APP_PORT         port the deployed app listens on (host network; default: registry port + 20)
# The deployer must run with wharf.deployer.registry-host=REGISTRY_HOSTPORT (the host docker pulls from).
#
# Prints "ok - …" / "not ok - …" lines, then "N passed, M failed"; exits 1 on any failure.
set -u
set -o pipefail

R=${1:?usage: e2e/deploy.sh REGISTRY_HOSTPORT DEPLOYER_URL}
DEPLOYER=${2:?usage: e2e/deploy.sh REGISTRY_HOSTPORT DEPLOYER_URL}
: "${E2E_USER:?E2E_USER (registry admin) is required}" "${E2E_PASS:?E2E_PASS is required}"
APP_PORT=${E2E_APP_PORT:-$((${R##*:} + 20))}
SFX=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
PROJECT=deploy-$SFX
REPO=$PROJECT/app
APP=wharf-e2e-app-$SFX
WORK=$(mktemp -d /tmp/wharf-deploy.XXXXXXXX)
DOCKER_DIR=$WORK/d
export DOCKER_CONFIG=$WORK/docker-config

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; exit; }

DOCKERD_PID=
cleanup() {
  if [ -n "$DOCKERD_PID" ]; then
    dk rm -f "$APP" "$APP-wharf-previous" >/dev/null 2>&1
    kill "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 300); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  # anything dockerd left mounted below the work dir (the host network namespace)
  awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
dk() { DOCKER_HOST=unix://$DOCKER_DIR/docker.sock docker "$@"; }

for c in dockerd docker curl python3; do
  command -v "$c" >/dev/null 2>&1 || { not_ok "$c is installed (apt-get install -y docker.io curl python3)"; finish; }
done
[ -x /bin/busybox ] || { not_ok "/bin/busybox is installed (apt-get install -y busybox-static)"; finish; }
[ "$(id -u)" = 0 ] || { not_ok "running as root (a private dockerd)"; finish; }

# A private dockerd that may pull from Wharf over plain HTTP.
mkdir -p "$DOCKER_DIR/data" "$DOCKER_DIR/exec" "$DOCKER_CONFIG"
echo '{}' >"$DOCKER_DIR/daemon.json"
dockerd --config-file "$DOCKER_DIR/daemon.json" --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
  --data-root "$DOCKER_DIR/data" --exec-root "$DOCKER_DIR/exec" -H "unix://$DOCKER_DIR/docker.sock" \
  --pidfile "$DOCKER_DIR/docker.pid" --insecure-registry "$R" >"$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 600); do dk version >/dev/null 2>&1 && break; kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
if dk version >/dev/null 2>&1; then ok "a private dockerd starts"; else not_ok "a private dockerd starts"; tail -n 20 "$WORK/dockerd.log" | sed 's/^/#   /'; finish; fi

# The registry's API token for the deployer's API, and a private project (so the pull needs the rule's credentials).
TOKEN=$(curl -fsS -u "$E2E_USER:$E2E_PASS" -X POST "http://$R/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
if [ -n "$TOKEN" ]; then ok "the registry issues an API token to the admin"; else not_ok "the registry issues an API token to the admin"; finish; fi
if curl -fsS -u "$E2E_USER:$E2E_PASS" -H 'Content-Type: application/json' --data "{\"name\":\"$PROJECT\",\"isPublic\":false}" \
  "http://$R/api/v1/projects" >"$WORK/project.json" 2>&1; then ok "private project $PROJECT created"; else not_ok "private project $PROJECT created"; sed 's/^/#   /' "$WORK/project.json"; fi

# build_and_push VERSION: an image whose httpd serves "VERSION", pushed as $R/$REPO:prod; prints the pushed digest.
build_and_push() {
  local root=$WORK/rootfs-$1 ref=$R/$REPO:prod
  mkdir -p "$root/bin" "$root/www"
  cp /bin/busybox "$root/bin/busybox" && ln -sf busybox "$root/bin/sh"
  printf '%s' "$1" >"$root/www/index.html"
  tar -C "$root" -cf "$WORK/$1.tar" . &&
    dk import --change "CMD [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"127.0.0.1:$APP_PORT\", \"-h\", \"/www\"]" "$WORK/$1.tar" "$ref" >/dev/null &&
    dk push "$ref" >"$WORK/push-$1.log" 2>&1 &&
    grep -o 'digest: sha256:[0-9a-f]\{64\}' "$WORK/push-$1.log" | tail -n1 | cut -d' ' -f2
}

if printf %s "$E2E_PASS" | dk login -u "$E2E_USER" --password-stdin "$R" >"$WORK/login.log" 2>&1; then ok "docker login $R"; else not_ok "docker login $R"; sed 's/^/#   /' "$WORK/login.log"; finish; fi
V1=$(build_and_push v1)
if [ -n "$V1" ]; then ok "v1 pushed as $REPO:prod ($V1)"; else not_ok "v1 pushed as $REPO:prod"; sed 's/^/#   /' "$WORK/push-v1.log"; finish; fi
dk run -d --name "$APP" --network host --restart unless-stopped "$R/$REPO:prod" >"$WORK/run.log" 2>&1
answers() { [ "$(curl -fsS "http://127.0.0.1:$APP_PORT/" 2>/dev/null)" = "$1" ]; }
for _ in $(seq 100); do answers v1 && break; sleep 0.1; done
if answers v1; then ok "container $APP runs $REPO:prod and answers v1"; else not_ok "container $APP runs $REPO:prod and answers v1"; sed 's/^/#   /' "$WORK/run.log"; finish; fi

# The target (created by the registry's administrator): this dockerd, pulling with the admin's
# credentials, granted to the project for the app's container only.
TARGET_NAME="e2e-docker-$(date +%s)"
TARGET_BODY=$(python3 -c 'import json,sys; print(json.dumps({"name": sys.argv[1], "kind": "docker", "endpoint": "unix://" + sys.argv[2],
  "settings": {"registryAuth": {"username": sys.argv[3], "password": sys.argv[4]}},
  "grants": [{"project": sys.argv[5], "containers": sys.argv[6]}]}))' \
  "$TARGET_NAME" "$DOCKER_DIR/docker.sock" "$E2E_USER" "$E2E_PASS" "$PROJECT" "$APP")
TARGET=$(curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data "$TARGET_BODY" \
  "$DEPLOYER/api/v1/targets" 2>"$WORK/target.err" | tee "$WORK/target.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' 2>/dev/null)
if [ -n "$TARGET" ]; then ok "docker target created through the deployer's API ($TARGET)"; else not_ok "docker target created through the deployer's API"; cat "$WORK/target.err" "$WORK/target.json" 2>/dev/null | sed 's/^/#   /'; finish; fi
if grep -q "$E2E_PASS" "$WORK/target.json"; then not_ok "the target's answer does not render the registry secret back"; else ok "the target's answer does not render the registry secret back"; fi

# The rule: that target, the app's container, exact tag "prod".
RULE_BODY=$(python3 -c 'import json,sys; print(json.dumps({"repository": sys.argv[1], "tagPolicy": {"kind": "exact", "value": "prod"},
  "target": sys.argv[2], "workload": {"container": sys.argv[3]}, "enabled": True}))' "$REPO" "$TARGET_NAME" "$APP")
RULE=$(curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data "$RULE_BODY" \
  "$DEPLOYER/api/v1/rules" 2>"$WORK/rule.err" | tee "$WORK/rule.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' 2>/dev/null)
if [ -n "$RULE" ]; then ok "deploy rule created through the deployer's API ($RULE)"; else not_ok "deploy rule created through the deployer's API"; cat "$WORK/rule.err" "$WORK/rule.json" 2>/dev/null | sed 's/^/#   /'; finish; fi
if grep -q "$E2E_PASS" "$WORK/rule.json"; then not_ok "the rule's answer does not render the registry secret back"; else ok "the rule's answer does not render the registry secret back"; fi

V2=$(build_and_push v2)
if [ -n "$V2" ] && [ "$V2" != "$V1" ]; then ok "v2 pushed as $REPO:prod ($V2)"; else not_ok "v2 pushed as $REPO:prod"; sed 's/^/#   /' "$WORK/push-v2.log"; finish; fi
dk rmi "$R/$REPO:prod" >/dev/null 2>&1   # untag the local copy: the deployer's pull must fetch it from Wharf

# The deployer replaces the container: it runs the v2 digest (pinned) and serves v2.
deadline=$((SECONDS + 120)); image=""
while [ "$SECONDS" -lt "$deadline" ]; do
  image=$(dk inspect --format '{{.Config.Image}} {{.State.Running}}' "$APP" 2>/dev/null)
  [ "$image" = "$R/$REPO:prod@$V2 true" ] && break
  sleep 0.5
done
if [ "$image" = "$R/$REPO:prod@$V2 true" ]; then ok "the container runs $REPO:prod@$V2 within 120 s of the push"
else not_ok "the container runs the v2 digest (inspect: '$image')"; curl -sS -H "Authorization: Bearer $TOKEN" "$DEPLOYER/api/v1/deployments?rule=$RULE" | sed 's/^/#   /'; fi
for _ in $(seq 100); do answers v2 && break; sleep 0.1; done
if answers v2; then ok "the redeployed container answers v2"; else not_ok "the redeployed container answers v2"; fi

# The deployer's history: one deployment from v1 to v2 that succeeded (after the target verified it).
deadline=$((SECONDS + 60)); verdict=""
while [ "$SECONDS" -lt "$deadline" ]; do
  verdict=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$DEPLOYER/api/v1/deployments?rule=$RULE" 2>/dev/null | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
hit = [d for d in items if d.get("toDigest") == sys.argv[1]]
print("%s from=%s" % (hit[0]["state"].lower(), hit[0].get("fromDigest")) if hit else "none")' "$V2" 2>/dev/null)
  [ "$verdict" = "succeeded from=$V1" ] && break
  sleep 0.5
done
if [ "$verdict" = "succeeded from=$V1" ]; then ok "the history shows the deployment $V1 -> $V2 as succeeded"; else not_ok "the history shows the deployment as succeeded (got '$verdict')"; fi
if dk inspect "$APP-wharf-previous" >/dev/null 2>&1; then not_ok "the replaced container is removed after the verification"; else ok "the replaced container is removed after the verification"; fi

finish
