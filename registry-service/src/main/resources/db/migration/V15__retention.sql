-- Retention (io.wharf.registry.retention): per-project keep-rules, untagged-manifest cleanup, the
-- digests Wharf deployments run or may roll back to, and the history of runs.

-- When each manifest was last pulled: set by PullCounter's batched flush (with pull_count), never by a pull.
ALTER TABLE manifest ADD COLUMN last_pulled_at TIMESTAMPTZ;

-- One policy per project. rules is a JSON array of keep-rules (see RetentionRule); schedule a Quartz
-- cron expression or null (off). next_run_at is when the schedule runs it next: an instance claims a
-- due run by moving next_run_at forward with compare-and-set, so one instance runs it.
CREATE TABLE retention_policy (
    project          TEXT        PRIMARY KEY REFERENCES project (name) ON DELETE CASCADE,
    rules            JSONB       NOT NULL DEFAULT '[]',
    schedule         TEXT,
    next_run_at      TIMESTAMPTZ,
    delete_untagged  BOOLEAN     NOT NULL DEFAULT false,
    untagged_grace_hours INTEGER NOT NULL DEFAULT 24 CHECK (untagged_grace_hours >= 0),
    untagged_next_at TIMESTAMPTZ,
    updated_by       TEXT,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every digest a Wharf deployment ran, runs, or may roll back to, per repository, learned from the
-- deployment.* events on wharf.pipeline.events (digest and previousDigest). Never purged: event
-- retention does not touch it, and retention and untagged cleanup never delete these digests.
CREATE TABLE deployed_digest (
    repository   TEXT        NOT NULL,
    digest       TEXT        NOT NULL,
    first_seen   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_event   TEXT        NOT NULL,
    PRIMARY KEY (repository, digest)
);

-- Runs of retention (kind retention) and untagged cleanup (kind untagged), dry or real. report holds,
-- per repository, each artifact with its tags, KEEP or DELETE and what decided.
CREATE TABLE retention_run (
    id           BIGSERIAL   PRIMARY KEY,
    project      TEXT        NOT NULL,
    kind         TEXT        NOT NULL CHECK (kind IN ('retention', 'untagged')),
    dry_run      BOOLEAN     NOT NULL,
    trigger      TEXT        NOT NULL CHECK (trigger IN ('manual', 'schedule', 'gc')),
    actor        TEXT,
    status       TEXT        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    kept         INTEGER     NOT NULL DEFAULT 0,
    deleted      INTEGER     NOT NULL DEFAULT 0,
    deleted_tags INTEGER     NOT NULL DEFAULT 0,
    error        TEXT,
    report       JSONB
);
CREATE INDEX retention_run_project_idx ON retention_run (project, id);
-- A real run of a kind is one at a time per project.
CREATE UNIQUE INDEX retention_run_one_real_idx ON retention_run (project, kind) WHERE status = 'running' AND NOT dry_run;
