# A private dockerd for the e2e scripts (sourced by clients.sh, https.sh and s3.sh; see CLIENTS.md).
#
#   dockerd_start [dockerd args…]  starts a daemon whose data, exec root, socket, pid file and log
#                                  (dockerd.log) are under $DOCKER_DIR, sets DOCKERD_PID, and returns
#                                  0 once `docker version` answers (within 60 s), else 1
#   dockerd_stop                   stops it and the containerd it started, by their PIDs (TERM, then
#                                  KILL after 30 s / 10 s); nothing when none was started
#   dk …                           docker against it
#
# The caller sets DOCKER_DIR (inside its work directory) before either call.
DOCKERD_PID=

dk() { DOCKER_HOST=unix://$DOCKER_DIR/docker.sock docker "$@"; }

dockerd_start() {
    local i
    mkdir -p "$DOCKER_DIR/data" "$DOCKER_DIR/exec"
    echo '{}' >"$DOCKER_DIR/daemon.json"
    dockerd --config-file "$DOCKER_DIR/daemon.json" \
        --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
        --data-root "$DOCKER_DIR/data" --exec-root "$DOCKER_DIR/exec" \
        -H "unix://$DOCKER_DIR/docker.sock" --pidfile "$DOCKER_DIR/docker.pid" \
        "$@" >"$DOCKER_DIR/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    for ((i = 0; i < 600; i++)); do
        dk version >/dev/null 2>&1 && return 0
        kill -0 "$DOCKERD_PID" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}

dockerd_stop() {
    [ -n "$DOCKERD_PID" ] || return 0
    local cpid pid limit i
    cpid=$(cat "$DOCKER_DIR/exec/containerd/containerd.pid" 2>/dev/null)
    # dockerd normally stops the containerd it started; make sure by PID
    for pid in "$DOCKERD_PID" $cpid; do
        limit=100
        [ "$pid" = "$DOCKERD_PID" ] && limit=300
        kill -TERM "$pid" 2>/dev/null || continue
        for ((i = 0; i < limit; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        [ "$pid" = "$DOCKERD_PID" ] && wait "$pid" 2>/dev/null
    done
    DOCKERD_PID=
}
