-- Deploy rules: which pushes (repository or glob, tag policy) update which target, and how.
CREATE TABLE deploy_rule (
    id                  UUID        PRIMARY KEY,
    name                TEXT        NOT NULL,
    project             TEXT        NOT NULL,            -- first path segment of the repository (globs fix it)
    repository          TEXT        NOT NULL,            -- repository name or glob, e.g. acme/api or acme/svc-*
    policy_kind         TEXT        NOT NULL,            -- EXACT | GLOB | REGEX | SEMVER
    policy              TEXT        NOT NULL,            -- the tag, glob, regex or semver range
    target_kind         TEXT        NOT NULL,            -- kind() of a DeployTarget bean: kubernetes | docker | http
    target_settings     TEXT        NOT NULL,            -- JSON of the target's settings; secrets sealed (AES-GCM)
    enabled             BOOLEAN     NOT NULL DEFAULT TRUE,
    dry_run             BOOLEAN     NOT NULL DEFAULT FALSE,
    approvals_required  INTEGER     NOT NULL DEFAULT 0,
    debounce_ms         BIGINT      NOT NULL DEFAULT 0,
    min_interval_ms     BIGINT      NOT NULL DEFAULT 0,
    window_days         TEXT,                            -- comma-separated MON..SUN; null = no deploy window
    window_start        TEXT,                            -- HH:MM UTC, inclusive
    window_end          TEXT,                            -- HH:MM UTC, exclusive (before start: the window spans midnight)
    on_hold             BOOLEAN     NOT NULL DEFAULT FALSE,
    hold_reason         TEXT,
    held_at             TIMESTAMPTZ,
    last_version        TEXT,                            -- semver policies: highest version deployed (downgrade guard)
    created_by          TEXT        NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX deploy_rule_project_idx ON deploy_rule (project);

-- Deployments: one row per planned change, written in the transaction that takes the registry event in.
CREATE TABLE deployment (
    id              UUID        PRIMARY KEY,
    rule_id         UUID        NOT NULL REFERENCES deploy_rule (id) ON DELETE CASCADE,
    trigger         TEXT        NOT NULL,                -- EVENT (a registry event) | ROLLBACK (manual, through the API)
    event_id        TEXT        NOT NULL,                -- the registry event (for rollbacks: that of the deployment restored)
    project         TEXT        NOT NULL,                -- the rule's project (access checks of the history)
    repository      TEXT        NOT NULL,
    tag             TEXT,
    digest          TEXT        NOT NULL,
    image           TEXT        NOT NULL,
    from_image      TEXT,
    from_digest     TEXT,
    state           TEXT        NOT NULL,
    reason          TEXT,
    dry_run         BOOLEAN     NOT NULL DEFAULT FALSE,
    requested_by    TEXT,
    event_time      TIMESTAMPTZ,
    not_before      TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at      TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Idempotency per (rule, digest): a redelivered event, or one digest under three tags, plans one deployment.
-- Deployments that never ran (skipped, superseded, rejected) do not count, nor do manual rollbacks.
CREATE UNIQUE INDEX deployment_rule_digest_uq ON deployment (rule_id, digest)
    WHERE trigger = 'EVENT' AND state NOT IN ('SKIPPED', 'SUPERSEDED', 'REJECTED');
CREATE INDEX deployment_rule_idx ON deployment (rule_id, created_at);
CREATE INDEX deployment_project_idx ON deployment (project, created_at);
CREATE INDEX deployment_due_idx ON deployment (not_before) WHERE state = 'WAITING';

-- Approvals of deployments that need them: one per user.
CREATE TABLE deployment_approval (
    deployment_id   UUID        NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
    approver        TEXT        NOT NULL,
    approved_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (deployment_id, approver)
);

-- deployment.* events, written in the transaction that changes the deployment, relayed to Kafka.
CREATE TABLE deployment_outbox (
    id              UUID        PRIMARY KEY,
    seq             BIGSERIAL   NOT NULL,                -- publication order (one transaction may write several)
    repository      TEXT        NOT NULL,                -- the Kafka record key
    event           TEXT        NOT NULL,                -- structured CloudEvent JSON
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at    TIMESTAMPTZ
);
CREATE INDEX deployment_outbox_unpublished_idx ON deployment_outbox (seq) WHERE published_at IS NULL;
