#!/usr/bin/env python3
"""Times the reads and writes of issue 25 against a registry filled by generate.sh (standard library only).

  drive.py run  --target wharf|distribution --url URL --size S --repos R --projects P --big-tags B [...]
  drive.py plot --out p99.png TSV...          p99 against data size per endpoint (gnuplot)

`run` sends every request one at a time (latency, not throughput), --n of each endpoint after
--warmup untimed ones, with parameters that vary from request to request (fixed seed), and appends
one row per endpoint to --tsv (size, target, endpoint, n, p50, p95, p99, mean, note) and prints them.
The repository and tag names come from generate.sql's formulas, so nothing is read from the database.
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import http.client
import urllib.parse

WORDS = ['app', 'api', 'web', 'worker', 'cron', 'cache', 'proxy', 'gateway', 'auth', 'data']
OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
ACCEPT_MANIFEST = ', '.join([OCI_MANIFEST, 'application/vnd.oci.image.index.v1+json',
                             'application/vnd.docker.distribution.manifest.v2+json',
                             'application/vnd.docker.distribution.manifest.list.v2+json'])


class Shape:
    """Names of generate.sql's data set."""

    def __init__(self, repos, projects, big_tags, versions=8):
        self.repos, self.projects, self.big_tags, self.versions = repos, projects, big_tags, versions

    def project(self, idx):
        return 'library' if idx == 0 else 'team-%04d' % idx

    def repo(self, i):
        if i == 1:
            return 'library/many-tags'
        return '%s/%s-%d' % (self.project((i - 1) % self.projects), WORDS[i % 10], i)


class Client:
    """One keep-alive connection; Basic credentials up front, or a Bearer token when challenged."""

    def __init__(self, url, user=None, password=None):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.basic = None
        if user:
            self.basic = 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()
        self.bearer = {}
        self.conn = None

    def _conn(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return self.conn

    def request(self, method, path, body=None, headers=None, auth=True):
        """(status, headers, body bytes, seconds) of one request; the time covers sending and reading the whole answer."""
        h = dict(headers or {})
        if auth and self.basic and 'Authorization' not in h:
            h['Authorization'] = self.bearer.get(self._scope_key(path), self.basic)
        for attempt in (1, 2):
            c = self._conn()
            try:
                t = time.perf_counter()
                c.request(method, path, body=body, headers=h)
                r = c.getresponse()
                data = r.read()
                dt = time.perf_counter() - t
            except (http.client.HTTPException, OSError):
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if r.status == 401 and auth and self.basic and attempt == 1:
                token = self._token(r.getheader('WWW-Authenticate') or '')
                if token:
                    self.bearer[self._scope_key(path)] = h['Authorization'] = 'Bearer ' + token
                    continue
            if r.getheader('Connection', '').lower() == 'close':
                self.conn = None
            return r.status, r, data, dt
        raise RuntimeError('unreachable')

    @staticmethod
    def _scope_key(path):
        p = path.split('?')[0]
        if p.startswith('/v2/') and ('/manifests/' in p or '/blobs/' in p or '/tags/' in p):
            return p[4:].rsplit('/manifests/', 1)[0].rsplit('/blobs/', 1)[0].rsplit('/tags/', 1)[0]
        return p.split('/')[1] if p.count('/') > 1 else p

    def _token(self, challenge):
        if not challenge.lower().startswith('bearer '):
            return None
        params = dict((k, v.strip('"')) for k, v in
                      (x.split('=', 1) for x in challenge[7:].split(',') if '=' in x))
        realm = urllib.parse.urlsplit(params.pop('realm'))
        q = urllib.parse.urlencode(params)
        c = http.client.HTTPConnection(realm.hostname, realm.port or 80, timeout=60)
        c.request('GET', realm.path + '?' + q, headers={'Authorization': self.basic})
        r = c.getresponse()
        body = json.loads(r.read() or b'{}')
        c.close()
        return body.get('token') or body.get('access_token')


def pct(xs, p):
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(p / 100 * len(xs) + 0.5)) - 1))
    return xs[k]


def sha256(b):
    return 'sha256:' + hashlib.sha256(b).hexdigest()


class Pusher:
    """Pushes a small new image (config and layer of its own) and reports the manifest PUT's time and the whole push's."""

    def __init__(self, client, salt):
        self.c = client
        self.salt = salt
        self.k = 0

    def blob(self, repo, data):
        digest = sha256(data)
        s, r, _, dt = self.c.request('POST', '/v2/%s/blobs/uploads/' % repo)
        if s != 202:
            raise RuntimeError('POST upload %s: %d' % (repo, s))
        loc = r.getheader('Location')
        u = urllib.parse.urlsplit(loc)
        path = u.path + '?' + (u.query + '&' if u.query else '') + 'digest=' + urllib.parse.quote(digest)
        s2, _, body, dt2 = self.c.request('PUT', path, body=data, headers={'Content-Type': 'application/octet-stream'})
        if s2 != 201:
            raise RuntimeError('PUT blob %s: %d %s' % (repo, s2, body[:200]))
        return digest, len(data), dt + dt2

    def push(self, repo, tag):
        self.k += 1
        seed = '%s %s %d %s' % (self.salt, repo, self.k, tag)
        cfg = json.dumps({'architecture': 'amd64', 'os': 'linux', 'config': {'Labels': {'bench': seed}},
                          'rootfs': {'type': 'layers', 'diff_ids': []}}).encode()
        layer = hashlib.sha256(seed.encode()).digest() * 32
        cd, cs, t1 = self.blob(repo, cfg)
        ld, ls, t2 = self.blob(repo, layer)
        manifest = json.dumps({'schemaVersion': 2, 'mediaType': OCI_MANIFEST,
                               'config': {'mediaType': 'application/vnd.oci.image.config.v1+json', 'digest': cd, 'size': cs},
                               'layers': [{'mediaType': 'application/vnd.oci.image.layer.v1.tar', 'digest': ld, 'size': ls}]}).encode()
        s, _, body, t3 = self.c.request('PUT', '/v2/%s/manifests/%s' % (repo, tag), body=manifest,
                                        headers={'Content-Type': OCI_MANIFEST})
        if s != 201:
            raise RuntimeError('PUT manifest %s:%s: %d %s' % (repo, tag, s, body[:200]))
        return t3, t1 + t2 + t3


def endpoints(a, shape, client, rnd):
    """(group, name, function returning seconds) for every endpoint the target has."""
    R = shape.repos
    wharf = a.target == 'wharf'

    def get(path, ok=(200,), headers=None):
        s, _, body, dt = client.request('GET', path, headers=headers)
        if s not in ok:
            raise RuntimeError('GET %s: %d %s' % (path, s, body[:300]))
        return dt

    def any_repo():
        return shape.repo(rnd.randint(2, R))

    def deep_repo():
        # A name late in the catalog's order (the teams sort after library; the last tenth of them).
        p = rnd.randint(max(1, shape.projects * 9 // 10), shape.projects - 1) if shape.projects > 1 else 0
        i = p + 1 + shape.projects * rnd.randint(1, max(1, R // shape.projects - 1))
        return shape.repo(min(i, R) if min(i, R) >= 2 else 2)

    big = 'library/many-tags'
    out = [
        ('registry', 'catalog, first page (n=100)', lambda: get('/v2/_catalog?n=100')),
        ('registry', 'catalog, deep page (n=100&last=)', lambda: get('/v2/_catalog?n=100&last=' + urllib.parse.quote(deep_repo(), safe=''))),
        ('registry', 'tags list of library/many-tags, first page (n=100)', lambda: get('/v2/%s/tags/list?n=100' % big)),
        ('registry', 'tags list, deep page (n=100&last=)', lambda: get('/v2/%s/tags/list?n=100&last=v%d' % (big, rnd.randint(shape.big_tags // 2, shape.big_tags - 2)))),
        ('registry', 'manifest GET by tag', lambda: get('/v2/%s/manifests/latest' % any_repo(), headers={'Accept': ACCEPT_MANIFEST})),
    ]
    if not wharf:
        return out

    def word_digits(k):
        return rnd.choice(WORDS) + '-' + ''.join(rnd.choice('123456789') for _ in range(k))

    def search(params):
        return lambda: get('/api/v1/search?' + urllib.parse.urlencode(params()))

    def project_name():
        return shape.project(rnd.randint(1, shape.projects - 1) if shape.projects > 1 else 0)

    now = datetime.datetime.now(datetime.timezone.utc)

    def iso(days):
        return (now - datetime.timedelta(days=days)).strftime('%Y-%m-%dT%H:%M:%SZ')

    def events(params):
        return lambda: get('/api/v1/events?' + urllib.parse.urlencode(params()))

    # An event id to trace, and a cursor deep in the history (the page after one half a year old), from the API itself.
    ids = []
    s, _, body, _ = client.request('GET', '/api/v1/events?' + urllib.parse.urlencode({'repository': shape.repo(2), 'limit': 50}))
    if s == 200:
        ids = [e['id'] for e in json.loads(body).get('events', json.loads(body).get('items', []))]
    s, _, body, _ = client.request('GET', '/api/v1/events?' + urllib.parse.urlencode({'order': 'desc', 'until': iso(a.days // 2), 'limit': 1}))
    deep_cursor = json.loads(body).get('next') if s == 200 else None

    out += [
        ('search', 'search prefix q=worker-42', search(lambda: {'q': word_digits(2)})),
        ('search', 'search prefix + verified=true', search(lambda: {'q': word_digits(2), 'verified': 'true'})),
        ('search', 'search substring q=orker-42', search(lambda: {'q': word_digits(2)[1:]})),
        ('search', 'search substring + official=false', search(lambda: {'q': word_digits(2)[1:], 'official': 'false'})),
        ('search', 'search q=app-777 (issue)', search(lambda: {'q': word_digits(3)})),
        ('search', 'search, no text (browse)', search(lambda: {})),
        ('search', 'search, no text, verified=true', search(lambda: {'verified': 'true'})),
        ('search', 'docker /v1/search q=worker-42', lambda: get('/v1/search?' + urllib.parse.urlencode({'q': word_digits(2), 'n': 25}))),
        ('project', 'project GET', lambda: get('/api/v1/projects/' + project_name())),
        ('project', 'project repositories (search kind=repository, 100)',
         search(lambda: {'kind': 'repository', 'project': project_name(), 'pageSize': 100})),
        ('project', 'project members', lambda: get('/api/v1/projects/%s/members' % project_name())),
        ('project', 'project robots', lambda: get('/api/v1/projects/%s/robots' % project_name())),
        ('project', 'project quota', lambda: get('/api/v1/projects/%s/quota' % project_name())),
        ('project', 'repository details', lambda: get('/api/v1/repositories/' + any_repo())),
        ('events', 'events by repository', events(lambda: {'repository': any_repo()})),
        ('events', 'events by repository, newest first', events(lambda: {'repository': any_repo(), 'order': 'desc'})),
        ('events', 'events by type', events(lambda: {'type': rnd.choice(['tag.created', 'tag.updated', 'repository.created'])})),
        ('events', 'events since 1 h ago', events(lambda: {'since': iso(1 / 24)})),
        ('events', 'events newest first', events(lambda: {'order': 'desc'})),
        ('events', 'events by repository + since 300 days', events(lambda: {'repository': any_repo(), 'since': iso(300)})),
        ('events', 'events of many-tags + since 300 days', events(lambda: {'repository': big, 'since': iso(rnd.randint(200, 300))})),
        ('events', 'events by type + since 300 days', events(lambda: {'type': rnd.choice(['tag.created', 'tag.updated']), 'since': iso(rnd.randint(200, 300))})),
        ('events', 'events by type + until 60 days ago, newest first',
         events(lambda: {'type': rnd.choice(['tag.created', 'tag.updated']), 'until': iso(rnd.randint(60, 100)), 'order': 'desc'})),
        ('events', 'events by project + since 300 days', events(lambda: {'project': project_name(), 'since': iso(300)})),
    ]
    if deep_cursor:
        out.append(('events', 'events, deep cursor page (newest first)',
                    events(lambda: {'order': 'desc', 'until': iso(a.days // 2), 'cursor': deep_cursor})))
    if ids:
        out.append(('events', 'event trace', lambda: get('/api/v1/events/%s/trace' % rnd.choice(ids))))
    return out


def writes(a, shape, client):
    pusher = Pusher(client, 'scale-%s-%d' % (a.size, os.getpid()))
    tag_run = int(time.time())

    def new_tag():
        t, whole = pusher.push('library/many-tags', 'bench-%d-%d' % (tag_run, pusher.k))
        return t, whole

    def first_push():
        p = shape.project(random.randint(1, shape.projects - 1) if shape.projects > 1 else 0)
        t, whole = pusher.push('%s/bench-new-%d-%d' % (p, tag_run, pusher.k), 'v1')
        return t, whole

    return [('writes', 'new tag in library/many-tags', new_tag), ('writes', 'first push into a new repository', first_push)]


def cmd_run(a):
    shape = Shape(a.repos, a.projects, a.big_tags)
    client = Client(a.url, a.user, a.password)
    rnd = random.Random(25)
    rows = []

    def record(group, name, lat, note=''):
        ms = [x * 1000 for x in lat]
        row = [a.size, a.target, group, name, len(ms), round(statistics.median(ms), 2), round(pct(ms, 95), 2),
               round(pct(ms, 99), 2), round(statistics.mean(ms), 2), note]
        rows.append(row)
        print('%-2s %-12s %-58s n=%-4d p50 %8.1f  p95 %8.1f  p99 %8.1f ms %s' % (a.size, a.target, name, len(ms), row[5], row[6], row[7], note),
              flush=True)

    only = set(a.only.split(',')) if a.only else None
    for group, name, fn in endpoints(a, shape, client, rnd):
        if only and group not in only:
            continue
        try:
            for _ in range(a.warmup):
                fn()
            lat = [fn() for _ in range(a.n)]
        except Exception as e:  # noqa: BLE001 - one failing endpoint must not stop the others
            print('%s %s %s FAILED: %s' % (a.size, a.target, name, e), file=sys.stderr, flush=True)
            rows.append([a.size, a.target, group, name, 0, '', '', '', '', 'FAILED: ' + str(e)[:200]])
            continue
        record(group, name, lat)
    if a.target == 'wharf' and (not only or 'writes' in only):
        for group, name, fn in writes(a, shape, client):
            try:
                for _ in range(a.warmup):
                    fn()
                res = [fn() for _ in range(a.n_writes)]
            except Exception as e:  # noqa: BLE001
                print('%s %s %s FAILED: %s' % (a.size, a.target, name, e), file=sys.stderr, flush=True)
                rows.append([a.size, a.target, group, name + ': manifest PUT', 0, '', '', '', '', 'FAILED: ' + str(e)[:200]])
                continue
            record(group, name + ': manifest PUT', [r[0] for r in res])
            record(group, name + ': whole push (2 blobs + manifest)', [r[1] for r in res])
    new = not os.path.exists(a.tsv)
    with open(a.tsv, 'a') as f:
        if new:
            f.write('size\ttarget\tgroup\tendpoint\tn\tp50_ms\tp95_ms\tp99_ms\tmean_ms\tnote\n')
        for r in rows:
            f.write('\t'.join(str(x) for x in r) + '\n')


SIZES = {'S': 1000, 'M': 10000, 'L': 100000}


def read_tsv(paths):
    rows = []
    for p in paths:
        with open(p) as f:
            head = f.readline().rstrip('\n').split('\t')
            for line in f:
                d = dict(zip(head, line.rstrip('\n').split('\t')))
                if d.get('p99_ms'):
                    rows.append(d)
    return rows


def cmd_table(a):
    """Markdown: one row per endpoint, p50 / p95 / p99 per size and target, and the L/S ratio of p99 (targets marked)."""
    rows = read_tsv(a.tsv)
    sizes = [s for s in ('S', 'M', 'L') if any(r['size'] == s for r in rows)]
    keys = []
    for r in rows:
        k = (r['group'], r['endpoint'], r['target'])
        if k not in keys:
            keys.append(k)
    L = ['| endpoint | target | ' + ' | '.join('%s p50 / p95 / p99 ms' % s for s in sizes) + ' | p99 L/S | read p95 at L < 50 ms |',
         '|---|---|' + '---|' * len(sizes) + '---|---|']
    for g, e, t in keys:
        cells = []
        p99 = {}
        p95 = {}
        for s in sizes:
            m = [r for r in rows if (r['group'], r['endpoint'], r['target'], r['size']) == (g, e, t, s)]
            if not m:
                cells.append('—')
                continue
            # Several runs: the median of each figure, with the runs' p99 range.
            f = {k: statistics.median(float(x[k]) for x in m) for k in ('p50_ms', 'p95_ms', 'p99_ms')}
            p99[s], p95[s] = f['p99_ms'], f['p95_ms']
            rng = ' (%s–%s)' % (fmt(min(float(x['p99_ms']) for x in m)), fmt(max(float(x['p99_ms']) for x in m))) if len(m) > 1 else ''
            cells.append('%s / %s / %s%s' % (fmt(f['p50_ms']), fmt(f['p95_ms']), fmt(f['p99_ms']), rng))
        ratio = '%.1f×' % (p99['L'] / p99['S']) if 'L' in p99 and 'S' in p99 and p99['S'] else '—'
        if ratio != '—' and t == 'wharf' and g != 'writes':
            ratio += ' ✓' if p99['L'] <= 2 * p99['S'] else ' ✗'
        target = '—'
        if 'L' in p95 and t == 'wharf' and g != 'writes':
            limit = 200 if g == 'events' else 50
            target = ('✓' if p95['L'] < limit else '✗') + ('' if limit == 50 else ' (< 200 ms)')
        L.append('| %s | %s | %s | %s | %s |' % (e, t, ' | '.join(cells), ratio, target))
    text = '\n'.join(L) + '\n'
    sys.stdout.write(text)
    if a.out:
        with open(a.out, 'w') as f:
            f.write(text)


def fmt(v):
    return '%.0f' % v if v >= 100 else ('%.1f' % v)


def cmd_plot(a):
    """p99 against data size (repositories; events are 100× that) per endpoint, one panel per group."""
    rows = read_tsv(a.tsv)
    work = tempfile.mkdtemp()
    groups = []
    for r in rows:
        if r['group'] not in groups:
            groups.append(r['group'])
    panels = []
    for g in groups:
        series = []
        for r in rows:
            k = (r['endpoint'], r['target'])
            if r['group'] == g and k not in series:
                series.append(k)
        files = []
        for n, (e, t) in enumerate(series):
            fn = os.path.join(work, '%s-%d.dat' % (g, n))
            pts = {}
            for r in rows:
                if (r['group'], r['endpoint'], r['target']) == (g, e, t):
                    pts.setdefault(SIZES[r['size']], []).append(float(r['p99_ms']))
            with open(fn, 'w') as f:
                for x in sorted(pts):
                    f.write('%d %s\n' % (x, statistics.median(pts[x])))
            files.append((fn, ('Distribution: ' if t == 'distribution' else '') + e, t))
        panels.append((g, files))
    gp = os.path.join(work, 'plot.gp')
    cols = 2
    rows_n = (len(panels) + cols - 1) // cols
    with open(gp, 'w') as f:
        f.write('set terminal pngcairo size 1800,%d font ",10"\n' % (650 * rows_n) if a.cairo else
                'set terminal png size 1800,%d\n' % (650 * rows_n))
        f.write('set output "%s"\n' % a.out)
        f.write('set multiplot layout %d,%d title "p99 latency against data size (%s)"\n' % (rows_n, cols, a.title))
        f.write('set logscale xy\nset xrange [500:200000]\nset xtics ("S: 1k repos, 100k events" 1000, "M" 10000, '
                '"L: 100k repos, 10M events" 100000)\nset ylabel "p99 ms"\nset grid\nset key outside right top vertical font ",8"\n')
        for g, files in panels:
            f.write('set title "%s"\n' % g)
            f.write('plot ' + ', '.join('"%s" using 1:2 with linespoints title "%s"%s' % (fn, t.replace('"', "'"),
                                                                                       ' dt 2' if tgt == 'distribution' else '')
                                        for fn, t, tgt in files) + '\n')
        f.write('unset multiplot\n')
    subprocess.run(['gnuplot', gp], check=True)
    shutil.rmtree(work)
    print('plot: ' + a.out)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('run')
    r.add_argument('--target', choices=['wharf', 'distribution'], required=True)
    r.add_argument('--url', required=True)
    r.add_argument('--user')
    r.add_argument('--password')
    r.add_argument('--size', required=True)
    r.add_argument('--repos', type=int, required=True)
    r.add_argument('--projects', type=int, required=True)
    r.add_argument('--big-tags', type=int, required=True)
    r.add_argument('--days', type=int, default=365)
    r.add_argument('--n', type=int, default=100)
    r.add_argument('--n-writes', type=int, default=50)
    r.add_argument('--warmup', type=int, default=10)
    r.add_argument('--only', help='groups, comma separated: registry,search,project,events,writes')
    r.add_argument('--tsv', required=True)
    t = sub.add_parser('table')
    t.add_argument('--out')
    t.add_argument('tsv', nargs='+')
    g = sub.add_parser('plot')
    g.add_argument('--out', required=True)
    g.add_argument('--title', default='')
    g.add_argument('--cairo', action='store_true')
    g.add_argument('tsv', nargs='+')
    a = p.parse_args()
    {'run': cmd_run, 'table': cmd_table, 'plot': cmd_plot}[a.cmd](a)


if __name__ == '__main__':
    main()
