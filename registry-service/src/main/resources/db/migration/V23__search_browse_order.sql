-- Search at 100 000 repositories (SearchService).
--
-- A search without text (browse) lists every repository in the order of its page: most pulled first,
-- then by name. This index gives that order, so the first page reads its rows and stops instead of
-- sorting all of them.
CREATE INDEX repository_browse_order ON repository (pull_count DESC, name) WHERE populated;

-- Similar-name matches (the name after the project, pg_trgm's % at the search's own threshold) from a
-- GiST trigram index instead of the GIN one: GIN finds every name sharing a few of the text's
-- trigrams (for "app-777", the 10 000 names with "app", each then compared), GiST keeps each name's
-- trigrams in its leaves and compares there, so only the names alike enough are read.
DO $$
DECLARE
    ext_schema TEXT;
BEGIN
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX repository_short_name_trgm_gist ON repository USING gist ((substr(name, length(project) + 2)) %I.gist_trgm_ops)', ext_schema);
        DROP INDEX IF EXISTS repository_short_name_trgm;
    END IF;
END $$;
