-- Fills a freshly migrated, empty Wharf registry database with the rows a history of real pushes
-- leaves behind (see README.md for the shape). Set-based: one statement per table, no per-row round
-- trips. Run by generate.sh in ONE transaction (psql --single-transaction): a failure leaves nothing.
--
-- psql variables (set by generate.sh):
--   repos     repositories (repository 1 is library/many-tags, the big one)
--   projects  projects, library included (repositories are spread round-robin over them)
--   versions  version tags v1..vN of every other repository (plus latest)
--   big_tags  tags of library/many-tags (versions v1..v(big_tags-1) plus latest)
--   events    registry events in all (the pushes above, then CI re-pushes of latest)
--   days      the events spread evenly over this many days, ending a minute ago
--
-- Manifest ids are computed, not read back: repository 1 holds manifests 1..big_tags-1, repository
-- i >= 2 holds big_tags-1 + (i-2)*versions + 1 .. + versions. Event seq follows time, as the outbox's
-- does. Push k of repository i's version j is event seq:
--   round 1 (5 events per repository: repository.created, artifact.pushed v1, tag.created v1,
--            artifact.pushed latest, tag.created latest):                 (i-1)*5 + s + 1
--   round j = 2..versions (4 per repository: artifact.pushed vj, tag.created vj, artifact.pushed
--            latest, tag.updated latest):                                 5R + (j-2)*4R + (i-1)*4 + s + 1
--   then library/many-tags' versions versions+1..big_tags-1 (4 each), then the re-pushes: artifact.pushed
--   of latest with the digest it already has (a push that moves no tag records only that event).

\set ON_ERROR_STOP on
\timing on
SET search_path = registry;
SET work_mem = '512MB';
SET maintenance_work_mem = '1GB';
SET max_parallel_maintenance_workers = 2;
SET synchronous_commit = off;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM repository) OR EXISTS (SELECT 1 FROM registry_event) THEN
        RAISE EXCEPTION 'the database already holds repositories or events: generate into a fresh, migrated database';
    END IF;
END $$;

CREATE TEMP TABLE gen (
    repos BIGINT, projects BIGINT, versions BIGINT, big_tags BIGINT, events BIGINT,
    t0 TIMESTAMPTZ, step INTERVAL,
    ea BIGINT,   -- events of rounds 1..versions
    eb BIGINT,   -- events of library/many-tags' further versions
    ec BIGINT    -- re-push events
) ON COMMIT DROP;
INSERT INTO gen
SELECT :repos, :projects, :versions, :big_tags, :events,
       date_trunc('second', now()) - interval '1 minute' - make_interval(days => :days),
       make_interval(days => :days) / :events,
       5 * :repos + 4 * :repos * (:versions - 1),
       4 * (:big_tags - 1 - :versions),
       :events - (5 * :repos + 4 * :repos * (:versions - 1)) - 4 * (:big_tags - 1 - :versions);

DO $$
DECLARE g gen;
BEGIN
    SELECT * INTO g FROM gen;
    IF g.versions < 1 OR g.big_tags - 1 < g.versions OR g.projects < 1 OR g.repos < g.projects THEN
        RAISE EXCEPTION 'need versions >= 1, big_tags > versions, repos >= projects >= 1';
    END IF;
    IF g.ec < 0 THEN
        RAISE EXCEPTION 'events (%) must be at least the % that the pushes of the tags make', g.events, g.ea + g.eb;
    END IF;
END $$;

SELECT t0, step, ea, eb, ec FROM gen \gset

-- Helpers (temporary, with the run's constants written in, so the planner inlines them): the time of
-- event seq, a manifest's id, the seq of the artifact.pushed event of version j of repository i (its
-- tag.created follows it), the seq of the last re-push of latest in repository i (or null).
SELECT format($f$CREATE FUNCTION pg_temp.at(seq BIGINT) RETURNS TIMESTAMPTZ LANGUAGE sql IMMUTABLE AS
    $b$SELECT %L::timestamptz + %L::interval * (seq - 1)$b$$f$, t0, step) FROM gen \gexec
SELECT format($f$CREATE FUNCTION pg_temp.manifest_id(i BIGINT, j BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS
    $b$SELECT CASE WHEN i = 1 THEN j ELSE %s + (i - 2) * %s + j END$b$$f$, big_tags - 1, versions) FROM gen \gexec
SELECT format($f$CREATE FUNCTION pg_temp.push_seq(i BIGINT, j BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS
    $b$SELECT CASE WHEN j = 1 THEN (i - 1) * 5 + 2 WHEN j <= %2$s THEN 5 * %1$s + (j - 2) * 4 * %1$s + (i - 1) * 4 + 1
                 ELSE %3$s + (j - %2$s - 1) * 4 + 1 END$b$$f$, repos, versions, ea) FROM gen \gexec
SELECT format($f$CREATE FUNCTION pg_temp.last_repush_seq(i BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS
    $b$SELECT CASE WHEN %3$s > i - 1 THEN %1$s + (i - 1) + %2$s * ((%3$s - 1 - (i - 1)) / %2$s) + 1 END$b$$f$, ea + eb, repos, ec) FROM gen \gexec

-- Indexes that are no constraint are dropped for the load and built again at the end (same definitions).
CREATE TEMP TABLE saved_index ON COMMIT DROP AS
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
FROM pg_index i
WHERE i.indrelid IN ('repository'::regclass, 'blob'::regclass, 'repository_blob'::regclass, 'manifest'::regclass,
                     'manifest_reference'::regclass, 'tag'::regclass, 'registry_event'::regclass)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
DO $$
DECLARE r RECORD;
BEGIN
    FOR r IN SELECT name FROM saved_index LOOP
        EXECUTE 'DROP INDEX ' || r.name;
    END LOOP;
END $$;

\echo projects
-- Through the normal path (the quota trigger gives each its default quota, as creating one does).
INSERT INTO project (name, public, verified_publisher, created_at)
SELECT format('team-%s', lpad(p::text, 4, '0')), p % 5 <> 0, p % 7 = 0, :'t0'::timestamptz - interval '1 day'
FROM generate_series(1, :projects - 1) p;

-- The bulk tables are written without row triggers (the quota triggers take a lock and look for other
-- links per row); project_usage is computed at the end exactly as quota_recompute does. Foreign keys
-- are not checked either: the rows are consistent by construction and checked at the end.
SET session_replication_role = replica;

\echo repositories
-- Repository i lives in project (i-1) % projects (0 = library); first pushed by its event seq (i-1)*5+1.
CREATE TEMP TABLE gen_project ON COMMIT DROP AS
SELECT p AS idx, CASE WHEN p = 0 THEN 'library' ELSE format('team-%s', lpad(p::text, 4, '0')) END AS name
FROM generate_series(0, :projects - 1) p;
INSERT INTO repository (id, name, project, created_at, populated, description, readme, pull_count)
SELECT i,
       CASE WHEN i = 1 THEN 'library/many-tags'
            ELSE gp.name || '/' || (ARRAY['app','api','web','worker','cron','cache','proxy','gateway','auth','data'])[i % 10 + 1] || '-' || i END,
       gp.name, pg_temp.at((i - 1) * 5 + 1), true,
       CASE WHEN i % 3 = 0 THEN format('The %s service of %s, built by CI from its main branch',
                                       (ARRAY['app','api','web','worker','cron','cache','proxy','gateway','auth','data'])[i % 10 + 1], gp.name) END,
       CASE WHEN i % 50 = 0 THEN '# Usage' || chr(10) || 'docker pull registry.example/' || gp.name || '/image' END,
       (i * 7919) % 100000
FROM generate_series(1, :repos) i JOIN gen_project gp ON gp.idx = (i - 1) % :projects;
SELECT setval(pg_get_serial_sequence('repository', 'id'), :repos);

\echo manifests
-- One OCI image manifest per version: its own config and app layer, plus one of 20 shared base layers.
CREATE TEMP TABLE gen_version ON COMMIT DROP AS
SELECT i, j, pg_temp.manifest_id(i, j) AS manifest_id, pg_temp.push_seq(i, j) AS push_seq,
       'sha256:' || encode(sha256(convert_to('config ' || i || ' ' || j, 'UTF8')), 'hex') AS config_digest,
       1200 + (i * 31 + j) % 800 AS config_size,
       'sha256:' || encode(sha256(convert_to('layer ' || i || ' ' || j, 'UTF8')), 'hex') AS layer_digest,
       100000 + (i * 7 + j * 13) % 5000000 AS layer_size,
       'sha256:' || encode(sha256(convert_to('base ' || i % 20, 'UTF8')), 'hex') AS base_digest,
       30000000 + (i % 20) * 1000000 AS base_size
FROM generate_series(1, :repos) i
CROSS JOIN LATERAL generate_series(1, CASE WHEN i = 1 THEN :big_tags - 1 ELSE :versions END) j;
ALTER TABLE gen_version ADD COLUMN content BYTEA;
UPDATE gen_version SET content = convert_to(
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"'
    || config_digest || '","size":' || config_size || '},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"'
    || base_digest || '","size":' || base_size || '},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"'
    || layer_digest || '","size":' || layer_size || '}]}', 'UTF8');
ALTER TABLE gen_version ADD COLUMN digest TEXT;
UPDATE gen_version SET digest = 'sha256:' || encode(sha256(content), 'hex');
ANALYZE gen_version;
-- What the events need of a manifest (narrow, so the events' join holds it in memory).
CREATE TEMP TABLE gen_manifest ON COMMIT DROP AS SELECT manifest_id, digest, octet_length(content) AS size FROM gen_version;
ANALYZE gen_manifest;

INSERT INTO manifest (id, repository_id, digest, media_type, artifact_type, size, content, created_at, pull_count)
SELECT manifest_id, i, digest, 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.config.v1+json',
       octet_length(content), content, pg_temp.at(push_seq), (i * 13 + j * 101) % 5000
FROM gen_version;
SELECT setval(pg_get_serial_sequence('manifest', 'id'), (SELECT max(id) FROM manifest));

INSERT INTO manifest_reference (manifest_id, digest, kind)
SELECT manifest_id, d, 'blob' FROM gen_version CROSS JOIN LATERAL (VALUES (config_digest), (base_digest), (layer_digest)) v(d);

\echo blobs
-- Uploaded just before the manifest that first needed them; the base layers before everything.
INSERT INTO blob (digest, size, created_at)
SELECT config_digest, config_size, pg_temp.at(push_seq) - interval '2 seconds' FROM gen_version
UNION ALL
SELECT layer_digest, layer_size, pg_temp.at(push_seq) - interval '2 seconds' FROM gen_version
UNION ALL
SELECT 'sha256:' || encode(sha256(convert_to('base ' || b, 'UTF8')), 'hex'), 30000000 + b * 1000000, :'t0'::timestamptz - interval '1 hour'
FROM generate_series(0, 19) b;

INSERT INTO repository_blob (repository_id, digest, created_at, linked_at)
SELECT i, config_digest, pg_temp.at(push_seq) - interval '2 seconds', pg_temp.at(push_seq) - interval '2 seconds' FROM gen_version
UNION ALL
SELECT i, layer_digest, pg_temp.at(push_seq) - interval '2 seconds', pg_temp.at(push_seq) - interval '2 seconds' FROM gen_version
UNION ALL
SELECT i, base_digest, pg_temp.at(push_seq) - interval '2 seconds', pg_temp.at(push_seq) - interval '2 seconds' FROM gen_version WHERE j = 1;

\echo tags
-- vj points at version j since its push; latest at the last version, touched by its last re-push.
INSERT INTO tag (repository_id, name, manifest_id, updated_at)
SELECT i, 'v' || j, manifest_id, pg_temp.at(push_seq) FROM gen_version
UNION ALL
SELECT v.i, 'latest', v.manifest_id, pg_temp.at(coalesce(pg_temp.last_repush_seq(v.i), v.push_seq + 2))
FROM gen_version v WHERE v.j = CASE WHEN v.i = 1 THEN :big_tags - 1 ELSE :versions END;

\echo events
-- Every event as the outbox holds it once relayed: published_at a moment after it happened.
-- kind: c = repository.created, p = artifact.pushed, n = tag.created, u = tag.updated; tag and the
-- version whose manifest the event is about; prev = the version latest pointed at before (tag.updated).
CREATE TEMP TABLE gen_event (seq BIGINT, i BIGINT, j BIGINT, kind CHAR, tag TEXT, prev BIGINT) ON COMMIT DROP;
INSERT INTO gen_event
SELECT k + 1, k / 5 + 1, 1, (ARRAY['c','p','n','p','n'])[k % 5 + 1], (ARRAY[NULL,'v1','v1','latest','latest'])[k % 5 + 1], NULL
FROM generate_series(0, 5 * :repos - 1) k;
INSERT INTO gen_event
SELECT 5 * :repos + k + 1, (k / 4) % :repos + 1, k / (4 * :repos) + 2, (ARRAY['p','n','p','u'])[k % 4 + 1],
       CASE WHEN k % 4 < 2 THEN 'v' || (k / (4 * :repos) + 2) ELSE 'latest' END,
       CASE WHEN k % 4 = 3 THEN k / (4 * :repos) + 1 END
FROM generate_series(0, 4 * :repos * (:versions - 1) - 1) k;
INSERT INTO gen_event
SELECT :ea + k + 1, 1, :versions + 1 + k / 4, (ARRAY['p','n','p','u'])[k % 4 + 1],
       CASE WHEN k % 4 < 2 THEN 'v' || (:versions + 1 + k / 4) ELSE 'latest' END,
       CASE WHEN k % 4 = 3 THEN :versions + k / 4 END
FROM generate_series(0, :eb - 1) k;
INSERT INTO gen_event
SELECT :ea + :eb + k + 1, k % :repos + 1, CASE WHEN k % :repos = 0 THEN :big_tags - 1 ELSE :versions END, 'p', 'latest', NULL
FROM generate_series(0, :ec - 1) k;

INSERT INTO registry_event (seq, id, type, repository, project, subject, digest, tag, actor, occurred_at, data, published_at)
SELECT e.seq, gen_random_uuid(),
       CASE e.kind WHEN 'c' THEN 'io.wharf.repository.created' WHEN 'p' THEN 'io.wharf.artifact.pushed'
                   WHEN 'n' THEN 'io.wharf.tag.created' ELSE 'io.wharf.tag.updated' END,
       r.name, r.project, coalesce(e.tag, v.digest), v.digest, e.tag, a.name, pg_temp.at(e.seq),
       '{"repository":"' || r.name || '","digest":"' || v.digest || '"'
           || CASE WHEN e.tag IS NOT NULL THEN ',"tag":"' || e.tag || '"' ELSE '' END
           || CASE WHEN e.kind = 'u' THEN ',"previousDigest":"' || pv.digest || '"' ELSE '' END
           || ',"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.oci.image.config.v1+json","size":'
           || v.size || ',"platforms":[],"project":"' || r.project || '","actor":{"kind":"' || a.kind || '","name":"' || a.name
           || '"},"request":{"id":"' || gen_random_uuid() || '","remoteAddr":"10.' || (e.i / 65536) % 256 || '.' || (e.i / 256) % 256 || '.' || e.i % 256
           || '","userAgent":"' || a.agent || '"}}',
       pg_temp.at(e.seq) + interval '40 milliseconds'
FROM gen_event e
JOIN repository r ON r.id = e.i
JOIN gen_manifest v ON v.manifest_id = pg_temp.manifest_id(e.i, e.j)
LEFT JOIN gen_manifest pv ON e.kind = 'u' AND pv.manifest_id = pg_temp.manifest_id(e.i, e.prev)
CROSS JOIN LATERAL (SELECT CASE WHEN e.seq > (:ea + :eb) THEN 'robot' ELSE 'user' END AS kind,
                           CASE WHEN e.seq > (:ea + :eb) THEN 'robot$' || r.project || '+ci' ELSE 'dev-' || e.i % 50 END AS name,
                           CASE WHEN e.seq > (:ea + :eb) THEN 'containerd/v1.7.24'
                                ELSE 'docker/27.3.1 go/go1.22.7 git-commit/41ca978 kernel/6.8.0-45-generic os/linux arch/amd64' END AS agent) a;
SELECT setval(pg_get_serial_sequence('registry_event', 'seq'), :events);

SET session_replication_role = origin;

\echo event hours
-- What the relay's stamping of published_at adds to registry_event_hour (its trigger was off above).
INSERT INTO registry_event_hour (hour, min_seq, max_seq)
SELECT floor(extract(epoch FROM occurred_at) / 3600)::bigint, min(seq), max(seq) FROM registry_event GROUP BY 1;

\echo usage
-- What quota_recompute computes (distinct linked blobs, every manifest row), for every project at once.
WITH linked AS (SELECT DISTINCT r.project, l.digest FROM repository_blob l JOIN repository r ON r.id = l.repository_id),
     blob_bytes AS (SELECT k.project, sum(b.size) AS bytes FROM linked k JOIN blob b ON b.digest = k.digest GROUP BY k.project),
     manifests AS (SELECT r.project, sum(m.size) AS bytes, count(*) AS n FROM manifest m JOIN repository r ON r.id = m.repository_id GROUP BY r.project)
INSERT INTO project_usage (project, blob_bytes, manifest_bytes, artifacts)
SELECT p.name, coalesce(bb.bytes, 0), coalesce(m.bytes, 0), coalesce(m.n, 0)
FROM project p LEFT JOIN blob_bytes bb ON bb.project = p.name LEFT JOIN manifests m ON m.project = p.name
ON CONFLICT (project) DO UPDATE SET blob_bytes = EXCLUDED.blob_bytes, manifest_bytes = EXCLUDED.manifest_bytes, artifacts = EXCLUDED.artifacts;

\echo indexes
DO $$
DECLARE r RECORD;
BEGIN
    FOR r IN SELECT def FROM saved_index LOOP
        EXECUTE r.def;
    END LOOP;
END $$;

\echo checks
-- The invariants pushes keep, checked on what was written.
DO $$
DECLARE n BIGINT;
BEGIN
    SELECT count(*) INTO n FROM manifest m WHERE m.digest <> 'sha256:' || encode(sha256(m.content), 'hex');
    IF n > 0 THEN RAISE EXCEPTION '% manifests whose digest is not that of their bytes', n; END IF;
    SELECT count(*) INTO n FROM manifest_reference mr JOIN manifest m ON m.id = mr.manifest_id
    WHERE NOT EXISTS (SELECT 1 FROM repository_blob l WHERE l.repository_id = m.repository_id AND l.digest = mr.digest);
    IF n > 0 THEN RAISE EXCEPTION '% manifest references to blobs not linked to the repository', n; END IF;
    SELECT count(*) INTO n FROM repository_blob l WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.digest = l.digest);
    IF n > 0 THEN RAISE EXCEPTION '% links to missing blobs', n; END IF;
    SELECT count(*) INTO n FROM tag t WHERE NOT EXISTS (SELECT 1 FROM manifest m WHERE m.id = t.manifest_id AND m.repository_id = t.repository_id);
    IF n > 0 THEN RAISE EXCEPTION '% tags pointing at no manifest of their repository', n; END IF;
    -- The last tag event of every tag names the digest the tag points at now.
    SELECT count(*) INTO n FROM (
        SELECT DISTINCT ON (repository, tag) repository, tag, digest FROM registry_event
        WHERE tag IS NOT NULL ORDER BY repository, tag, seq DESC) last
    JOIN repository r ON r.name = last.repository
    JOIN tag t ON t.repository_id = r.id AND t.name = last.tag
    JOIN manifest m ON m.id = t.manifest_id
    WHERE m.digest <> last.digest;
    IF n > 0 THEN RAISE EXCEPTION '% tags whose last event names another digest', n; END IF;
    SELECT count(*) INTO n FROM project_usage WHERE project IN (SELECT name FROM project ORDER BY name LIMIT 5) AND quota_recompute(project);
    IF n > 0 THEN RAISE EXCEPTION 'project_usage differs from quota_recompute for % projects', n; END IF;
END $$;

SELECT (SELECT count(*) FROM project) AS projects, (SELECT count(*) FROM repository) AS repositories,
       (SELECT count(*) FROM manifest) AS manifests, (SELECT count(*) FROM tag) AS tags,
       (SELECT count(*) FROM blob) AS blobs, (SELECT count(*) FROM registry_event) AS events;
