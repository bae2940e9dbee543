-- Search, repository details and pull counts.
--
-- Repositories get what people write about them (description, README) and a pull count;
-- manifests get a pull count (a tag's count is that of the manifest it points at). Pull counts are
-- added in batches by PullCounter's flush, never one write per pull. A repository's push time is
-- not stored: it is read from its manifests' and tags' own times (indexed below), so a push writes
-- nothing more than before and takes no lock on the repository row.

ALTER TABLE repository
    ADD COLUMN description TEXT,
    ADD COLUMN readme      TEXT,
    ADD COLUMN pull_count  BIGINT NOT NULL DEFAULT 0;
ALTER TABLE manifest ADD COLUMN pull_count BIGINT NOT NULL DEFAULT 0;

-- Push times per repository (latest push, pushedSince) and tag-name filters.
CREATE INDEX tag_pushed_idx ON tag (repository_id, updated_at);
CREATE INDEX manifest_pushed_idx ON manifest (repository_id, created_at);
CREATE INDEX tag_name_idx ON tag (name);

-- Full-text over descriptions ('simple': names and words, no stemming of product names).
CREATE INDEX repository_description_fts ON repository USING gin (to_tsvector('simple', coalesce(description, '')));

-- Substring and similarity matches on names use trigram indexes (pg_trgm, shipped with PostgreSQL's
-- contrib and with the embedded binaries the tests may use). Where the extension cannot be
-- created, search still answers the same, by scanning (SearchService checks which is the case).
-- If the database already has pg_trgm in another schema, that one is used.
DO $$
DECLARE
    ext_schema TEXT;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA registry;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available (%): search scans instead of using trigram indexes', SQLERRM;
    END;
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX repository_name_trgm ON repository USING gin (name %I.gin_trgm_ops)', ext_schema);
        -- The name after the project ("nginx" of "library/nginx"): what similar-name matches compare.
        EXECUTE format('CREATE INDEX repository_short_name_trgm ON repository USING gin ((substr(name, length(project) + 2)) %I.gin_trgm_ops)', ext_schema);
        EXECUTE format('CREATE INDEX project_name_trgm ON project USING gin (name %I.gin_trgm_ops)', ext_schema);
        EXECUTE format('CREATE INDEX tag_name_trgm ON tag USING gin (name %I.gin_trgm_ops)', ext_schema);
    END IF;
END $$;
