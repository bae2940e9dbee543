#!/usr/bin/env python3
"""Makes garbage for the GC drills: uploads COUNT small random blobs into REPOSITORY (monolithic
POST ?digest=), plus the blob files named as SHARED (e.g. layers a kept image also uses), then
unlinks every one of them from REPOSITORY (DELETE /v2/<name>/blobs/<digest>), so only what another
repository links stays referenced. Several connections (keep-alive) at once, to be quick.

Usage: gc-garbage.py REGISTRY_URL REPOSITORY COUNT OUTFILE [SHARED_BLOB_FILE...]
Env:   WHARF_ADMIN_USER / WHARF_ADMIN_PASSWORD (Basic credentials, optional)
Writes the random blobs' digests (sha256:<hex>, one a line; not the shared ones) to OUTFILE.
Exits 1, with the first failure on stderr, unless every upload answered 201 and every DELETE 202.
"""
import base64
import hashlib
import http.client
import os
import random
import sys
import threading
import urllib.parse

WORKERS = 8


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    url, repo, count, outfile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    shared = [open(p, "rb").read() for p in sys.argv[5:]]
    target = urllib.parse.urlsplit(url)
    headers = {}
    user, password = os.environ.get("WHARF_ADMIN_USER"), os.environ.get("WHARF_ADMIN_PASSWORD")
    if user and password:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    garbage = [os.urandom(random.randint(200, 2048)) for _ in range(count)]
    blobs = [(b, "sha256:" + hashlib.sha256(b).hexdigest()) for b in garbage + shared]
    failures = []

    def work(part):
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        try:
            for body, digest in part:
                for method, path, data, want in (
                        ("POST", f"/v2/{repo}/blobs/uploads/?digest={digest}", body, 201),
                        ("DELETE", f"/v2/{repo}/blobs/{digest}", None, 202)):
                    h = dict(headers)
                    if data is not None:
                        h["Content-Type"] = "application/octet-stream"
                    conn.request(method, path, body=data, headers=h)
                    response = conn.getresponse()
                    text = response.read()
                    if response.status != want:
                        failures.append(f"{method} {path}: {response.status} {text[:200]!r}")
                        return
        except OSError as e:
            failures.append(f"{type(e).__name__}: {e}")
        finally:
            conn.close()

    threads = [threading.Thread(target=work, args=(blobs[i::WORKERS],)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(outfile, "w") as out:
        for _, digest in blobs[:count]:
            out.write(digest + "\n")
    if failures:
        print(failures[0], file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
