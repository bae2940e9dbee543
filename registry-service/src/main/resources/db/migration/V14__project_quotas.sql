-- Per-project quotas and what each project uses.
--
-- Usage of a project = the sizes of the DISTINCT blob digests that its repositories link
-- (repository_blob), so a layer shared by several repositories or tags counts once, plus the sizes
-- of its manifests (each repository keeps its own copy of a manifest's bytes, so each row counts).
-- Artifacts = its manifest rows.
--
-- project_usage is kept exact by the triggers below, in the transaction of every change to
-- repository_blob, manifest and repository, whichever code makes it (pushes, deletes, garbage
-- collection, retention). Every change to a project's usage first locks the project's usage row, so
-- the "does another repository of the project still link this digest?" checks of concurrent
-- transactions are serialized and never both count (or both forget) a shared blob.
-- quota_recompute(project) recomputes a project's row from the tables (drift repair).

CREATE TABLE project_quota (
    project        VARCHAR(255) PRIMARY KEY REFERENCES project (name) ON DELETE CASCADE,
    -- bytes; NULL: no storage limit
    storage_limit  BIGINT CHECK (storage_limit IS NULL OR storage_limit >= 0),
    -- manifests; NULL: no artifact limit
    artifact_limit BIGINT CHECK (artifact_limit IS NULL OR artifact_limit >= 0),
    -- true once a push took usage past the warning threshold; cleared when usage is found below it
    warned         BOOLEAN NOT NULL DEFAULT false,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE project_usage (
    project        TEXT PRIMARY KEY,
    blob_bytes     BIGINT NOT NULL DEFAULT 0,
    manifest_bytes BIGINT NOT NULL DEFAULT 0,
    artifacts      BIGINT NOT NULL DEFAULT 0
);

-- Locks (creating if needed) the project's usage row until the end of the transaction.
CREATE FUNCTION quota_lock_usage(p TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO project_usage (project) VALUES (p) ON CONFLICT (project) DO NOTHING;
    PERFORM 1 FROM project_usage WHERE project = p FOR UPDATE;
END $$;

-- True when a repository of project p other than repository `skip` links the digest.
CREATE FUNCTION quota_linked_elsewhere(p TEXT, d TEXT, skip BIGINT) RETURNS boolean LANGUAGE sql AS $$
    SELECT EXISTS (SELECT 1 FROM repository_blob l JOIN repository r ON r.id = l.repository_id
                   WHERE l.digest = d AND r.project = p AND l.repository_id <> skip)
$$;

-- A link added or removed: the blob's size counts when it is the first link of the digest in the
-- project, and stops counting with the last.
CREATE FUNCTION quota_blob_link_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    link   repository_blob;
    p      TEXT;
    sign   INTEGER;
BEGIN
    IF TG_OP = 'INSERT' THEN
        link := NEW;
        sign := 1;
    ELSE
        link := OLD;
        sign := -1;
    END IF;
    SELECT project INTO p FROM repository WHERE id = link.repository_id;
    IF p IS NULL THEN
        -- The repository itself is being deleted: quota_repository_deleting accounted for it.
        RETURN NULL;
    END IF;
    PERFORM quota_lock_usage(p);
    IF NOT quota_linked_elsewhere(p, link.digest, link.repository_id) THEN
        UPDATE project_usage SET blob_bytes = blob_bytes + sign * coalesce((SELECT size FROM blob WHERE digest = link.digest), 0)
        WHERE project = p;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER quota_blob_link_changed AFTER INSERT OR DELETE ON repository_blob FOR EACH ROW EXECUTE FUNCTION quota_blob_link_changed();

-- A blob row deleted while still linked (its links would go by cascade, after its size): unlink first.
CREATE FUNCTION quota_blob_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM repository_blob WHERE digest = OLD.digest;
    RETURN OLD;
END $$;
CREATE TRIGGER quota_blob_deleting BEFORE DELETE ON blob FOR EACH ROW EXECUTE FUNCTION quota_blob_deleting();

CREATE FUNCTION quota_manifest_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT project INTO p FROM repository WHERE id = NEW.repository_id;
        IF p IS NOT NULL THEN
            PERFORM quota_lock_usage(p);
            UPDATE project_usage SET manifest_bytes = manifest_bytes + NEW.size, artifacts = artifacts + 1 WHERE project = p;
        END IF;
    ELSE
        SELECT project INTO p FROM repository WHERE id = OLD.repository_id;
        IF p IS NOT NULL THEN
            PERFORM quota_lock_usage(p);
            UPDATE project_usage SET manifest_bytes = manifest_bytes - OLD.size, artifacts = artifacts - 1 WHERE project = p;
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER quota_manifest_changed AFTER INSERT OR DELETE ON manifest FOR EACH ROW EXECUTE FUNCTION quota_manifest_changed();

-- A repository going: take away, while its rows are still there, its manifests and the blobs no
-- other repository of the project links. Its rows then go by cascade, unseen by the triggers above.
CREATE FUNCTION quota_repository_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM quota_lock_usage(OLD.project);
    UPDATE project_usage SET
        blob_bytes = blob_bytes - (SELECT coalesce(sum(b.size), 0) FROM repository_blob l JOIN blob b ON b.digest = l.digest
                                   WHERE l.repository_id = OLD.id AND NOT quota_linked_elsewhere(OLD.project, l.digest, OLD.id)),
        manifest_bytes = manifest_bytes - (SELECT coalesce(sum(size), 0) FROM manifest WHERE repository_id = OLD.id),
        artifacts = artifacts - (SELECT count(*) FROM manifest WHERE repository_id = OLD.id)
    WHERE project = OLD.project;
    RETURN OLD;
END $$;
CREATE TRIGGER quota_repository_deleting BEFORE DELETE ON repository FOR EACH ROW EXECUTE FUNCTION quota_repository_deleting();

-- Recomputes the project's usage from the tables, under its lock; true when the row was wrong.
CREATE FUNCTION quota_recompute(p TEXT) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    fixed BOOLEAN;
BEGIN
    PERFORM quota_lock_usage(p);
    WITH actual AS (
        SELECT
            (SELECT coalesce(sum(b.size), 0) FROM blob b WHERE b.digest IN (
                SELECT l.digest FROM repository_blob l JOIN repository r ON r.id = l.repository_id WHERE r.project = p)) AS blob_bytes,
            (SELECT coalesce(sum(m.size), 0) FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE r.project = p) AS manifest_bytes,
            (SELECT count(*) FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE r.project = p) AS artifacts)
    UPDATE project_usage u SET blob_bytes = a.blob_bytes, manifest_bytes = a.manifest_bytes, artifacts = a.artifacts
    FROM actual a
    WHERE u.project = p AND (u.blob_bytes, u.manifest_bytes, u.artifacts) IS DISTINCT FROM (a.blob_bytes, a.manifest_bytes, a.artifacts)
    RETURNING true INTO fixed;
    RETURN coalesce(fixed, false);
END $$;

-- What exists already.
INSERT INTO project_usage (project) SELECT DISTINCT project FROM repository ON CONFLICT DO NOTHING;
SELECT quota_recompute(project) FROM project_usage;

-- The storage limit new projects start with (wharf.quota.default-storage, written at each start;
-- NULL: none). Applied by a trigger, so every way of creating a project gets it.
CREATE TABLE quota_default (
    singleton     BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
    storage_limit BIGINT CHECK (storage_limit IS NULL OR storage_limit >= 0)
);
INSERT INTO quota_default (storage_limit) VALUES (NULL);

CREATE FUNCTION quota_project_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO project_quota (project, storage_limit)
    SELECT NEW.name, storage_limit FROM quota_default WHERE storage_limit IS NOT NULL
    ON CONFLICT (project) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER quota_project_created AFTER INSERT ON project FOR EACH ROW EXECUTE FUNCTION quota_project_created();
