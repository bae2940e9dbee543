-- Registry metadata. Blob bytes live in the BlobStore; this schema says which repository may
-- serve which blob, which manifests and tags exist, and what refers to what.

CREATE TABLE repository (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL UNIQUE,
    project     TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX repository_project_idx ON repository (project);

-- Every committed blob the store holds, with its size.
CREATE TABLE blob (
    digest      TEXT        PRIMARY KEY,
    size        BIGINT      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A blob is readable through a repository only if a row here links them.
CREATE TABLE repository_blob (
    repository_id BIGINT      NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    digest        TEXT        NOT NULL REFERENCES blob (digest) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (repository_id, digest)
);
CREATE INDEX repository_blob_digest_idx ON repository_blob (digest);

-- Manifests keep the exact bytes pushed: those are the bytes served.
CREATE TABLE manifest (
    id             BIGSERIAL   PRIMARY KEY,
    repository_id  BIGINT      NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    digest         TEXT        NOT NULL,
    media_type     TEXT        NOT NULL,
    artifact_type  TEXT,
    size           INTEGER     NOT NULL,
    content        BYTEA       NOT NULL,
    subject_digest TEXT,
    annotations    TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (repository_id, digest)
);
CREATE INDEX manifest_subject_idx ON manifest (repository_id, subject_digest) WHERE subject_digest IS NOT NULL;

-- What a manifest references: blobs (config, layers) and child manifests (an index's entries).
CREATE TABLE manifest_reference (
    manifest_id BIGINT NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    digest      TEXT   NOT NULL,
    kind        TEXT   NOT NULL CHECK (kind IN ('blob', 'manifest')),
    PRIMARY KEY (manifest_id, digest, kind)
);
CREATE INDEX manifest_reference_digest_idx ON manifest_reference (digest);

CREATE TABLE tag (
    repository_id BIGINT      NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    name          TEXT COLLATE "C" NOT NULL,
    manifest_id   BIGINT      NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (repository_id, name)
);
CREATE INDEX tag_manifest_idx ON tag (manifest_id);
