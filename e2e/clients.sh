#!/usr/bin/env bash
# End-to-end test of an OCI registry with real clients: skopeo, podman, buildah, docker.
#
# Usage: e2e/clients.sh REGISTRY_HOSTPORT        (plain HTTP, e.g. 127.0.0.1:5000)
# Env:   E2E_USER / E2E_PASS   log every client in first (default: anonymous)
#        E2E_AUTH=1            also run the identity scenarios (Wharf only; E2E_USER must be a
#                              system admin): login/logout, denied pushes, robots, visibility,
#                              revoked tokens and rotated robot secrets ending client sessions,
#                              and tag immutability: pushes over an immutable tag print the rule
#        E2E_SKIP_DOCKER=1     skip the part that needs a private dockerd
#        E2E_ONLY="a b"        run only these scenarios after the preflight (names as in
#                              scenario_<name>, e.g. E2E_ONLY=immutability)
#        E2E_QUOTA=1           also run the quota scenario (Wharf only; E2E_USER must be a system
#                              admin): docker and skopeo pushes over a project's quota are refused
#                              with the quota message
#        E2E_GC=1              also run the garbage-collection scenario (Wharf only, started with
#                              WHARF_GC_GRACE=0s; E2E_USER must be a system admin): what GC frees is
#                              what its dry run said, and every kept image pulls back with docker
#                              and skopeo, byte for byte
#
# Prints one TAP-like line per check ("ok - ..." / "not ok - ..."), then exactly
# "N passed, M failed"; exits 1 if any check failed, 2 on a usage/prerequisite error.
# Must run as root (private dockerd; podman/buildah with private vfs storage).
# Everything lives in a temporary directory that is removed on exit.

set -u
set -o pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 REGISTRY_HOSTPORT   (e.g. 127.0.0.1:5000, plain HTTP)" >&2
    exit 2
fi
R=$1
E2E_USER=${E2E_USER:-}
E2E_PASS=${E2E_PASS:-}
E2E_SKIP_DOCKER=${E2E_SKIP_DOCKER:-0}
E2E_AUTH=${E2E_AUTH:-0}
E2E_QUOTA=${E2E_QUOTA:-0}
E2E_GC=${E2E_GC:-0}
E2E_ONLY=${E2E_ONLY:-}
START_NS=$(date +%s%N)

PASS=0
FAIL=0

summary() {
    local end_ns
    end_ns=$(date +%s%N)
    echo "# registry $R, duration $(( (end_ns - START_NS) / 1000000 )) ms"
    echo "$PASS passed, $FAIL failed"
}

# ---------------------------------------------------------------- prerequisites
need=(skopeo podman buildah curl tar gzip sha256sum mktemp cmp od)
if [ "$E2E_SKIP_DOCKER" != 1 ]; then need+=(docker dockerd); fi
missing=()
for c in "${need[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "e2e: missing commands: ${missing[*]}" >&2
    echo "e2e: on Debian 12: apt-get install -y skopeo podman buildah docker.io curl" >&2
    echo "not ok - prerequisites: missing commands: ${missing[*]}"
    FAIL=1; summary; exit 2
fi
if [ "$(id -u)" != 0 ]; then
    echo "e2e: must run as root (private dockerd, podman/buildah storage)" >&2
    echo "not ok - prerequisites: not running as root"
    FAIL=1; summary; exit 2
fi

# ---------------------------------------------------------------- work dir, cleanup
WORK=$(mktemp -d /tmp/wharf-e2e.XXXXXXXX)
LOG=$WORK/last.log
DOCKER_DIR=$WORK/docker
# shellcheck source=e2e/dockerd.sh
. "$(dirname "${BASH_SOURCE[0]}")/dockerd.sh"

cleanup() {
    set +e
    dockerd_stop
    # anything still mounted below the work dir (docker netns, podman image mounts)
    awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export TMPDIR=$WORK/tmp
export REGISTRY_AUTH_FILE=$WORK/auth.json
export DOCKER_CONFIG=$WORK/docker-config
export CONTAINERS_REGISTRIES_CONF=$WORK/registries.conf
export CONTAINERS_CONF=$WORK/containers.conf
mkdir -p "$TMPDIR" "$DOCKER_CONFIG" "$WORK/img" "$WORK/out"
echo '{"auths":{}}' >"$REGISTRY_AUTH_FILE"   # buildah insists that it exists
cat >"$CONTAINERS_REGISTRIES_CONF" <<EOF
unqualified-search-registries = []
[[registry]]
location = "$R"
insecure = true
EOF
cat >"$CONTAINERS_CONF" <<EOF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF

# ---------------------------------------------------------------- check helpers
ok()  { PASS=$((PASS + 1)); echo "ok - $*"; }
nok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
diag() { [ -s "$LOG" ] && tail -n 12 "$LOG" | sed 's/^/#   /'; return 0; }

# check DESC CMD...: run CMD (output to $LOG); ok when it exits 0
check() {
    local d=$1; shift
    if "$@" >"$LOG" 2>&1; then ok "$d"; return 0; fi
    nok "$d"; diag; return 1
}
# check_fails DESC PATTERN CMD...: ok when CMD fails and its output matches PATTERN (grep -Ei)
check_fails() {
    local d=$1 pat=$2; shift 2
    if "$@" >"$LOG" 2>&1; then nok "$d (command succeeded)"; diag; return 1; fi
    if grep -Eqi -- "$pat" "$LOG"; then ok "$d"; return 0; fi
    nok "$d (error does not match /$pat/)"; diag; return 1
}
# same DESC EXPECTED ACTUAL
same() {
    if [ -n "$2" ] && [ "$2" = "$3" ]; then ok "$1"; return 0; fi
    nok "$1"; echo "#   expected: '$2'"; echo "#   actual:   '$3'"; return 1
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c <"$1" | tr -d ' '; }
rand_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

SFX=$(rand_hex 4)
REPO_A=e2e/skopeo-$SFX
REPO_B=e2e/skopeo-mount-$SFX
REPO_P=e2e/podman-$SFX
REPO_D=e2e/docker-$SFX
REPO_M=e2e/multiarch-$SFX

SK_SRC=(--src-tls-verify=false)
SK_DST=(--dest-tls-verify=false)
TLS=(--tls-verify=false)
podman_a() { podman --root "$WORK/pa/root" --runroot "$WORK/pa/run" --tmpdir "$WORK/pa/tmp" --storage-driver vfs "$@"; }
podman_b() { podman --root "$WORK/pb/root" --runroot "$WORK/pb/run" --tmpdir "$WORK/pb/tmp" --storage-driver vfs "$@"; }
buildah_a() { buildah --root "$WORK/pa/root" --runroot "$WORK/pa/run" --storage-driver vfs "$@"; }

# curl against the registry API, with credentials when E2E_USER is set
# (Basic, or a Bearer token fetched from the challenge's realm for SCOPE).
reg_get() { # reg_get PATH SCOPE OUTFILE HEADERFILE
    local path=$1 scope=$2 out=$3 hdr=$4 code chal realm service tok
    code=$(curl -sS -o "$out" -D "$hdr" -w '%{http_code}' "http://$R$path") || return 1
    if [ "$code" = 401 ] && [ -n "$E2E_USER" ]; then
        chal=$(grep -i '^www-authenticate:' "$hdr" | head -n1 | tr -d '\r')
        case "$chal" in
        *[Bb]earer*)
            realm=$(sed -n 's/.*realm="\([^"]*\)".*/\1/p' <<<"$chal")
            service=$(sed -n 's/.*service="\([^"]*\)".*/\1/p' <<<"$chal")
            tok=$(curl -sS -G -u "$E2E_USER:$E2E_PASS" --data-urlencode "service=$service" \
                --data-urlencode "scope=$scope" "$realm" |
                sed -n 's/.*"\(access_token\|token\)" *: *"\([^"]*\)".*/\2/p' | head -n1)
            code=$(curl -sS -o "$out" -D "$hdr" -w '%{http_code}' \
                -H "Authorization: Bearer $tok" "http://$R$path") || return 1 ;;
        *)
            code=$(curl -sS -o "$out" -D "$hdr" -w '%{http_code}' \
                -u "$E2E_USER:$E2E_PASS" "http://$R$path") || return 1 ;;
        esac
    fi
    [ "$code" = 200 ] || { echo "HTTP $code for $path"; cat "$out"; return 1; }
}

# ---------------------------------------------------------------- test images
# make_layout DIR TAG ARCH PAYLOAD: OCI image layout with one gzip layer holding
# /payload.bin. Sets LAYER_DIGEST, CONFIG_DIGEST, MANIFEST_DIGEST, MANIFEST_SIZE.
# With TAG empty, index.json is left alone (the caller writes it).
make_layout() {
    local dir=$1 tag=$2 arch=$3 payload=$4 rootfs=$WORK/rootfs.$$ blobs=$1/blobs/sha256
    local diffid lsize csize cfg man
    mkdir -p "$blobs" "$rootfs"
    cp "$payload" "$rootfs/payload.bin"
    chmod 0644 "$rootfs/payload.bin"
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
        -C "$rootfs" -cf "$WORK/layer.tar" payload.bin || return 1
    rm -rf "$rootfs"
    diffid=$(sha "$WORK/layer.tar")
    gzip -n -c "$WORK/layer.tar" >"$WORK/layer.tgz"
    LAYER_DIGEST=$(sha "$WORK/layer.tgz")
    lsize=$(size "$WORK/layer.tgz")
    mv "$WORK/layer.tgz" "$blobs/$LAYER_DIGEST"
    rm -f "$WORK/layer.tar"
    cfg=$WORK/config.json
    printf '{"created":"1970-01-01T00:00:00Z","architecture":"%s","os":"linux","config":{"Cmd":["/payload.bin"],"Labels":{"e2e":"%s"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"wharf e2e"}]}' \
        "$arch" "$SFX" "$diffid" >"$cfg"
    CONFIG_DIGEST=$(sha "$cfg")
    csize=$(size "$cfg")
    mv "$cfg" "$blobs/$CONFIG_DIGEST"
    man=$WORK/manifest.json
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
        "$CONFIG_DIGEST" "$csize" "$LAYER_DIGEST" "$lsize" >"$man"
    MANIFEST_DIGEST=$(sha "$man")
    MANIFEST_SIZE=$(size "$man")
    mv "$man" "$blobs/$MANIFEST_DIGEST"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
    if [ -n "$tag" ]; then
        printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
            "$MANIFEST_DIGEST" "$MANIFEST_SIZE" "$tag" >"$dir/index.json"
    fi
}

# digest of the only manifest an OCI layout's index.json names
layout_manifest_digest() { grep -o 'sha256:[0-9a-f]\{64\}' "$1/index.json" | head -n1; }

# ---------------------------------------------------------------- preflight
preflight() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://$R/v2/")
    case "$code" in
    200 | 401) ok "preflight: GET http://$R/v2/ answers ($code)" ;;
    *) nok "preflight: GET http://$R/v2/ answers (got '${code}')"; summary; exit 1 ;;
    esac
    if [ -n "$E2E_USER" ]; then
        check "login: skopeo login" sh -c 'printf %s "$E2E_PASS" | skopeo login --tls-verify=false -u "$E2E_USER" --password-stdin "$0"' "$R"
        check "login: podman login" sh -c 'printf %s "$E2E_PASS" | podman login --tls-verify=false -u "$E2E_USER" --password-stdin "$0"' "$R"
    fi
}

# ---------------------------------------------------------------- 1. skopeo round trip
scenario_skopeo() {
    local src=$WORK/img/a back=$WORK/out/a dig raw
    head -c 262144 /dev/urandom >"$WORK/payload-a"
    make_layout "$src" v1 amd64 "$WORK/payload-a"
    A_LAYER=$LAYER_DIGEST
    A_MANIFEST=sha256:$MANIFEST_DIGEST
    check "[1 skopeo] copy oci-layout -> docker://$REPO_A:v1" \
        skopeo copy -q "${SK_DST[@]}" "oci:$src:v1" "docker://$R/$REPO_A:v1" || return
    raw=$WORK/out/a-raw.json
    check "[1 skopeo] inspect --raw by tag" \
        sh -c 'skopeo inspect --raw --tls-verify=false "$0" >"$1"' "docker://$R/$REPO_A:v1" "$raw" || return
    check "[1 skopeo] raw manifest is byte-identical to the one pushed (OCI)" \
        cmp "$src/blobs/sha256/$MANIFEST_DIGEST" "$raw"
    dig=$(skopeo inspect "${TLS[@]}" --format '{{.Digest}}' "docker://$R/$REPO_A:v1" 2>"$LOG")
    same "[1 skopeo] inspect digest equals sha256 of the raw manifest" "sha256:$(sha "$raw")" "$dig"
    same "[1 skopeo] inspect digest equals the locally computed digest" "$A_MANIFEST" "$dig"
    check "[1 skopeo] inspect by digest" \
        skopeo inspect "${TLS[@]}" "docker://$R/$REPO_A@$A_MANIFEST"
    check "[1 skopeo] copy back docker:// -> new oci-layout" \
        skopeo copy -q "${SK_SRC[@]}" "docker://$R/$REPO_A:v1" "oci:$back:v1" || return
    same "[1 skopeo] copied-back manifest digest" "$A_MANIFEST" "$(layout_manifest_digest "$back")"
    same "[1 skopeo] copied-back layer blob has the pushed digest" \
        "$A_LAYER" "$( [ -f "$back/blobs/sha256/$A_LAYER" ] && sha "$back/blobs/sha256/$A_LAYER")"
    mkdir -p "$WORK/out/a-x"
    check "[1 skopeo] extracted file is byte-identical" \
        sh -c 'tar -xzf "$0" -C "$1" && cmp "$2" "$1/payload.bin"' \
        "$back/blobs/sha256/$A_LAYER" "$WORK/out/a-x" "$WORK/payload-a"
}

# ---------------------------------------------------------------- 4. second tag
scenario_tag() {
    local d1 d2
    check "[4 tag] skopeo copy docker://$REPO_A:v1 -> docker://$REPO_A:v2" \
        skopeo copy -q "${SK_SRC[@]}" "${SK_DST[@]}" "docker://$R/$REPO_A:v1" "docker://$R/$REPO_A:v2"
    d1=$(skopeo inspect "${TLS[@]}" --format '{{.Digest}}' "docker://$R/$REPO_A:v1" 2>/dev/null)
    d2=$(skopeo inspect "${TLS[@]}" --format '{{.Digest}}' "docker://$R/$REPO_A:v2" 2>/dev/null)
    same "[4 tag] v2 has the same digest as v1" "$A_MANIFEST" "$d2"
    same "[4 tag] v1 unchanged" "$A_MANIFEST" "$d1"
    check "[4 tag] list-tags contains v1 and v2" \
        sh -c 'skopeo list-tags --tls-verify=false "$0" >"$1" && cat "$1" && grep -q "\"v1\"" "$1" && grep -q "\"v2\"" "$1"' \
        "docker://$R/$REPO_A" "$WORK/out/tags.json"
}

# ---------------------------------------------------------------- 6. cross-repo mount
scenario_mount() {
    check "[6 mount] skopeo copy docker://$REPO_A:v1 -> docker://$REPO_B:v1 (cross-repo)" \
        skopeo copy -q "${SK_SRC[@]}" "${SK_DST[@]}" "docker://$R/$REPO_A:v1" "docker://$R/$REPO_B:v1" || return
    same "[6 mount] same digest in the second repository" "$A_MANIFEST" \
        "$(skopeo inspect "${TLS[@]}" --format '{{.Digest}}' "docker://$R/$REPO_B:v1" 2>/dev/null)"
}

# ---------------------------------------------------------------- 7. delete by digest
scenario_delete() {
    local back=$WORK/out/b
    check "[7 delete] skopeo delete docker://$REPO_A@<digest>" \
        skopeo delete "${TLS[@]}" "docker://$R/$REPO_A@$A_MANIFEST" || return
    check_fails "[7 delete] inspect by tag v1 fails: manifest unknown" 'manifest unknown' \
        skopeo inspect "${TLS[@]}" "docker://$R/$REPO_A:v1"
    check_fails "[7 delete] inspect by tag v2 fails: manifest unknown" 'manifest unknown' \
        skopeo inspect "${TLS[@]}" "docker://$R/$REPO_A:v2"
    check_fails "[7 delete] inspect by digest fails: manifest unknown" 'manifest unknown' \
        skopeo inspect --raw "${TLS[@]}" "docker://$R/$REPO_A@$A_MANIFEST"
    check "[7 delete] the mounted copy in $REPO_B still pulls" \
        skopeo copy -q "${SK_SRC[@]}" "docker://$R/$REPO_B:v1" "oci:$back:v1" || return
    mkdir -p "$WORK/out/b-x"
    check "[7 delete] ... and its file is byte-identical" \
        sh -c 'tar -xzf "$0" -C "$1" && cmp "$2" "$1/payload.bin"' \
        "$back/blobs/sha256/$A_LAYER" "$WORK/out/b-x" "$WORK/payload-a"
}

# ---------------------------------------------------------------- 2. podman / buildah
scenario_podman() {
    local ctr id_a id_b dig mnt
    head -c 131072 /dev/urandom >"$WORK/payload-p"
    mkdir -p "$WORK/pa/tmp" "$WORK/pb/tmp"
    ctr=$(buildah_a from scratch 2>"$LOG") || { nok "[2 podman] buildah from scratch"; diag; return; }
    ok "[2 podman] buildah from scratch"
    check "[2 podman] buildah copy + config + commit" sh -c '
        buildah --root "$0/root" --runroot "$0/run" --storage-driver vfs copy "$1" "$2" /payload.bin &&
        buildah --root "$0/root" --runroot "$0/run" --storage-driver vfs config --cmd /payload.bin --label e2e="$3" "$1" &&
        buildah --root "$0/root" --runroot "$0/run" --storage-driver vfs commit -q --rm "$1" localhost/e2e-podman:latest' \
        "$WORK/pa" "$ctr" "$WORK/payload-p" "$SFX" || return
    id_a=$(podman_a image inspect --format '{{.Id}}' localhost/e2e-podman:latest 2>"$LOG")
    check "[2 podman] podman push -> docker://$REPO_P:v1" \
        podman_a push -q "${TLS[@]}" --digestfile "$WORK/out/podman.digest" \
        localhost/e2e-podman:latest "docker://$R/$REPO_P:v1" || return
    dig=$(cat "$WORK/out/podman.digest")
    same "[2 podman] registry digest equals the one podman pushed" "$dig" \
        "$(skopeo inspect "${TLS[@]}" --format '{{.Digest}}' "docker://$R/$REPO_P:v1" 2>/dev/null)"
    check "[2 podman] podman pull by tag into fresh storage" \
        podman_b pull -q "${TLS[@]}" "$R/$REPO_P:v1" || return
    id_b=$(podman_b image inspect --format '{{.Id}}' "$R/$REPO_P:v1" 2>"$LOG")
    same "[2 podman] pulled image id equals the pushed one" "$id_a" "$id_b"
    check "[2 podman] podman pull by digest" podman_b pull -q "${TLS[@]}" "$R/$REPO_P@$dig"
    mnt=$(podman_b image mount "$R/$REPO_P:v1" 2>"$LOG")
    check "[2 podman] pulled file is byte-identical (podman image mount)" \
        cmp "$WORK/payload-p" "$mnt/payload.bin"
    podman_b image unmount "$R/$REPO_P:v1" >/dev/null 2>&1
}

# ---------------------------------------------------------------- 3. docker
start_dockerd() {
    dockerd_start --insecure-registry "$R" && return 0
    cp "$DOCKER_DIR/dockerd.log" "$LOG"
    return 1
}

scenario_docker() {
    local src=$WORK/img/d ref=$R/$REPO_D:v1 id_load id_pull dig cid
    if ! start_dockerd; then nok "[3 docker] private dockerd starts"; diag; return; fi
    ok "[3 docker] private dockerd starts"
    if [ -n "$E2E_USER" ]; then
        check "login: docker login" sh -c 'printf %s "$E2E_PASS" | DOCKER_HOST="unix://$1/docker.sock" docker login -u "$E2E_USER" --password-stdin "$0"' \
            "$R" "$DOCKER_DIR"
    fi
    head -c 196608 /dev/urandom >"$WORK/payload-d"
    make_layout "$src" v1 amd64 "$WORK/payload-d"
    check "[3 docker] skopeo copy oci-layout -> docker-archive, docker load" sh -c '
        skopeo copy -q "oci:$0:v1" "docker-archive:$1:e2e-local/docker:src" &&
        DOCKER_HOST="unix://$2/docker.sock" docker load -i "$1"' \
        "$src" "$WORK/d.tar" "$DOCKER_DIR" || return
    id_load=$(dk image inspect --format '{{.Id}}' e2e-local/docker:src 2>"$LOG")
    same "[3 docker] loaded image id is the config digest" "sha256:$CONFIG_DIGEST" "$id_load"
    check "[3 docker] docker tag $ref" dk tag e2e-local/docker:src "$ref" || return
    check "[3 docker] docker push $ref" dk push "$ref" || return
    dig=$(grep -o 'digest: sha256:[0-9a-f]\{64\}' "$LOG" | tail -n1 | cut -d' ' -f2)
    check "[3 docker] pushed manifest is Docker schema 2 with the digest docker reported" sh -c '
        skopeo inspect --raw --tls-verify=false "docker://$0" >"$1" &&
        grep -q "application/vnd.docker.distribution.manifest.v2+json" "$1" &&
        test "sha256:$(sha256sum "$1" | cut -d" " -f1)" = "$2"' "$ref" "$WORK/out/d-raw.json" "$dig"
    check "[3 docker] docker rmi (local copy gone)" sh -c '
        DOCKER_HOST="unix://$0/docker.sock" docker rmi "$1" e2e-local/docker:src &&
        ! DOCKER_HOST="unix://$0/docker.sock" docker image inspect "$2" >/dev/null 2>&1' \
        "$DOCKER_DIR" "$ref" "$id_load" || return
    check "[3 docker] docker pull by tag" dk pull "$ref" || return
    id_pull=$(dk image inspect --format '{{.Id}}' "$ref" 2>"$LOG")
    same "[3 docker] pulled image id equals the loaded one" "$id_load" "$id_pull"
    check "[3 docker] docker pull by digest" dk pull "$R/$REPO_D@$dig"
    check "[3 docker] pulled by digest resolves to the same image" \
        test "$(dk image inspect --format '{{.Id}}' "$R/$REPO_D@$dig" 2>/dev/null)" = "$id_load"
    cid=$(dk create --network none "$ref" 2>"$LOG")
    check "[3 docker] pulled file is byte-identical (docker create + docker cp)" sh -c '
        DOCKER_HOST="unix://$0/docker.sock" docker cp "$1:/payload.bin" "$2" && cmp "$3" "$2"' \
        "$DOCKER_DIR" "$cid" "$WORK/out/d-payload.bin" "$WORK/payload-d"
    [ -n "$cid" ] && dk rm "$cid" >/dev/null 2>&1
}

# ---------------------------------------------------------------- 5. multi-arch index
scenario_multiarch() {
    local src=$WORK/img/m back=$WORK/out/m raw=$WORK/out/m-raw.json
    local amd arm amd_size arm_size arm_layer amd_config idx idx_size
    head -c 65536 /dev/urandom >"$WORK/payload-amd64"
    head -c 65536 /dev/urandom >"$WORK/payload-arm64"
    make_layout "$src" "" amd64 "$WORK/payload-amd64"
    amd=$MANIFEST_DIGEST amd_size=$MANIFEST_SIZE amd_config=$CONFIG_DIGEST
    make_layout "$src" "" arm64 "$WORK/payload-arm64"
    arm=$MANIFEST_DIGEST arm_size=$MANIFEST_SIZE arm_layer=$LAYER_DIGEST
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}' \
        "$amd" "$amd_size" "$arm" "$arm_size" >"$WORK/index.json"
    idx=$(sha "$WORK/index.json") idx_size=$(size "$WORK/index.json")
    mv "$WORK/index.json" "$src/blobs/sha256/$idx"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
        "$idx" "$idx_size" >"$src/index.json"
    check "[5 multiarch] skopeo copy --all (OCI index amd64+arm64) -> docker://$REPO_M:v1" \
        skopeo copy -q --all "${SK_DST[@]}" "oci:$src:v1" "docker://$R/$REPO_M:v1" || return
    check "[5 multiarch] inspect --raw returns the index byte-identical, naming both digests" sh -c '
        skopeo inspect --raw --tls-verify=false "docker://$0" >"$1" && cmp "$2" "$1" &&
        grep -q "image.index.v1+json" "$1" && grep -q "$3" "$1" && grep -q "$4" "$1"' \
        "$R/$REPO_M:v1" "$raw" "$src/blobs/sha256/$idx" "sha256:$amd" "sha256:$arm"
    check "[5 multiarch] inspect the index by digest" \
        skopeo inspect --raw "${TLS[@]}" "docker://$R/$REPO_M@sha256:$idx"
    check "[5 multiarch] skopeo --override-arch arm64 copy -> oci-layout" \
        skopeo --override-arch arm64 copy -q "${SK_SRC[@]}" "docker://$R/$REPO_M:v1" "oci:$back:arm" || return
    same "[5 multiarch] pulled the arm64 manifest" "sha256:$arm" "$(layout_manifest_digest "$back")"
    mkdir -p "$WORK/out/m-x"
    check "[5 multiarch] arm64 file is byte-identical" \
        sh -c 'tar -xzf "$0" -C "$1" && cmp "$2" "$1/payload.bin"' \
        "$back/blobs/sha256/$arm_layer" "$WORK/out/m-x" "$WORK/payload-arm64"
    check "[5 multiarch] --override-arch amd64 resolves to the amd64 image (config bytes)" sh -c '
        skopeo --override-arch amd64 inspect --tls-verify=false --config --raw "docker://$0" >"$1" &&
        test "$(sha256sum "$1" | cut -d" " -f1)" = "$2"' "$R/$REPO_M:v1" "$WORK/out/m-amd-config.json" "$amd_config"
}

# ---------------------------------------------------------------- 8. catalog
scenario_catalog() {
    local path="/v2/_catalog?n=100" all=$WORK/out/catalog.txt page=0 next repo missing=""
    : >"$all"
    while [ -n "$path" ] && [ $page -lt 1000 ]; do   # follow Link pagination, bounded
        if ! reg_get "$path" "registry:catalog:*" "$WORK/out/cat.json" "$WORK/out/cat.hdr" >"$LOG" 2>&1; then
            nok "[8 catalog] GET $path"; diag; return
        fi
        grep -o '"[^"]*"' "$WORK/out/cat.json" >>"$all"
        next=$(grep -i '^link:' "$WORK/out/cat.hdr" | sed -n 's/^[^<]*<\([^>]*\)>.*/\1/p' | tr -d '\r')
        path=${next#http://$R}
        page=$((page + 1))
    done
    ok "[8 catalog] GET /v2/_catalog ($page page(s), $(wc -l <"$all") entries)"
    local want=("$REPO_B" "$REPO_P" "$REPO_M")
    [ "$E2E_SKIP_DOCKER" != 1 ] && want+=("$REPO_D")
    for repo in "${want[@]}"; do grep -qx "\"$repo\"" "$all" || missing="$missing $repo"; done
    if [ -z "$missing" ]; then
        ok "[8 catalog] lists the repositories pushed (${want[*]})"
    else
        nok "[8 catalog] lists the repositories pushed; missing:$missing"
    fi
}

# ---------------------------------------------------------------- 9. identity and access (Wharf)
api() { # api METHOD PATH [JSON]: management API call as E2E_USER; prints the body, fails unless 2xx
    api_as "$E2E_USER" "$E2E_PASS" "$@"
}
api_as() { # api_as USER PASSWORD METHOD PATH [JSON]: the same as another account
    local code
    code=$(curl -sS -o "$WORK/out/api.json" -w '%{http_code}' -u "$1:$2" -X "$3" \
        -H 'Content-Type: application/json' ${5:+--data "$5"} "http://$R$4") || return 1
    cat "$WORK/out/api.json"
    case "$code" in 2??) return 0 ;; *) echo " (HTTP $code)" >&2; return 1 ;; esac
}
json_field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p" | head -n1; }

scenario_auth() {
    local alice=alice-$SFX pw=alice-pw-$SFX team=team-$SFX pub=pub-$SFX out robot secret exp_robot exp_secret
    local dcfg=$WORK/docker-alice
    if ! api POST /api/v1/users "{\"username\":\"$alice\",\"password\":\"$pw\"}" >"$LOG" 2>&1 ||
        ! api POST /api/v1/projects "{\"name\":\"$team\",\"isPublic\":false}" >>"$LOG" 2>&1 ||
        ! api POST /api/v1/projects "{\"name\":\"$pub\",\"isPublic\":true}" >>"$LOG" 2>&1; then
        nok "[9 auth] set-up through the management API (user, private and public project)"; diag; return
    fi
    ok "[9 auth] set-up through the management API (user $alice, private $team, public $pub)"
    # An image in the private project (as the admin) to pull and to copy from.
    check "[9 auth] admin pushes $team/app:v1 (skopeo --dest-creds)" skopeo copy -q --dest-tls-verify=false \
        --dest-creds "$E2E_USER:$E2E_PASS" "oci:$WORK/img/a:v1" "docker://$R/$team/app:v1" || return
    check "[9 auth] admin pushes $pub/app:v1" skopeo copy -q --dest-tls-verify=false \
        --dest-creds "$E2E_USER:$E2E_PASS" "oci:$WORK/img/a:v1" "docker://$R/$pub/app:v1" || return

    if [ "$E2E_SKIP_DOCKER" != 1 ] && [ -n "$DOCKERD_PID" ]; then
        mkdir -p "$dcfg"
        dk pull -q "$R/$REPO_D:v1" >/dev/null 2>&1   # a local image to push (pulled as the admin)
        dk tag "$R/$REPO_D:v1" "$R/$alice/app:v1" && dk tag "$R/$REPO_D:v1" "$R/$team/app:v2"
        out=$(DOCKER_CONFIG=$dcfg dk push "$R/$alice/app:v1" 2>&1)
        if grep -q "denied: requested access to the resource is denied" <<<"$out"; then
            ok "[9 auth] docker push without login: 'denied: requested access to the resource is denied'"
        else
            nok "[9 auth] docker push without login is denied with docker's message (got: $(tail -n1 <<<"$out"))"
        fi
        check "[9 auth] docker login as $alice" sh -c 'printf %s "$2" | DOCKER_CONFIG="$3" DOCKER_HOST="unix://$4/docker.sock" docker login -u "$1" --password-stdin "$0"' \
            "$R" "$alice" "$pw" "$dcfg" "$DOCKER_DIR"
        check "[9 auth] docker keeps a refresh token (identitytoken), not the password" sh -c \
            'grep -q identitytoken "$0/config.json" && ! grep -q "$(printf %s "$1:$2" | base64 -w0)" "$0/config.json"' "$dcfg" "$alice" "$pw"
        check "[9 auth] docker push to its own project after login (refresh-token grant)" env DOCKER_CONFIG="$dcfg" \
            DOCKER_HOST="unix://$DOCKER_DIR/docker.sock" docker push "$R/$alice/app:v1"
        out=$(DOCKER_CONFIG=$dcfg dk push "$R/$team/app:v2" 2>&1)
        if grep -q "denied: requested access to the resource is denied" <<<"$out"; then
            ok "[9 auth] docker push to a project it is not a member of is denied"
        else
            nok "[9 auth] docker push to a foreign project is denied (got: $(tail -n1 <<<"$out"))"
        fi
        api PUT "/api/v1/projects/$team/members/$alice" '{"role":"developer"}' >"$LOG" 2>&1
        check "[9 auth] ... and allowed once it is a developer there" env DOCKER_CONFIG="$dcfg" \
            DOCKER_HOST="unix://$DOCKER_DIR/docker.sock" docker push "$R/$team/app:v2"
        check "[9 auth] docker logout" env DOCKER_CONFIG="$dcfg" DOCKER_HOST="unix://$DOCKER_DIR/docker.sock" docker logout "$R"
        dk rmi "$R/$team/app:v1" >/dev/null 2>&1
        out=$(DOCKER_CONFIG=$dcfg dk pull "$R/$team/app:v1" 2>&1)
        if grep -q "denied" <<<"$out"; then
            ok "[9 auth] anonymous docker pull of a private repository is refused"
        else
            nok "[9 auth] anonymous docker pull of a private repository is refused (got: $(tail -n1 <<<"$out"))"
        fi
        check "[9 auth] anonymous docker pull of a public repository works" env DOCKER_CONFIG="$dcfg" \
            DOCKER_HOST="unix://$DOCKER_DIR/docker.sock" docker pull "$R/$pub/app:v1"
    fi

    # podman: login, push to the own project, logout, refused. containers/image also reads docker's
    # config, which holds the admin's docker login: keep it out of these checks.
    local -x DOCKER_CONFIG=$WORK/no-docker-config
    mkdir -p "$DOCKER_CONFIG"
    check "[9 auth] podman login as $alice" sh -c 'printf %s "$1" | podman login --authfile "$2" --tls-verify=false -u "$0" --password-stdin "$3"' \
        "$alice" "$pw" "$WORK/alice-auth.json" "$R"
    check "[9 auth] podman push to its own project" podman_a push -q "${TLS[@]}" --authfile "$WORK/alice-auth.json" \
        localhost/e2e-podman:latest "docker://$R/$alice/podman:v1"
    check "[9 auth] podman logout" podman logout --authfile "$WORK/alice-auth.json" "$R"
    check_fails "[9 auth] podman push after logout is refused" "denied|unauthorized|authentication required" podman_a push -q "${TLS[@]}" --authfile "$WORK/alice-auth.json" \
        localhost/e2e-podman:latest "docker://$R/$alice/podman:v2"

    # Robots: pull-only cannot push; expired cannot log in.
    out=$(api POST "/api/v1/projects/$team/robots" '{"name":"puller","permissions":["pull"]}' 2>>"$LOG")
    robot=$(json_field name <<<"$out"); secret=$(json_field secret <<<"$out")
    check "[9 auth] skopeo login as pull-only robot $robot" sh -c 'printf %s "$1" | skopeo login --authfile "$2" --tls-verify=false -u "$0" --password-stdin "$3"' \
        "$robot" "$secret" "$WORK/robot-auth.json" "$R"
    check "[9 auth] the robot pulls ($team/app:v1)" skopeo copy -q --src-tls-verify=false --src-authfile "$WORK/robot-auth.json" \
        "docker://$R/$team/app:v1" "dir:$WORK/out/robot-pull"
    out=$(skopeo copy -q --dest-tls-verify=false --dest-authfile "$WORK/robot-auth.json" "oci:$WORK/img/a:v1" "docker://$R/$team/robot:v1" 2>&1)
    if [ $? -ne 0 ] && grep -qi "denied" <<<"$out"; then
        ok "[9 auth] the pull-only robot cannot push (denied)"
    else
        nok "[9 auth] the pull-only robot cannot push (got: $(tail -n1 <<<"$out"))"
    fi
    exp=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
    out=$(api POST "/api/v1/projects/$team/robots" "{\"name\":\"brief\",\"permissions\":[\"pull\"],\"expiresAt\":\"$exp\"}" 2>>"$LOG")
    exp_robot=$(json_field name <<<"$out"); exp_secret=$(json_field secret <<<"$out")
    while [ "$(date -u +%s)" -le "$(date -u -d "$exp" +%s)" ]; do sleep 0.2; done   # until the expiry has passed
    check_fails "[9 auth] an expired robot cannot log in (skopeo login)" "unauthorized|invalid username|401" sh -c \
        'printf %s "$1" | skopeo login --authfile "$2" --tls-verify=false -u "$0" --password-stdin "$3"' \
        "$exp_robot" "$exp_secret" "$WORK/expired-auth.json" "$R"
}

# ---------------------------------------------------------------- 11. revocation (Wharf)
# Credentials revoked through the API end the clients' sessions (issue 21): docker logged in with a
# personal access token is refused once the token is deleted, although it keeps the registry token it
# had for up to 5 minutes; a robot's old secret stops working in skopeo once it is rotated.
REVOKE_WAIT=60   # seconds a revocation may take to reach the clients

# docker_image NAME: a new local docker image with a fresh random layer, tagged NAME
docker_image() {
    local dir local_name
    dir=$WORK/img/rev-$(rand_hex 4)
    local_name=e2e-local/revoke:$(basename "$dir")
    head -c 98304 /dev/urandom >"$WORK/payload-rev"
    make_layout "$dir" v1 amd64 "$WORK/payload-rev" || return 1
    skopeo copy -q "oci:$dir:v1" "docker-archive:$dir.tar:$local_name" >"$LOG" 2>&1 &&
        dk load -i "$dir.tar" >>"$LOG" 2>&1 && dk tag "$local_name" "$1" >>"$LOG" 2>&1
}

# refused_within SECONDS DESC CMD...: polls CMD until it fails with a refusal; ok when that happens in time
refused_within() {
    local limit=$1 d=$2 start now pushed=0; shift 2
    start=$(date +%s)
    while :; do
        if "$@" >"$LOG" 2>&1; then
            pushed=$((pushed + 1))
        elif grep -Eqi 'denied|unauthorized|authentication required' "$LOG"; then
            now=$(date +%s)
            ok "$d (after $((now - start)) s, $pushed accepted before)"
            return 0
        else
            nok "$d (failed, but not as refused)"; diag; return 1
        fi
        now=$(date +%s)
        if [ $((now - start)) -ge "$limit" ]; then
            nok "$d: still accepted after $limit s ($pushed times)"; diag; return 1
        fi
        sleep 2
    done
}

scenario_revocation() {
    local bob=bob-$SFX pw=bob-pw-$SFX team=rev-$SFX out pat robot secret secret2 bcfg=$WORK/docker-bob
    if ! api POST /api/v1/users "{\"username\":\"$bob\",\"password\":\"$pw\"}" >"$LOG" 2>&1 ||
        ! api POST /api/v1/projects "{\"name\":\"$team\",\"isPublic\":false}" >>"$LOG" 2>&1 ||
        ! api PUT "/api/v1/projects/$team/members/$bob" '{"role":"developer"}' >>"$LOG" 2>&1; then
        nok "[11 revoke] set-up: user $bob, developer of private project $team"; diag; return
    fi
    ok "[11 revoke] set-up: user $bob, developer of private project $team"

    if [ "$E2E_SKIP_DOCKER" != 1 ] && [ -n "$DOCKERD_PID" ]; then
        out=$(api_as "$bob" "$pw" POST /api/v1/users/me/tokens '{"name":"laptop"}' 2>>"$LOG")
        pat=$(json_field token <<<"$out")
        if [ -n "$pat" ]; then ok "[11 revoke] $bob makes a personal access token (default scopes)"; else
            nok "[11 revoke] $bob makes a personal access token (got: $out)"; return; fi
        mkdir -p "$bcfg"
        check "[11 revoke] docker login with the personal access token" sh -c \
            'printf %s "$2" | DOCKER_CONFIG="$3" DOCKER_HOST="unix://$4/docker.sock" docker login -u "$1" --password-stdin "$0"' \
            "$R" "$bob" "$pat" "$bcfg" "$DOCKER_DIR" || return
        if docker_image "$R/$team/app:v1" && docker_image "$R/$team/app:v2"; then
            ok "[11 revoke] two local images, each with a layer of its own"
        else
            nok "[11 revoke] two local images, each with a layer of its own"; diag; return
        fi
        check "[11 revoke] docker push $team/app:v1 with the token" env DOCKER_CONFIG="$bcfg" \
            DOCKER_HOST="unix://$DOCKER_DIR/docker.sock" docker push "$R/$team/app:v1" || return
        check "[11 revoke] $bob deletes the token through the API" api_as "$bob" "$pw" DELETE /api/v1/users/me/tokens/laptop || return
        refused_within "$REVOKE_WAIT" "[11 revoke] the next docker push (new tag, new layer) is refused" \
            env DOCKER_CONFIG="$bcfg" DOCKER_HOST="unix://$DOCKER_DIR/docker.sock" docker push "$R/$team/app:v2"
    else
        echo "# [11 revoke] docker part skipped (no private dockerd)"
    fi

    # containers/image also reads docker's config, which holds the admin's docker login: keep it out.
    local -x DOCKER_CONFIG=$WORK/no-docker-config
    mkdir -p "$DOCKER_CONFIG"
    out=$(api POST "/api/v1/projects/$team/robots" '{"name":"pusher","permissions":["pull","push"]}' 2>>"$LOG")
    robot=$(json_field name <<<"$out"); secret=$(json_field secret <<<"$out")
    check "[11 revoke] skopeo login as robot $robot" sh -c 'printf %s "$1" | skopeo login --authfile "$2" --tls-verify=false -u "$0" --password-stdin "$3"' \
        "$robot" "$secret" "$WORK/rev-robot-auth.json" "$R" || return
    check "[11 revoke] the robot pushes with skopeo ($team/robot:v1)" skopeo copy -q --dest-tls-verify=false \
        --dest-authfile "$WORK/rev-robot-auth.json" "oci:$WORK/img/a:v1" "docker://$R/$team/robot:v1" || return
    out=$(api POST "/api/v1/projects/$team/robots/pusher/secret" 2>>"$LOG")
    secret2=$(json_field secret <<<"$out")
    if [ -n "$secret2" ] && [ "$secret2" != "$secret" ]; then ok "[11 revoke] the robot's secret is rotated through the API"; else
        nok "[11 revoke] the robot's secret is rotated through the API (got: $out)"; return; fi
    refused_within "$REVOKE_WAIT" "[11 revoke] a skopeo push with the old secret is refused" skopeo copy -q --dest-tls-verify=false \
        --dest-authfile "$WORK/rev-robot-auth.json" "oci:$WORK/img/a:v1" "docker://$R/$team/robot:v2"
    check "[11 revoke] ... and one with the new secret works" skopeo copy -q --dest-tls-verify=false \
        --dest-creds "$robot:$secret2" "oci:$WORK/img/a:v1" "docker://$R/$team/robot:v3"
}

# ---------------------------------------------------------------- 13. quota (Wharf)
# A push that would take a project past its storage quota is refused before its bytes are stored,
# with OCI code DENIED (403): docker stops at once (no retries) and prints the registry's message,
# "denied: quota exceeded: project P uses X of Y; this push needs Z". Nothing of it is stored.
scenario_quota() {
    local proj=quota-$SFX out used
    if [ -z "$E2E_USER" ]; then
        echo "# [13 quota] skipped (needs E2E_USER, a system administrator, to set a quota)"
        return
    fi
    check "[13 quota] create project $proj" api POST /api/v1/projects "{\"name\":\"$proj\",\"isPublic\":false}" || return
    check "[13 quota] set its storage quota to 64 KiB" api PUT "/api/v1/projects/$proj/quota" '{"storageLimit":"64KiB"}' || return

    if [ "$E2E_SKIP_DOCKER" != 1 ] && { [ -n "$DOCKERD_PID" ] || start_dockerd; }; then
        if [ -n "$E2E_PASS" ]; then
            printf %s "$E2E_PASS" | dk login -u "$E2E_USER" --password-stdin "$R" >"$LOG" 2>&1
        fi
        # A fresh image whose layer (96 KiB of random bytes, gzip cannot shrink them) is over the quota.
        if docker_image "$R/$proj/app:v1"; then ok "[13 quota] a local image with a 96 KiB layer"; else
            nok "[13 quota] a local image with a 96 KiB layer"; diag; return; fi
        out=$(dk push "$R/$proj/app:v1" 2>&1)
        if [ $? -ne 0 ] && grep -Eq "denied: quota exceeded: project $proj uses [0-9.]+ (B|KiB) of 64 KiB; this push needs" <<<"$out"; then
            ok "[13 quota] docker push over quota fails with: $(grep -o 'denied: quota exceeded.*' <<<"$out" | head -n1)"
        else
            nok "[13 quota] docker push over quota fails with the quota message (got: $(tail -n2 <<<"$out" | tr '\n' ' '))"
        fi
        if grep -qi "retrying in" <<<"$out"; then
            nok "[13 quota] docker does not retry the refused push"
        else
            ok "[13 quota] docker does not retry the refused push"
        fi
    else
        echo "# [13 quota] docker part skipped (no private dockerd)"
    fi

    head -c 98304 /dev/urandom >"$WORK/payload-quota"
    make_layout "$WORK/img/quota" v1 amd64 "$WORK/payload-quota" >"$LOG" 2>&1 || { nok "[13 quota] an OCI layout with a 96 KiB layer"; diag; return; }
    check_fails "[13 quota] skopeo copy over quota is refused with the quota message" "quota exceeded: project $proj" \
        skopeo copy -q "${SK_DST[@]}" "oci:$WORK/img/quota:v1" "docker://$R/$proj/skopeo:v1"
    out=$(api GET "/api/v1/projects/$proj/quota" 2>>"$LOG")
    used=$(sed -n 's/.*"used" *: *\([0-9]*\).*/\1/p' <<<"$out")
    if [ -n "$used" ] && [ "$used" -lt 65536 ]; then
        ok "[13 quota] no refused layer was stored (the project uses $used bytes)"
    else
        nok "[13 quota] no refused layer was stored (got: $out)"
    fi
    check "[13 quota] a system administrator raises the quota to 10 MiB" api PUT "/api/v1/projects/$proj/quota" '{"storageLimit":"10MiB"}' || return
    check "[13 quota] ... and the same skopeo push goes through" skopeo copy -q "${SK_DST[@]}" "oci:$WORK/img/quota:v1" "docker://$R/$proj/skopeo:v1"
}

# ---------------------------------------------------------------- 10. search (registries with /v1/search)
# docker search calls /v1/_ping then /v1/search (with a registry token after docker login);
# podman search calls /v1/search without credentials (so only public repositories show) and
# falls back to /v2/_catalog when /v1/search fails. Registries without /v1/_ping are skipped.
scenario_search() {
    local pub out
    if ! curl -fsS -o /dev/null "http://$R/v1/_ping" 2>/dev/null; then
        echo "# [10 search] skipped (the registry has no /v1/_ping)"
        return
    fi
    if [ "$E2E_SKIP_DOCKER" != 1 ] && [ -n "$DOCKERD_PID" ]; then
        out=$(dk search --no-trunc "$R/${REPO_D#*/}" 2>&1)
        if grep -q "${REPO_D}\b" <<<"$out"; then
            ok "[10 search] docker search $R/${REPO_D#*/} finds $REPO_D"
        else
            nok "[10 search] docker search $R/${REPO_D#*/} finds $REPO_D (got: $(tr '\n' ' ' <<<"$out" | tail -c 300))"
        fi
    fi
    if [ -z "$E2E_USER" ]; then
        echo "# [10 search] podman search skipped (needs E2E_USER to make a public project)"
        return
    fi
    pub=e2e-public-$SFX
    check "[10 search] create public project $pub" api POST /api/v1/projects "{\"name\":\"$pub\",\"isPublic\":true}" || return
    check "[10 search] skopeo copy -> docker://$R/$pub/searchable-$SFX:v1" \
        skopeo copy -q "${SK_DST[@]}" "oci:$WORK/img/a:v1" "docker://$R/$pub/searchable-$SFX:v1" || return
    out=$(podman search --tls-verify=false --no-trunc "$R/searchable-$SFX" 2>&1)
    if grep -q "$pub/searchable-$SFX" <<<"$out"; then
        ok "[10 search] podman search $R/searchable-$SFX finds $pub/searchable-$SFX"
    else
        nok "[10 search] podman search $R/searchable-$SFX finds $pub/searchable-$SFX (got: $(tr '\n' ' ' <<<"$out" | tail -c 300))"
    fi
    # The run's suffix matches both the public repository and the private ones of project e2e.
    out=$(podman search --tls-verify=false --no-trunc --limit 100 "$R/$SFX" 2>&1)
    if grep -q "$pub/searchable-$SFX" <<<"$out" && ! grep -q "e2e/" <<<"$out"; then
        ok "[10 search] podman search $R/$SFX shows the public repository, none of the private project e2e"
    else
        nok "[10 search] podman search $R/$SFX shows the public repository, none of the private project e2e (got: $(tr '\n' ' ' <<<"$out" | tail -c 300))"
    fi
}

# ---------------------------------------------------------------- 12. tag immutability (Wharf)
# A project's immutability rule protects v* tags (issue 22): skopeo and docker pushing another image
# over a protected tag fail and print the rule; the tag keeps its digest; the same image again is
# accepted; deleting is refused; a system administrator's break-glass delete works.
scenario_immutability() {
    local team=imm-$SFX repo ref rule first second out dcfg=$WORK/docker-imm
    repo=$team/app
    ref=$R/$repo:v1.0.0
    if ! api POST /api/v1/projects "{\"name\":\"$team\",\"isPublic\":false}" >"$LOG" 2>&1 ||
        ! out=$(api POST "/api/v1/projects/$team/immutability-rules" '{"tags":["v*"],"description":"releases are final"}' 2>>"$LOG"); then
        nok "[12 immutability] set-up: project $team with a rule for tags v*"; diag; return
    fi
    rule=$(sed -n 's/.*"id" *: *\([0-9]*\).*/\1/p' <<<"$out" | head -n1)
    ok "[12 immutability] set-up: project $team, rule $rule (tags v* in $team/**)"
    head -c 65536 /dev/urandom >"$WORK/payload-imm1"
    head -c 65536 /dev/urandom >"$WORK/payload-imm2"
    make_layout "$WORK/img/imm1" v1 amd64 "$WORK/payload-imm1"
    first=sha256:$MANIFEST_DIGEST
    make_layout "$WORK/img/imm2" v1 amd64 "$WORK/payload-imm2"
    second=sha256:$MANIFEST_DIGEST
    check "[12 immutability] skopeo copy -> docker://$ref (a new tag may be set)" \
        skopeo copy -q "${SK_DST[@]}" "oci:$WORK/img/imm1:v1" "docker://$ref" || return
    check_fails "[12 immutability] skopeo copy of another image over $ref fails and prints the rule" \
        "tag $repo:v1\\.0\\.0 is immutable \\(rule $rule: tags v\\* in $team/\\*\\*\\)" \
        skopeo copy -q "${SK_DST[@]}" "oci:$WORK/img/imm2:v1" "docker://$ref"
    same "[12 immutability] v1.0.0 keeps its digest" "$first" \
        "$(skopeo inspect "${TLS[@]}" --format '{{.Digest}}' "docker://$ref" 2>/dev/null)"
    check "[12 immutability] the same image pushed again is accepted" \
        skopeo copy -q "${SK_DST[@]}" "oci:$WORK/img/imm1:v1" "docker://$ref"
    check_fails "[12 immutability] skopeo delete of the manifest v1.0.0 names is refused, naming the rule" \
        "is immutable \\(rule $rule" skopeo delete "${TLS[@]}" "docker://$R/$repo@$first"
    if [ "$E2E_SKIP_DOCKER" != 1 ]; then
        if [ -z "$DOCKERD_PID" ] && ! start_dockerd; then nok "[12 immutability] private dockerd starts"; diag; return; fi
        mkdir -p "$dcfg"
        check "[12 immutability] docker login" sh -c 'printf %s "$1" | DOCKER_CONFIG="$2" DOCKER_HOST="unix://$3/docker.sock" docker login -u "$0" --password-stdin "$4"' \
            "$E2E_USER" "$E2E_PASS" "$dcfg" "$DOCKER_DIR" "$R"
        check "[12 immutability] docker load of another image, tagged $ref" sh -c '
            skopeo copy -q "oci:$0:v1" "docker-archive:$1:e2e-local/imm:other" &&
            DOCKER_HOST="unix://$2/docker.sock" docker load -i "$1" &&
            DOCKER_HOST="unix://$2/docker.sock" docker tag e2e-local/imm:other "$3"' \
            "$WORK/img/imm2" "$WORK/imm2.tar" "$DOCKER_DIR" "$ref" || return
        out=$(DOCKER_CONFIG=$dcfg dk push "$ref" 2>&1)
        echo "$out" >"$LOG"
        if grep -q "denied: tag $repo:v1.0.0 is immutable (rule $rule: tags v\* in $team/\*\*)" <<<"$out"; then
            ok "[12 immutability] docker push over $ref fails: $(grep -o 'denied: tag.*' <<<"$out" | head -n1)"
        else
            nok "[12 immutability] docker push over $ref prints the rule"; diag
        fi
    fi
    same "[12 immutability] v1.0.0 still has its first digest" "$first" \
        "$(skopeo inspect "${TLS[@]}" --format '{{.Digest}}' "docker://$ref" 2>/dev/null)"
    check "[12 immutability] break-glass: the system administrator deletes v1.0.0 (override=immutability)" \
        api DELETE "/api/v1/projects/$team/repositories/app/tags/v1.0.0?override=immutability"
    check_fails "[12 immutability] ... and v1.0.0 is gone" 'manifest unknown' \
        skopeo inspect "${TLS[@]}" "docker://$ref"
    check "[12 immutability] ... so it may be set again, to the other image" \
        skopeo copy -q "${SK_DST[@]}" "oci:$WORK/img/imm2:v1" "docker://$ref"
    same "[12 immutability] v1.0.0 now names the other image" "$second" \
        "$(skopeo inspect "${TLS[@]}" --format '{{.Digest}}' "docker://$ref" 2>/dev/null)"
}

# ---------------------------------------------------------------- 14. garbage collection
# Needs a Wharf started with WHARF_GC_GRACE=0s (e2e/system.sh does; safe while pushes go on, as
# GC is built to be) and E2E_USER a system administrator. Images sharing a base layer go into two
# repositories (skopeo and docker pushes); one image's manifest is deleted and a scratch upload is
# unlinked; a dry run says what a run would free, the run frees exactly that, and everything kept
# pulls back with docker and skopeo, byte for byte, also after docker rmi.
gc_run() { # gc_run true|false: a GC run through the API, to its end; sets GC_STATUS, GC_BLOBS, GC_BYTES
    local out id i
    GC_STATUS="" GC_BLOBS="" GC_BYTES=""
    out=$(api POST /api/v1/gc "{\"dryRun\":$1}" 2>&1) || { echo "$out"; return 1; }
    id=$(json_field id <<<"$out")
    for ((i = 0; i < 600; i++)); do   # up to 120 s
        out=$(api GET "/api/v1/gc/$id" 2>&1) || { echo "$out"; return 1; }
        GC_STATUS=$(json_field status <<<"$out")
        [ "$GC_STATUS" != running ] && break
        sleep 0.2
    done
    GC_BLOBS=$(sed -n 's/.*"blobsDeleted" *: *\([0-9]*\).*/\1/p' <<<"$out")
    GC_BYTES=$(sed -n 's/.*"bytesFreed" *: *\([0-9]*\).*/\1/p' <<<"$out")
    echo "$out"
    [ "$GC_STATUS" = completed ]
}

scenario_gc() {
    local img=$WORK/img/gc ga=e2e/gc-a-$SFX gb=e2e/gc-b-$SFX scratch=e2e/gc-scratch-$SFX
    local l i name dig code blob bad dry_blobs dry_bytes docker=0
    local -A ref=() layout=()
    if [ -z "$E2E_USER" ]; then
        echo "# [14 gc] skipped (needs E2E_USER, a system administrator, to run GC)"
        return
    fi
    mkdir -p "$img"
    for l in base a1 a2 b1 d1 d2; do
        python3 "$(dirname "$0")/oci-image.py" layer "$img/$l.tgz" $((40960 + $(od -An -N2 -tu2 /dev/urandom))) || { nok "[14 gc] test layers"; return; }
    done
    # skopeo: a1 and a2 in repository A, b1 and b2 in B; all on one base layer, b2 shares a2's layer.
    ref[a1]=$ga:v1 ref[a2]=$ga:v2 ref[b1]=$gb:v1 ref[b2]=$gb:v2
    for name in a1:a1 a2:a2 b1:b1 b2:a2; do
        python3 "$(dirname "$0")/oci-image.py" image "$img/${name%%:*}" v1 "$img/base.tgz" "$img/${name#*:}.tgz" >/dev/null || { nok "[14 gc] test images"; return; }
        layout[${name%%:*}]=$img/${name%%:*}
    done
    for name in a1:a1 a2:a2 b1:b1 b2:a2; do
        check "[14 gc] skopeo push ${ref[${name%%:*}]} (base layer + layer ${name#*:})" \
            skopeo copy -q "${SK_DST[@]}" "oci:${layout[${name%%:*}]}:v1" "docker://$R/${ref[${name%%:*}]}" || return
    done
    # docker: d1 in A, d2 in B, on the same base layer.
    if [ "$E2E_SKIP_DOCKER" != 1 ] && { [ -n "$DOCKERD_PID" ] || start_dockerd; }; then
        docker=1
        [ -z "$E2E_PASS" ] || printf %s "$E2E_PASS" | dk login -u "$E2E_USER" --password-stdin "$R" >"$LOG" 2>&1
        ref[d1]=$ga:docker ref[d2]=$gb:docker
        for name in d1 d2; do
            python3 "$(dirname "$0")/oci-image.py" image "$img/$name" v1 "$img/base.tgz" "$img/$name.tgz" >/dev/null || { nok "[14 gc] test images"; return; }
            check "[14 gc] docker load + docker push $R/${ref[$name]}" sh -c '
                skopeo copy -q "oci:$0:v1" "docker-archive:$0.tar:e2e-local/gc-$1:v1" &&
                DOCKER_HOST="unix://$2/docker.sock" docker load -i "$0.tar" &&
                DOCKER_HOST="unix://$2/docker.sock" docker tag "e2e-local/gc-$1:v1" "$3" &&
                DOCKER_HOST="unix://$2/docker.sock" docker push "$3"' "$img/$name" "$name" "$DOCKER_DIR" "$R/${ref[$name]}" || return
            # What docker pushed, compared after the collection: its image id and the manifest digest it reported.
            printf '%s %s\n' "$(dk image inspect --format '{{.Id}}' "$R/${ref[$name]}")" \
                "$(grep -o 'digest: sha256:[0-9a-f]\{64\}' "$LOG" | tail -n1 | cut -d' ' -f2)" >"$img/$name.pushed"
        done
    else
        echo "# [14 gc] docker part skipped (no private dockerd)"
    fi

    # Garbage: a blob uploaded into a scratch repository, then unlinked; and image a2's manifest.
    blob=$img/scratch.bin
    head -c 8192 /dev/urandom >"$blob"
    dig=sha256:$(sha "$blob")
    code=$(curl -sS -o /dev/null -w '%{http_code}' -u "$E2E_USER:$E2E_PASS" -X POST -H 'Content-Type: application/octet-stream' \
        --data-binary "@$blob" "http://$R/v2/$scratch/blobs/uploads/?digest=$dig")
    same "[14 gc] a scratch blob is uploaded (201)" 201 "$code"
    code=$(curl -sS -o /dev/null -w '%{http_code}' -u "$E2E_USER:$E2E_PASS" -X DELETE "http://$R/v2/$scratch/blobs/$dig")
    same "[14 gc] ... and unlinked: DELETE /v2/$scratch/blobs/<digest> (202)" 202 "$code"
    check "[14 gc] skopeo delete ${ref[a2]} by digest" \
        skopeo delete "${TLS[@]}" "docker://$R/$ga@$(layout_manifest_digest "${layout[a2]}")" || return
    check_fails "[14 gc] ${ref[a2]} is gone: manifest unknown" 'manifest unknown' skopeo inspect "${TLS[@]}" "docker://$R/${ref[a2]}"

    check "[14 gc] a dry run completes" gc_run true || return
    dry_blobs=$GC_BLOBS dry_bytes=$GC_BYTES
    if [ "${dry_blobs:-0}" -ge 1 ] && [ "${dry_bytes:-0}" -ge 8192 ]; then
        ok "[14 gc] the dry run would free $dry_blobs blobs ($dry_bytes bytes; the scratch blob is 8192)"
    else
        nok "[14 gc] the dry run would free $dry_blobs blobs ($dry_bytes bytes), not the scratch blob (is the registry's WHARF_GC_GRACE 0s?)"
    fi
    check "[14 gc] a run (dryRun false) completes" gc_run false || return
    same "[14 gc] it freed what the dry run said (blobs bytes)" "$dry_blobs $dry_bytes" "$GC_BLOBS $GC_BYTES"
    check "[14 gc] a dry run afterwards completes" gc_run true
    same "[14 gc] ... and would free nothing more" "0 0" "$GC_BLOBS $GC_BYTES"

    # Everything kept pulls back: skopeo, byte for byte against the pushed layouts.
    for name in a1 b1 b2; do
        rm -rf "$WORK/out/gc-$name"
        if ! skopeo copy -q "${SK_SRC[@]}" "docker://$R/${ref[$name]}" "oci:$WORK/out/gc-$name:v1" >"$LOG" 2>&1; then
            nok "[14 gc] skopeo copy ${ref[$name]} back after GC"; diag; continue
        fi
        bad=""
        for l in "${layout[$name]}"/blobs/sha256/*; do
            cmp -s "$l" "$WORK/out/gc-$name/blobs/sha256/${l##*/}" || bad="$bad ${l##*/}"
        done
        if [ -z "$bad" ] && [ "$(layout_manifest_digest "$WORK/out/gc-$name")" = "$(layout_manifest_digest "${layout[$name]}")" ]; then
            ok "[14 gc] skopeo copies ${ref[$name]} back after GC byte for byte (manifest $(layout_manifest_digest "${layout[$name]}" | cut -c1-19)…)"
        else
            nok "[14 gc] ${ref[$name]} copied back after GC differs (manifest $(layout_manifest_digest "$WORK/out/gc-$name"), blobs:$bad)"
        fi
    done
    [ "$docker" = 1 ] || return
    # docker: every kept image, pulled after docker rmi, twice; ids and digests as pushed.
    local want_id want_dig round
    for round in 1 2; do
        for name in a1 b1 b2 d1 d2; do
            dk rmi -f "$R/${ref[$name]}" >/dev/null 2>&1
            [ "$round" = 1 ] && dk rmi -f "e2e-local/gc-$name:v1" >/dev/null 2>&1
        done
        if dk image inspect "$R/${ref[d1]}" >/dev/null 2>&1; then nok "[14 gc] docker rmi removed the local copies (round $round)"; fi
        for name in a1 b1 b2 d1 d2; do
            if [ -f "$img/$name.pushed" ]; then
                read -r want_id want_dig <"$img/$name.pushed"
            else
                want_id=$(grep -o 'sha256:[0-9a-f]\{64\}' "${layout[$name]}/blobs/sha256/$(layout_manifest_digest "${layout[$name]}" | cut -d: -f2)" | head -n1)
                want_dig=$(layout_manifest_digest "${layout[$name]}")
            fi
            if ! dk pull "$R/${ref[$name]}" >"$LOG" 2>&1; then
                nok "[14 gc] docker pull $R/${ref[$name]} after GC (round $round)"; diag; continue
            fi
            same "[14 gc] docker pull $R/${ref[$name]} after docker rmi (round $round): image id and digest as pushed" "$want_id $R/${ref[$name]%:*}@$want_dig" \
                "$(dk image inspect --format '{{.Id}} {{range .RepoDigests}}{{.}}{{end}}' "$R/${ref[$name]}" 2>/dev/null)"
        done
    done
}

preflight
if [ -n "$E2E_ONLY" ]; then
    for s in $E2E_ONLY; do
        if declare -F "scenario_$s" >/dev/null; then "scenario_$s"; else nok "E2E_ONLY: no scenario named $s"; fi
    done
    summary
    [ "$FAIL" -eq 0 ]
    exit
fi
scenario_skopeo      # 1  (4, 6 and 7 build on its repository)
scenario_podman      # 2
if [ "$E2E_SKIP_DOCKER" = 1 ]; then
    echo "# [3 docker] skipped (E2E_SKIP_DOCKER=1)"
else
    scenario_docker  # 3
fi
scenario_tag         # 4
scenario_multiarch   # 5
scenario_mount       # 6
scenario_delete      # 7
scenario_catalog     # 8
scenario_search      # 10
if [ "$E2E_AUTH" = 1 ]; then
    scenario_auth    # 9
    scenario_revocation  # 11
    scenario_immutability  # 12
fi
if [ "$E2E_QUOTA" = 1 ]; then
    scenario_quota         # 13
fi
if [ "$E2E_GC" = 1 ]; then
    scenario_gc            # 14
fi
summary
[ "$FAIL" -eq 0 ]
