-- Online garbage collection (io.wharf.registry.gc). A blob row moves live -> marked -> deleting and is
-- then deleted with its bytes ("gone"). Every step is a compare-and-set on this column; a push, mount
-- or read that touches a marked blob moves it back to live (see BlobLiveness for the locking rules).
ALTER TABLE blob ADD COLUMN state TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'marked', 'deleting'));
-- When the run marked it (null unless marked).
ALTER TABLE blob ADD COLUMN marked_at TIMESTAMPTZ;
-- When a push, mount or read last moved it back to live from marked or deleting: the grace counts from
-- the later of this and created_at.
ALTER TABLE blob ADD COLUMN revived_at TIMESTAMPTZ;
-- Only the few rows a run is working on are not live: the sweep finds them without a scan.
CREATE INDEX blob_gc_state_idx ON blob (state, digest) WHERE state <> 'live';

-- One row per garbage-collection run, kept as its history.
CREATE TABLE gc_run (
    id                UUID        PRIMARY KEY,
    trigger           TEXT        NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    dry_run           BOOLEAN     NOT NULL,
    status            TEXT        NOT NULL CHECK (status IN ('running', 'completed', 'stopped', 'failed')),
    started_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at       TIMESTAMPTZ,
    blobs_deleted     BIGINT      NOT NULL DEFAULT 0,
    bytes_freed       BIGINT      NOT NULL DEFAULT 0,
    manifests_deleted BIGINT      NOT NULL DEFAULT 0,
    requested_by      TEXT,
    -- Set by POST /api/v1/gc/{id}/stop on any instance; the run looks at it between batches.
    stop_requested    BOOLEAN     NOT NULL DEFAULT false,
    error             TEXT
);
CREATE INDEX gc_run_started_idx ON gc_run (started_at DESC, id DESC);
-- At most one run in progress (besides the advisory lock that the running instance holds).
CREATE UNIQUE INDEX gc_run_one_running_idx ON gc_run ((true)) WHERE status = 'running';
