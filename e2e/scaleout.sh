#!/usr/bin/env bash
# Scale-out drill: two registry instances on S3 behind nginx. `./wharf up` with WHARF_STORAGE=s3 (S3Proxy
# from local-infra) and WHARF_SECOND_REGISTRY=1 on spare ports and a temporary data directory, and
# Debian's nginx in front of both (round robin, a private config in a temporary directory). Proves:
#   chunked   a chunked upload whose PATCHes land on alternating instances, sent to each in turn and
#             through nginx, completes with the right digest; the blob pulls byte for byte from both
#   clients   skopeo and podman push and pull through nginx, byte for byte
#   limits    pull limits hold across both: a project's robot budget set low, pulls alternated between
#             the instances are counted together and the one over the limit gets 429 TOOMANYREQUESTS
#   revoke    a robot deleted through one instance is refused (401) by the other within a second
#   kill      one instance killed (kill -9) in the middle of a PATCH; the upload goes on on the other
#             (once the dead holder's upload lock lease, 6 s here, is over), and the image pulls right
# Then `./wharf down` and nginx's stop leave no process and no port behind.
#
# Usage: e2e/scaleout.sh     (needs nginx, skopeo, curl, python3; podman when present)
# Env:   SCALEOUT_PORT_BASE  first of the spare ports (default 16500): registry +0, notifier +1, deployer +2,
#                            registry2 +10, nginx +20, mail +25/+26, S3Proxy +30, Kafka +92/+93
#
# Prints "ok - …" / "not ok - …" lines, then "N passed, M failed"; exits 1 on any failure.
set -u
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T0=$SECONDS
export WHARF_DATA_DIR
WHARF_DATA_DIR=$(mktemp -d /tmp/wharf-scaleout.XXXXXXXX)
BASE=${SCALEOUT_PORT_BASE:-16500}
export WHARF_REGISTRY_PORT=$BASE WHARF_NOTIFIER_PORT=$((BASE + 1)) WHARF_DEPLOYER_PORT=$((BASE + 2))
export WHARF_SECOND_REGISTRY=1 WHARF_REGISTRY2_PORT=$((BASE + 10))
export WHARF_MAIL_CATCHER_SMTP_PORT=$((BASE + 25)) WHARF_MAIL_CATCHER_HTTP_PORT=$((BASE + 26))
export WHARF_KAFKA_PORT=$((BASE + 92)) WHARF_KAFKA_CONTROLLER_PORT=$((BASE + 93))
export WHARF_STORAGE=s3 WHARF_S3_PORT=$((BASE + 30)) WHARF_S3_LOCK_LEASE=6s
unset WHARF_S3_ENDPOINT WHARF_TLS WHARF_TLS_CERT WHARF_TLS_KEY
export WHARF_DB=wharf_scaleout_test
NGINX_PORT=$((BASE + 20))
PORTS=("$WHARF_REGISTRY_PORT" "$WHARF_NOTIFIER_PORT" "$WHARF_DEPLOYER_PORT" "$WHARF_REGISTRY2_PORT" "$NGINX_PORT"
  "$WHARF_MAIL_CATCHER_SMTP_PORT" "$WHARF_MAIL_CATCHER_HTTP_PORT" "$WHARF_S3_PORT" "$WHARF_KAFKA_PORT" "$WHARF_KAFKA_CONTROLLER_PORT")
# The registry's administrator, made for this run: every curl below signs in as it (a private curlrc).
export WHARF_ADMIN_USER=admin WHARF_ADMIN_PASSWORD
WHARF_ADMIN_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
export CURL_HOME=$WHARF_DATA_DIR
printf 'user = "%s:%s"\n' "$WHARF_ADMIN_USER" "$WHARF_ADMIN_PASSWORD" >"$CURL_HOME/.curlrc"
ADMIN=$WHARF_ADMIN_USER:$WHARF_ADMIN_PASSWORD

R1=http://127.0.0.1:$WHARF_REGISTRY_PORT    # instance A
R2=http://127.0.0.1:$WHARF_REGISTRY2_PORT   # instance B (registry2)
N=http://127.0.0.1:$NGINX_PORT
NHOST=127.0.0.1:$NGINX_PORT
WORK=$WHARF_DATA_DIR/work
NGINX_DIR=$WHARF_DATA_DIR/nginx
MIB=$((1024 * 1024))
PROJECT=scale

# PASS, FAIL, ok, not_ok, note, expect WHAT ACTUAL WANTED; http METHOD URL [curl args…] (status printed,
# headers in $H, body in $B), hdr NAME, with_digest LOCATION DIGEST
. "$ROOT/e2e/drill.sh"
check() { local what=$1; shift; if "$@" >"$WORK/check.out" 2>&1; then ok "$what"; else not_ok "$what"; sed 's/^/#   /' "$WORK/check.out" | tail -n 20; fi; }

NGINX_PID=
cleanup() {
  local p
  for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
  fi
  "$ROOT/wharf" down >/dev/null 2>&1 || true
  if command -v psql >/dev/null 2>&1; then
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $WHARF_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WHARF_DATA_DIR"
}
trap cleanup EXIT

finish() {
  echo "# duration $((SECONDS - T0))s"
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" = 0 ]
  exit
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
now_ms() { date +%s%3N; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
json() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# ------------------------------------------------------------------ HTTP helpers

# api METHOD PATH [JSON]: the management API on instance A as the administrator; prints the body.
api() {
  local data=()
  [ -n "${3:-}" ] && data=(-H "Content-Type: application/json" --data "$3")
  curl -fsS -X "$1" "${data[@]}" "$R1$2"
}

# ------------------------------------------------------------------ preflight
mkdir -p "$WORK" "$NGINX_DIR"
command -v nginx >/dev/null 2>&1 || { not_ok "nginx is installed (apt-get install nginx)"; finish; }
for p in "${PORTS[@]}"; do
  port_free "$p" || { not_ok "port $p is free before the drill"; finish; }
done
if command -v psql >/dev/null 2>&1; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $WHARF_DB WITH (FORCE)" >/dev/null 2>&1 || true
fi

# ------------------------------------------------------------------ start
if "$ROOT/wharf" up >"$WORK/up.log" 2>&1; then
  ok "./wharf up starts the registry twice (WHARF_SECOND_REGISTRY=1) on S3 with the other services ($((SECONDS - T0)) s)"
else
  not_ok "./wharf up with WHARF_SECOND_REGISTRY=1 and WHARF_STORAGE=s3"; sed 's/^/#   /' "$WORK/up.log" | tail -n 30; finish
fi
"$ROOT/wharf" status >"$WORK/status.out" 2>&1
check "./wharf status shows registry2 healthy on its port" grep -Eq "^registry2 +running .*:$WHARF_REGISTRY2_PORT +healthy" "$WORK/status.out"
check "the registry runs on S3Proxy" grep -q "^WHARF_S3_ENDPOINT=http://127.0.0.1:$WHARF_S3_PORT" "$WHARF_DATA_DIR/infra.env"
expect "the second instance made no administrator of its own" \
  "$(grep -c "created the system administrator" "$WHARF_DATA_DIR/logs/registry.log" "$WHARF_DATA_DIR/logs/registry2.log" | tr '\n' ' ')" \
  "$WHARF_DATA_DIR/logs/registry.log:1 $WHARF_DATA_DIR/logs/registry2.log:0 "

# nginx in front of both: round robin, request bodies streamed, no size limit, Host and scheme passed on.
mkdir -p "$NGINX_DIR/tmp"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat >"$NGINX_DIR/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 512; }
http {
  log_format upstream '\$request_method \$uri \$status \$upstream_addr';
  access_log $NGINX_DIR/access.log upstream;
  client_body_temp_path $NGINX_DIR/tmp/body;
  proxy_temp_path $NGINX_DIR/tmp/proxy;
  fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
  uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
  scgi_temp_path $NGINX_DIR/tmp/scgi;
  upstream wharf {
    server 127.0.0.1:$WHARF_REGISTRY_PORT max_fails=1 fail_timeout=10s;
    server 127.0.0.1:$WHARF_REGISTRY2_PORT max_fails=1 fail_timeout=10s;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    client_max_body_size 0;
    location / {
      proxy_pass http://wharf;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_read_timeout 300s;
      proxy_send_timeout 300s;
    }
  }
}
EOF
nginx -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" -g 'daemon off;' >"$NGINX_DIR/stdout.log" 2>&1 &
NGINX_PID=$!
deadline=$((SECONDS + 20))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$N/v2/")" = 200 ] || [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$NGINX_PID" 2>/dev/null; do sleep 0.1; done
expect "nginx answers /v2/ for both instances" "$(curl -s -o /dev/null -w '%{http_code}' "$N/v2/")" 200
expect "nginx passes on the registry's challenge to a caller without credentials" "$(http GET "$N/v2/" -u :)" 401
realm=$(hdr WWW-Authenticate)
case "$realm" in
  *"realm=\"http://$NHOST/token\""*) ok "the token realm names nginx's address (Host passed on)" ;;
  *) not_ok "the token realm names nginx's address (got '$realm')" ;;
esac

# A project, and robots for the limits and the revocation.
api POST /api/v1/projects "{\"name\":\"$PROJECT\",\"isPublic\":false}" >/dev/null || not_ok "create project $PROJECT"
out=$(api POST "/api/v1/projects/$PROJECT/robots" '{"name":"puller","permissions":["pull"]}')
PULLER=$(json name <<<"$out"); PULLER_SECRET=$(json secret <<<"$out")
out=$(api POST "/api/v1/projects/$PROJECT/robots" '{"name":"leaving","permissions":["pull"]}')
LEAVING=$(json name <<<"$out"); LEAVING_SECRET=$(json secret <<<"$out")
[ -n "$PULLER_SECRET" ] && [ -n "$LEAVING_SECRET" ] && ok "project $PROJECT with robots $PULLER and $LEAVING" || not_ok "robots made"

# ------------------------------------------------------------------ chunked: PATCHes on alternating instances
CHUNK=$((3 * MIB))
CHUNKS=8
head -c $((CHUNK * CHUNKS)) /dev/urandom >"$WORK/chunked.bin"
split -b "$CHUNK" -d -a 1 "$WORK/chunked.bin" "$WORK/chunk."
DIGEST=sha256:$(sha_of "$WORK/chunked.bin")
REPO=$PROJECT/chunked
: >"$NGINX_DIR/access.log"
status=$(http POST "$R1/v2/$REPO/blobs/uploads/")
loc=$(hdr Location)
expect "[chunked] upload started on A" "$status" 202
targets=("$R1" "$R2" "$R1" "$R2" "$N" "$N" "$N" "$N")
all_right=1
for i in $(seq 0 $((CHUNKS - 1))); do
  start=$((i * CHUNK)); end=$((start + CHUNK - 1))
  status=$(http PATCH "${targets[$i]}$loc" -H "Content-Type: application/octet-stream" -H "Content-Range: $start-$end" \
    --data-binary "@$WORK/chunk.$i")
  if [ "$status" != 202 ] || [ "$(hdr Range)" != "0-$end" ]; then
    all_right=0; note "PATCH $i to ${targets[$i]}: $status, Range $(hdr Range) (want 0-$end)"
  fi
  loc=$(hdr Location)
done
[ "$all_right" = 1 ] && ok "[chunked] 8 PATCHes of 3 MiB: A, B, A, B directly, then 4 through nginx, each 202 with the whole range so far" ||
  not_ok "[chunked] every PATCH accepted with the right range"
served=$(awk '$1 == "PATCH" {print $4}' "$NGINX_DIR/access.log" | sort | uniq -c | awk '{print $2 "×" $1}' | tr '\n' ' ')
expect "[chunked] nginx sent its PATCHes to both instances in turn" "$served" \
  "127.0.0.1:$WHARF_REGISTRY_PORT×2 127.0.0.1:$WHARF_REGISTRY2_PORT×2 "
status=$(http PUT "$R2$(with_digest "$loc" "$DIGEST")")
expect "[chunked] the commit on B answers 201 with the blob's digest" "$status $(hdr Docker-Content-Digest)" "201 $DIGEST"
for side in A:$R1 B:$R2; do
  curl -fsS -L -o "$WORK/pulled-${side%%:*}.bin" "${side#*:}/v2/$REPO/blobs/$DIGEST" 2>>"$WHARF_DATA_DIR/curl.err"
  check "[chunked] the 24 MiB blob pulls byte for byte from ${side%%:*}" cmp "$WORK/chunked.bin" "$WORK/pulled-${side%%:*}.bin"
done

# ------------------------------------------------------------------ clients through nginx
python3 "$ROOT/e2e/oci-image.py" layer "$WORK/layer1.tgz" $((2 * MIB)) >/dev/null
python3 "$ROOT/e2e/oci-image.py" image "$WORK/img" v1 "$WORK/layer1.tgz" >/dev/null
LAYER1=$(sha_of "$WORK/layer1.tgz")
: >"$NGINX_DIR/access.log"
check "[clients] skopeo pushes through nginx" skopeo copy -q --dest-tls-verify=false --dest-creds "$ADMIN" \
  "oci:$WORK/img:v1" "docker://$NHOST/$PROJECT/app:v1"
check "[clients] skopeo pulls through nginx" skopeo copy -q --src-tls-verify=false --src-creds "$ADMIN" \
  "docker://$NHOST/$PROJECT/app:v1" "dir:$WORK/skopeo-out"
check "[clients] skopeo's layer is byte for byte the one pushed" cmp "$WORK/layer1.tgz" "$WORK/skopeo-out/$LAYER1"
expect "[clients] nginx spread skopeo's requests over both instances" \
  "$(awk '{print $4}' "$NGINX_DIR/access.log" | sort -u | grep -c '^127.0.0.1:')" 2
if command -v podman >/dev/null 2>&1; then
  pm() { podman --root "$WORK/pm/root" --runroot "$WORK/pm/run" --tmpdir "$WORK/pm/tmp" --storage-driver vfs "$@"; }
  mkdir -p "$WORK/pm/tmp"
  check "[clients] podman pulls through nginx" pm pull -q --tls-verify=false --creds "$ADMIN" "$NHOST/$PROJECT/app:v1"
  check "[clients] podman pushes through nginx" pm push -q --tls-verify=false --creds "$ADMIN" "$NHOST/$PROJECT/app:v1" \
    "docker://$NHOST/$PROJECT/app:podman"
  check "[clients] podman's push pulls back (skopeo) with the same layer bytes" sh -c \
    'skopeo copy -q --src-tls-verify=false --src-creds "$0" "docker://$1" "dir:$2" && cmp "$3" "$2/$4"' \
    "$ADMIN" "$NHOST/$PROJECT/app:podman" "$WORK/podman-out" "$WORK/layer1.tgz" "$LAYER1"
else
  note "podman is not installed: its push and pull are left out"
fi

# ------------------------------------------------------------------ limits: one budget across both instances
LIMIT=4
MANIFEST=/v2/$PROJECT/app/manifests/v1
ACCEPT=(-H "Accept: application/vnd.oci.image.manifest.v1+json" -H "Accept: application/vnd.docker.distribution.manifest.v2+json")
check "[limits] a system administrator sets the project's robot budget to $LIMIT pulls (on A)" \
  api PUT "/api/v1/projects/$PROJECT/robot-pull-limit" "{\"perWindow\":$LIMIT}"
# shows URL HEADER VALUE: waits until a HEAD of the manifest as the robot (which costs no pull) shows it.
shows() {
  local deadline=$((SECONDS + 15))
  while [ "$SECONDS" -lt "$deadline" ]; do
    http HEAD "$1$MANIFEST" -u "$PULLER:$PULLER_SECRET" "${ACCEPT[@]}" >/dev/null
    [ "$(hdr "$2" | cut -d';' -f1)" = "$3" ] && return 0
    sleep 0.05
  done
  note "$1: $2 is '$(hdr "$2")', want $3"
  return 1
}
if shows "$R1" RateLimit-Limit "$LIMIT" && shows "$R2" RateLimit-Limit "$LIMIT"; then
  ok "[limits] both instances apply the new budget (RateLimit-Limit $LIMIT)"
else
  not_ok "[limits] both instances apply the new budget"
fi
pulls=""
counted=1
for i in $(seq 1 "$LIMIT"); do
  if [ $((i % 2)) = 1 ]; then here=$R1; there=$R2; else here=$R2; there=$R1; fi
  pulls+="$(http GET "$here$MANIFEST" -u "$PULLER:$PULLER_SECRET" "${ACCEPT[@]}") "
  # The other instance counts it too (each shares its counts every second): wait until it shows.
  shows "$there" RateLimit-Remaining $((LIMIT - i)) || counted=0
done
expect "[limits] $LIMIT pulls alternated A, B, A, B are allowed" "$pulls" "200 200 200 200 "
[ "$counted" = 1 ] && ok "[limits] after each pull the other instance shows it counted (RateLimit-Remaining $((LIMIT - 1)) … 0)" ||
  not_ok "[limits] each instance counts the other's pulls"
status=$(http GET "$R1$MANIFEST" -u "$PULLER:$PULLER_SECRET" "${ACCEPT[@]}")
expect "[limits] pull $((LIMIT + 1)) on A is refused: 429 TOOMANYREQUESTS" "$status $(grep -o TOOMANYREQUESTS "$B" | head -1)" \
  "429 TOOMANYREQUESTS"
status=$(http GET "$R2$MANIFEST" -u "$PULLER:$PULLER_SECRET" "${ACCEPT[@]}")
expect "[limits] and on B as well" "$status $(grep -o TOOMANYREQUESTS "$B" | head -1)" "429 TOOMANYREQUESTS"

# ------------------------------------------------------------------ revoke: a robot deleted on A, refused on B
expect "[revoke] robot $LEAVING signs in on B (Basic on /v2/)" "$(http GET "$R2/v2/" -u "$LEAVING:$LEAVING_SECRET")" 200
expect "[revoke] and on A" "$(http GET "$R1/v2/" -u "$LEAVING:$LEAVING_SECRET")" 200
t_start=$(now_ms)
status=$(http DELETE "$R1/api/v1/projects/$PROJECT/robots/leaving")
t_deleted=$(now_ms)
case "$status" in 2??) ok "[revoke] robot $LEAVING deleted through A ($status, $((t_deleted - t_start)) ms)" ;; *) not_ok "[revoke] delete the robot on A (got $status)" ;; esac
refused=""
while [ $(($(now_ms) - t_deleted)) -lt 5000 ]; do
  if [ "$(http GET "$R2/v2/" -u "$LEAVING:$LEAVING_SECRET")" = 401 ]; then refused=$(($(now_ms) - t_deleted)); break; fi
done
if [ -n "$refused" ] && [ "$refused" -le 1000 ]; then
  ok "[revoke] B refuses the deleted robot (401) $refused ms after A answered the delete"
else
  not_ok "[revoke] B refuses the deleted robot within a second (after ${refused:-more than 5000} ms)"
fi

# ------------------------------------------------------------------ kill: an instance dies mid-PATCH
REPO=$PROJECT/survivor
python3 "$ROOT/e2e/oci-image.py" layer "$WORK/big.tgz" $((40 * MIB)) >/dev/null
python3 "$ROOT/e2e/oci-image.py" image "$WORK/big" v1 "$WORK/big.tgz" >/dev/null
BIG=sha256:$(sha_of "$WORK/big.tgz")
SIZE=$(stat -c %s "$WORK/big.tgz")
FIRST=$((12 * MIB))
status=$(http POST "$R1/v2/$REPO/blobs/uploads/")
loc=$(hdr Location)
head -c "$FIRST" "$WORK/big.tgz" >"$WORK/big.first"
status+=" $(http PATCH "$R1$loc" -H "Content-Type: application/octet-stream" --data-binary "@$WORK/big.first")"
loc=$(hdr Location)
expect "[kill] upload on A holds its first 12 MiB" "$status $(hdr Range)" "202 202 0-$((FIRST - 1))"
upload_id=${loc%%\?*}; upload_id=${upload_id##*/}
# The rest goes to A as one streamed PATCH (chunked), held open after 20 MiB of it: A dies while reading it.
tail -c +$((FIRST + 1)) "$WORK/big.tgz" >"$WORK/big.rest"
{ head -c $((20 * MIB)) "$WORK/big.rest"; while [ ! -e "$WORK/killed" ]; do sleep 0.1; done; } |
  curl -sS -X PATCH -H "Expect:" -H "Content-Type: application/octet-stream" -T - -o /dev/null "$R1$loc" 2>>"$WHARF_DATA_DIR/curl.err" &
STREAM_PID=$!
lock=$WHARF_DATA_DIR/s3/wharf/uploads/$upload_id/lock
deadline=$((SECONDS + 30))
while [ ! -e "$lock" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
check "[kill] A holds the upload's lock while the PATCH streams (S3Proxy: uploads/<id>/lock)" test -e "$lock"
pid_a=$(cat "$WHARF_DATA_DIR/run/registry.pid")
kill -KILL "$pid_a"
touch "$WORK/killed"
t_killed=$(now_ms)
wait "$STREAM_PID" 2>/dev/null
# Gone once it is no process or a zombie waiting to be reaped.
deadline=$((SECONDS + 30))
while kill -0 "$pid_a" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid_a/stat" 2>/dev/null)" != Z ] && [ "$SECONDS" -lt "$deadline" ]; do
  sleep 0.05
done
if port_free "$WHARF_REGISTRY_PORT"; then ok "[kill] A killed (kill -9) in the middle of the PATCH"; else not_ok "[kill] A is gone after kill -9"; fi
status=$(http GET "$R2$loc")
expect "[kill] B reports the upload as it was before the broken PATCH" "$status $(hdr Range)" "204 0-$((FIRST - 1))"
# B goes on once the dead holder's lock is over its lease: until then it answers 416 with the same range.
busy=0
while :; do
  status=$(http PATCH "$R2$loc" -H "Content-Type: application/octet-stream" -H "Content-Range: $FIRST-$((SIZE - 1))" \
    --data-binary "@$WORK/big.rest")
  [ "$status" = 416 ] && [ "$(hdr Range)" = "0-$((FIRST - 1))" ] && [ $(($(now_ms) - t_killed)) -lt 30000 ] || break
  busy=$((busy + 1))
  sleep 0.5
done
expect "[kill] B takes the rest of the upload $(($(now_ms) - t_killed)) ms after A died ($busy refusals while the lock was A's)" \
  "$status $(hdr Range)" "202 0-$((SIZE - 1))"
loc=$(hdr Location)
status=$(http PUT "$R2$(with_digest "$loc" "$BIG")")
expect "[kill] the commit on B answers 201 with the layer's digest" "$status $(hdr Docker-Content-Digest)" "201 $BIG"
check "[kill] skopeo pushes the image (its layer already there) through nginx, with A down" skopeo copy -q --dest-tls-verify=false \
  --dest-creds "$ADMIN" "oci:$WORK/big:v1" "docker://$NHOST/$REPO:v1"
check "[kill] the image pulls through nginx (skopeo)" skopeo copy -q --src-tls-verify=false --src-creds "$ADMIN" \
  "docker://$NHOST/$REPO:v1" "dir:$WORK/survivor-out"
check "[kill] its 40 MiB layer is byte for byte the one uploaded" cmp "$WORK/big.tgz" "$WORK/survivor-out/${BIG#sha256:}"

# ------------------------------------------------------------------ stop
kill -QUIT "$NGINX_PID" 2>/dev/null
wait "$NGINX_PID" 2>/dev/null
NGINX_PID=
check "./wharf down stops everything" "$ROOT/wharf" down
left=""
for p in "${PORTS[@]}"; do port_free "$p" || left+="$p "; done
expect "no port of the drill is left open" "$left" ""
finish
