#!/usr/bin/env python3
"""Sends search queries of different shapes one at a time and reports p50/p99 latency per shape.

Used by bench/search.sh against a registry-service loaded with bench/search-load.sql. Each shape
runs --n queries whose words vary (deterministic seed), after 5 warm-up queries of the same shape.
"""
import argparse
import base64
import json
import random
import statistics
import time
import urllib.parse
import urllib.request

WORDS = ['nginx', 'redis', 'postgres', 'mysql', 'mongo', 'kafka', 'zookeeper', 'rabbitmq', 'grafana', 'prometheus',
         'alpine', 'ubuntu', 'debian', 'busybox', 'node', 'python', 'golang', 'openjdk', 'ruby', 'php',
         'httpd', 'traefik', 'envoy', 'consul', 'vault', 'etcd', 'memcached', 'cassandra', 'elasticsearch', 'kibana',
         'jenkins', 'gitlab', 'sonarqube', 'nexus', 'minio', 'keycloak', 'wordpress', 'ghost', 'drupal', 'tomcat']
KINDS = ['api', 'web', 'worker', 'gateway', 'proxy', 'cache', 'db', 'auth', 'billing', 'search',
         'exporter', 'operator', 'agent', 'cli', 'sidecar', 'scheduler', 'ingest', 'stream', 'backup', 'admin',
         'frontend', 'backend', 'core', 'jobs', 'edge']


def repo_name(rnd):
    """A repository that exists in the data set (same formula as search-load.sql)."""
    p = rnd.randint(1, 1000)
    n = rnd.randint(0, 99)
    return 'org%04d' % p, '%s-%s-%d' % (WORDS[(n * 7) % 40], KINDS[(n * 13) % 25], n)


def shapes(rnd):
    """name -> (path, function making the query parameters)."""
    def exact_product():
        return {'q': rnd.choice(WORDS)}

    def exact_full():
        project, name = repo_name(rnd)
        return {'q': project + '/' + name}

    def prefix():
        w = rnd.choice(WORDS)
        return {'q': w[:3]}

    def substring():
        w = rnd.choice([w for w in WORDS if len(w) >= 6])
        return {'q': w[1:5]}

    def description_word():
        return {'q': 'team ' + str(rnd.randint(1, 1000))}

    def rare():
        project, name = repo_name(rnd)
        return {'q': name, 'kind': 'repository'}

    return [
        ('exact product (q=nginx)', '/api/v1/search', exact_product),
        ('exact full name', '/api/v1/search', exact_full),
        ('exact, one project\'s repository name', '/api/v1/search', rare),
        ('prefix (3 letters)', '/api/v1/search', prefix),
        ('substring (4 letters)', '/api/v1/search', substring),
        ('description words', '/api/v1/search', description_word),
        ('filter official=true', '/api/v1/search', lambda: dict(exact_product(), official='true')),
        ('filter verified=true', '/api/v1/search', lambda: dict(exact_product(), verified='true')),
        ('filter tag=3.*', '/api/v1/search', lambda: dict(exact_product(), tag='3.*', kind='repository')),
        ('filter pushedSince (2 days)', '/api/v1/search', lambda: dict(exact_product(),
                                                                       pushedSince=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() - 2 * 86400)))),
        ('filter project=', '/api/v1/search', lambda: {'project': repo_name(rnd)[0], 'kind': 'repository'}),
        ('tags repo:tag', '/api/v1/search', lambda: {'q': '/'.join(repo_name(rnd)) + ':2.1', 'kind': 'tag'}),
        ('everything, page 5', '/api/v1/search', lambda: {'page': '5'}),
        ('docker /v1/search exact', '/v1/search', lambda: {'q': rnd.choice(WORDS), 'n': '25'}),
        ('docker /v1/search substring', '/v1/search', lambda: dict(substring(), n='25')),
    ]


def get(url, auth):
    req = urllib.request.Request(url)
    if auth:
        req.add_header('Authorization', 'Basic ' + base64.b64encode(auth.encode()).decode())
    t = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        body = r.read()
    return (time.perf_counter() - t) * 1000, json.loads(body)


def pct(xs, p):
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(p / 100 * len(xs) + 0.5)) - 1))
    return xs[k]


def main():
    a = argparse.ArgumentParser()
    a.add_argument('--url', required=True)
    a.add_argument('--admin', required=True)
    a.add_argument('--member', required=True)
    a.add_argument('--n', type=int, default=40)
    a.add_argument('--out', required=True)
    args = a.parse_args()
    callers = [('anonymous', None), ('member of 10 private projects', args.member), ('system admin', args.admin)]
    rows = []
    total_queries = 0
    for caller, auth in callers:
        rnd = random.Random(8)
        for name, path, make in shapes(rnd):
            for _ in range(5):
                get(args.url + path + '?' + urllib.parse.urlencode(make()), auth)
            lat = []
            results = []
            for _ in range(args.n):
                ms, body = get(args.url + path + '?' + urllib.parse.urlencode(make()), auth)
                lat.append(ms)
                results.append(body.get('total', body.get('num_results', 0)))
            total_queries += args.n
            rows.append((caller, name, statistics.median(lat), pct(lat, 99), statistics.median(results)))
            print('%-32s %-40s p50 %7.1f ms  p99 %7.1f ms  (median total %d)' % (caller, name, rows[-1][2], rows[-1][3], rows[-1][4]),
                  flush=True)
    with open(args.out, 'w') as f:
        f.write('# Search latency\n\n')
        f.write('%d queries, %d per shape and caller, one at a time, after 5 warm-up queries each.\n\n' % (total_queries, args.n))
        f.write('| caller | shape | p50 ms | p99 ms | median total |\n|---|---|---:|---:|---:|\n')
        for r in rows:
            f.write('| %s | %s | %.1f | %.1f | %d |\n' % r)


if __name__ == '__main__':
    main()
