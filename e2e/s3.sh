#!/usr/bin/env bash
# Real clients on S3 storage (issue 23): `WHARF_STORAGE=s3 ./wharf up` (the quickstart's S3Proxy, 5 MiB
# multipart parts) on ports of its own and a temporary data directory; skopeo, podman and docker (a private
# dockerd) push and pull images of three layers, one of 24 MiB (five parts), byte for byte:
#   1. redirects on (WHARF_S3_REDIRECT=true): a blob GET answers 307 to a presigned URL on the S3 endpoint,
#      which serves the blob (also a Range of it); every client pull gets the bytes while the registry's
#      metrics count 307s and no 200 for blob GETs: the clients fetched the blobs from S3 themselves;
#   2. redirects off, the registry alone restarted: blob GETs answer 200 with the bytes, Range answers 206
#      with the slice, and the same pulls (and new pushes) give the same bytes.
# Then `./wharf down` leaves no process behind.
#
# Usage: e2e/s3.sh            (as root: podman with private storage and a private dockerd)
# Env:   E2E_PORT_BASE=17000  first of the spare ports: registry = base, notifier +1, deployer +2,
#                             Kafka +92/+93, mail catcher +25/+26, S3 +900
#        E2E_SKIP_DOCKER=1    leave out docker
# Prints "ok - …" / "not ok - …" lines, then "N passed, M failed"; exits 1 on any failure.
set -u
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T0=$SECONDS
PASS=0
FAIL=0
WORK=$(mktemp -d /tmp/wharf-s3.XXXXXXXX)
LOG=$WORK/last.log
E2E_SKIP_DOCKER=${E2E_SKIP_DOCKER:-0}
DOCKER_DIR=$WORK/docker
# shellcheck source=e2e/dockerd.sh
. "$ROOT/e2e/dockerd.sh"

export WHARF_DATA_DIR=$WORK/data
BASE=${E2E_PORT_BASE:-17000}
export WHARF_REGISTRY_PORT=$BASE WHARF_NOTIFIER_PORT=$((BASE + 1)) WHARF_DEPLOYER_PORT=$((BASE + 2))
export WHARF_KAFKA_PORT=$((BASE + 92)) WHARF_KAFKA_CONTROLLER_PORT=$((BASE + 93))
export WHARF_MAIL_CATCHER_SMTP_PORT=$((BASE + 25)) WHARF_MAIL_CATCHER_HTTP_PORT=$((BASE + 26))
export WHARF_STORAGE=s3 WHARF_S3_PORT=$((BASE + 900)) WHARF_S3_BUCKET=wharf-e2e WHARF_S3_PREFIX=e2e/
export WHARF_S3_PART_SIZE=$((5 * 1024 * 1024)) WHARF_S3_REDIRECT=true
export WHARF_DB=wharf_s3_test
unset WHARF_S3_ENDPOINT WHARF_TLS WHARF_TLS_CERT WHARF_TLS_KEY QUARKUS_MAILER_HOST
PORTS=($WHARF_REGISTRY_PORT $WHARF_NOTIFIER_PORT $WHARF_DEPLOYER_PORT $WHARF_KAFKA_PORT $WHARF_KAFKA_CONTROLLER_PORT $WHARF_S3_PORT)
export WHARF_ADMIN_USER=admin WHARF_ADMIN_PASSWORD
WHARF_ADMIN_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
R=127.0.0.1:$WHARF_REGISTRY_PORT

cleanup() {
  set +e
  dockerd_stop
  "$ROOT/wharf" down >/dev/null 2>&1
  awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $WHARF_DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
nok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; [ -s "$LOG" ] && tail -n 12 "$LOG" | sed 's/^/#   /'; return 0; }
check() { local d=$1; shift; if "$@" >"$LOG" 2>&1; then ok "$d"; else nok "$d"; return 1; fi; }
same() { if [ -n "$2" ] && [ "$2" = "$3" ]; then ok "$1"; else LOG=/dev/null nok "$1 (expected '$2', got '$3')"; fi; }
finish() { echo "# duration $((SECONDS - T0))s"; echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; exit; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

export TMPDIR=$WORK/tmp REGISTRY_AUTH_FILE=$WORK/auth.json DOCKER_CONFIG=$WORK/docker-config
export CONTAINERS_REGISTRIES_CONF=$WORK/registries.conf CONTAINERS_CONF=$WORK/containers.conf
mkdir -p "$TMPDIR" "$DOCKER_CONFIG" "$WORK/img" "$WORK/out"
echo '{"auths":{}}' >"$REGISTRY_AUTH_FILE"
printf 'unqualified-search-registries = []\n[[registry]]\nlocation = "%s"\ninsecure = true\n' "$R" >"$CONTAINERS_REGISTRIES_CONF"
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime = "runc"\n' >"$CONTAINERS_CONF"
podman_p() { podman --root "$WORK/p/root" --runroot "$WORK/p/run" --storage-driver vfs "$@"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

for p in "${PORTS[@]}"; do
  port_free "$p" || { LOG=/dev/null nok "port $p is free before the test"; finish; }
done
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $WHARF_DB WITH (FORCE)" >/dev/null 2>&1

check "WHARF_STORAGE=s3 ./wharf up starts the system on the quickstart's S3 server" "$ROOT/wharf" up || finish
S3=$(sed -n 's/^WHARF_S3_ENDPOINT=//p' "$WHARF_DATA_DIR/infra.env")

# Three layers: 24 MiB (five 5 MiB parts), 1 MiB and 64 KiB of random bytes (gzip leaves them as big).
layers=()
for n in 25165824 1048576 65536; do
  python3 "$ROOT/e2e/oci-image.py" layer "$WORK/layer-$n.tgz" "$n" && layers+=("$WORK/layer-$n.tgz")
done
DIGEST=$(python3 "$ROOT/e2e/oci-image.py" image "$WORK/img/a" v1 "${layers[@]}") || { LOG=/dev/null nok "test image"; finish; }
BIG=sha256:$(sha "$WORK/layer-25165824.tgz")
BLOBS=$WORK/img/a/blobs/sha256
CONFIG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["digest"])' "$BLOBS/${DIGEST#sha256:}")
DIFF_IDS=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["rootfs"]["diff_ids"]))' "$BLOBS/${CONFIG#sha256:}")
SFX=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
REPO=e2e-s3/image-$SFX

login() { printf %s "$WHARF_ADMIN_PASSWORD" | "$@" login --tls-verify=false -u "$WHARF_ADMIN_USER" --password-stdin "$R"; }
check "skopeo login" login skopeo
check "podman login" login podman_p

# A bearer token that may pull REPO, as the clients get one (the realm the challenge names).
token() {
  local realm service
  realm=$(curl -sS -o /dev/null -D - "http://$R/v2/" | tr -d '\r' | sed -n 's/^[Ww][Ww][Ww]-[Aa]uthenticate: Bearer realm="\([^"]*\)".*/\1/p')
  service=$(curl -sS -o /dev/null -D - "http://$R/v2/" | tr -d '\r' | sed -n 's/.*service="\([^"]*\)".*/\1/p')
  curl -fsS -u "$WHARF_ADMIN_USER:$WHARF_ADMIN_PASSWORD" -G --data-urlencode "service=$service" \
    --data-urlencode "scope=repository:$1:pull" "$realm" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
# blob_get REPO DIGEST OUT [curl args…]: prints the status; headers in OUT.h
blob_get() {
  local repo=$1 digest=$2 out=$3
  shift 3
  curl -sS -o "$out" -D "$out.h" -w '%{http_code}' -H "Authorization: Bearer $(token "$repo")" "$@" "http://$R/v2/$repo/blobs/$digest"
}
# The registry's count of blob GETs answered with STATUS (Prometheus, /q/metrics).
blob_gets() {
  curl -fsS "http://$R/q/metrics" | awk -v s="status=\"$1\"" 'index($0, "http_server_requests_seconds_count{") == 1 &&
    index($0, "method=\"GET\"") && index($0, s) && index($0, "uri=\"/v2/{name}/blobs/{digest}\"") { n += $NF } END { printf "%d\n", n }'
}
# same_layers WHAT DIR: every blob of the image copied to DIR (skopeo dir:) is the source layout's, byte for byte.
same_layers() {
  local what=$1 dir=$2 d bad=""
  for d in ${BLOBS_OF_A}; do cmp -s "$BLOBS/$d" "$dir/$d" || bad="$bad $d"; done
  if [ -z "$bad" ]; then ok "$what"; else LOG=/dev/null nok "$what (differ or missing:$bad)"; fi
}
BLOBS_OF_A=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(" ".join(d["digest"][7:] for d in [m["config"]] + m["layers"]))' "$BLOBS/${DIGEST#sha256:}")
# every_blob_verifies WHAT DIR: each blob file skopeo wrote hashes to its name (what the registry served is what was pushed).
every_blob_verifies() {
  local what=$1 dir=$2 f bad="" n=0
  for f in "$dir"/*; do
    case "${f##*/}" in manifest.json | version) continue ;; esac
    n=$((n + 1))
    [ "$(sha "$f")" = "${f##*/}" ] || bad="$bad ${f##*/}"
  done
  if [ -z "$bad" ] && [ "$n" -ge 2 ]; then ok "$what ($n blobs)"; else LOG=/dev/null nok "$what ($n blobs; wrong:$bad)"; fi
}
# The client pulls of one mode: skopeo to a dir (byte for byte), podman and docker (image id and diff ids).
pulls() {
  local mode=$1 dir=$WORK/out/skopeo-$1
  check "[$mode] skopeo pulls the image into a dir" skopeo copy -q --src-tls-verify=false "docker://$R/$REPO:v1" "dir:$dir"
  same_layers "[$mode] ... every layer and the config are byte-identical to the pushed ones" "$dir"
  podman_p rmi -f "$R/$REPO:v1" >/dev/null 2>&1
  check "[$mode] podman pulls the image" podman_p pull -q --tls-verify=false "$R/$REPO:v1"
  same "[$mode] ... its image id is the config digest" "$CONFIG" "sha256:$(podman_p image inspect --format '{{.Id}}' "$R/$REPO:v1" 2>"$LOG")"
  same "[$mode] ... its layers' contents are the pushed ones (diff ids)" "$DIFF_IDS" \
    "$(podman_p image inspect --format '{{range .RootFS.Layers}}{{.}} {{end}}' "$R/$REPO:v1" 2>"$LOG" | sed 's/ $//')"
  [ "$E2E_SKIP_DOCKER" = 1 ] && return
  dk rmi -f "$CONFIG" >/dev/null 2>&1   # by id: every tag of it, so the pull fetches the blobs again
  check "[$mode] docker pulls the image" dk pull "$R/$REPO:v1"
  same "[$mode] ... its image id is the config digest" "$CONFIG" "$(dk image inspect --format '{{.Id}}' "$R/$REPO:v1" 2>"$LOG")"
  same "[$mode] ... its layers' contents are the pushed ones (diff ids)" "$DIFF_IDS" \
    "$(dk image inspect --format '{{range .RootFS.Layers}}{{.}} {{end}}' "$R/$REPO:v1" 2>"$LOG" | sed 's/ $//')"
}
# fresh_image DIR: an OCI layout of one new 21 MiB layer (five parts), for a client to push from its own store.
fresh_image() {
  python3 "$ROOT/e2e/oci-image.py" layer "$1.tgz" 22020096 && python3 "$ROOT/e2e/oci-image.py" image "$1" v1 "$1.tgz" >/dev/null
}
# The client pushes of one mode, each of a new image from the client's own store (podman compresses the layer on
# the fly and sends it chunked, docker compresses it itself: new blobs, uploaded in parts, not mounted), pulled
# back with skopeo: every blob must hash to its digest.
pushes() {
  local mode=$1 pushed
  fresh_image "$WORK/img/p-$mode" || { LOG=/dev/null nok "[$mode] a new image for podman"; return; }
  check "[$mode] podman loads a new image of its own" sh -c 'skopeo copy -q "oci:$0:v1" "docker-archive:$1:e2e-local/s3-podman:$2" &&
    podman --root "$3/p/root" --runroot "$3/p/run" --storage-driver vfs load -q -i "$1"' "$WORK/img/p-$mode" "$WORK/p-$mode.tar" "$mode" "$WORK"
  check "[$mode] podman pushes it to $REPO-podman-$mode" \
    podman_p push -q --tls-verify=false --digestfile "$WORK/podman-$mode.digest" "e2e-local/s3-podman:$mode" "docker://$R/$REPO-podman-$mode:v1"
  same "[$mode] ... the registry serves the digest podman pushed" "$(cat "$WORK/podman-$mode.digest" 2>/dev/null)" \
    "$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$R/$REPO-podman-$mode:v1" 2>"$LOG")"
  check "[$mode] ... skopeo pulls it back" skopeo copy -q --src-tls-verify=false "docker://$R/$REPO-podman-$mode:v1" "dir:$WORK/out/podman-$mode"
  every_blob_verifies "[$mode] ... every blob of podman's push comes back hashing to its digest" "$WORK/out/podman-$mode"
  [ "$E2E_SKIP_DOCKER" = 1 ] && return
  fresh_image "$WORK/img/d-$mode" || { LOG=/dev/null nok "[$mode] a new image for docker"; return; }
  check "[$mode] docker loads a new image of its own" sh -c 'skopeo copy -q "oci:$0:v1" "docker-archive:$1:e2e-local/s3:$2" &&
    DOCKER_HOST="unix://$3/docker.sock" docker load -i "$1"' "$WORK/img/d-$mode" "$WORK/d-$mode.tar" "$mode" "$DOCKER_DIR"
  check "[$mode] docker pushes it to $REPO-docker-$mode" \
    sh -c 'DOCKER_HOST="unix://$2/docker.sock" docker tag "$0" "$1" && DOCKER_HOST="unix://$2/docker.sock" docker push "$1"' \
    "e2e-local/s3:$mode" "$R/$REPO-docker-$mode:v1" "$DOCKER_DIR"
  pushed=$(grep -o 'digest: sha256:[0-9a-f]\{64\}' "$LOG" | tail -n 1 | cut -d' ' -f2)
  same "[$mode] ... the registry serves the digest docker pushed" "$pushed" \
    "$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$R/$REPO-docker-$mode:v1" 2>"$LOG")"
  check "[$mode] ... skopeo pulls it back" skopeo copy -q --src-tls-verify=false "docker://$R/$REPO-docker-$mode:v1" "dir:$WORK/out/docker-$mode"
  every_blob_verifies "[$mode] ... every blob of docker's push comes back hashing to its digest" "$WORK/out/docker-$mode"
}

if [ "$E2E_SKIP_DOCKER" != 1 ]; then
  dockerd_start || cp "$DOCKER_DIR/dockerd.log" "$LOG"
  check "private dockerd starts" dk version || finish
  check "docker login" sh -c 'printf %s "$WHARF_ADMIN_PASSWORD" | DOCKER_HOST="unix://$1/docker.sock" docker login -u "$WHARF_ADMIN_USER" --password-stdin "$0"' \
    "$R" "$DOCKER_DIR"
fi

# ---------------------------------------------------------------- 1. redirects on
check "[redirect] skopeo pushes the image (24 MiB layer in 5 MiB parts)" skopeo copy -q --dest-tls-verify=false "oci:$WORK/img/a:v1" "docker://$R/$REPO:v1" || finish
same "[redirect] ... the registry serves the pushed manifest digest" "$DIGEST" \
  "$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$R/$REPO:v1" 2>"$LOG")"
# The store is made at its first use: it says what it is then.
check "[redirect] the registry stores the blobs on S3 (bucket $WHARF_S3_BUCKET at $S3, redirects on, 5 MiB parts)" \
  grep -q "blob storage: S3 $S3 .* $WHARF_S3_BUCKET/$WHARF_S3_PREFIX redirect parts 5242880" "$WHARF_DATA_DIR/logs/registry.log"
status=$(blob_get "$REPO" "$BIG" "$WORK/out/redirect.body")
location=$(tr -d '\r' <"$WORK/out/redirect.body.h" | sed -n 's/^[Ll]ocation: //p')
same "[redirect] GET of the 24 MiB blob answers 307" 307 "$status"
case "$location" in
  "$S3/$WHARF_S3_BUCKET/$WHARF_S3_PREFIX"*X-Amz-Signature=*) ok "[redirect] ... to a presigned URL on the S3 endpoint ($S3/$WHARF_S3_BUCKET/$WHARF_S3_PREFIX…)" ;;
  *) LOG=/dev/null nok "[redirect] ... to a presigned URL on the S3 endpoint (Location: $location)" ;;
esac
check "[redirect] ... the S3 server serves the blob at that URL, byte for byte" sh -c \
  'curl -fsS -o "$1" "$0" && cmp "$1" "$2"' "$location" "$WORK/out/s3.body" "$BLOBS/${BIG#sha256:}"
check "[redirect] ... and a Range of it (206, the slice)" bash -c \
  'test "$(curl -sS -o "$1" -w "%{http_code}" -H "Range: bytes=6000000-6000999" "$0")" = 206 &&
   cmp "$1" <(tail -c +6000001 "$2" | head -c 1000)' "$location" "$WORK/out/s3.range" "$BLOBS/${BIG#sha256:}"
before307=$(blob_gets 307)
before200=$(blob_gets 200)
pulls redirect
after307=$(blob_gets 307)
after200=$(blob_gets 200)
nclients=$([ "$E2E_SKIP_DOCKER" = 1 ] && echo 2 || echo 3)
if [ "$((after307 - before307))" -ge "$((nclients * 4))" ] && [ "$after200" = "$before200" ]; then
  ok "[redirect] the clients followed the redirects: $((after307 - before307)) blob GETs answered 307, none 200 (registry metrics)"
else
  LOG=/dev/null nok "[redirect] blob GETs during the pulls: 307 $before307 -> $after307, 200 $before200 -> $after200"
fi
pushes redirect

# ---------------------------------------------------------------- 2. redirects off (the registry alone restarted)
REGISTRY_PID=$(cat "$WHARF_DATA_DIR/run/registry.pid")
OTHERS=$(cat "$WHARF_DATA_DIR/run/infra.pid" "$WHARF_DATA_DIR/run/notifier.pid" "$WHARF_DATA_DIR/run/deployer.pid" | tr '\n' ' ')
kill -TERM "$REGISTRY_PID"
for ((i = 0; i < 300; i++)); do kill -0 "$REGISTRY_PID" 2>/dev/null || break; sleep 0.1; done
check "the registry alone restarts with redirects off" env WHARF_S3_REDIRECT=false "$ROOT/wharf" up
check "... the rest kept running (infra, notifier, deployer: PIDs $OTHERS)" sh -c 'for p in $0; do kill -0 "$p" || exit 1; done' "$OTHERS"
status=$(blob_get "$REPO" "$BIG" "$WORK/out/stream.body")
same "[stream] GET of the 24 MiB blob answers 200" 200 "$status"
check "[stream] ... the restarted registry's blob store streams (redirects off)" \
  grep -q "blob storage: S3 $S3 .* $WHARF_S3_BUCKET/$WHARF_S3_PREFIX stream parts 5242880" "$WHARF_DATA_DIR/logs/registry.log"
check "[stream] ... with the blob's bytes" cmp "$WORK/out/stream.body" "$BLOBS/${BIG#sha256:}"
status=$(blob_get "$REPO" "$BIG" "$WORK/out/stream.range" -H "Range: bytes=6000000-6000999")
same "[stream] GET with Range answers 206" 206 "$status"
check "[stream] ... with Content-Range and the slice" bash -c 'grep -qi "^content-range: bytes 6000000-6000999/25" "$0" &&
   cmp "$1" <(tail -c +6000001 "$2" | head -c 1000)' "$WORK/out/stream.range.h" "$WORK/out/stream.range" "$BLOBS/${BIG#sha256:}"
before200=$(blob_gets 200)
pulls stream
after200=$(blob_gets 200)
if [ "$((after200 - before200))" -ge "$((nclients * 4))" ] && [ "$(blob_gets 307)" = 0 ]; then
  ok "[stream] the registry served the clients' blob GETs itself: $((after200 - before200)) answered 200, none 307"
else
  LOG=/dev/null nok "[stream] blob GETs during the pulls: 200 $before200 -> $after200, 307 $(blob_gets 307)"
fi
pushes stream

dockerd_stop
pids=$(cat "$WHARF_DATA_DIR"/run/*.pid 2>/dev/null | tr '\n' ' ')
check "./wharf down stops everything" "$ROOT/wharf" down
still=""
for pid in $pids; do kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] && still="$still $pid"; done
if [ -z "$still" ]; then ok "no process started by ./wharf is still running"; else LOG=/dev/null nok "still running after down:$still"; fi
finish
