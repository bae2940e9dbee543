-- Tag immutability rules of a project (issue 22). A rule protects the tags it matches: a push that
-- would move one to another digest, and a delete that would remove one, are refused. Patterns use the
-- shared grammar of io.wharf.reference (Glob; tag patterns may be RE2 regexes); each list is matched
-- as a whole, INCLUDE (the rule covers what a pattern matches) or EXCLUDE (what no pattern matches).
-- Deleting the project deletes its rules.
CREATE TABLE immutability_rule (
    id                      BIGSERIAL   PRIMARY KEY,
    project_id              BIGINT      NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    description             TEXT,
    enabled                 BOOLEAN     NOT NULL DEFAULT TRUE,
    repository_patterns     TEXT[]      NOT NULL CHECK (cardinality(repository_patterns) > 0),
    repositories_excluded   BOOLEAN     NOT NULL DEFAULT FALSE,
    tag_patterns            TEXT[]      NOT NULL CHECK (cardinality(tag_patterns) > 0),
    tags_excluded           BOOLEAN     NOT NULL DEFAULT FALSE,
    tag_pattern_syntax      TEXT        NOT NULL DEFAULT 'glob' CHECK (tag_pattern_syntax IN ('glob', 'regex')),
    -- signature and attestation tags (sha256-*, *.sig, *.att) are exempt unless this is set
    include_signature_tags  BOOLEAN     NOT NULL DEFAULT FALSE,
    created_by              TEXT        NOT NULL,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX immutability_rule_project ON immutability_rule (project_id);
