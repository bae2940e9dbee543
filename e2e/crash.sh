#!/usr/bin/env bash
# Crash test of blob uploads: the registry is killed (SIGKILL) in the middle of large uploads and
# restarted with `./wharf up`, twice:
#   crash 1  upload A holds a first chunk (200 MiB); the registry dies while the rest streams in.
#            After the restart A is resumed from the offset the registry reports.
#   crash 2  the registry dies while A's commit (PUT) holds A's upload lock and while upload B
#            streams. After the restart A's commit is done again; B is given up: a new upload
#            sends the whole blob, and the abandoned one is deleted.
# Throughout, nothing half-written is served (HEAD/GET of a digest answer 404 until its commit),
# what a crash leaves in an upload is a prefix of the blob, both blobs read back byte for byte,
# and at the end the storage holds no orphan: no upload directory, no temporary file, and only
# committed blobs whose bytes hash to their names.
# Last, the event drill: the registry is killed after a push committed its outbox rows and before
# the relay published them; after the restart every event reaches Kafka (the deployer takes it in).
# Then the GC drill (grace 0): thousands of unlinked blobs next to kept images; the registry is killed
# at each step of a collection (mark, sweep, deleting, the next run's finishing of those deletes); after
# each restart a new run frees exactly the garbage left, blob rows and files match one for one (psql),
# and every kept image pulls back byte for byte (skopeo).
#
# Last, the recovery drills (also alone: CRASH_DRILLS=recovery): the notifier and the deployer are killed
# (kill -9), an image is pushed, and after their restart each takes the push's events in within 5 s (static
# Kafka group membership: no wait for the dead consumer's session to expire); PostgreSQL is stopped for 5 s
# and started again, then Kafka: each time every service's /q/health/ready is UP within 10 s of its return.
# PostgreSQL is a private server of this run (the machine's PostgreSQL binaries, as the postgres user, on
# CRASH_PG_PORT), so that restarting it disturbs no one else.
#
# Usage: e2e/crash.sh      (runs the whole system on spare ports and a temporary data directory)
#        CRASH_DRILLS=recovery e2e/crash.sh   (only the recovery drills: a minute or two)
# Env:   CRASH_BLOB_MIB    size of each test blob in MiB (default 512)
#        CRASH_FIRST_MIB   size of the first, completed chunk of upload A in MiB (default 200)
#        CRASH_GC_BLOBS    garbage blobs per GC crash round, three rounds (default 700)
#        CRASH_GC_BATCH    the registry's GC batch size in the drill (default 20)
#        CRASH_DRILLS      all (default) or recovery
#        CRASH_PG_PORT     port of the run's private PostgreSQL (default 16432)
#
# Prints "ok - …" / "not ok - …" lines, then "N passed, M failed"; exits 1 on any failure.
set -u
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export WHARF_DATA_DIR
WHARF_DATA_DIR=$(mktemp -d /tmp/wharf-crash.XXXXXXXX)
export WHARF_REGISTRY_PORT=16000 WHARF_NOTIFIER_PORT=16001 WHARF_DEPLOYER_PORT=16002
export WHARF_KAFKA_PORT=19192 WHARF_KAFKA_CONTROLLER_PORT=19193
export WHARF_DB=wharf_crash_test
export WHARF_MAIL_CATCHER_SMTP_PORT=16025 WHARF_MAIL_CATCHER_HTTP_PORT=16026
PG_PORT=${CRASH_PG_PORT:-16432}
PORTS=(16000 16001 16002 19192 19193 16025 16026 "$PG_PORT")
DRILLS=${CRASH_DRILLS:-all}
# The registry's administrator, made for this run: every curl below signs in as it (a private curlrc).
export WHARF_ADMIN_USER=admin WHARF_ADMIN_PASSWORD
WHARF_ADMIN_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
export CURL_HOME=$WHARF_DATA_DIR
printf 'user = "%s:%s"\n' "$WHARF_ADMIN_USER" "$WHARF_ADMIN_PASSWORD" >"$CURL_HOME/.curlrc"

REG=http://127.0.0.1:$WHARF_REGISTRY_PORT
REPO=crash/big
STORE=$WHARF_DATA_DIR/registry          # the blob store's root (FilesystemBlobStore)
WORK=$WHARF_DATA_DIR/work               # test files, outside the store
MIB=$((1024 * 1024))
BLOB_MIB=${CRASH_BLOB_MIB:-512}
FIRST_MIB=${CRASH_FIRST_MIB:-200}
SIZE=$((BLOB_MIB * MIB))
FIRST=$((FIRST_MIB * MIB))
RATE=20M                                # the interrupted PATCH is throttled so the kill lands mid-stream
T0=$SECONDS

# PASS, FAIL, ok, not_ok, note, expect WHAT ACTUAL WANTED; http METHOD URL [curl args…] (status printed,
# headers in $H, body in $B), hdr NAME, with_digest LOCATION DIGEST
. "$ROOT/e2e/drill.sh"
finish() {
  echo "# duration $((SECONDS - T0))s"
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" = 0 ]
  exit
}

cleanup() {
  # Background jobs of this script still running (a PATCH or the blob writer after a failure).
  local p
  for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done
  "$ROOT/wharf" down >/dev/null 2>&1 || true
  pg_private stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$WHARF_DATA_DIR" "${PG_DIR:-}"
}
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ------------------------------------------------------------------ HTTP helpers (and e2e/drill.sh's)
absolute() { case "$1" in /*) echo "$REG$1" ;; *) echo "$1" ;; esac; }

file_size() { stat -c %s "$1" 2>/dev/null || echo missing; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# ------------------------------------------------------------------ registry process helpers
registry_pid() { cat "$WHARF_DATA_DIR/run/registry.pid" 2>/dev/null; }

# kill_registry: SIGKILL the registry and wait until the process is gone (reaped, so that
# `./wharf up` sees it stopped) and its port is free.
kill_registry() {
  local pid deadline
  pid=$(registry_pid)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || { note "no running registry to kill"; return 1; }
  kill -KILL "$pid"
  deadline=$((SECONDS + 60))
  while { kill -0 "$pid" 2>/dev/null || ! port_free "$WHARF_REGISTRY_PORT"; } && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
  ! kill -0 "$pid" 2>/dev/null && port_free "$WHARF_REGISTRY_PORT"
}

# wait_growing FILE MIN_BYTES SECONDS: polls until FILE holds more than MIN_BYTES.
wait_growing() {
  local file=$1 min=$2 deadline=$((SECONDS + $3)) s
  while [ "$SECONDS" -lt "$deadline" ]; do
    s=$(stat -c %s "$file" 2>/dev/null || echo 0)
    [ "$s" -gt "$min" ] && return 0
    sleep 0.05
  done
  return 1
}

# wait_locked LOCKFILE PID SECONDS: polls until a process holds a lock on LOCKFILE (true), or
# PID has exited or time ran out (false).
wait_locked() {
  local inode deadline=$((SECONDS + $3))
  inode=$(stat -c %i "$1" 2>/dev/null) || return 1
  while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$2" 2>/dev/null; do
    awk -v i="$inode" '{ n = split($0, f, " "); for (k = 1; k <= n; k++) if (f[k] ~ ("^[0-9a-f]+:[0-9a-f]+:" i "$")) found = 1 } END { exit !found }' /proc/locks && return 0
    sleep 0.02
  done
  return 1
}

# is_prefix FILE ORIGINAL: FILE's bytes are the first bytes of ORIGINAL.
is_prefix() {
  local n
  n=$(stat -c %s "$1") || return 1
  [ "$n" -le "$(stat -c %s "$2")" ] && cmp -s -n "$n" "$1" "$2"
}

# restart_registry WHAT: `./wharf up` after a kill (starts only what is not running).
restart_registry() {
  local t=$SECONDS
  if "$ROOT/wharf" up >"$WHARF_DATA_DIR/up.out" 2>&1; then
    ok "$1: ./wharf up restarts the registry ($((SECONDS - t))s)"
    if grep -q "registry already running" "$WHARF_DATA_DIR/up.out"; then
      not_ok "$1: ./wharf up took the killed registry for a running one"
    fi
  else
    not_ok "$1: ./wharf up restarts the registry"
    sed 's/^/#   /' "$WHARF_DATA_DIR/up.out" | tail -n 20
    tail -n 30 "$WHARF_DATA_DIR/logs/registry.log" 2>/dev/null | sed 's/^/#   registry: /'
    finish
  fi
}

# not_served WHAT DIGEST: neither HEAD nor GET of the blob finds it.
not_served() {
  local url=$REG/v2/$REPO/blobs/$2
  expect "$1: HEAD of the uncommitted blob answers 404" "$(http HEAD "$url")" 404
  local code
  code=$(http GET "$url")
  if [ "$code" = 404 ] && [ "$(file_size "$B")" -lt "$MIB" ]; then
    ok "$1: GET of the uncommitted blob answers 404 and serves no bytes"
  else
    not_ok "$1: GET of the uncommitted blob answers $code with $(file_size "$B") bytes"
  fi
}

# served WHAT DIGEST FILE: the committed blob reads back whole.
served() {
  local url=$REG/v2/$REPO/blobs/$2 code
  code=$(http HEAD "$url")
  if [ "$code" = 200 ] && [ "$(hdr Content-Length)" = "$SIZE" ]; then
    ok "$1: HEAD of the blob answers 200 with Content-Length $SIZE"
  else
    not_ok "$1: HEAD of the blob answers $code with Content-Length '$(hdr Content-Length)'"
  fi
  if curl -sS --max-time 120 "$url" | cmp -s - "$3"; then
    ok "$1: GET of the blob returns the original bytes"
  else
    not_ok "$1: GET of the blob does not return the original bytes"
  fi
}

# follow VAR: sets VAR to the Location of the last response, when it has one.
follow() { local loc; loc=$(hdr Location); [ -z "$loc" ] || printf -v "$1" '%s' "$(absolute "$loc")"; }

# upload_dir ID
upload_dir() { echo "$STORE/uploads/$1"; }

# ------------------------------------------------------------------ the run's private PostgreSQL
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DIR=""
# as_postgres CMD…: PostgreSQL refuses to run as root: as root, run its commands as the postgres user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# pg_private ACTION [pg_ctl args…]: pg_ctl on the private server (start waits until it answers).
pg_private() {
  [ -n "$PG_DIR" ] || return 1
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR -c max_connections=200 -c fsync=off" "$@"
}
start_private_pg() {
  [ -x "$PG_BIN/initdb" ] || { note "no PostgreSQL binaries (/usr/lib/postgresql/*/bin): the machine's server is used, the PostgreSQL drill cannot run"; return 1; }
  PG_DIR=$(mktemp -d /tmp/wharf-crash-pg.XXXXXXXX)
  chmod 755 "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log" 2>&1 && pg_private start >/dev/null 2>&1 || {
    note "the private PostgreSQL did not start: $(tail -n 3 "$PG_DIR/log" "$PG_DIR/initdb.log" 2>/dev/null | tr '\n' ' ')"
    PG_DIR=""
    return 1
  }
  export WHARF_PG_PORT=$PG_PORT WHARF_PG_USER=postgres WHARF_PG_PASSWORD=
}

# ------------------------------------------------------------------ recovery drills
now_ms() { date +%s%3N; }
service_port() { case "$1" in registry) echo "$WHARF_REGISTRY_PORT" ;; notifier) echo "$WHARF_NOTIFIER_PORT" ;; deployer) echo "$WHARF_DEPLOYER_PORT" ;; esac; }
# kill_service NAME: SIGKILL the service and wait until it is gone and its port free.
kill_service() {
  local pid deadline port
  pid=$(cat "$WHARF_DATA_DIR/run/$1.pid" 2>/dev/null)
  port=$(service_port "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  kill -KILL "$pid"
  deadline=$((SECONDS + 60))
  while { kill -0 "$pid" 2>/dev/null || ! port_free "$port"; } && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  ! kill -0 "$pid" 2>/dev/null && port_free "$port"
}
# taken_by NAME: registry events the service has taken in since it started (its intake readiness check).
taken_by() {
  curl -fsS --max-time 2 "http://127.0.0.1:$(service_port "$1")/q/health/ready" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(next((c.get("data",{}).get("taken",0) for c in d["checks"] if c["name"]=="registry-events intake"),0))' 2>/dev/null || echo -1
}
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(service_port "$1")/q/health/ready")" = 200 ]; }
not_ready_list() { local s out=""; for s in registry notifier deployer; do ready "$s" || out="$out $s"; done; echo "${out# }"; }
# push_small REPO: pushes a one-blob image; sets PUSHED_EVENTS to the number of events the registry recorded for REPO.
push_small() {
  local cfg cfg_digest manifest
  cfg="{\"drill\":\"$1\"}"
  cfg_digest=sha256:$(printf %s "$cfg" | sha256sum | cut -d' ' -f1)
  manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$cfg_digest\",\"size\":${#cfg}},\"layers\":[]}"
  [ "$(http POST "$REG/v2/$1/blobs/uploads/?digest=$cfg_digest" --data-binary "$cfg" -H "Content-Type: application/octet-stream")" = 201 ] &&
    [ "$(http PUT "$REG/v2/$1/manifests/v1" --data-binary "$manifest" -H "Content-Type: application/vnd.oci.image.manifest.v1+json")" = 201 ] || return 1
  PUSHED_EVENTS=$(curl -fsS "$REG/api/v1/events?repository=$1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["events"]))')
}
# await_ready_ms SECONDS: waits until every service is ready; prints the milliseconds it took (or "timeout"),
# and in READY_EACH when each service was first seen ready. Each service is watched by a poller of its own:
# a readiness call that hangs while a service waits for Kafka (up to curl's 2 s) must not delay noticing
# that another one is ready (polled one after the other, a first-seen time could lag by seconds).
await_ready_ms() {
  local t0 s dir=$WHARF_DATA_DIR/ready.d pids=() ok=1 last=0 ms
  t0=$(now_ms)
  rm -rf "$dir" && mkdir -p "$dir"
  for s in registry notifier deployer; do
    ( deadline=$((SECONDS + $1))
      until ready "$s"; do [ "$SECONDS" -lt "$deadline" ] || exit 1; sleep 0.1; done
      echo $(($(now_ms) - t0)) >"$dir/$s" ) &
    pids+=($!)
  done
  for s in "${pids[@]}"; do wait "$s" || ok=0; done
  READY_EACH=""
  for s in $(for f in "$dir"/*; do [ -f "$f" ] && echo "$(cat "$f") $(basename "$f")"; done | sort -n | awk '{print $2}'); do
    ms=$(cat "$dir/$s")
    READY_EACH="$READY_EACH $s $ms ms,"
    [ "$ms" -gt "$last" ] && last=$ms
  done
  READY_EACH=${READY_EACH%,}
  [ "$ok" = 1 ] || { echo timeout; return 1; }
  echo "$last"
}
# expect_ready_within_10s WHAT: every service is ready within 10 s (from now: WHAT has just come back).
expect_ready_within_10s() {
  local ms
  await_ready_ms 180 >"$WHARF_DATA_DIR/ready.out"
  ms=$(cat "$WHARF_DATA_DIR/ready.out")
  if [ "$ms" != timeout ] && [ "$ms" -le 10000 ]; then
    ok "$S: every service is ready $ms ms after $1 is back (first seen ready:$READY_EACH)"
  else
    not_ok "$S: every service is ready within 10 s of $1's return (took $ms; still not ready: $(not_ready_list))"
  fi
}

recovery_drills() {
  local S="recovery (consumers)" s repo t0 up_ms ms killed
  # kill -9 of the notifier and the deployer, a push while they are down, then their restart.
  killed=$(now_ms)
  for s in notifier deployer; do
    if kill_service "$s"; then ok "$S: kill -9 of the $s"; else not_ok "$S: kill -9 of the $s"; fi
  done
  repo=crash/recovery-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
  if push_small "$repo"; then ok "$S: an image is pushed while they are down ($PUSHED_EVENTS events)"; else not_ok "$S: push to $repo"; return; fi
  t0=$(now_ms)
  if "$ROOT/wharf" up >"$WHARF_DATA_DIR/up.out" 2>&1; then
    up_ms=$(now_ms)
    ok "$S: ./wharf up restarts them, ready in $((up_ms - t0)) ms"
    # Only a restart quicker than the dead consumers' session timeout (45 s) tells static membership from waiting it out.
    [ $((up_ms - killed)) -lt 45000 ] || note "they were ready $((up_ms - killed)) ms after the kill, past a 45 s session timeout: this run cannot tell static membership from waiting the session out"
  else
    not_ok "$S: ./wharf up restarts them"; sed 's/^/#   /' "$WHARF_DATA_DIR/up.out" | tail -n 10; return
  fi
  for s in notifier deployer; do
    ms=""
    while [ "$(($(now_ms) - up_ms))" -lt 60000 ]; do
      if [ "$(taken_by "$s")" -ge "$PUSHED_EVENTS" ]; then ms=$(($(now_ms) - up_ms)); break; fi
      sleep 0.1
    done
    if [ -n "$ms" ] && [ "$ms" -le 5000 ]; then
      ok "$S: the restarted $s takes in the push's $PUSHED_EVENTS events $ms ms after it is ready ($((ms + up_ms - t0)) ms after its start, $((ms + up_ms - killed)) ms after the kill)"
    else
      not_ok "$S: the restarted $s takes in the push's events within 5 s of being ready (took ${ms:-more than 60000} ms)"
    fi
  done

  S="recovery (PostgreSQL)"
  if [ -n "$PG_DIR" ]; then
    if pg_private stop -m fast >/dev/null 2>&1; then ok "$S: PostgreSQL stopped"; else not_ok "$S: PostgreSQL stopped"; fi
    sleep 5   # the outage itself: five seconds without PostgreSQL
    note "after 5 s without PostgreSQL, not ready: $(not_ready_list)"
    if pg_private start >/dev/null 2>&1; then ok "$S: PostgreSQL started again"; else not_ok "$S: PostgreSQL started again"; fi
    expect_ready_within_10s PostgreSQL
  else
    not_ok "$S: needs the run's private PostgreSQL (see the note above)"
  fi

  S="recovery (Kafka)"
  local infra
  infra=$(cat "$WHARF_DATA_DIR/run/infra.pid" 2>/dev/null)
  if [ -n "$infra" ] && kill -TERM "$infra" 2>/dev/null; then
    local deadline=$((SECONDS + 60))
    while { kill -0 "$infra" 2>/dev/null || ! port_free "$WHARF_KAFKA_PORT"; } && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    ok "$S: Kafka stopped (the infra process, PID $infra)"
  else
    not_ok "$S: Kafka stopped"; return
  fi
  sleep 5   # the outage itself: five seconds without Kafka
  note "after 5 s without Kafka, not ready: $(not_ready_list)"
  # Kafka is back when the infra process has written infra.env again: it does once the broker answers.
  rm -f "$WHARF_DATA_DIR/infra.env"
  "$ROOT/wharf" up >"$WHARF_DATA_DIR/up.out" 2>&1 &
  local up_pid=$!
  deadline=$((SECONDS + 120))
  while [ ! -s "$WHARF_DATA_DIR/infra.env" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  expect_ready_within_10s Kafka
  if wait "$up_pid"; then ok "$S: ./wharf up restarted Kafka"; else not_ok "$S: ./wharf up restarted Kafka"; sed 's/^/#   /' "$WHARF_DATA_DIR/up.out" | tail -n 10; fi
  local before_n before_d
  before_n=$(taken_by notifier)
  before_d=$(taken_by deployer)
  repo=crash/recovery-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
  t0=$(now_ms)
  if push_small "$repo"; then
    ms=""
    while [ "$(($(now_ms) - t0))" -lt 60000 ]; do
      if [ "$(taken_by notifier)" -ge $((before_n + PUSHED_EVENTS)) ] && [ "$(taken_by deployer)" -ge $((before_d + PUSHED_EVENTS)) ]; then ms=$(($(now_ms) - t0)); break; fi
      sleep 0.1
    done
    # Not a timing target (the push → delivery targets are measured by bench/): nothing is stuck or lost.
    if [ -n "$ms" ]; then ok "$S: a push after Kafka's return reaches the notifier and the deployer ($ms ms)"; else not_ok "$S: a push after Kafka's return reaches the notifier and the deployer within 60 s"; fi
  else
    not_ok "$S: push after Kafka's return"
  fi
}

# ------------------------------------------------------------------ setup
if command -v psql >/dev/null 2>&1; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $WHARF_DB WITH (FORCE)" >/dev/null 2>&1 || true
fi
for p in "${PORTS[@]}"; do
  port_free "$p" || { not_ok "port $p is free before the test"; finish; }
done
start_private_pg
for c in curl sha256sum cmp stat awk head tail; do
  command -v "$c" >/dev/null 2>&1 || { not_ok "needs the command $c"; finish; }
done
# The kills wait for 8 MiB beyond the first chunk (A) or from the start (B) to reach the disk.
[ "$FIRST_MIB" -gt 0 ] && [ "$BLOB_MIB" -ge $((FIRST_MIB + 32)) ] || { not_ok "CRASH_BLOB_MIB must be at least CRASH_FIRST_MIB + 32, CRASH_FIRST_MIB at least 1"; finish; }

# Two random blobs (one per scenario), outside the store, and the first chunk and the rest of
# A's, written while the system starts.
mkdir -p "$WORK"
BLOB_A=$WORK/a.bin
BLOB_B=$WORK/b.bin
random_file() {
  if command -v openssl >/dev/null 2>&1; then openssl rand -out "$1" "$SIZE"; else head -c "$SIZE" /dev/urandom >"$1"; fi
}
(
  [ "$DRILLS" = recovery ] && exit 0
  random_file "$BLOB_A" && random_file "$BLOB_B" || exit 1
  sha_of "$BLOB_A" >"$WORK/a.sha" &
  sha_a=$!
  sha_of "$BLOB_B" >"$WORK/b.sha" &
  sha_b=$!
  head -c "$FIRST" "$BLOB_A" >"$WORK/a.first" && tail -c +$((FIRST + 1)) "$BLOB_A" >"$WORK/a.rest" || exit 1
  wait "$sha_a" && wait "$sha_b" && [ -s "$WORK/a.sha" ] && [ -s "$WORK/b.sha" ]
) &
GEN_PID=$!
if "$ROOT/wharf" up >"$WHARF_DATA_DIR/up.out" 2>&1; then
  ok "./wharf up starts the system ($((SECONDS - T0))s)"
else
  not_ok "./wharf up starts the system"
  sed 's/^/#   /' "$WHARF_DATA_DIR/up.out" | tail -n 20
  finish
fi

if [ "$DRILLS" = recovery ]; then
  wait "$GEN_PID"
  recovery_drills
  finish
fi
wait "$GEN_PID" || { not_ok "the test blobs are written"; finish; }
DIGEST_A=sha256:$(cat "$WORK/a.sha")
DIGEST_B=sha256:$(cat "$WORK/b.sha")
note "blob A $DIGEST_A, blob B $DIGEST_B, $SIZE bytes each"

# ================================================================== crash 1: A mid-PATCH, then resumed
LOC_A="" LOC_B1="" LOC_B2=""
S="A (resume)"
code=$(http POST "$REG/v2/$REPO/blobs/uploads/")
follow LOC_A
ID_A=$(hdr Docker-Upload-UUID)
expect "$S: POST starts an upload (202)" "$code" 202
DATA_A=$(upload_dir "$ID_A")/data
[ -n "$LOC_A" ] && [ -n "$ID_A" ] && [ -f "$DATA_A" ] || { not_ok "$S: the upload has a Location, an id and a data file in the store ($DATA_A)"; finish; }

code=$(http PATCH "$LOC_A" -T "$WORK/a.first" -H "Content-Type: application/octet-stream" -H "Content-Range: 0-$((FIRST - 1))")
expect "$S: PATCH of the first $FIRST_MIB MiB answers 202" "$code" 202
expect "$S: ... with Range 0-$((FIRST - 1))" "$(hdr Range)" "0-$((FIRST - 1))"
follow LOC_A
rm -f "$WORK/a.first"
not_served "$S (after the first chunk)" "$DIGEST_A"

# The rest, throttled, in the background; the registry dies while it streams.
curl -sS -X PATCH -T "$WORK/a.rest" -H "Expect:" --limit-rate "$RATE" -H "Content-Type: application/octet-stream" \
  -H "Content-Range: $FIRST-$((SIZE - 1))" -o /dev/null -w '%{http_code}' "$LOC_A" \
  >"$WORK/a.patch.out" 2>"$WORK/a.patch.err" &
PATCH_PID=$!
if wait_growing "$DATA_A" $((FIRST + 8 * MIB)) 60; then
  ok "$S: the second PATCH streams into the upload (data file $(file_size "$DATA_A") bytes)"
else
  not_ok "$S: the second PATCH streams into the upload (data file stays at $(file_size "$DATA_A") bytes)"
fi
expect "$S: HEAD of the blob answers 404 while the upload streams" "$(http HEAD "$REG/v2/$REPO/blobs/$DIGEST_A")" 404
if kill_registry; then ok "$S: kill -9 of the registry mid-PATCH"; else not_ok "$S: kill -9 of the registry mid-PATCH"; finish; fi
wait "$PATCH_PID"
rc=$?
if [ "$rc" != 0 ] || [ "$(cat "$WORK/a.patch.out")" != 202 ]; then
  ok "$S: the client sees the interrupted PATCH fail (curl exit $rc, status '$(cat "$WORK/a.patch.out")')"
else
  not_ok "$S: the interrupted PATCH reported success (202)"
fi
rm -f "$WORK/a.rest"
code=$(http HEAD "$REG/v2/$REPO/blobs/$DIGEST_A")
if [ "$code" != 200 ]; then ok "$S: no blob is served while the registry is down ($code)"; else not_ok "$S: HEAD answered 200 with the registry killed"; fi
CRASH_SIZE=$(file_size "$DATA_A")
note "after the kill the upload's data file holds $CRASH_SIZE bytes (first chunk: $FIRST, whole blob: $SIZE)"
if is_prefix "$DATA_A" "$BLOB_A"; then
  ok "$S: what the crash left in the upload is a prefix of the blob ($CRASH_SIZE bytes)"
else
  not_ok "$S: what the crash left in the upload ($CRASH_SIZE bytes) is not a prefix of the blob"
  cmp "$DATA_A" "$BLOB_A" 2>&1 | head -n 1 | sed 's/^/#   /'
fi
if [ -z "$(find "$STORE/blobs" -type f)" ]; then ok "$S: the crash left nothing under blobs/"; else not_ok "$S: the crash left files under blobs/: $(find "$STORE/blobs" -type f | tr '\n' ' ')"; fi

restart_registry "crash 1"
not_served "$S (after the restart)" "$DIGEST_A"

code=$(http GET "$LOC_A")
RANGE=$(hdr Range)
expect "$S: GET of the upload answers 204" "$code" 204
NEXT=$((${RANGE#0-} + 1))
DISK=$(file_size "$DATA_A")
if [[ "$RANGE" =~ ^0-[0-9]+$ ]] && [ "$NEXT" = "$DISK" ] && [ "$NEXT" -ge "$FIRST" ] && [ "$NEXT" -le "$SIZE" ]; then
  ok "$S: the upload reports Range $RANGE, the $DISK bytes on disk (first chunk $FIRST, crash kept $((DISK - FIRST)) more)"
else
  not_ok "$S: the upload reports Range '$RANGE' (disk holds $DISK bytes, first chunk $FIRST)"
fi
if is_prefix "$DATA_A" "$BLOB_A"; then ok "$S: the reported bytes are the blob's first $DISK bytes"; else not_ok "$S: the upload's $DISK bytes are not the blob's first bytes"; fi
if [ "$NEXT" -gt "$FIRST" ]; then
  note "the store keeps the part of the killed chunk that reached the disk ($((NEXT - FIRST)) bytes; its doc: only a crash mid-append can keep part of a chunk)"
fi

# A chunk that does not start where the upload ends is refused, with the current Range.
code=$(http PATCH "$LOC_A" --data-binary "x" -H "Content-Type: application/octet-stream" -H "Content-Range: $((NEXT + 1))-$((NEXT + 1))")
if [ "$code" = 416 ] && [ "$(hdr Range)" = "$RANGE" ]; then
  ok "$S: a chunk at the wrong offset is refused with 416 and Range $RANGE"
else
  not_ok "$S: a chunk at the wrong offset answers $code with Range '$(hdr Range)'"
fi

if [ "$NEXT" -lt "$SIZE" ]; then
  tail -c +$((NEXT + 1)) "$BLOB_A" >"$WORK/a.resume"
  code=$(http PATCH "$LOC_A" -T "$WORK/a.resume" -H "Content-Type: application/octet-stream" -H "Content-Range: $NEXT-$((SIZE - 1))")
  rm -f "$WORK/a.resume"
  expect "$S: PATCH of the remaining $((SIZE - NEXT)) bytes from $NEXT answers 202" "$code" 202
  expect "$S: ... with Range 0-$((SIZE - 1))" "$(hdr Range)" "0-$((SIZE - 1))"
  follow LOC_A
fi

# ================================================================== crash 2: A's commit and B's upload
# B: a new upload streams its whole blob in one PATCH (no Content-Range), throttled. Then A's
# commit (PUT) starts, and the registry is killed while the commit holds A's upload lock
# (hashing the bytes, as it must for an upload from before a restart) and B's PATCH streams.
S="B (start over)"
code=$(http POST "$REG/v2/$REPO/blobs/uploads/")
follow LOC_B1
ID_B1=$(hdr Docker-Upload-UUID)
expect "$S: POST starts an upload (202)" "$code" 202
DATA_B1=$(upload_dir "$ID_B1")/data
[ -n "$LOC_B1" ] && [ -n "$ID_B1" ] && [ -f "$DATA_B1" ] || { not_ok "$S: the upload has a Location, an id and a data file in the store ($DATA_B1)"; finish; }
curl -sS -X PATCH -T "$BLOB_B" -H "Expect:" --limit-rate "$RATE" -H "Content-Type: application/octet-stream" \
  -o /dev/null -w '%{http_code}' "$LOC_B1" >"$WORK/b.patch.out" 2>"$WORK/b.patch.err" &
PATCH_PID=$!
if wait_growing "$DATA_B1" $((8 * MIB)) 60; then
  ok "$S: the PATCH streams into the upload (data file $(file_size "$DATA_B1") bytes)"
else
  not_ok "$S: the PATCH streams into the upload (data file stays at $(file_size "$DATA_B1") bytes)"
fi

S="A (resume)"
HEX_A=${DIGEST_A#sha256:}
BLOBFILE_A=$STORE/blobs/sha256/${HEX_A:0:2}/$HEX_A
curl -sS -X PUT -H "Expect:" -o /dev/null -w '%{http_code}' "$(with_digest "$LOC_A" "$DIGEST_A")" \
  >"$WORK/a.put.out" 2>"$WORK/a.put.err" &
PUT_PID=$!
COMMIT_KILLED=0
if wait_locked "$(upload_dir "$ID_A")/lock" "$PUT_PID" 60; then
  COMMIT_KILLED=1
else
  wait "$PUT_PID"
  note "A's commit ended before its lock was seen: the kill lands after it"
  expect "$S: PUT ?digest= commits the resumed upload (201)" "$(cat "$WORK/a.put.out")" 201
fi
if kill_registry; then
  ok "kill -9 of the registry $([ "$COMMIT_KILLED" = 1 ] && echo "mid-commit of A (upload lock held) and ")mid-PATCH of B"
else
  not_ok "kill -9 of the registry mid-commit of A and mid-PATCH of B"
  finish
fi
if [ "$COMMIT_KILLED" = 1 ]; then
  wait "$PUT_PID"
  rc=$?
  if [ "$rc" != 0 ] || [ "$(cat "$WORK/a.put.out")" != 201 ]; then
    ok "$S: the client sees the interrupted PUT fail (curl exit $rc)"
  else
    note "A's PUT answered 201 before the kill took effect"
  fi
fi
# Under blobs/ there is, for A, nothing or the whole blob; nothing else at all.
if [ -z "$(find "$STORE/blobs" -type f ! -path "$BLOBFILE_A")" ] && { [ ! -e "$BLOBFILE_A" ] || cmp -s "$BLOBFILE_A" "$BLOB_A"; }; then
  ok "$S: the crash left no partial file under blobs/ ($([ -e "$BLOBFILE_A" ] && echo "A's whole blob is in place" || echo "nothing there"))"
else
  not_ok "$S: the crash left under blobs/: $(find "$STORE/blobs" -type f -printf '%P (%s bytes) ')"
fi
S="B (start over)"
wait "$PATCH_PID"
rc=$?
if [ "$rc" != 0 ] || [ "$(cat "$WORK/b.patch.out")" != 202 ]; then
  ok "$S: the client sees the interrupted PATCH fail (curl exit $rc)"
else
  not_ok "$S: the interrupted PATCH reported success (202)"
fi
note "after the kill the abandoned upload B holds $(file_size "$DATA_B1") bytes"

restart_registry "crash 2"

# A: the killed commit is done again (or, had it got past the rename, the upload is sent again).
S="A (resume)"
if [ "$COMMIT_KILLED" = 1 ]; then
  code=$(http HEAD "$REG/v2/$REPO/blobs/$DIGEST_A")
  if [ "$code" = 200 ]; then
    note "the killed commit had already completed (blob linked)"
  else
    expect "$S: after the killed commit the blob is not served (404)" "$code" 404
    code=$(http GET "$LOC_A")
    if [ "$code" = 204 ]; then
      expect "$S: the upload survived the killed commit whole (Range)" "$(hdr Range)" "0-$((SIZE - 1))"
      code=$(http PUT "$(with_digest "$LOC_A" "$DIGEST_A")")
      expect "$S: PUT ?digest= commits the upload again (201)" "$code" 201
    else
      # Killed between the rename and the link: the upload is gone, and the client starts over.
      note "the upload is gone after the killed commit ($code, blob file $([ -e "$BLOBFILE_A" ] && echo present || echo absent)): uploading again"
      code=$(http POST "$REG/v2/$REPO/blobs/uploads/")
      follow LOC_A
      code=$(http PUT "$(with_digest "$LOC_A" "$DIGEST_A")" -T "$BLOB_A" -H "Content-Type: application/octet-stream")
      expect "$S: a new upload of the whole blob commits it (201)" "$code" 201
    fi
    expect "$S: ... with Docker-Content-Digest $DIGEST_A" "$(hdr Docker-Content-Digest)" "$DIGEST_A"
  fi
fi
served "$S" "$DIGEST_A" "$BLOB_A"
if [ ! -e "$(upload_dir "$ID_A")" ]; then ok "$S: the committed upload's directory is gone"; else not_ok "$S: uploads/$ID_A is left: $(ls -A "$(upload_dir "$ID_A")" | tr '\n' ' ')"; fi
expect "$S: exactly one file in the store is named by the digest" "$(find "$STORE" -name "$HEX_A*" | wc -l)" 1
expect "$S: the blob file has the blob's size" "$(file_size "$BLOBFILE_A")" "$SIZE"

# B: a new upload sends the whole blob again: POST, then the blob in the PUT that commits it.
S="B (start over)"
not_served "$S (after the restart)" "$DIGEST_B"
code=$(http POST "$REG/v2/$REPO/blobs/uploads/")
follow LOC_B2
ID_B2=$(hdr Docker-Upload-UUID)
expect "$S: POST starts a new upload (202)" "$code" 202
if [ -n "$ID_B2" ] && [ "$ID_B2" != "$ID_B1" ]; then ok "$S: the new upload has its own id"; else not_ok "$S: the new upload's id is '$ID_B2' (abandoned: $ID_B1)"; fi
code=$(http PUT "$(with_digest "$LOC_B2" "$DIGEST_B")" -T "$BLOB_B" -H "Content-Type: application/octet-stream")
expect "$S: PUT ?digest= with the whole blob commits it (201)" "$code" 201
served "$S" "$DIGEST_B" "$BLOB_B"
if [ ! -e "$(upload_dir "$ID_B2")" ]; then ok "$S: the committed upload's directory is gone"; else not_ok "$S: uploads/$ID_B2 is left"; fi

# The abandoned upload survived the crash as an ordinary upload; the client deletes it.
code=$(http GET "$LOC_B1")
expect "$S: the abandoned upload still answers GET (204)" "$code" 204
if is_prefix "$DATA_B1" "$BLOB_B"; then ok "$S: the abandoned upload holds a prefix of the blob (Range $(hdr Range))"; else not_ok "$S: the abandoned upload's bytes are not a prefix of the blob"; fi
expect "$S: DELETE of the abandoned upload answers 204" "$(http DELETE "$LOC_B1")" 204
expect "$S: the deleted upload answers 404" "$(http GET "$LOC_B1")" 404
if [ ! -e "$(upload_dir "$ID_B1")" ]; then ok "$S: the abandoned upload's directory is gone"; else not_ok "$S: uploads/$ID_B1 is left: $(ls -A "$(upload_dir "$ID_B1")" | tr '\n' ' ')"; fi

# ================================================================== the store holds no orphan
S="storage"
left=$(find "$STORE/uploads" -mindepth 1 | tr '\n' ' ')
if [ -z "$left" ]; then ok "$S: uploads/ is empty"; else not_ok "$S: uploads/ holds $left"; fi
stray=$(find "$STORE" -mindepth 1 -type f ! -path "$STORE/blobs/*" | tr '\n' ' ')
if [ -z "$stray" ]; then ok "$S: no file outside blobs/"; else not_ok "$S: files outside blobs/: $stray"; fi
bad=""
count=0
while IFS= read -r f; do
  count=$((count + 1))
  rel=${f#"$STORE/blobs/"}
  if [[ ! "$rel" =~ ^sha256/([0-9a-f]{2})/([0-9a-f]{64})$ ]] || [ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]:0:2}" ]; then
    bad="$bad $rel(not-a-blob-name)"
    continue
  fi
  hex=${BASH_REMATCH[2]}
  # The bytes of a committed blob are those of the test file whose sha256 names it (cmp is
  # quicker than hashing again); any other file is hashed to name it in the report.
  case "sha256:$hex" in
    "$DIGEST_A") cmp -s "$f" "$BLOB_A" || bad="$bad $rel(bytes-do-not-match-name)" ;;
    "$DIGEST_B") cmp -s "$f" "$BLOB_B" || bad="$bad $rel(bytes-do-not-match-name)" ;;
    *) [ "$(sha_of "$f")" = "$hex" ] || bad="$bad $rel(bytes-do-not-match-name)"; bad="$bad $rel(never-committed)" ;;
  esac
  [ "$(file_size "$f")" = "$SIZE" ] || bad="$bad $rel(size-$(file_size "$f"))"
  [ "$(http HEAD "$REG/v2/$REPO/blobs/sha256:$hex")" = 200 ] || bad="$bad $rel(not-served)"
done < <(find "$STORE/blobs" -type f)
if [ -z "$bad" ]; then ok "$S: every file under blobs/ is a committed, served blob whose bytes hash to its name"; else not_ok "$S: orphan or bad files under blobs/:$bad"; fi
expect "$S: blobs/ holds exactly the two committed blobs" "$count" 2
stray=$(find "$STORE/blobs" -mindepth 1 ! -type f ! -type d | tr '\n' ' ')
if [ -z "$stray" ]; then ok "$S: nothing but directories and blob files under blobs/"; else not_ok "$S: other entries under blobs/: $stray"; fi

# ------------------------------------------------------------------ events: killed between commit and publish
# The relay is held back (one tick at start, then hourly, and not woken by commits) so a push's outbox rows are committed
# but not yet on Kafka when the registry is killed; restarted, it must publish them. The deployer
# (which takes in every registry event from Kafka, idempotently) is the witness on the far side.
S="events"
taken() { curl -fsS "http://127.0.0.1:$WHARF_DEPLOYER_PORT/q/health/ready" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(next((c.get("data",{}).get("taken",0) for c in d["checks"] if c["name"]=="registry-events intake"),0))'; }
kill_registry || not_ok "$S: the registry is killed before the drill"
WHARF_REGISTRY_EVENTS_RELAY_INTERVAL=1h WHARF_REGISTRY_EVENTS_RELAY_WAKE=false restart_registry "$S (relay held back)"
before=$(taken)
EV_REPO=crash/events-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
cfg='{}'
cfg_digest=sha256:$(printf %s "$cfg" | sha256sum | cut -d' ' -f1)
expect "$S: config blob pushed" "$(http POST "$REG/v2/$EV_REPO/blobs/uploads/?digest=$cfg_digest" --data-binary "$cfg" -H "Content-Type: application/octet-stream")" 201
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$cfg_digest\",\"size\":2},\"layers\":[]}"
expect "$S: manifest pushed (committed with its outbox rows)" "$(http PUT "$REG/v2/$EV_REPO/manifests/v1" --data-binary "$manifest" -H "Content-Type: application/vnd.oci.image.manifest.v1+json")" 201
recorded=$(curl -fsS "$REG/api/v1/events?repository=$EV_REPO" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["events"]))')
expect "$S: the deployer has not seen them yet (not published)" "$(taken)" "$before"
kill_registry || not_ok "$S: kill -9 between commit and publish"
restart_registry "$S (relay back to normal)"
deadline=$((SECONDS + 60)); now=$before
while [ "$SECONDS" -lt "$deadline" ]; do
  now=$(taken 2>/dev/null || echo "$before")
  [ "$now" -ge $((before + recorded)) ] && break
  sleep 0.5
done
expect "$S: after the restart all $recorded events of the push reached Kafka and the deployer, once each" "$((now - before))" "$recorded"


# ------------------------------------------------------------------ GC drill: killed at each step of a collection
# The registry runs with grace 0 (WHARF_GC_GRACE=0s), small batches (WHARF_GC_BATCH_SIZE) and no
# schedule. Three kept images are pushed with skopeo (two share a base layer); each round uploads
# CRASH_GC_BLOBS small random blobs into a scratch repository and unlinks them (blob DELETE), together
# with the kept images' layers (which the kept repositories still link: they must stay). Then a GC
# run starts and the registry is killed (a) right after the POST answered (mark), (b) mid-sweep, once
# the blob table has shrunk, (c) while rows are in `deleting` (bytes going), and then once more right
# after the next run's POST, while that run completes the crashed run's deletes. Right after each kill
# every live or marked row still has its file and no file lacks its row; after each restart the
# interrupted run shows failed, a new run completes and frees exactly the garbage that was left, the
# garbage is gone (rows and files), blob rows and files match one for one, and every kept image pulls
# back byte for byte with skopeo.
S="gc"
GC_T0=$SECONDS
GC_BLOBS=${CRASH_GC_BLOBS:-700}
GC_BATCH=${CRASH_GC_BATCH:-20}
GCW=$WORK/gc
mkdir -p "$GCW"
set -a
# shellcheck disable=SC1091
. "$WHARF_DATA_DIR/infra.env"
set +a
PG_URL=${QUARKUS_DATASOURCE_JDBC_URL#jdbc:postgresql://}   # host:port/db[?…]
PG_URL=${PG_URL%%\?*}
sql() { # sql STATEMENT: unaligned, tuples only; a refused connection (the server shared with other tests is full) is tried again
  local try rc
  for try in 1 2 3 4 5 6 7 8 9 10; do
    PGPASSWORD=$QUARKUS_DATASOURCE_PASSWORD PGOPTIONS="-c search_path=registry" psql -qAtX -v ON_ERROR_STOP=1 -h "${PG_URL%%:*}" \
      -p "$(echo "$PG_URL" | sed 's/^[^:]*:\([0-9]*\)\/.*/\1/')" -U "$QUARKUS_DATASOURCE_USERNAME" -d "${PG_URL#*/}" -c "$1"
    rc=$?
    [ "$rc" = 2 ] || return "$rc"
    sleep 0.5
  done
  return "$rc"
}
sql "SELECT 1" >/dev/null 2>"$GCW/sql.err" || { not_ok "$S: psql reaches the registry's database ($(head -c 300 "$GCW/sql.err"))"; finish; }
command -v skopeo >/dev/null 2>&1 || { not_ok "$S: needs skopeo"; finish; }

CREDS=$WHARF_ADMIN_USER:$WHARF_ADMIN_PASSWORD
HOSTPORT=127.0.0.1:$WHARF_REGISTRY_PORT
OCI=(python3 "$ROOT/e2e/oci-image.py")
for l in base u1 u2 u3; do "${OCI[@]}" layer "$GCW/$l.tgz" $((48 * 1024 + RANDOM)); done
{
  "${OCI[@]}" image "$GCW/kept-1" v1 "$GCW/base.tgz" "$GCW/u1.tgz" &&
    "${OCI[@]}" image "$GCW/kept-2" v1 "$GCW/base.tgz" "$GCW/u2.tgz" &&
    "${OCI[@]}" image "$GCW/kept-3" v1 "$GCW/u3.tgz"
} >/dev/null || { not_ok "$S: the kept images are written as OCI layouts"; finish; }
KEPT=(kept-1 kept-2 kept-3)
SHARED=("$GCW/base.tgz" "$GCW/u1.tgz" "$GCW/u3.tgz")   # kept layers that also become garbage in the scratch repositories

kill_registry || not_ok "$S: the registry is killed to restart it with the GC test settings"
export WHARF_GC_GRACE=0s WHARF_GC_BATCH_SIZE=$GC_BATCH WHARF_GC_SCHEDULE=off
restart_registry "$S (grace 0s, batches of $GC_BATCH, no schedule)"

for k in "${KEPT[@]}"; do
  if skopeo copy -q --dest-tls-verify=false --dest-creds "$CREDS" "oci:$GCW/$k:v1" "docker://$HOSTPORT/crash/$k:v1" >"$GCW/push.out" 2>&1; then
    ok "$S: skopeo pushes the kept image crash/$k:v1"
  else
    not_ok "$S: skopeo pushes the kept image crash/$k:v1"; sed 's/^/#   /' "$GCW/push.out" | tail -n 5
  fi
done

# blob_rows FILE: every blob row as "sha256:<hex> state", sorted. store_files FILE: every blob file's digest, sorted.
blob_rows() { sql "SELECT digest || ' ' || state FROM blob" | sort >"$1"; }
store_files() { find "$STORE/blobs" -type f -printf '%P\n' | sed -n 's|^sha256/[0-9a-f]\{2\}/\([0-9a-f]\{64\}\)$|sha256:\1|p' | sort >"$1"; }
# in_both A B: lines of sorted file A that are also in B (count).
in_both() { comm -12 "$1" "$2" | wc -l; }

# after_kill WHAT: the invariant right after a kill: live and marked rows have their files (a
# deleting row may have lost them: a retryable delete), and no file is without its row.
after_kill() {
  local rows=$GCW/rows files=$GCW/files missing extra
  blob_rows "$rows"
  store_files "$files"
  note "$1: the kill left $(awk '$2 == "live"' "$rows" | wc -l) live, $(awk '$2 == "marked"' "$rows" | wc -l) marked, $(awk '$2 == "deleting"' "$rows" | wc -l) deleting rows ($(awk '$2 == "deleting" { print $1 }' "$rows" | comm -23 - "$files" | wc -l) of them with their bytes already gone); $(in_both "$GARBAGE" <(cut -d' ' -f1 "$rows")) of the $GC_BLOBS garbage rows left"
  missing=$(awk '$2 != "deleting" { print $1 }' "$rows" | comm -23 - "$files" | wc -l)
  extra=$(cut -d' ' -f1 "$rows" | comm -13 - "$files" | wc -l)
  expect "$1: right after the kill every live or marked blob row has its file" "$missing" 0
  expect "$1: right after the kill no blob file is without its row" "$extra" 0
}

# gc_start: POST /api/v1/gc; sets RUN to the run's id.
gc_start() {
  RUN=""
  local code
  code=$(http POST "$REG/api/v1/gc" -H "Content-Type: application/json" --data '{"dryRun":false}')
  RUN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("id",""))' "$B" 2>/dev/null)
  [ "$code" = 202 ] && [ -n "$RUN" ]
}
gc_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2],""))' "$B" "$1" 2>/dev/null; }
# gc_wait ID SECONDS: polls the run until it is not running; leaves it in $B, prints its status.
gc_wait() {
  local deadline=$((SECONDS + $2)) status=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    [ "$(http GET "$REG/api/v1/gc/$1")" = 200 ] && status=$(gc_field status)
    [ -n "$status" ] && [ "$status" != running ] && break
    sleep 0.2
  done
  echo "$status"
}

# verify_kept WHAT: every kept image pulls back with skopeo, byte for byte.
verify_kept() {
  local k back bad
  for k in "${KEPT[@]}"; do
    back=$GCW/back-$k
    rm -rf "$back"
    if ! skopeo copy -q --src-tls-verify=false --src-creds "$CREDS" "docker://$HOSTPORT/crash/$k:v1" "oci:$back:v1" >"$GCW/pull.out" 2>&1; then
      not_ok "$1: skopeo pulls crash/$k:v1 back ($(grep -o 'BLOB_UNKNOWN\|MANIFEST_UNKNOWN' "$GCW/pull.out" | sort -u | tr '\n' ' '))"
      sed 's/^/#   /' "$GCW/pull.out" | tail -n 3
      continue
    fi
    bad=""
    for f in "$GCW/$k"/blobs/sha256/*; do
      cmp -s "$f" "$back/blobs/sha256/$(basename "$f")" || bad="$bad $(basename "$f" | head -c 12)"
    done
    [ "$(grep -o 'sha256:[0-9a-f]*' "$back/index.json")" = "$(grep -o 'sha256:[0-9a-f]*' "$GCW/$k/index.json")" ] || bad="$bad manifest-digest"
    if [ -z "$bad" ]; then
      ok "$1: skopeo pulls crash/$k:v1 back byte for byte (manifest, config, $(($(ls "$GCW/$k/blobs/sha256" | wc -l) - 2)) layers)"
    else
      not_ok "$1: crash/$k:v1 pulled back differs:$bad"
    fi
  done
}

# consistent WHAT: blob rows and blob files match one for one, every row live.
consistent() {
  local rows=$GCW/rows files=$GCW/files
  blob_rows "$rows"
  store_files "$files"
  if cut -d' ' -f1 "$rows" | cmp -s - "$files"; then
    ok "$1: blob rows and blob files match one for one ($(wc -l <"$files") blobs)"
  else
    not_ok "$1: blob rows without file: $(cut -d' ' -f1 "$rows" | comm -23 - "$files" | head -n 3 | tr '\n' ' '); files without row: $(cut -d' ' -f1 "$rows" | comm -13 - "$files" | head -n 3 | tr '\n' ' ')"
  fi
  expect "$1: every blob row is live" "$(awk '$2 != "live"' "$rows" | wc -l)" 0
}

# recover WHAT KILLED…: after a restart, a new run ends the killed runs (failed) and completes, freeing
# exactly the garbage that was left; then the garbage is gone and the kept images pull back.
recover() {
  local what=$1 left bytes status r
  shift
  blob_rows "$GCW/rows"
  # With a link grace of 0 a run frees every blob no manifest references: the garbage left, and blobs
  # only linked (the upload drills' blobs, whose links a killed run may already have pruned).
  left=$(sql "SELECT count(*) FROM blob b WHERE NOT EXISTS (SELECT 1 FROM manifest_reference r WHERE r.digest = b.digest)")
  bytes=$(sql "SELECT COALESCE(sum(size), 0) FROM blob b WHERE NOT EXISTS (SELECT 1 FROM manifest_reference r WHERE r.digest = b.digest)")
  if gc_start; then ok "$what: a new GC run starts after the restart (202)"; else not_ok "$what: POST /api/v1/gc after the restart answers $(head -c 300 "$B")"; return; fi
  for r in "$@"; do
    [ "$(http GET "$REG/api/v1/gc/$r")" = 200 ] || true
    expect "$what: the killed run ${r:0:8} is shown failed" "$(gc_field status)" failed
  done
  status=$(gc_wait "$RUN" 120)
  expect "$what: the new run completes" "$status" completed
  expect "$what: ... and frees the $left blobs no manifest references (the garbage that was left, and any other)" "$(gc_field blobsDeleted)" "$left"
  expect "$what: ... and reports their $bytes bytes freed" "$(gc_field bytesFreed)" "$bytes"
  blob_rows "$GCW/rows"
  store_files "$GCW/files"
  expect "$what: no garbage row is left" "$(in_both "$GARBAGE" <(cut -d' ' -f1 "$GCW/rows"))" 0
  expect "$what: no garbage file is left" "$(in_both "$GARBAGE" "$GCW/files")" 0
  local shared_left=0 f
  for f in "${SHARED[@]}"; do
    grep -qx "sha256:$(sha_of "$f")" "$GCW/files" && shared_left=$((shared_left + 1))
  done
  expect "$what: the kept layers that were also unlinked garbage elsewhere are still stored" "$shared_left" "${#SHARED[@]}"
  consistent "$what"
  verify_kept "$what"
}

# garbage ROUND: uploads and unlinks the round's garbage; sets GARBAGE (its sorted digests).
garbage() {
  local t=$SECONDS
  GARBAGE=$GCW/garbage-$1
  if python3 "$ROOT/e2e/gc-garbage.py" "$REG" "crash/scratch-$1" "$GC_BLOBS" "$GARBAGE.txt" "${SHARED[@]}" 2>"$GCW/garbage.err"; then
    ok "$S ($1): $GC_BLOBS random blobs and ${#SHARED[@]} kept layers uploaded into crash/scratch-$1 and unlinked ($((SECONDS - t))s)"
  else
    not_ok "$S ($1): garbage uploaded and unlinked: $(head -c 300 "$GCW/garbage.err")"
  fi
  sort "$GARBAGE.txt" >"$GARBAGE"
  blob_rows "$GCW/rows"
  expect "$S ($1): the garbage has its $GC_BLOBS blob rows" "$(in_both "$GARBAGE" <(cut -d' ' -f1 "$GCW/rows"))" "$GC_BLOBS"
}

# poll_until SECONDS SQL: polls until SQL (a boolean) is true; false when time ran out first.
poll_until() {
  local deadline=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$deadline" ]; do
    [ "$(sql "$2" 2>/dev/null)" = t ] && return 0
  done
  return 1
}

verify_kept "$S (before any collection)"

# (a) killed right after the POST answered: marking.
garbage a
if gc_start; then ok "$S (a): POST /api/v1/gc starts a run (202)"; else not_ok "$S (a): POST /api/v1/gc answers $(head -c 300 "$B")"; fi
RUN_A=$RUN
if kill_registry; then ok "$S (a): kill -9 of the registry right after the POST answered"; else not_ok "$S (a): kill -9 right after the POST"; finish; fi
after_kill "$S (a)"
expect "$S (a): the killed run is left running in its row (no one ended it)" "$(sql "SELECT status FROM gc_run WHERE id = '$RUN_A'")" running
restart_registry "$S (a)"
recover "$S (a)" "$RUN_A"

# (b) killed mid-sweep: some garbage rows gone, many left.
garbage b
GONE_SQL="(SELECT count(*) FROM blob) <= $(sql "SELECT count(*) FROM blob") - $((2 * GC_BATCH))"
if gc_start; then ok "$S (b): POST /api/v1/gc starts a run (202)"; else not_ok "$S (b): POST /api/v1/gc answers $(head -c 300 "$B")"; fi
RUN_B=$RUN
if poll_until 60 "SELECT $GONE_SQL"; then ok "$S (b): the sweep has deleted some of the garbage"; else not_ok "$S (b): the sweep deleted no garbage within 60 s"; fi
if kill_registry; then ok "$S (b): kill -9 of the registry mid-sweep"; else not_ok "$S (b): kill -9 mid-sweep"; finish; fi
after_kill "$S (b)"
[ "$(in_both "$GARBAGE" <(cut -d' ' -f1 "$GCW/rows"))" -gt 0 ] && ok "$S (b): the kill landed before the sweep ended (garbage rows left)" || not_ok "$S (b): the sweep had ended before the kill"
restart_registry "$S (b)"
recover "$S (b)" "$RUN_B"

# (c) killed while rows are in deleting (their bytes going), then killed again right after the next
# run's POST, while that run completes the first one's deletes.
garbage c
if gc_start; then ok "$S (c): POST /api/v1/gc starts a run (202)"; else not_ok "$S (c): POST /api/v1/gc answers $(head -c 300 "$B")"; fi
RUN_C1=$RUN
if poll_until 60 "SELECT EXISTS (SELECT 1 FROM blob WHERE state = 'deleting')"; then ok "$S (c): blob rows are in deleting"; else not_ok "$S (c): no blob row seen in deleting within 60 s"; fi
if kill_registry; then ok "$S (c): kill -9 of the registry while rows are in deleting"; else not_ok "$S (c): kill -9 while deleting"; finish; fi
after_kill "$S (c)"
restart_registry "$S (c)"
if gc_start; then ok "$S (c): a second run starts after the restart (202)"; else not_ok "$S (c): POST /api/v1/gc after the restart answers $(head -c 300 "$B")"; fi
RUN_C2=$RUN
if kill_registry; then ok "$S (c): kill -9 of the registry right after the second run's POST"; else not_ok "$S (c): kill -9 of the second run"; finish; fi
after_kill "$S (c, second kill)"
restart_registry "$S (c, second kill)"
recover "$S (c)" "$RUN_C1" "$RUN_C2"

expect "$S: no GC run is left running" "$(sql "SELECT count(*) FROM gc_run WHERE status = 'running'")" 0
note "the GC drill took $((SECONDS - GC_T0))s"

recovery_drills

finish
