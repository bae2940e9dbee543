#!/usr/bin/env bash
# HTTPS with real clients (issue 23): skopeo, podman and docker (a private dockerd) push and pull over TLS with
# the registry's CA trusted (skopeo/podman --cert-dir, docker /etc/docker/certs.d/<host:port>/ca.crt), with the
# digests and image ids the pushes made, and are refused by certificate verification while it is not trusted.
# The token realm the clients follow must be https too (an http one would fail the sign-in).
#
# Usage: e2e/https.sh HOST:PORT CA_FILE   (the registry's HTTPS address, e.g. the machine's address and
#                                         WHARF_TLS_PORT, and the CA its certificate chains to)
# Env:   E2E_USER / E2E_PASS   sign every client in first (default: anonymous)
#        E2E_SKIP_DOCKER=1     leave out docker
# e2e/system.sh runs it on its quickstart (WHARF_TLS=1) with the machine's first non-loopback address: docker
# takes 127.0.0.0/8 for insecure and would not verify there. Must run as root (dockerd; /etc/docker/certs.d).
# Prints "ok - …" / "not ok - …" lines, then "N passed, M failed"; exits 1 on any failure. Leaves nothing behind
# (a temporary directory, the dockerd it started, the certs.d entry it made).
set -u
set -o pipefail

if [ $# -ne 2 ] || [ ! -f "$2" ]; then
  echo "usage: $0 HOST:PORT CA_FILE" >&2
  exit 2
fi
R=$1
CA=$2
E2E_USER=${E2E_USER:-}
E2E_PASS=${E2E_PASS:-}
E2E_SKIP_DOCKER=${E2E_SKIP_DOCKER:-0}
T0=$SECONDS
PASS=0
FAIL=0
WORK=$(mktemp -d /tmp/wharf-https.XXXXXXXX)
LOG=$WORK/last.log
DOCKER_DIR=$WORK/docker
# shellcheck source=e2e/dockerd.sh
. "$(dirname "$0")/dockerd.sh"
CERTS_D=/etc/docker/certs.d/$R
CERTS_D_MADE=

cleanup() {
  set +e
  dockerd_stop
  [ -n "$CERTS_D_MADE" ] && rm -rf "$CERTS_D" && rmdir "${CERTS_D%/*}" 2>/dev/null   # the parent only when now empty
  awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
nok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; [ -s "$LOG" ] && tail -n 8 "$LOG" | sed 's/^/#   /'; return 0; }
check() { local d=$1; shift; if "$@" >"$LOG" 2>&1; then ok "$d"; else nok "$d"; return 1; fi; }
# refused DESC CMD...: ok when CMD fails on certificate verification
UNTRUSTED='x509|unknown authority|failed to verify certificate|certificate is not trusted'
refused() {
  local d=$1; shift
  if "$@" >"$LOG" 2>&1; then nok "$d (it succeeded)"; return 1; fi
  if grep -Eqi "$UNTRUSTED" "$LOG"; then ok "$d"; else nok "$d (not a certificate error)"; return 1; fi
}
same() { if [ -n "$2" ] && [ "$2" = "$3" ]; then ok "$1"; else LOG=/dev/null nok "$1 (expected '$2', got '$3')"; fi; }
finish() { echo "# $R, duration $((SECONDS - T0))s"; echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; exit; }

export TMPDIR=$WORK/tmp REGISTRY_AUTH_FILE=$WORK/auth.json DOCKER_CONFIG=$WORK/docker-config
export CONTAINERS_REGISTRIES_CONF=$WORK/registries.conf CONTAINERS_CONF=$WORK/containers.conf
mkdir -p "$TMPDIR" "$DOCKER_CONFIG" "$WORK/trusted" "$WORK/img"
cp "$CA" "$WORK/trusted/ca.crt"
echo '{"auths":{}}' >"$REGISTRY_AUTH_FILE"
# No registry is insecure here: every client verifies the certificate.
printf 'unqualified-search-registries = []\n' >"$CONTAINERS_REGISTRIES_CONF"
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime = "runc"\n' >"$CONTAINERS_CONF"
TRUST=(--cert-dir "$WORK/trusted")
podman_p() { podman --root "$WORK/p/root" --runroot "$WORK/p/run" --storage-driver vfs "$@"; }
SFX=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
REPO_S=e2e-https/skopeo-$SFX REPO_P=e2e-https/podman-$SFX REPO_D=e2e-https/docker-$SFX

# A test image: one layer of random bytes, as an OCI layout.
python3 "$(dirname "$0")/oci-image.py" layer "$WORK/layer.tgz" 65536 &&
  DIGEST=$(python3 "$(dirname "$0")/oci-image.py" image "$WORK/img/a" v1 "$WORK/layer.tgz") || { nok "test image"; finish; }
CONFIG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["digest"])' "$WORK/img/a/blobs/sha256/${DIGEST#sha256:}")

# Not trusted yet: every client stops at the certificate.
refused "skopeo push is refused while the CA is not trusted" skopeo copy -q "oci:$WORK/img/a:v1" "docker://$R/$REPO_S:v1"
refused "skopeo inspect is refused while the CA is not trusted" skopeo inspect --raw "docker://$R/$REPO_S:v1"
refused "podman pull is refused while the CA is not trusted" podman_p pull -q "$R/$REPO_S:v1"

# Trusted (--cert-dir): sign in, push, pull back.
if [ -n "$E2E_USER" ]; then
  check "skopeo login over https (https token realm)" sh -c 'printf %s "$E2E_PASS" | skopeo login --cert-dir "$1" -u "$E2E_USER" --password-stdin "$0"' "$R" "$WORK/trusted"
fi
check "skopeo push over https with --cert-dir" skopeo copy -q --dest-cert-dir "$WORK/trusted" "oci:$WORK/img/a:v1" "docker://$R/$REPO_S:v1" || finish
same "skopeo inspect over https: the digest pushed" "$DIGEST" "$(skopeo inspect "${TRUST[@]}" --format '{{.Digest}}' "docker://$R/$REPO_S:v1" 2>"$LOG")"
check "skopeo pull over https into a new layout" skopeo copy -q --src-cert-dir "$WORK/trusted" "docker://$R/$REPO_S:v1" "oci:$WORK/img/back:v1"
same "... its manifest has the pushed digest" "$DIGEST" "$(grep -o 'sha256:[0-9a-f]\{64\}' "$WORK/img/back/index.json" 2>/dev/null | head -n 1)"
check "... its layer is byte-identical" cmp "$WORK/img/a/blobs/sha256/$(sha256sum "$WORK/layer.tgz" | cut -d' ' -f1)" \
  "$WORK/img/back/blobs/sha256/$(sha256sum "$WORK/layer.tgz" | cut -d' ' -f1)"

if [ -n "$E2E_USER" ]; then
  check "podman login over https" sh -c 'printf %s "$E2E_PASS" | podman --root "$2/p/root" --runroot "$2/p/run" --storage-driver vfs login --cert-dir "$1" -u "$E2E_USER" --password-stdin "$0"' \
    "$R" "$WORK/trusted" "$WORK"
fi
check "podman pull over https with --cert-dir" podman_p pull -q "${TRUST[@]}" "$R/$REPO_S:v1"
same "... the image id is the pushed config's digest" "$CONFIG" "sha256:$(podman_p image inspect --format '{{.Id}}' "$R/$REPO_S:v1" 2>"$LOG")"
check "podman push over https with --cert-dir" podman_p push -q "${TRUST[@]}" --digestfile "$WORK/podman.digest" "$R/$REPO_S:v1" "docker://$R/$REPO_P:v1"
same "... the registry serves the digest podman pushed" "$(cat "$WORK/podman.digest" 2>/dev/null)" \
  "$(skopeo inspect "${TRUST[@]}" --format '{{.Digest}}' "docker://$R/$REPO_P:v1" 2>"$LOG")"

if [ "$E2E_SKIP_DOCKER" = 1 ]; then finish; fi
case "${R%:*}" in
  127.* | localhost | \[::1\]) echo "# docker takes $R for an insecure registry (loopback) and would not verify: docker part left out"; finish ;;
esac
[ -e "$CERTS_D" ] && { LOG=/dev/null nok "$CERTS_D exists already: not touching it (docker part left out)"; finish; }
dockerd_start || cp "$DOCKER_DIR/dockerd.log" "$LOG"
check "private dockerd starts (no insecure registries)" dk version || finish
refused "docker pull is refused while $CERTS_D/ca.crt is missing" dk pull "$R/$REPO_S:v1"
mkdir -p "$CERTS_D" && CERTS_D_MADE=1 && cp "$CA" "$CERTS_D/ca.crt"
if [ -n "$E2E_USER" ]; then
  check "docker login over https (CA in $CERTS_D)" sh -c 'printf %s "$E2E_PASS" | DOCKER_HOST="unix://$1/docker.sock" docker login -u "$E2E_USER" --password-stdin "$0"' \
    "$R" "$DOCKER_DIR"
fi
check "docker pull over https" dk pull "$R/$REPO_S:v1"
same "... the image id is the pushed config's digest" "$CONFIG" "$(dk image inspect --format '{{.Id}}' "$R/$REPO_S:v1" 2>"$LOG")"
check "docker push over https" sh -c 'DOCKER_HOST="unix://$2/docker.sock" docker tag "$0" "$1" && DOCKER_HOST="unix://$2/docker.sock" docker push "$1"' \
  "$R/$REPO_S:v1" "$R/$REPO_D:v1" "$DOCKER_DIR"
PUSHED=$(grep -o 'digest: sha256:[0-9a-f]\{64\}' "$LOG" | tail -n 1 | cut -d' ' -f2)
same "... the registry serves the digest docker pushed" "$PUSHED" \
  "$(skopeo inspect "${TRUST[@]}" --format '{{.Digest}}' "docker://$R/$REPO_D:v1" 2>/dev/null)"
check "docker pulls its push back by digest" sh -c 'DOCKER_HOST="unix://$1/docker.sock" docker rmi "$0:v1" >/dev/null && DOCKER_HOST="unix://$1/docker.sock" docker pull "$0@$2"' \
  "$R/$REPO_D" "$DOCKER_DIR" "$PUSHED"
finish
