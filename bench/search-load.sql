-- bench/search-load.sql — loads a search benchmark data set into registry-service's schema (run by
-- bench/search.sh after the service migrated an empty database): 1 000 projects (every 10th
-- private, every 50th a verified publisher) with 100 repositories each, 200 official images in
-- library, one manifest per repository and 10 tags per repository (1 000 200 tags in all).
SET search_path = registry;

INSERT INTO project (name, public, verified_publisher)
SELECT 'org' || lpad(p::text, 4, '0'), p % 10 <> 0, p % 50 = 0 FROM generate_series(1, 1000) p;

CREATE TEMP TABLE words (i int, w text);
INSERT INTO words SELECT ordinality - 1, w FROM unnest(ARRAY[
  'nginx','redis','postgres','mysql','mongo','kafka','zookeeper','rabbitmq','grafana','prometheus',
  'alpine','ubuntu','debian','busybox','node','python','golang','openjdk','ruby','php',
  'httpd','traefik','envoy','consul','vault','etcd','memcached','cassandra','elasticsearch','kibana',
  'jenkins','gitlab','sonarqube','nexus','minio','keycloak','wordpress','ghost','drupal','tomcat']) WITH ORDINALITY AS t(w);
CREATE TEMP TABLE kinds (i int, w text);
INSERT INTO kinds SELECT ordinality - 1, w FROM unnest(ARRAY[
  'api','web','worker','gateway','proxy','cache','db','auth','billing','search',
  'exporter','operator','agent','cli','sidecar','scheduler','ingest','stream','backup','admin',
  'frontend','backend','core','jobs','edge']) WITH ORDINALITY AS t(w);

-- 100 000 repositories: org0001..org1000, 100 each, named <product>-<kind>-<n>.
INSERT INTO repository (name, project, populated, description)
SELECT 'org' || lpad(p::text, 4, '0') || '/' || w.w || '-' || k.w || '-' || n, 'org' || lpad(p::text, 4, '0'), true,
       CASE WHEN n % 3 = 0 THEN 'The ' || k.w || ' of ' || w.w || ' for team ' || p END
FROM generate_series(1, 1000) p, generate_series(0, 99) n
JOIN words w ON w.i = (n * 7) % 40
JOIN kinds k ON k.i = (n * 13) % 25;
-- 200 official images: library/<product> and library/<product>-<kind> variants.
INSERT INTO repository (name, project, populated, description)
SELECT 'library/' || w.w || CASE WHEN v = 0 THEN '' ELSE '-' || k.w END, 'library', true,
       'Official ' || w.w || ' image'
FROM words w, generate_series(0, 4) v JOIN kinds k ON k.i = v;

-- One manifest per repository (content is a placeholder: search never reads it), pushed 0-2000 hours ago.
INSERT INTO manifest (repository_id, digest, media_type, size, content, created_at)
SELECT r.id, 'sha256:' || md5(r.name) || md5(r.name || '#'), 'application/vnd.oci.image.manifest.v1+json', 400,
       convert_to('{"schemaVersion":2}', 'UTF8'), now() - (r.id % 2000) * interval '1 hour'
FROM repository r;

-- 10 tags per repository.
INSERT INTO tag (repository_id, name, manifest_id, updated_at)
SELECT m.repository_id, t.name, m.id, m.created_at - t.age * interval '1 day'
FROM manifest m,
     (VALUES ('latest', 0), ('1.0.0', 9), ('1.1.0', 8), ('1.2.0', 7), ('2.0.0', 6), ('2.1.0', 5), ('2.1.1', 4),
             ('3.0.0-rc1', 3), ('stable', 1), ('edge', 0)) AS t(name, age);

ANALYZE project;
ANALYZE repository;
ANALYZE manifest;
ANALYZE tag;
