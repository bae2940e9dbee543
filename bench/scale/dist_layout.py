#!/usr/bin/env python3
"""Lays out Distribution's (docker-registry 2.8) filesystem storage for the repositories of a database
that generate.sh filled: the files its pushes would have written, written directly.

  dist_layout.py ROOT DATABASE

For every repository, the manifest its tag `latest` points at; for library/many-tags, every tag.
Per manifest (a push of it writes the same): the manifest's bytes as a blob
(blobs/sha256/xx/<hex>/data), its revision link, the tag's current and index links, and the
repository's layer links of the blobs it references (_layers/sha256/<hex>/link). Not written: the
config and layer bytes (no scenario here reads them) and the upload folders a push leaves empty.
Reads the database with psql (WHARF_PG_HOST, WHARF_PG_PORT, WHARF_PG_USER as generate.sh).
"""
import json
import os
import subprocess
import sys
import time


def write(path, data):
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, data)
    os.close(fd)


def main():
    root, db = sys.argv[1], sys.argv[2]
    base = os.path.join(root, 'docker', 'registry', 'v2')
    sql = ("COPY (SELECT r.name, t.name, m.digest, encode(m.content, 'hex') FROM registry.tag t "
           "JOIN registry.repository r ON r.id = t.repository_id JOIN registry.manifest m ON m.id = t.manifest_id "
           "WHERE t.name = 'latest' OR r.name = 'library/many-tags') TO STDOUT")
    env = dict(os.environ, PGHOST=os.environ.get('WHARF_PG_HOST', '127.0.0.1'), PGPORT=os.environ.get('WHARF_PG_PORT', '5432'),
               PGUSER=os.environ.get('WHARF_PG_USER', 'postgres'), PGPASSWORD=os.environ.get('WHARF_PG_PASSWORD', ''))
    p = subprocess.Popen(['psql', '-X', '-q', '-d', db, '-c', sql], stdout=subprocess.PIPE, env=env, text=True, bufsize=1 << 20)
    blobs_written = set()
    n = 0
    t0 = time.time()
    for line in p.stdout:
        repo, tag, digest, content_hex = line.rstrip('\n').split('\t')
        content = bytes.fromhex(content_hex)
        hexd = digest.split(':', 1)[1]
        link = digest.encode()
        if hexd not in blobs_written:
            write(os.path.join(base, 'blobs', 'sha256', hexd[:2], hexd, 'data'), content)
            blobs_written.add(hexd)
        rdir = os.path.join(base, 'repositories', repo)
        write(os.path.join(rdir, '_manifests', 'revisions', 'sha256', hexd, 'link'), link)
        write(os.path.join(rdir, '_manifests', 'tags', tag, 'current', 'link'), link)
        write(os.path.join(rdir, '_manifests', 'tags', tag, 'index', 'sha256', hexd, 'link'), link)
        m = json.loads(content)
        for d in [m['config']['digest']] + [x['digest'] for x in m.get('layers', [])]:
            write(os.path.join(rdir, '_layers', 'sha256', d.split(':', 1)[1], 'link'), d.encode())
        n += 1
        if n % 50000 == 0:
            print('  %d tags laid out (%.0f s)' % (n, time.time() - t0), flush=True)
    if p.wait() != 0:
        sys.exit('psql failed')
    print('laid out %d tags, %d manifests in %.0f s' % (n, len(blobs_written), time.time() - t0))


if __name__ == '__main__':
    main()
