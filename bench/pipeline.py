#!/usr/bin/env python3
"""Push → webhook delivered and push → deploy hook called, as a user sees them (bench/pipeline.sh runs it).

  pipeline.py --registry URL --notifier URL --deployer URL --user U --password P [-n 60] [--gap 0.25]
              [--json OUT]

Starts a receiver on 127.0.0.1 (a free port) for both the webhook and the deploy hook, creates a
project, a webhook subscription to artifact.pushed (compact payload) and an HTTP deploy target with
a rule (tags *), then pushes N small images one after another (a shared 1 KiB layer, a config and a
manifest of their own, tag 1.0.<i>), --gap seconds apart. Time zero of each push is the moment its
manifest PUT is sent. Prints p50/p90/p99/max of both paths and of the manifest PUT itself.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

ARRIVED = {"hook": {}, "deploy": {}}
LOCK = threading.Lock()
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        at = time.monotonic()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
        kind = "deploy" if self.path.startswith("/deploy") else "hook"
        with LOCK:
            for digest in set(DIGEST.findall(body)):
                ARRIVED[kind].setdefault(digest, at)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def call(method, url, body=None, headers=None, expect=(200, 201, 202, 204)):
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if isinstance(body, (dict, list)):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        if e.code in expect:
            return e.code, dict(e.headers), e.read()
        raise SystemExit(f"pipeline: {method} {url} answered {e.code}: {e.read()[:400]!r}")


class Registry:
    def __init__(self, base, user, password):
        self.base, self.user, self.password = base.rstrip("/"), user, password
        self.basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.tokens = {}

    def auth(self, repository):
        if repository not in self.tokens:
            status, headers, _ = call("GET", f"{self.base}/v2/", headers={"Authorization": self.basic}, expect=(200, 401))
            challenge = headers.get("WWW-Authenticate") or headers.get("Www-Authenticate") or ""
            if status == 200 or not challenge.startswith("Bearer"):
                self.tokens[repository] = self.basic
            else:
                params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
                url = f"{params['realm']}?service={params.get('service', '')}&scope=repository:{repository}:pull,push"
                _, _, body = call("GET", url, headers={"Authorization": self.basic})
                answer = json.loads(body)
                self.tokens[repository] = "Bearer " + (answer.get("token") or answer.get("access_token"))
        return {"Authorization": self.tokens[repository]}

    def blob(self, repository, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        _, headers, _ = call("POST", f"{self.base}/v2/{repository}/blobs/uploads/", b"", self.auth(repository))
        location = headers.get("Location")
        if location.startswith("/"):
            location = self.base + location
        sep = "&" if "?" in location else "?"
        call("PUT", f"{location}{sep}digest={digest}", data,
             {**self.auth(repository), "Content-Type": "application/octet-stream"})
        return digest, len(data)

    def manifest(self, repository, tag, manifest):
        return call("PUT", f"{self.base}/v2/{repository}/manifests/{tag}", manifest,
                    {**self.auth(repository), "Content-Type": "application/vnd.oci.image.manifest.v1+json"})


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def summary(values):
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": round(pct(values, 50), 1), "p90": round(pct(values, 90), 1),
            "p99": round(pct(values, 99), 1), "max": round(max(values), 1), "mean": round(statistics.mean(values), 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry", required=True)
    ap.add_argument("--notifier", required=True)
    ap.add_argument("--deployer", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("-n", type=int, default=60)
    ap.add_argument("--gap", type=float, default=0.25)
    ap.add_argument("--wait", type=float, default=60)
    ap.add_argument("--label", default="")
    ap.add_argument("--json")
    a = ap.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    basic = {"Authorization": "Basic " + base64.b64encode(f"{a.user}:{a.password}".encode()).decode()}
    _, _, body = call("POST", a.registry.rstrip("/") + "/api/v1/auth/token", b"", basic)
    bearer = {"Authorization": "Bearer " + json.loads(body)["token"]}
    suffix = uuid.uuid4().hex[:8]
    project, repository = f"pipeline{suffix}", f"pipeline{suffix}/app"
    call("POST", a.registry.rstrip("/") + "/api/v1/projects", {"name": project, "isPublic": False}, basic)
    call("POST", a.notifier.rstrip("/") + "/api/v1/subscriptions",
         {"name": "pipeline-bench", "scope": "PROJECT", "project": project, "eventTypes": ["artifact.pushed"],
          "channel": "WEBHOOK", "url": f"http://127.0.0.1:{port}/hook", "payloadFormat": "COMPACT"}, bearer)
    target = f"pipeline-hook-{suffix}"
    call("POST", a.deployer.rstrip("/") + "/api/v1/targets",
         {"name": target, "kind": "http", "endpoint": f"http://127.0.0.1:{port}/deploy", "grants": [{"project": project}]},
         bearer)
    call("POST", a.deployer.rstrip("/") + "/api/v1/rules",
         {"name": "pipeline-bench", "repository": repository, "tagPolicy": {"kind": "glob", "value": "*"},
          "target": target, "enabled": True}, bearer)

    registry = Registry(a.registry, a.user, a.password)
    layer = registry.blob(repository, os.urandom(1024))
    started, put_ms = {}, []
    for i in range(a.n):
        config = registry.blob(repository, json.dumps({"architecture": "amd64", "os": "linux",
                                                        "rootfs": {"type": "layers", "diff_ids": []},
                                                        "bench": f"{suffix}-{i}"}).encode())
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                          "digest": config[0], "size": config[1]},
                               "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                           "digest": layer[0], "size": layer[1]}]}).encode()
        digest = "sha256:" + hashlib.sha256(manifest).hexdigest()
        t0 = time.monotonic()
        started[digest] = t0
        registry.manifest(repository, f"1.0.{i}", manifest)
        put_ms.append((time.monotonic() - t0) * 1000)
        time.sleep(a.gap)

    deadline = time.monotonic() + a.wait
    while time.monotonic() < deadline:
        with LOCK:
            if all(d in ARRIVED["hook"] and d in ARRIVED["deploy"] for d in started):
                break
        time.sleep(0.1)
    server.shutdown()
    with LOCK:
        hook = [(ARRIVED["hook"][d] - t) * 1000 for d, t in started.items() if d in ARRIVED["hook"]]
        deploy = [(ARRIVED["deploy"][d] - t) * 1000 for d, t in started.items() if d in ARRIVED["deploy"]]
    result = {"label": a.label, "pushes": a.n, "gap_s": a.gap, "manifest_put_ms": summary(put_ms),
              "push_to_webhook_ms": summary(hook), "push_to_deploy_hook_ms": summary(deploy)}
    print(json.dumps(result, indent=2))
    if a.json:
        with open(a.json, "a") as f:
            f.write(json.dumps(result) + "\n")
    # Every push must reach the webhook; the deployer may supersede a deployment by a newer push's.
    return 0 if len(hook) == a.n else 1


if __name__ == "__main__":
    sys.exit(main())
